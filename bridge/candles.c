/* Candles from the minute history (see candles.h). */
#include "candles.h"

#include <string.h>

static const char *const tf_names[NABZ_TF_COUNT] = {[NABZ_TF_1M] = "1m", [NABZ_TF_1H] = "1h"};
static const int64_t tf_ms[NABZ_TF_COUNT] = {[NABZ_TF_1M] = 60000, [NABZ_TF_1H] = 3600000};

const char *nabz_timeframe__name(enum nabz_timeframe tf)
{
	return (unsigned)tf < NABZ_TF_COUNT ? tf_names[tf] : "unknown";
}

int nabz_timeframe__parse(const char *name)
{
	for(int i = 0; i < NABZ_TF_COUNT; i++){
		if(name && strcmp(name, tf_names[i]) == 0) return i;
	}
	return -1;
}

int64_t nabz_timeframe__ms(enum nabz_timeframe tf)
{
	return (unsigned)tf < NABZ_TF_COUNT ? tf_ms[tf] : 0;
}

/* The start of the period of length len that holds t (t >= 0 in practice;
 * floored for negative t too). */
static int64_t period_of(int64_t t, int64_t len)
{
	int64_t p = t - t % len;
	return t < 0 && p != t ? p - len : p;
}

size_t nabz_candles__build(const struct nabz_history_point *points, size_t count, enum nabz_timeframe tf,
		int64_t now_ms, struct nabz_candle *out, size_t max)
{
	int64_t len = nabz_timeframe__ms(tf);
	int64_t current_minute = period_of(now_ms, 60000);
	struct nabz_candle *c = NULL;
	size_t i = count, n = 0;

	if(len == 0 || max == 0) return 0;
	/* The points are oldest first, one a minute: the unfinished ones are
	 * at the end. From the newest finished point backwards, so only the
	 * run that is used is read (a minute's work is the max candles, not
	 * the day), filling out from its end. */
	while(i > 0 && period_of(points[i - 1].t_ms, len) + len > current_minute) i--;
	while(i > 0){
		const struct nabz_history_point *p = &points[--i];
		int64_t start = period_of(p->t_ms, len);

		if(c && c->t_ms == start){                     /* an older point of the same candle */
			if(p->price_usd > c->high) c->high = p->price_usd;
			if(p->price_usd < c->low) c->low = p->price_usd;
			c->open = p->price_usd;
			continue;
		}
		if(c && start != c->t_ms - len) break;         /* a gap: the run ends here */
		if(n == max) break;
		c = &out[max - 1 - n++];
		*c = (struct nabz_candle){start, p->price_usd, p->price_usd, p->price_usd, p->price_usd};
	}
	memmove(out, out + (max - n), n * sizeof(*out));
	return n;
}
