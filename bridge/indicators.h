/*
 * The indicators the trading signals are made of, over candle closes
 * (oldest first). Exact definitions, so anyone can check a value by hand
 * (tests/unit/bridge/golden/ holds series checked by an independent
 * script):
 *
 *   SMA(n)  the mean of the last n closes.
 *   RSI(n)  Wilder's: the changes d_i = c_i - c_(i-1) of the closes given;
 *           gain_i = max(d_i, 0), loss_i = max(-d_i, 0). The first average
 *           gain (loss) is the simple mean of the first n gains (losses);
 *           each later change smooths it: avg = (avg * (n - 1) + x) / n.
 *           RSI = 100 - 100 / (1 + avg_gain / avg_loss); when avg_loss is
 *           0 it is 100 (only rises), when both are 0 (flat) it is 50 by
 *           our definition (nothing moved: neither side).
 *
 * Pure; NAN when there are too few closes.
 */
#ifndef NABZ_BRIDGE_INDICATORS_H
#define NABZ_BRIDGE_INDICATORS_H

#include <stddef.h>

/* The mean of the last n of the count closes; NAN when count < n or n 0. */
double nabz_indicator__sma(const double *closes, size_t count, size_t n);

/* Wilder's RSI(n) over all count closes (count - 1 changes); NAN when
 * count < n + 1 or n 0. */
double nabz_indicator__rsi(const double *closes, size_t count, size_t n);

#endif
