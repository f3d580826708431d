/*
 * The recent price history of each watched symbol, so a chart opened now
 * (or reloaded) has a line to draw at once instead of an empty frame that
 * grows at the update rate. One point a minute per symbol, the last
 * consensus price of that minute, at most the last 24 h
 * (NABZ_HISTORY_MAX_POINTS); published retained on <prefix>/history/<SYM>
 * (type "price_history", history_feed.c) and kept in the state directory
 * (history.json, replaced atomically) so a bridge restart does not empty
 * the charts. A damaged file is reported once and the history starts
 * empty. Single-threaded (the bridge's loop); no clocks: times are passed
 * in (wall clock, ms since the epoch).
 */
#ifndef NABZ_BRIDGE_HISTORY_H
#define NABZ_BRIDGE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "quote.h"

#define NABZ_HISTORY_INTERVAL_MS 60000
/* 24 h at one point a minute. */
#define NABZ_HISTORY_MAX_POINTS 1440
#define NABZ_HISTORY_SPAN_MS ((int64_t)NABZ_HISTORY_MAX_POINTS * NABZ_HISTORY_INTERVAL_MS)
#define NABZ_HISTORY_FILE "history.json"

struct nabz_history_point {
	int64_t t_ms;                   /* the minute's start */
	double price_usd;
};

struct nabz_history_series {
	char symbol[NABZ_SYMBOL_MAX];   /* key */
	struct nabz_history_point points[NABZ_HISTORY_MAX_POINTS];   /* oldest first */
	size_t count;
	UT_hash_handle hh;
};

struct nabz_history {
	struct nabz_history_series *series;   /* uthash by symbol; owned */
	size_t series_count;
	size_t max_series;              /* the most symbols the bridge can watch */
	char *path;                     /* state_dir/history.json; NULL: memory only */
	bool dirty;                     /* changed since the last save */
	bool save_failed;               /* the last save failed (logged once) */
	int64_t saved_ms;               /* wall time of the last save attempt */
};

/* Starts h with at most max_series symbols (at least 1). dir NULL or "":
 * memory only. Otherwise dir/history.json is read back when there is one:
 * points older than 24 h before now_ms are dropped; a file that is not a
 * history (garbage, truncated, wrong shape) is reported once and ignored,
 * the history then starts empty. Returns 0, or -1 when out of memory. */
int nabz_history__open(struct nabz_history *h, const char *dir, size_t max_series, int64_t now_ms);
/* Frees everything; does not save (nabz_history__save first). */
void nabz_history__close(struct nabz_history *h);

/* Reads a saved history (text, len bytes) into h, replacing what it held.
 * Returns 0, or -1 with the reason in err and h left empty. */
int nabz_history__read(struct nabz_history *h, const char *text, size_t len, int64_t now_ms,
		char *err, size_t errlen);

/* Records price for symbol at wall time t_ms: the point of t_ms's minute
 * is set (the last price of a minute is its point); a new minute appends
 * one and drops those 24 h older than it. A time before the newest point
 * (the clock stepped back) is ignored. When max_series symbols are held,
 * a new one takes the place of the one updated longest ago. Returns 1 when
 * a point was appended (a new minute: time to publish), 0 when the current
 * minute's point was updated or the time ignored, -1 when the price is
 * not a positive number or out of memory. */
int nabz_history__add(struct nabz_history *h, const char *symbol, int64_t t_ms, double price_usd);

const struct nabz_history_series *nabz_history__get(const struct nabz_history *h, const char *symbol);

/* The price_history data of symbol: {"symbol", "interval_s", "points":
 * [[t_ms, price_usd], ...]} oldest first; a new object the caller owns.
 * NULL when symbol has no points or out of memory. */
cJSON *nabz_history__to_json(const struct nabz_history *h, const char *symbol);

/* True when h changed and its last save is a minute old: one write a
 * minute at most, however many symbols there are. */
bool nabz_history__save_due(const struct nabz_history *h, int64_t now_ms);
/* Writes the file anew (atomic replace) when h has one; a failure is
 * logged once (again after a success). Returns 0, or -1. */
int nabz_history__save(struct nabz_history *h, int64_t now_ms);

#endif
