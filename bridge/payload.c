/* The data of the bridge's payloads (see payload.h). */
#include "payload.h"

#include <math.h>

#include "source.h"
#include "timeutil.h"

cJSON *nabz_payload__market(const struct nabz_market *m, bool demo)
{
	cJSON *d = cJSON_CreateObject();
	char ts[40];

	if(d == NULL) return NULL;
	if(isfinite(m->total_market_cap_usd)) cJSON_AddNumberToObject(d, "total_market_cap_usd", m->total_market_cap_usd);
	if(isfinite(m->total_volume_usd)) cJSON_AddNumberToObject(d, "total_volume_usd", m->total_volume_usd);
	if(isfinite(m->btc_dominance_pct)) cJSON_AddNumberToObject(d, "btc_dominance_pct", m->btc_dominance_pct);
	if(isfinite(m->usdt_irt)) cJSON_AddNumberToObject(d, "usdt_irt", m->usdt_irt);
	nabz_time__rfc3339(m->source_ts_ms ? m->source_ts_ms : nabz_time__wall_ms(), ts, sizeof(ts));
	cJSON_AddStringToObject(d, "source_ts", ts);
	cJSON_AddStringToObject(d, "source", demo ? "demo" : "coingecko");
	return d;
}

cJSON *nabz_payload__sources(const struct nabz_bridge *b, int64_t now_ms)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *all = d ? cJSON_AddObjectToObject(d, "sources") : NULL;
	cJSON *watch = d ? cJSON_AddArrayToObject(d, "watching") : NULL;

	if(all == NULL || watch == NULL){
		cJSON_Delete(d);
		return NULL;
	}
	for(size_t i = 0; i < b->watch_count; i++) cJSON_AddItemToArray(watch, cJSON_CreateString(b->watch[i]));
	cJSON_AddNumberToObject(d, "discovered", (double)b->discovered);
	/* replayed recordings, not the live APIs: every screen must say so */
	cJSON_AddBoolToObject(d, "demo", b->cfg->demo);
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_state *s = &b->src[i];
		const struct nabz_source_cfg *sc = &b->cfg->sources[i];
		cJSON *o;
		char ts[40];

		if(!sc->enabled || nabz_source__ops((enum nabz_source_id)i) == NULL) continue;
		o = cJSON_AddObjectToObject(all, nabz_source__name((enum nabz_source_id)i));
		if(o == NULL) continue;
		/* "unknown" until the first answer: a request still in flight at
		 * the start is not a source that is down */
		cJSON_AddStringToObject(o, "status", !s->ever_answered ? "unknown" : s->ok ? "ok" : "down");
		if(s->last_success_wall_ms){
			nabz_time__rfc3339(s->last_success_wall_ms, ts, sizeof(ts));
			cJSON_AddStringToObject(o, "last_success", ts);
		}
		if(s->last_error[0]) cJSON_AddStringToObject(o, "last_error", s->last_error);
		cJSON_AddNumberToObject(o, "latency_ms", round(s->last_latency_ms * 10) / 10);
		cJSON_AddNumberToObject(o, "next_poll_s", (double)((s->next_poll_ms > now_ms ? s->next_poll_ms - now_ms : 0) / 1000));
		cJSON_AddNumberToObject(o, "errors_total", (double)s->errors_total);
		cJSON_AddNumberToObject(o, "requests_total", (double)s->requests_total);
	}
	return d;
}

cJSON *nabz_payload__news(const struct nabz_news_item *it, const char *source)
{
	cJSON *d = cJSON_CreateObject();
	char ts[40];

	if(d == NULL) return NULL;
	cJSON_AddStringToObject(d, "id", it->id);
	cJSON_AddStringToObject(d, "title", it->title);
	if(it->url) cJSON_AddStringToObject(d, "url", it->url);
	cJSON_AddStringToObject(d, "source", source);
	if(it->summary) cJSON_AddStringToObject(d, "summary", it->summary);
	if(it->published_ms){
		nabz_time__rfc3339(it->published_ms, ts, sizeof(ts));
		cJSON_AddStringToObject(d, "published_at", ts);
	}
	return d;
}

static const char *rule_kind(enum nabz_rule_kind k)
{
	return k == NABZ_RULE_ABOVE ? "above" : k == NABZ_RULE_BELOW ? "below" : "move";
}

cJSON *nabz_payload__alert(const struct nabz_alert *al, bool demo)
{
	cJSON *d = cJSON_CreateObject();

	if(d == NULL) return NULL;
	cJSON_AddStringToObject(d, "symbol", al->rule->symbol);
	cJSON_AddStringToObject(d, "rule", al->rule->name);
	cJSON_AddStringToObject(d, "kind", rule_kind(al->rule->kind));
	cJSON_AddNumberToObject(d, "threshold", al->rule->threshold);
	cJSON_AddNumberToObject(d, "price_usd", al->price);
	if(al->rule->kind == NABZ_RULE_MOVE){
		cJSON_AddNumberToObject(d, "move_pct", round(al->move_pct * 100) / 100);
		cJSON_AddNumberToObject(d, "reference_usd", al->reference);
		cJSON_AddNumberToObject(d, "window_s", (double)al->rule->window_s);
	}
	cJSON_AddStringToObject(d, "message", al->message);
	if(demo) cJSON_AddStringToObject(d, "source", "demo");
	return d;
}
