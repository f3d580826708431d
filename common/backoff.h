#ifndef NABZ_BACKOFF_H
#define NABZ_BACKOFF_H

#include <stdint.h>

/* Retry delays: capped doubling, then jitter. Pure (the random value is
 * an argument) apart from nabz_backoff__random(). Units are the caller's
 * (ms, us): base and cap share them. Any thread. */

enum nabz_jitter {
	NABZ_JITTER_NONE,  /* the ceiling itself */
	NABZ_JITTER_FULL,  /* AWS "full jitter": uniform in [1, ceiling] */
	NABZ_JITTER_EQUAL, /* AWS "equal jitter": uniform in [ceiling/2, ceiling] */
};

/* min(cap, base * 2^attempt); attempt 0 is the first retry. Never
 * overflows, whatever attempt is. base >= 1, cap >= base. */
int64_t nabz_backoff__ceiling(unsigned attempt, int64_t base, int64_t cap);

/* The delay before retry number attempt (0 first): the ceiling with the
 * jitter applied using rnd. Never below 1 (the ceiling is at least 1). */
int64_t nabz_backoff__delay(unsigned attempt, int64_t base, int64_t cap, enum nabz_jitter jitter, uint32_t rnd);

/* A random value from the kernel (getrandom); 0 if none could be had. */
uint32_t nabz_backoff__random(void);

#endif
