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
	size_t n = 0;

	if(len == 0 || max == 0) return 0;
	/* Oldest first; a gap starts the run anew, so what is left at the end
	 * is the run that ends with the newest finished candle. */
	for(size_t i = 0; i < count; i++){
		int64_t start = period_of(points[i].t_ms, len);
		double p = points[i].price_usd;
		struct nabz_candle *last = n ? &out[n - 1] : NULL;

		if(start + len > current_minute) break;       /* not finished: neither is any later one */
		if(last && last->t_ms == start){
			if(p > last->high) last->high = p;
			if(p < last->low) last->low = p;
			last->close = p;
			continue;
		}
		if(last && start != last->t_ms + len) n = 0;  /* a gap: the run starts again */
		if(n == max){                                  /* keep the newest max */
			memmove(out, out + 1, (max - 1) * sizeof(*out));
			n--;
		}
		out[n++] = (struct nabz_candle){start, p, p, p, p};
	}
	return n;
}
