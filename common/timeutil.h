#ifndef NABZ_TIMEUTIL_H
#define NABZ_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC: for intervals. */
int64_t nabz_time__mono_ms(void);
/* Milliseconds since the epoch on CLOCK_REALTIME: for timestamps. */
int64_t nabz_time__wall_ms(void);
/* Formats epoch milliseconds as RFC 3339 UTC with milliseconds,
 * "2026-11-27T08:22:13.123Z". buf must hold NABZ_RFC3339_LEN bytes. */
#define NABZ_RFC3339_LEN 32
void nabz_time__rfc3339(int64_t wall_ms, char *buf, size_t buflen);

#endif
