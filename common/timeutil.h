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
/* The inverse, for messages on the broker, which carry only this form:
 * "YYYY-MM-DDTHH:MM:SS[.fff...]Z" (UTC; fractions past milliseconds
 * dropped) into *out_ms. Returns -1 for anything else, NULL included.
 * (The bridge's parser for the APIs' many variants is bridge/parse_time.c.) */
int nabz_time__parse_rfc3339(const char *s, int64_t *out_ms);
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): no timegm, which needs _DEFAULT_SOURCE. */
int64_t nabz_time__days_from_civil(int64_t y, int m, int d);

#endif
