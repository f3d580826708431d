#ifndef NABZ_BRIDGE_TIMEFMT_H
#define NABZ_BRIDGE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Epoch milliseconds as RFC 3339 UTC with milliseconds. */
void nabz_timefmt__rfc3339(int64_t epoch_ms, char *buf, size_t buflen);
int64_t nabz_timefmt__mono_ms(void);
int64_t nabz_timefmt__wall_ms(void);

#endif
