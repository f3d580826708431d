/*
 * The fetch side: when each source is asked, and where its answers go.
 * What a source asks for and how its answers are read are its row in the
 * table (source.h, source/<name>.c); sources.c is the scheduler:
 * per-source request budgets, Retry-After on 429 and 418, exponential
 * backoff with jitter on failures; every failure counted and logged once
 * (again only when it changes). The state the bridge's parts share is
 * struct nabz_bridge below: the watch list (watch.c), news (news_merge.c),
 * what is published each turn (updates.c, payload.c). Single-threaded.
 */
#ifndef NABZ_BRIDGE_SOURCES_H
#define NABZ_BRIDGE_SOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "alerts.h"
#include "coin_id.h"
#include "config.h"
#include "history.h"
#include "http.h"
#include "news_recent.h"
#include "news_seen.h"
#include "prices.h"
#include "publish.h"
#include "signals.h"

struct nabz_source_state {
	enum nabz_source_id id;
	int64_t next_poll_ms;
	int64_t phase_ms;                /* offset from the others (next_poll_after) */
	int64_t blocked_until_ms;        /* Retry-After */
	unsigned failures;               /* in a row */
	unsigned in_flight;
	int64_t window_start_ms;         /* request budget, per minute */
	unsigned window_requests;
	bool ok;
	bool ever_tried;                 /* a round was started */
	bool ever_answered;              /* a request ended, well or not: status known */
	int64_t last_success_wall_ms;
	double last_latency_ms;
	char last_error[160];
	uint64_t errors_total;
	uint64_t requests_total;
	char etag[8][128];               /* per request kind; rss: per feed */
};

struct nabz_bridge {
	struct nabz_bridge_cfg *cfg;
	struct nabz_http http;
	struct nabz_prices prices;
	struct nabz_publisher pub;
	struct nabz_source_state src[NABZ_SRC_COUNT];
	struct nabz_coin_id_list coin_ids;  /* CoinGecko ids of the watched symbols */
	struct nabz_alerts alerts;
	struct nabz_news_seen news_seen;
	struct nabz_news_recent news_recent;
	struct nabz_history history;      /* the charts' price history (history_feed.c) */
	struct nabz_signals signals;      /* trading signals' states (signals_feed.c) */
	int64_t signals_minute_ms;        /* the minute they were last read in */
	int64_t signals_wall_ms;          /* the wall time of that reading */
	bool signals_recent_sent;         /* <prefix>/signals/recent published once */
	uint64_t news_published;
	struct nabz_market market;
	bool market_dirty;
	bool sources_dirty;
	int64_t last_sources_publish_ms;
	bool once;
	/* the watch list: configured symbols, then discovered ones */
	char (*watch)[NABZ_SYMBOL_MAX];
	size_t watch_count;
	size_t watch_cap;
	size_t discovered;
	int64_t next_discovery_ms;
	unsigned demo_rounds;            /* demo: snapshots in demo_dir */
	unsigned demo_round[NABZ_SRC_COUNT];
};

int nabz_sources__init(struct nabz_bridge *b);
void nabz_sources__cleanup(struct nabz_bridge *b);
/* Starts the fetches that are due; returns ms until the next one. */
int64_t nabz_sources__poll(struct nabz_bridge *b, int64_t now_ms);
/* Publishes what changed: prices (and stale marks), their history, market,
 * source health (updates.c). */
void nabz_sources__publish(struct nabz_bridge *b, int64_t now_ms);
/* A message of Binance's miniTicker stream (main thread). */
void nabz_sources__stream_message(struct nabz_bridge *b, const char *body, size_t len, int64_t now_ms);

/* True while any fetch is in flight (--once waits for them). */
bool nabz_sources__busy(const struct nabz_bridge *b);

#endif
