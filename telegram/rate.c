#include "rate.h"

#include <stdlib.h>
#include <string.h>

static int window_init(struct nabz_tg_window *w, size_t limit, int64_t span_ms)
{
	memset(w, 0, sizeof(*w));
	w->limit = limit;
	w->span_ms = span_ms;
	return 0;
}

/* When the window lets one more through: when its oldest send leaves. */
static int64_t window_next(const struct nabz_tg_window *w, int64_t now_ms)
{
	int64_t oldest;

	if(w->times == NULL || w->used < w->limit) return now_ms;
	oldest = w->times[w->next];                /* full ring: next is the oldest */
	return oldest + w->span_ms > now_ms ? oldest + w->span_ms : now_ms;
}

static int window_note(struct nabz_tg_window *w, int64_t now_ms)
{
	if(w->times == NULL){
		w->times = calloc(w->limit, sizeof(int64_t));
		if(w->times == NULL) return -1;
	}
	w->times[w->next] = now_ms;
	w->next = (w->next + 1) % w->limit;
	if(w->used < w->limit) w->used++;
	return 0;
}

int nabz_tg_rate__init(struct nabz_tg_rate *r, long per_chat_ms, long group_per_min, long global_per_s)
{
	memset(r, 0, sizeof(*r));
	if(group_per_min < 1 || group_per_min > NABZ_TG_RATE_RING_MAX
			|| global_per_s < 1 || global_per_s > NABZ_TG_RATE_RING_MAX || per_chat_ms < 0){
		return -1;
	}
	r->per_chat_ms = per_chat_ms;
	r->group_per_min = group_per_min;
	return window_init(&r->global, (size_t)global_per_s, 1000);
}

void nabz_tg_rate__cleanup(struct nabz_tg_rate *r)
{
	free(r->global.times);
	memset(r, 0, sizeof(*r));
}

void nabz_tg_rate__chat_cleanup(struct nabz_tg_chat_rate *c)
{
	free(c->group.times);
	memset(c, 0, sizeof(*c));
}

int64_t nabz_tg_rate__next(const struct nabz_tg_rate *r, const struct nabz_tg_chat_rate *c, bool group, int64_t now_ms)
{
	int64_t t = now_ms, x;

	if(r->paused_until_ms > t) t = r->paused_until_ms;
	if(c->sent && c->last_ms + r->per_chat_ms > t) t = c->last_ms + r->per_chat_ms;
	x = window_next(&r->global, now_ms);
	if(x > t) t = x;
	if(group){
		x = window_next(&c->group, now_ms);
		if(x > t) t = x;
	}
	return t;
}

int nabz_tg_rate__note(struct nabz_tg_rate *r, struct nabz_tg_chat_rate *c, bool group, int64_t now_ms)
{
	int rc = 0;

	c->last_ms = now_ms;
	c->sent = true;
	if(window_note(&r->global, now_ms) != 0) rc = -1;
	if(group){
		if(c->group.limit == 0) window_init(&c->group, (size_t)r->group_per_min, 60000);
		if(window_note(&c->group, now_ms) != 0) rc = -1;
	}
	return rc;
}

void nabz_tg_rate__pause(struct nabz_tg_rate *r, int64_t until_ms)
{
	if(until_ms > r->paused_until_ms) r->paused_until_ms = until_ms;
}
