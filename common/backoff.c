/* backoff.c: one retry policy for every reconnect and retry loop. */
#include <sys/random.h>

#include "backoff.h"

int64_t nabz_backoff__ceiling(unsigned attempt, int64_t base, int64_t cap)
{
	int64_t c = base < 1 ? 1 : base;

	if(cap < c) return c;
	for(unsigned i = 0; i < attempt && c < cap; i++){
		c = c > cap / 2 ? cap : c * 2;
	}
	return c < cap ? c : cap;
}

int64_t nabz_backoff__delay(unsigned attempt, int64_t base, int64_t cap, enum nabz_jitter jitter, uint32_t rnd)
{
	int64_t c = nabz_backoff__ceiling(attempt, base, cap);

	switch(jitter){
		case NABZ_JITTER_FULL:
			return 1 + (int64_t)(rnd % (uint64_t)c);
		case NABZ_JITTER_EQUAL:
			if(c <= 1) return c;
			return c / 2 + (int64_t)(rnd % (uint64_t)(c / 2 + 1));
		case NABZ_JITTER_NONE:
		default:
			return c;
	}
}

uint32_t nabz_backoff__random(void)
{
	uint32_t rnd;

	if(getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) return 0;
	return rnd;
}
