#include "prices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

void nabz_prices__init(struct nabz_prices *p, double divergence_pct, int64_t stale_after_ms)
{
	memset(p, 0, sizeof(*p));
	p->divergence_pct = divergence_pct;
	p->stale_after_ms = stale_after_ms;
}

void nabz_prices__cleanup(struct nabz_prices *p)
{
	struct nabz_symbol *s, *tmp;

	HASH_ITER(hh, p->symbols, s, tmp){
		HASH_DEL(p->symbols, s);
		free(s);
	}
}

struct nabz_symbol *nabz_prices__get(struct nabz_prices *p, const char *symbol, bool create)
{
	struct nabz_symbol *s;

	HASH_FIND_STR(p->symbols, symbol, s);
	if(s || !create) return s;
	s = calloc(1, sizeof(*s));
	if(s == NULL) return NULL;
	snprintf(s->symbol, sizeof(s->symbol), "%s", symbol);
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		s->by_source[i].price_usd = s->by_source[i].price_irt = s->by_source[i].change_24h_pct = NAN;
	}
	HASH_ADD_STR(p->symbols, symbol, s);
	if(p->symbols == NULL){
		free(s);
		return NULL;
	}
	return s;
}

static bool absurd(double v, double ref)
{
	return isfinite(ref) && ref > 0 && (v > ref * NABZ_ABSURD_RATIO || v * NABZ_ABSURD_RATIO < ref);
}

/* The median of the other sources' fresh values of one kind. */
static double others_median(const struct nabz_symbol *s, enum nabz_source_id skip, int64_t now_ms,
		int64_t stale_after_ms, bool irt);

int nabz_prices__update(struct nabz_prices *p, enum nabz_source_id source,
		const struct nabz_quote *q, int64_t now_ms)
{
	struct nabz_symbol *s = nabz_prices__get(p, q->symbol, true);
	struct nabz_source_value *v;

	if(s == NULL) return -1;
	v = &s->by_source[source];
	/* A 1000x jump, against the other sources or this one's last value,
	 * is a unit or parsing error upstream, not a market move. */
	if((isfinite(q->price_usd) && (absurd(q->price_usd, others_median(s, source, now_ms, p->stale_after_ms, false))
					|| absurd(q->price_usd, v->price_usd)))
			|| (isfinite(q->price_irt) && (absurd(q->price_irt, others_median(s, source, now_ms, p->stale_after_ms, true))
					|| absurd(q->price_irt, v->price_irt)))){
		p->refused_absurd++;
		return 1;
	}
	if(isfinite(q->price_usd)) v->price_usd = q->price_usd;
	if(isfinite(q->price_irt)) v->price_irt = q->price_irt;
	if(isfinite(q->change_24h_pct)) v->change_24h_pct = q->change_24h_pct;
	v->source_ts_ms = q->source_ts_ms;
	v->received_ms = now_ms;
	s->dirty = true;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	if(n == 0) return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool fresh(const struct nabz_source_value *v, int64_t now_ms, int64_t stale_after_ms)
{
	return v->received_ms != 0 && now_ms - v->received_ms <= stale_after_ms;
}

static double others_median(const struct nabz_symbol *s, enum nabz_source_id skip, int64_t now_ms,
		int64_t stale_after_ms, bool irt)
{
	double vals[NABZ_SRC_COUNT];
	size_t n = 0;

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_value *v = &s->by_source[i];
		double x = irt ? v->price_irt : v->price_usd;
		if(i == (int)skip || !fresh(v, now_ms, stale_after_ms) || !isfinite(x)) continue;
		vals[n++] = x;
	}
	return median(vals, n);
}

/* FNV-1a over the bytes of v. */
static uint64_t mix(uint64_t h, const void *v, size_t n)
{
	const unsigned char *b = v;

	for(size_t i = 0; i < n; i++){
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void nabz_prices__consensus(const struct nabz_prices *p, const struct nabz_symbol *s, int64_t now_ms,
		struct nabz_consensus *out)
{
	uint64_t sig = 1469598103934665603ULL;

	double usd[NABZ_SRC_COUNT], irt[NABZ_SRC_COUNT], chg[NABZ_SRC_COUNT];
	size_t nu = 0, ni = 0, nc = 0;
	double lo = INFINITY, hi = -INFINITY;

	memset(out, 0, sizeof(*out));
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_value *v = &s->by_source[i];
		if(!fresh(v, now_ms, p->stale_after_ms)) continue;
		if(isfinite(v->price_usd)){
			usd[nu++] = v->price_usd;
			if(v->price_usd < lo) lo = v->price_usd;
			if(v->price_usd > hi) hi = v->price_usd;
		}
		if(isfinite(v->price_irt)) irt[ni++] = v->price_irt;
		if(isfinite(v->change_24h_pct)) chg[nc++] = v->change_24h_pct;
		sig = mix(sig, &i, sizeof(i));
		sig = mix(sig, &v->price_usd, sizeof(v->price_usd));
		sig = mix(sig, &v->price_irt, sizeof(v->price_irt));
		if(v->source_ts_ms > out->source_ts_ms) out->source_ts_ms = v->source_ts_ms;
		if(v->received_ms > out->received_ms) out->received_ms = v->received_ms;
	}
	out->sources = (unsigned)nu;
	out->sources_sig = sig;
	out->price_usd = median(usd, nu);
	out->price_irt = median(irt, ni);
	out->change_24h_pct = median(chg, nc);
	/* Divergent: some source is further than divergence_pct from the
	 * median. */
	out->divergent = nu >= 2 && (fmax(hi - out->price_usd, out->price_usd - lo) / out->price_usd * 100.0
				> p->divergence_pct);
	/* A figure no fresh source gives any more (the USD sources quiet while
	 * the Iranian markets still quote, or the reverse) keeps its last
	 * published value instead of turning null; "agreeing" (the fresh USD
	 * sources: 0) tells it is carried. Sources go quiet at different
	 * moments, so this is the common way into staleness. */
	if(s->ever_published){
		if(nu == 0) out->price_usd = s->published.price_usd;
		if(ni == 0) out->price_irt = s->published.price_irt;
		if(nc == 0) out->change_24h_pct = s->published.change_24h_pct;
	}
	out->stale = nu == 0 && ni == 0;
	if(out->stale){
		/* Quiet: the last figures, marked stale. */
		*out = s->published;
		out->stale = true;
	}
}

bool nabz_prices__due(const struct nabz_symbol *s, int64_t now_ms)
{
	return s->dirty || now_ms >= s->ages_at_ms;
}

void nabz_prices__checked(const struct nabz_prices *p, struct nabz_symbol *s, int64_t now_ms)
{
	int64_t next = INT64_MAX;

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_value *v = &s->by_source[i];
		/* fresh while now - received <= stale_after */
		if(fresh(v, now_ms, p->stale_after_ms) && v->received_ms + p->stale_after_ms + 1 < next){
			next = v->received_ms + p->stale_after_ms + 1;
		}
	}
	s->dirty = false;
	s->ages_at_ms = next;
}

static bool differs(double a, double b)
{
	if(isnan(a) || isnan(b)) return isnan(a) != isnan(b);
	return a != b;
}

bool nabz_prices__changed(const struct nabz_symbol *s, const struct nabz_consensus *c)
{
	const struct nabz_consensus *o = &s->published;

	if(!s->ever_published) return !c->stale;
	return differs(o->price_usd, c->price_usd) || differs(o->price_irt, c->price_irt)
		|| differs(o->change_24h_pct, c->change_24h_pct) || o->stale != c->stale
		|| o->divergent != c->divergent || o->sources != c->sources
		|| (!c->stale && o->sources_sig != c->sources_sig);
}

static bool add_number(cJSON *o, const char *name, double v)
{
	return isfinite(v) ? cJSON_AddNumberToObject(o, name, v) != NULL : cJSON_AddNullToObject(o, name) != NULL;
}

cJSON *nabz_prices__to_json(const struct nabz_prices *p, const struct nabz_symbol *s,
		const struct nabz_consensus *c, int64_t now_ms, int64_t wall_now_ms, bool demo)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *by;
	char ts[40];
	const char *single = NULL;
	unsigned with_value = 0;

	if(d == NULL) return NULL;
	by = cJSON_CreateObject();
	if(by == NULL) goto error;
	cJSON_AddItemToObject(d, "sources", by);
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_value *v = &s->by_source[i];
		cJSON *sv;
		if(!fresh(v, now_ms, p->stale_after_ms)) continue;
		sv = cJSON_AddObjectToObject(by, nabz_source__name((enum nabz_source_id)i));
		if(sv == NULL) goto error;
		if(isfinite(v->price_usd) && !cJSON_AddNumberToObject(sv, "price_usd", v->price_usd)) goto error;
		if(isfinite(v->price_irt) && !cJSON_AddNumberToObject(sv, "price_irt", v->price_irt)) goto error;
		single = nabz_source__name((enum nabz_source_id)i);
		with_value++;
	}
	if(cJSON_AddStringToObject(d, "symbol", s->symbol) == NULL
			|| !add_number(d, "price_usd", c->price_usd)
			|| !add_number(d, "change_24h_pct", c->change_24h_pct)){
		goto error;
	}
	if(isfinite(c->price_irt) && !cJSON_AddNumberToObject(d, "price_irt", c->price_irt)) goto error;
	/* "source" names the one source, or "consensus" over several; demo
	 * data says so in every payload. */
	if(cJSON_AddStringToObject(d, "source", demo ? "demo" : (with_value == 1 ? single : "consensus")) == NULL
			|| cJSON_AddNumberToObject(d, "agreeing", c->sources) == NULL
			|| cJSON_AddBoolToObject(d, "divergent", c->divergent) == NULL
			|| cJSON_AddBoolToObject(d, "stale", c->stale) == NULL){
		goto error;
	}
	nabz_time__rfc3339(c->source_ts_ms ? c->source_ts_ms : wall_now_ms - (now_ms - c->received_ms), ts, sizeof(ts));
	if(cJSON_AddStringToObject(d, "source_ts", ts) == NULL
			|| cJSON_AddNumberToObject(d, "age_s", (double)((now_ms - c->received_ms) / 1000)) == NULL){
		goto error;
	}
	return d;

error:
	cJSON_Delete(d);
	return NULL;
}
