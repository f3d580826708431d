/*
 * The bridge's side of the price history (history.h): fed each turn with
 * the consensus price just published, published retained on
 * <prefix>/history/<SYM> when a symbol's new minute starts (at most once a
 * minute per symbol), and through the publisher's retained map again
 * after every reconnect. Its file is state_dir/history.json; demo mode
 * keeps it in memory only, seeded from the recorded rounds (so recorded
 * prices never mix into a live history). --once has none.
 * Single-threaded (the bridge's loop).
 */
#ifndef NABZ_BRIDGE_HISTORY_FEED_H
#define NABZ_BRIDGE_HISTORY_FEED_H

#include <stdint.h>

#include "sources.h"

/* After the watch list is made: reads the history back (or seeds it in
 * demo mode) and hands each watched symbol's to the publisher. Returns 0,
 * or -1 when out of memory. */
int nabz_history_feed__start(struct nabz_bridge *b, int64_t wall_ms);
/* Each turn, after the prices went out: records every fresh published
 * price, publishes the symbols whose minute turned, saves when due. */
void nabz_history_feed__turn(struct nabz_bridge *b, int64_t wall_ms);
/* Saves what changed since the last save and frees the history. */
void nabz_history_feed__stop(struct nabz_bridge *b, int64_t wall_ms);

#endif
