/*
 * What every source last said about every symbol, and the one figure the
 * bridge publishes from it: the median of the fresh sources, with each
 * source's value beside it, a divergence flag, and "stale" once every
 * source has gone quiet. Pure: no clocks, no I/O (times are passed in).
 */
#ifndef NABZ_BRIDGE_PRICES_H
#define NABZ_BRIDGE_PRICES_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "config.h"
#include "quote.h"

/* A source's price that is this many times above or below the others'
 * (or its own last one) is refused as absurd. */
#define NABZ_ABSURD_RATIO 1000.0

struct nabz_source_value {
	double price_usd;               /* NAN: none */
	double price_irt;               /* NAN: none */
	double change_24h_pct;          /* NAN: none */
	int64_t source_ts_ms;
	int64_t received_ms;            /* 0: never */
};

struct nabz_consensus {
	double price_usd;               /* median of the fresh USD values, NAN if none */
	double price_irt;               /* median of the fresh toman values, NAN if none */
	double change_24h_pct;          /* median, NAN if none */
	unsigned sources;               /* fresh sources with a USD price */
	bool divergent;                 /* a source beyond divergence_pct of the median */
	bool stale;                     /* no source is fresh */
	int64_t source_ts_ms;           /* newest source time among the fresh */
	int64_t received_ms;            /* newest receipt */
	uint64_t sources_sig;           /* which sources said what: a change republishes */
};

struct nabz_symbol {
	char symbol[NABZ_SYMBOL_MAX];   /* key */
	struct nabz_source_value by_source[NABZ_SRC_COUNT];
	struct nabz_consensus published; /* what went out last */
	bool ever_published;
	bool dirty;                     /* a source spoke since the last check */
	int64_t ages_at_ms;             /* when a value fresh at the last check ages out */
	UT_hash_handle hh;
};

struct nabz_prices {
	struct nabz_symbol *symbols;
	double divergence_pct;
	int64_t stale_after_ms;
	uint64_t refused_absurd;
};

void nabz_prices__init(struct nabz_prices *p, double divergence_pct, int64_t stale_after_ms);
void nabz_prices__cleanup(struct nabz_prices *p);
struct nabz_symbol *nabz_prices__get(struct nabz_prices *p, const char *symbol, bool create);

/* Records q from source at now_ms. Returns 0, 1 when refused as absurd,
 * -1 when out of memory. */
int nabz_prices__update(struct nabz_prices *p, enum nabz_source_id source,
		const struct nabz_quote *q, int64_t now_ms);

void nabz_prices__consensus(const struct nabz_prices *p, const struct nabz_symbol *s, int64_t now_ms,
		struct nabz_consensus *out);

/* True when s's consensus may differ from the one last checked
 * (nabz_prices__checked): a source spoke since, or one of its values has
 * aged out since. A symbol never checked is due. */
bool nabz_prices__due(const struct nabz_symbol *s, int64_t now_ms);
/* Marks s checked at now_ms: not due again until an update or until its
 * next fresh value ages out. */
void nabz_prices__checked(const struct nabz_prices *p, struct nabz_symbol *s, int64_t now_ms);

/* True when c differs from what was published last in a way a reader
 * would see (price, toman price, change, stale, divergence, source count). */
bool nabz_prices__changed(const struct nabz_symbol *s, const struct nabz_consensus *c);

/* The price_update data object; caller owns it. */
cJSON *nabz_prices__to_json(const struct nabz_prices *p, const struct nabz_symbol *s,
		const struct nabz_consensus *c, int64_t now_ms, int64_t wall_now_ms, bool demo);

#endif
