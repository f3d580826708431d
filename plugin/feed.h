/*
 * The data feed as the plugin sees it, for /metrics and the alerting
 * rules built on it: when each symbol's price last reached the broker and
 * how old the price it carries is (its source's own time), and each data
 * source's health as the bridge's sources message last reported it.
 *
 * Read from MOSQ_EVT_MESSAGE (events.c): only publishers may publish on
 * the data topics (access.c), so the input is the bridge's, but every
 * table here has a fixed cap anyway. Pure: times are passed in. The
 * broker thread owns the live copy; the service threads render a copy
 * handed over through the seam (seam.h).
 */
#ifndef NABZ_FEED_H
#define NABZ_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quote.h"

/* Symbols tracked at once; further symbols are counted, not tracked. The
 * bridge watches a few dozen (its watch list), well under this. */
#define NABZ_FEED_SYMBOLS_MAX 64
/* Sources kept from one sources message (the bridge has 8). */
#define NABZ_FEED_SOURCES_MAX 16
/* A source's name, NUL included: [a-z0-9_-], at most 31 characters. */
#define NABZ_FEED_SOURCE_NAME_MAX 32

struct nabz_feed_price {
	char symbol[NABZ_SYMBOL_MAX];   /* [A-Z0-9], as in the topic */
	int64_t received_ms;            /* wall clock: when the broker got it */
	int64_t source_ms;              /* data.source_ts; 0 when the payload had none */
	bool stale;                     /* data.stale: the bridge says no source is fresh */
};

struct nabz_feed_source {
	char name[NABZ_FEED_SOURCE_NAME_MAX];
	bool up;                        /* status "ok"; "down" and "unknown" are not */
	int64_t last_success_ms;        /* wall clock; 0 when not said */
};

struct nabz_feed {
	struct nabz_feed_price prices[NABZ_FEED_SYMBOLS_MAX];
	size_t price_count;
	uint64_t price_updates;         /* non-empty messages on <prefix>/prices/<SYM> */
	uint64_t price_untracked;       /* of those, not tracked: name not [A-Z0-9]{1,15}, or over the cap */
	struct nabz_feed_source sources[NABZ_FEED_SOURCES_MAX];
	size_t source_count;
	int64_t sources_received_ms;    /* wall clock of the last sources message; 0: none yet */
};

/* A message on <prefix>/prices/<symbol>, received at wall_ms. An empty
 * payload (a retained price cleared) forgets the symbol: the way to stop
 * alerting on a symbol the bridge no longer watches. */
void nabz_feed__on_price(struct nabz_feed *feed, const char *symbol, const void *payload, size_t len,
		int64_t wall_ms);

/* A message on <prefix>/sources, received at wall_ms: replaces the source
 * table with the one it lists (data.sources, at most
 * NABZ_FEED_SOURCES_MAX names; others skipped). Returns false, changing
 * nothing, when the payload is not such a message. */
bool nabz_feed__on_sources(struct nabz_feed *feed, const void *payload, size_t len, int64_t wall_ms);


#endif
