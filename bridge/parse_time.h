/*
 * Times as APIs and feeds write them, to epoch milliseconds: epoch
 * numbers in seconds or milliseconds, RFC 3339 (JSON APIs, Atom) and
 * RFC 822 (RSS). Pure functions; any thread may call them.
 */
#ifndef NABZ_BRIDGE_PARSE_TIME_H
#define NABZ_BRIDGE_PARSE_TIME_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "jsonval.h"

/* An epoch time from a JSON number or numeric string counted in seconds
 * (unit_ms 1000) or milliseconds (unit_ms 1); *out_ms in milliseconds,
 * within nabz_jsonval__ts_ok. NABZ_VAL_OK, _MISSING or _BAD. */
int nabz_parse__epoch(const cJSON *item, int64_t unit_ms, int64_t *out_ms);

/* "2024-11-27T08:00:00.123456Z", "...+03:30", "...+0330"; 't', 'z' and a
 * blank for 'T' are accepted, the fraction is cut to milliseconds. The
 * whole string must be consumed. Returns 0 or -1. */
int nabz_parse__rfc3339_ms(const char *s, int64_t *out_ms);
/* RFC 822 / RFC 2822 dates as RSS writes them: "Wed, 27 Nov 2024
 * 08:00:00 +0000", with the weekday and seconds optional, two-digit years,
 * "GMT", "UT", "Z", North American zones, military letters (as +0000) and
 * "+03:30". Returns 0 or -1. */
int nabz_parse__rfc822_ms(const char *s, int64_t *out_ms);

#endif
