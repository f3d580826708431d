/*
 * nabz-bridge's configuration: one JSON file. Every bad value is reported
 * with its JSON path and the reason ("sources.kraken.interval_s: must be a
 * whole number in 1..86400"); unknown keys too, so a typo never silently
 * falls back to a default.
 */
#ifndef NABZ_BRIDGE_CONFIG_H
#define NABZ_BRIDGE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "mqttcfg.h"

enum nabz_source_id {
	NABZ_SRC_COINGECKO,
	NABZ_SRC_BINANCE,
	NABZ_SRC_KRAKEN,
	NABZ_SRC_COINBASE,
	NABZ_SRC_NOBITEX,
	NABZ_SRC_WALLEX,
	NABZ_SRC_NEWS,
	NABZ_SRC_RSS,
	NABZ_SRC_COUNT
};

const char *nabz_source__name(enum nabz_source_id id);

struct nabz_source_cfg {
	bool enabled;
	char *base_url;              /* e.g. https://api.coingecko.com */
	char *stream_url;            /* binance: the !miniTicker@arr stream; may be "" */
	long interval_s;             /* poll period */
	long budget_per_min;         /* most requests a minute */
	char **feeds;                /* rss: feed URLs */
	size_t feed_count;
};

enum nabz_rule_kind { NABZ_RULE_ABOVE, NABZ_RULE_BELOW, NABZ_RULE_MOVE };

struct nabz_rule {
	char symbol[16];
	enum nabz_rule_kind kind;
	double threshold;            /* price for above/below, percent for move */
	long window_s;               /* move: the window */
	char *name;                  /* e.g. "BTC above 100000" */
};

/* The trading signals (signals.h): which indicators, on which candles.
 * Config block "signals". */
struct nabz_signals_cfg {
	bool enabled;
	bool timeframe_1m, timeframe_1h;
	bool ma_cross;               /* fast SMA against slow SMA */
	long ma_fast, ma_slow;       /* candles; fast < slow */
	bool rsi;                    /* Wilder's RSI */
	long rsi_period;
	long rsi_candles;            /* the most candles one RSI reads (its warm-up) */
	double rsi_overbought, rsi_oversold;
};

struct nabz_bridge_cfg;
/* Appends n rules to cfg's (taking their names); 0, or -1 when out of
 * memory (the names are freed then). */
int nabz_bridge_cfg__add_rules(struct nabz_bridge_cfg *cfg, struct nabz_rule *rules, size_t n);

struct nabz_bridge_cfg {
	struct nabz_mqtt_cfg mqtt;       /* owned */
	/* data */
	char **symbols;
	size_t symbol_count;
	long discovery_top_n;
	long discovery_interval_s;
	struct nabz_source_cfg sources[NABZ_SRC_COUNT];
	double divergence_pct;
	long stale_after_s;
	/* http */
	long connect_timeout_ms;
	long timeout_ms;
	long max_body_bytes;
	/* state */
	char *state_dir;
	long outbox_max;             /* QoS 1 messages kept while the broker is away */
	long news_seen_max;
	/* alerts */
	struct nabz_rule *rules;
	size_t rule_count;
	double hysteresis_pct;
	long cooldown_s;
	/* trading signals */
	struct nabz_signals_cfg signals;
	/* demo data */
	bool demo;                   /* replay demo_dir instead of the live APIs */
	char *demo_dir;
};

/* Reads path into cfg. On failure returns -1 with "json.path: reason" in
 * err; cfg is then freed. */
int nabz_bridge_cfg__load(struct nabz_bridge_cfg *cfg, const char *path, char *err, size_t errlen);
/* The same from a string (tests). */
int nabz_bridge_cfg__parse(struct nabz_bridge_cfg *cfg, const char *json, size_t len,
		const char *base_dir, char *err, size_t errlen);
void nabz_bridge_cfg__free(struct nabz_bridge_cfg *cfg);

#endif
