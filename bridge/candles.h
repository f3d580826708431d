/*
 * Candles from the bridge's price history (history.h), for the trading
 * signals (signals.h). The history holds one point a minute per symbol:
 * the last consensus price of that minute. So:
 *
 *   - a 1m candle is one minute's point: open = high = low = close = that
 *     price (the history keeps no prices within a minute);
 *   - a 1h candle is the points of one UTC hour [h, h + 1 h): open = its
 *     first point, high = the highest, low = the lowest, close = its last
 *     point; an hour with at least one point is a candle.
 *
 * Only finished candles count: a minute (an hour) whose end is after the
 * start of the current minute is still changing and is left out. A gap
 * (a minute, or an hour, with no point: the bridge was down or the symbol
 * had no price) breaks the run: the indicators read only the unbroken run
 * of candles that ends with the newest finished one, never across a gap.
 * Pure: no clocks, no I/O.
 */
#ifndef NABZ_BRIDGE_CANDLES_H
#define NABZ_BRIDGE_CANDLES_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"

enum nabz_timeframe { NABZ_TF_1M, NABZ_TF_1H, NABZ_TF_COUNT };

/* The most candles a run holds: a day of minutes. */
#define NABZ_CANDLES_MAX NABZ_HISTORY_MAX_POINTS

struct nabz_candle {
	int64_t t_ms;                /* the candle's start */
	double open, high, low, close;
};

/* "1m" or "1h"; "unknown" for anything else. */
const char *nabz_timeframe__name(enum nabz_timeframe tf);
/* The time frame named name; -1 when there is none. */
int nabz_timeframe__parse(const char *name);
/* A time frame's length in ms (60000, 3600000). */
int64_t nabz_timeframe__ms(enum nabz_timeframe tf);

/* Builds, into out (room for max candles), the unbroken run of finished
 * candles of time frame tf that ends with the newest finished one, from
 * points (count of them, oldest first, each the start of a minute, as
 * struct nabz_history_series holds them) at wall time now_ms. When the run
 * is longer than max, its newest max candles (read from the newest point
 * back: the work is the candles returned, not the history). Returns how
 * many were written (0: none finished). */
size_t nabz_candles__build(const struct nabz_history_point *points, size_t count, enum nabz_timeframe tf,
		int64_t now_ms, struct nabz_candle *out, size_t max);

#endif
