/*
 * The bridge's side of the trading signals (signals.h): at the start and
 * whenever a minute turned, every watched symbol's history (history.h) is
 * read with the configured indicators; each state change goes out once on
 * <prefix>/signals (QoS 1, through the outbox), and the current states
 * retained on <prefix>/signals/recent. The states are kept in
 * state_dir/signals.json; demo mode keeps them in memory only (its history
 * is seeded from the recordings) and marks every payload "source":"demo".
 * --once has none. Single-threaded (the bridge's loop).
 */
#ifndef NABZ_BRIDGE_SIGNALS_FEED_H
#define NABZ_BRIDGE_SIGNALS_FEED_H

#include <stdint.h>

#include "sources.h"

/* After the history started: reads the states back and evaluates once.
 * Returns 0, or -1 when out of memory. */
int nabz_signals_feed__start(struct nabz_bridge *b, int64_t wall_ms);
/* Each turn: evaluates when a new minute started since the last time. */
void nabz_signals_feed__turn(struct nabz_bridge *b, int64_t wall_ms);
/* Saves what changed and frees the states. */
void nabz_signals_feed__stop(struct nabz_bridge *b);

#endif
