#include "alerts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nabz_alerts__init(struct nabz_alerts *a, const struct nabz_rule *rules, size_t count,
		double hysteresis_pct, int64_t cooldown_ms)
{
	memset(a, 0, sizeof(*a));
	a->rules = rules;
	a->count = count;
	a->hysteresis_pct = hysteresis_pct;
	a->cooldown_ms = cooldown_ms;
	a->state = calloc(count ? count : 1, sizeof(*a->state));
	if(a->state == NULL) return -1;
	for(size_t i = 0; i < count; i++) a->state[i].armed = true;
	return 0;
}

void nabz_alerts__cleanup(struct nabz_alerts *a)
{
	free(a->state);
	memset(a, 0, sizeof(*a));
}

static bool same_rule(const struct nabz_rule *a, const struct nabz_rule *b)
{
	return strcmp(a->symbol, b->symbol) == 0 && a->kind == b->kind && a->threshold == b->threshold
		&& a->window_s == b->window_s;
}

void nabz_alerts__adopt(struct nabz_alerts *fresh, const struct nabz_alerts *old)
{
	for(size_t i = 0; i < fresh->count; i++){
		for(size_t j = 0; j < old->count; j++){
			if(same_rule(&fresh->rules[i], &old->rules[j])){
				fresh->state[i] = old->state[j];
				break;
			}
		}
	}
}

static bool cooling(const struct nabz_alerts *a, const struct nabz_rule_state *st, int64_t now_ms)
{
	return st->last_fired_ms && now_ms - st->last_fired_ms < a->cooldown_ms;
}

/* above/below: fire when the price crosses from the quiet side; re-arm
 * when it is back beyond the hysteresis band. A rule never fires on the
 * first price it sees: that is no crossing. */
static bool threshold_rule(const struct nabz_alerts *a, const struct nabz_rule *r, struct nabz_rule_state *st,
		double price, int64_t now_ms)
{
	double band = r->threshold * a->hysteresis_pct / 100.0;
	bool beyond = r->kind == NABZ_RULE_ABOVE ? price > r->threshold : price < r->threshold;
	bool quiet = r->kind == NABZ_RULE_ABOVE ? price < r->threshold - band : price > r->threshold + band;

	if(!st->primed){
		if(!beyond) st->primed = true;
		return false;
	}
	if(quiet) st->armed = true;
	if(beyond && st->armed && !cooling(a, st, now_ms)){
		st->armed = false;
		return true;
	}
	return false;
}

static bool move_rule(const struct nabz_alerts *a, const struct nabz_rule *r, struct nabz_rule_state *st,
		double price, int64_t now_ms, double *reference, double *move_pct)
{
	int64_t horizon = now_ms - r->window_s * 1000;
	double extreme = NAN, pct = 0;
	size_t i;

	/* forget samples older than the window */
	while(st->count && st->sample_ms[(st->head + NABZ_MOVE_SAMPLES - st->count) % NABZ_MOVE_SAMPLES] < horizon){
		st->count--;
	}
	/* the sample in the window furthest from the price now */
	for(i = 0; i < st->count; i++){
		double v = st->samples[(st->head + NABZ_MOVE_SAMPLES - 1 - i) % NABZ_MOVE_SAMPLES];
		double d = (price - v) / v * 100.0;
		if(isnan(extreme) || fabs(d) > fabs(pct)){
			extreme = v;
			pct = d;
		}
	}
	st->samples[st->head] = price;
	st->sample_ms[st->head] = now_ms;
	st->head = (st->head + 1) % NABZ_MOVE_SAMPLES;
	if(st->count < NABZ_MOVE_SAMPLES) st->count++;

	if(isnan(extreme)) return false;
	if(fabs(pct) < r->threshold * (1 - a->hysteresis_pct / 100.0)) st->armed = true;
	if(fabs(pct) >= r->threshold && st->armed && !cooling(a, st, now_ms)){
		st->armed = false;
		*reference = extreme;
		*move_pct = pct;
		return true;
	}
	return false;
}

void nabz_alerts__feed(struct nabz_alerts *a, const char *symbol, double price_usd, int64_t now_ms,
		void (*fire)(void *ctx, const struct nabz_alert *alert), void *ctx)
{
	if(!isfinite(price_usd) || price_usd <= 0) return;
	for(size_t i = 0; i < a->count; i++){
		const struct nabz_rule *r = &a->rules[i];
		struct nabz_rule_state *st = &a->state[i];
		struct nabz_alert al;
		bool fired;

		if(strcmp(r->symbol, symbol) != 0) continue;
		memset(&al, 0, sizeof(al));
		al.rule = r;
		al.price = price_usd;
		if(r->kind == NABZ_RULE_MOVE){
			fired = move_rule(a, r, st, price_usd, now_ms, &al.reference, &al.move_pct);
			if(fired){
				snprintf(al.message, sizeof(al.message), "%s %s %.2f%% in %lds: %.8g -> %.8g USD", symbol,
						al.move_pct >= 0 ? "rose" : "fell", fabs(al.move_pct), r->window_s, al.reference, price_usd);
			}
		}else{
			fired = threshold_rule(a, r, st, price_usd, now_ms);
			if(fired){
				snprintf(al.message, sizeof(al.message), "%s is %s %.8g USD: %.8g USD", symbol,
						r->kind == NABZ_RULE_ABOVE ? "above" : "below", r->threshold, price_usd);
			}
		}
		if(fired){
			st->last_fired_ms = now_ms;
			fire(ctx, &al);
		}
	}
}
