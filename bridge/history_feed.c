/* The bridge's side of the price history (see history_feed.h). */
#include "history_feed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "fileutil.h"
#include "history.h"
#include "log.h"
#include "source.h"

/* The largest recorded response read when seeding demo mode. */
#define DEMO_FILE_MAX (1 << 20)

static void publish_symbol(struct nabz_bridge *b, const char *symbol, int64_t wall_ms)
{
	cJSON *d = nabz_history__to_json(&b->history, symbol);
	char sub[64];

	if(d == NULL) return;
	snprintf(sub, sizeof(sub), NABZ_SUBTOPIC_HISTORY "/%s", symbol);
	/* Retained: the publisher keeps the payload and sends it again after
	 * every reconnect, so a broker restarted without persistence has it. */
	nabz_publisher__send(&b->pub, sub, NABZ_TYPE_PRICE_HISTORY, d, true, wall_ms);
}

/* Demo mode: the recorded CoinGecko rounds, oldest first, back-dated one
 * minute apart and ending the minute before now, so a chart has a line
 * as soon as it opens; the replay then goes on from the current minute. */
static void seed_demo(struct nabz_bridge *b, int64_t wall_ms)
{
	const struct nabz_source_ops *ops = nabz_source__ops(NABZ_SRC_COINGECKO);
	const struct nabz_source_request req = {.kind = NABZ_REQ_PRICES};
	int64_t minute = wall_ms - wall_ms % NABZ_HISTORY_INTERVAL_MS;
	size_t seeded = 0;

	for(unsigned n = 0; ops && n < b->demo_rounds; n++){
		int64_t t = minute - (int64_t)(b->demo_rounds - n) * NABZ_HISTORY_INTERVAL_MS;
		struct nabz_source_result res;
		char path[4200], err[160];
		size_t len;
		char *body;

		snprintf(path, sizeof(path), "%s/%s/prices-%u.json", b->cfg->demo_dir, nabz_source__name(NABZ_SRC_COINGECKO), n);
		if((body = nabz_file__read_all(path, DEMO_FILE_MAX, &len)) == NULL) continue;
		nabz_source_result__init(&res);
		if(ops->parse(&req, body, len, &b->coin_ids, &res, err, sizeof(err)) == 0){
			for(size_t i = 0; i < res.quotes.count; i++){
				const struct nabz_quote *q = &res.quotes.items[i];
				if(nabz_prices__get(&b->prices, q->symbol, false) == NULL || !isfinite(q->price_usd)) continue;
				if(nabz_history__add(&b->history, q->symbol, t, q->price_usd) == 1) seeded++;
			}
		}
		nabz_source_result__free(&res);
		free(body);
	}
	nabz_log(LOG_NOTICE, "DEMO DATA: price history seeded with %zu points from the %u recorded rounds, a minute apart",
			seeded, b->demo_rounds);
}

int nabz_history_feed__start(struct nabz_bridge *b, int64_t wall_ms)
{
	/* Every symbol the bridge can watch: the configured, the discovered. */
	size_t max_series = b->cfg->symbol_count + (size_t)b->cfg->discovery_top_n;
	const char *dir = b->once || b->cfg->demo ? "" : b->cfg->state_dir;

	if(nabz_history__open(&b->history, dir, max_series, wall_ms) != 0) return -1;
	if(b->once) return 0;
	if(b->cfg->demo) seed_demo(b, wall_ms);
	for(size_t i = 0; i < b->watch_count; i++) publish_symbol(b, b->watch[i], wall_ms);
	return 0;
}

void nabz_history_feed__turn(struct nabz_bridge *b, int64_t wall_ms)
{
	struct nabz_symbol *s, *tmp;

	if(b->once) return;
	/* Every turn, not only when a price went out: an unchanged price is
	 * still the price of the new minute. */
	HASH_ITER(hh, b->prices.symbols, s, tmp){
		if(!s->ever_published || s->published.stale || !isfinite(s->published.price_usd)) continue;
		if(nabz_history__add(&b->history, s->symbol, wall_ms, s->published.price_usd) == 1){
			publish_symbol(b, s->symbol, wall_ms);
		}
	}
	if(nabz_history__save_due(&b->history, wall_ms)) nabz_history__save(&b->history, wall_ms);
}

void nabz_history_feed__stop(struct nabz_bridge *b, int64_t wall_ms)
{
	if(b->history.dirty) nabz_history__save(&b->history, wall_ms);
	nabz_history__close(&b->history);
}
