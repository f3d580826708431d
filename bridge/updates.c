/*
 * Each turn of the loop, what changed goes out: prices (and stale marks)
 * with the alerts they fire, their history when a minute turned, the
 * market totals, the sources' health.
 * nabz_sources__publish is declared in sources.h, with the rest of the
 * loop's calls. Single-threaded.
 */
#include <math.h>
#include <stdio.h>

#include "contract.h"
#include "history_feed.h"
#include "signals_feed.h"
#include "log.h"
#include "payload.h"
#include "sources.h"
#include "timeutil.h"

/* An alert goes out QoS 1 through the outbox: it must not be lost. */
static void fire_alert(void *ctx, const struct nabz_alert *al)
{
	struct nabz_bridge *b = ctx;
	cJSON *d = nabz_payload__alert(al, b->cfg->demo);

	if(d == NULL) return;
	nabz_log(LOG_NOTICE, "alert: %s", al->message);
	nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_ALERTS, NABZ_TYPE_ALERT, d, false, nabz_time__wall_ms());
}

void nabz_sources__publish(struct nabz_bridge *b, int64_t now_ms)
{
	struct nabz_symbol *s, *tmp;
	int64_t wall = nabz_time__wall_ms();

	HASH_ITER(hh, b->prices.symbols, s, tmp){
		struct nabz_consensus c;
		char sub[64];
		cJSON *d;

		/* Only symbols a source spoke of, or whose values aged out. */
		if(!nabz_prices__due(s, now_ms)) continue;
		nabz_prices__consensus(&b->prices, s, now_ms, &c);
		if(!nabz_prices__changed(s, &c)){
			nabz_prices__checked(&b->prices, s, now_ms);
			continue;
		}
		/* On failure it stays due: tried again on the next turn. */
		d = nabz_prices__to_json(&b->prices, s, &c, now_ms, wall, b->cfg->demo);
		if(d == NULL) continue;
		snprintf(sub, sizeof(sub), NABZ_SUBTOPIC_PRICES "/%s", s->symbol);
		if(nabz_publisher__send(&b->pub, sub, NABZ_TYPE_PRICE_UPDATE, d, true, wall) == 0){
			s->published = c;
			s->ever_published = true;
			nabz_prices__checked(&b->prices, s, now_ms);
			if(!c.stale) nabz_alerts__feed(&b->alerts, s->symbol, c.price_usd, now_ms, fire_alert, b);
		}
	}
	nabz_history_feed__turn(b, wall);
	nabz_signals_feed__turn(b, wall);
	if(b->market_dirty && isfinite(b->market.total_market_cap_usd)){
		cJSON *d = nabz_payload__market(&b->market, b->cfg->demo);
		if(d && nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_MARKET, NABZ_TYPE_MARKET_UPDATE, d, true, wall) == 0){
			b->market_dirty = false;
		}
	}
	if(b->sources_dirty && now_ms - b->last_sources_publish_ms >= 1000){
		cJSON *d = nabz_payload__sources(b, now_ms);
		if(d && nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_SOURCES, NABZ_TYPE_SOURCES_UPDATE, d, true, wall) == 0){
			b->sources_dirty = false;
			b->last_sources_publish_ms = now_ms;
		}
	}
}
