/*
 * Trading signals: per symbol x indicator x time frame, the current state
 * of a well-known indicator over the candles of the price history
 * (candles.h, indicators.h), and an event when that state changes:
 *
 *   ma_cross  fast SMA against slow SMA of the closes (default 9 and 21):
 *             "bullish" when fast > slow, "bearish" when fast < slow; at
 *             exact equality nothing crossed: the state stays as it was
 *             (no state yet: none is taken). value = fast - slow (USD).
 *   rsi       Wilder's RSI (default 14) over the last rsi_candles candles:
 *             "overbought" when > overbought (70), "oversold" when <
 *             oversold (30), "neutral" otherwise (70 and 30 themselves
 *             are neutral). value = the RSI.
 *
 * A state change is an event exactly once: the last state of each is kept
 * in state_dir/signals.json (replaced atomically when it changed), so a
 * restart does not repeat it. Too few candles: no state and no event,
 * said in the log once per symbol x indicator x time frame (again after
 * there were enough). Indicators, not advice: every payload says so.
 * Single-threaded (the bridge's loop); times are passed in.
 */
#ifndef NABZ_BRIDGE_SIGNALS_H
#define NABZ_BRIDGE_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "candles.h"
#include "config.h"
#include "quote.h"

#define NABZ_SIGNALS_FILE "signals.json"
#define NABZ_SIGNALS_NOTE "indicator, not advice"

enum nabz_indicator { NABZ_IND_MA_CROSS, NABZ_IND_RSI, NABZ_IND_COUNT };

/* "ma_cross", "rsi"; "unknown" otherwise. */
const char *nabz_indicator__name(enum nabz_indicator ind);

struct nabz_signal_state {
	char key[NABZ_SYMBOL_MAX + 16];  /* "SYM/indicator/tf"; the hash key */
	char symbol[NABZ_SYMBOL_MAX];
	enum nabz_indicator indicator;
	enum nabz_timeframe timeframe;
	char direction[16];              /* "" while there is none */
	double value;
	int64_t t_ms;                    /* start of the newest candle it was read from */
	bool short_logged;               /* "too few candles" said */
	UT_hash_handle hh;
};

/* One state change, handed to the caller's emit; valid during the call. */
struct nabz_signal_event {
	const struct nabz_signal_state *state;   /* the new state */
	const char *previous;                    /* NULL: there was none */
	double fast, slow;                       /* ma_cross: the two SMAs */
	const struct nabz_candle *candles;       /* the candles used, oldest first */
	size_t candle_count;
	const struct nabz_signals_cfg *cfg;
};

struct nabz_signals {
	const struct nabz_signals_cfg *cfg;      /* borrowed */
	struct nabz_signal_state *states;        /* uthash by key; owned */
	size_t count;
	size_t max_states;
	struct nabz_candle *candles;             /* scratch, NABZ_CANDLES_MAX (reads_most used) */
	char *path;                              /* state_dir/signals.json; NULL: memory only */
	bool dirty;
	bool save_failed;
	bool sorted;                             /* states in key order */
};

/* Starts s with cfg (kept, not copied) and at most max_symbols symbols'
 * states. dir NULL or "": memory only; otherwise dir/signals.json is read
 * back (a damaged file is reported once and the states start empty).
 * Returns 0, or -1 when out of memory. */
int nabz_signals__open(struct nabz_signals *s, const struct nabz_signals_cfg *cfg, const char *dir,
		size_t max_symbols);
void nabz_signals__close(struct nabz_signals *s);

/* Reads a saved file's text into s (replacing its states); 0, or -1 with
 * the reason in err and s left empty. */
int nabz_signals__read(struct nabz_signals *s, const char *text, size_t len, char *err, size_t errlen);

/* Reads symbol's minute points (oldest first) at wall time now_ms with
 * every configured indicator and time frame; emit(ctx, ev) runs for each
 * state that changed. Returns how many changed, -1 when out of memory. */
int nabz_signals__evaluate(struct nabz_signals *s, const char *symbol, const struct nabz_history_point *points,
		size_t count, int64_t now_ms, void (*emit)(void *ctx, const struct nabz_signal_event *ev), void *ctx);

/* The "signal" payload data of ev (docs/CONTRACT.md); the caller owns it.
 * demo: made from replayed recordings. NULL when out of memory. */
cJSON *nabz_signals__event_json(const struct nabz_signal_event *ev, bool demo);
/* The "signals_recent" data: {"signals": [every current state, sorted by
 * symbol, indicator, time frame], "note", "source"}; NULL when out of
 * memory. */
cJSON *nabz_signals__recent_json(struct nabz_signals *s, bool demo);

/* Writes the file anew (atomic replace) when s has one and changed; a
 * failure is logged once (again after a success). Returns 0, or -1. */
int nabz_signals__save(struct nabz_signals *s);

#endif
