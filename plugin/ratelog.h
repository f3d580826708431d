/*
 * One log line per reason per interval, however often the reason comes:
 * what an attacker sends must not flood the log. The line that is written
 * says how many were held back since the last one.
 *
 * Pure data; the caller provides whatever lock its threads need.
 */
#ifndef NABZ_RATELOG_H
#define NABZ_RATELOG_H

#include <stdbool.h>
#include <stdint.h>

#define NABZ_RATELOG_EVERY_MS 10000

struct nabz_ratelog {
	int64_t last_ms;            /* monotonic; 0: never written */
	unsigned suppressed;
};

/* True when a line is due now; then *suppressed is how many were held back
 * and *since_ms how long ago the last line was (0 for the first). */
bool nabz_ratelog__due(struct nabz_ratelog *rl, int64_t now_ms, unsigned *suppressed, int64_t *since_ms);

#endif
