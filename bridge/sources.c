/*
 * The scheduler: when each source is asked, within its budget and
 * backoff; what is asked and how an answer is read come from the source's
 * row in the table (source.h); what an answer gives is handed to the
 * watch list, the news and the consensus. Single-threaded.
 */
#include "sources.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "demo.h"
#include "history_feed.h"
#include "signals_feed.h"
#include "log.h"
#include "news_merge.h"
#include "source.h"
#include "source/binance.h"
#include "timeutil.h"
#include "watch.h"

#define BACKOFF_MAX_MS (10 * 60 * 1000)

/* One request in flight: the context of its on_done. */
struct job {
	struct nabz_bridge *b;
	enum nabz_source_id source;
	struct nabz_source_request req;  /* req.url is not kept: NULL */
	int64_t started_ms;
};

/* The ETag slot of a request: one per kind, one per feed (up to eight). */
static size_t etag_slot(const struct nabz_source_request *req)
{
	size_t slot = req->kind == NABZ_REQ_FEED ? 4 + req->feed : (size_t)req->kind;
	return slot < 8 ? slot : 7;
}

/* Every source is asked at once at start, for data as soon as possible;
 * from then on their rounds are spread over a second: the k-th of n
 * enabled sources runs k/n s after the first. Responses that arrive
 * together are parsed and published one after the other, so the last
 * one's prices would wait for the others' (measured: p99 7-9 ms with 4
 * sources in step); spread, each is published as soon as it is parsed. */
static void spread_phases(struct nabz_bridge *b)
{
	int n = 0, k = 0;

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		b->src[i].id = (enum nabz_source_id)i;
		if(b->cfg->sources[i].enabled) n++;
	}
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		if(!b->cfg->sources[i].enabled) continue;
		b->src[i].phase_ms = n ? (int64_t)k * 1000 / n : 0;
		k++;
	}
}

/* When the next round is due after one started at now_ms: one interval
 * on from the last due time, so a source keeps its phase; after the first
 * round, one interval plus its phase; when the loop fell a whole interval
 * behind, one interval from now. */
static int64_t next_poll_after(const struct nabz_source_state *s, int64_t interval_ms, int64_t now_ms)
{
	if(!s->ever_tried) return now_ms + interval_ms + (s->phase_ms % interval_ms);
	if(s->next_poll_ms > 0 && now_ms - s->next_poll_ms < interval_ms) return s->next_poll_ms + interval_ms;
	return now_ms + interval_ms;
}

int nabz_sources__init(struct nabz_bridge *b)
{
	if(b->cfg->demo){
		b->demo_rounds = nabz_demo__rounds(b->cfg->demo_dir);
		if(b->demo_rounds == 0){
			nabz_log(LOG_ERR, "demo: no recorded responses in %s", b->cfg->demo_dir);
			return -1;
		}
		nabz_log(LOG_NOTICE, "DEMO DATA: replaying %u recorded snapshots from %s, not live prices",
				b->demo_rounds, b->cfg->demo_dir);
	}
	if(nabz_news_seen__open(&b->news_seen, b->once ? "" : b->cfg->state_dir, (size_t)b->cfg->news_seen_max) != 0){
		return -1;
	}
	if(nabz_news_recent__open(&b->news_recent, b->once ? "" : b->cfg->state_dir, NABZ_NEWS_RECENT_MAX) != 0){
		return -1;
	}
	nabz_news_merge__publish_recent(b);   /* the broker may have lost it (no persistence) */
	spread_phases(b);
	b->market.total_market_cap_usd = b->market.total_volume_usd = NAN;
	b->market.btc_dominance_pct = b->market.usdt_irt = NAN;
	for(size_t i = 0; i < b->cfg->symbol_count; i++){
		if(nabz_watch__add(b, b->cfg->symbols[i], NULL) < 0) return -1;
	}
	/* After the watch list: demo mode seeds it from the watched coins. */
	if(nabz_history_feed__start(b, nabz_time__wall_ms()) != 0) return -1;
	/* After the history: the signals read it. */
	return nabz_signals_feed__start(b, nabz_time__wall_ms());
}

void nabz_sources__cleanup(struct nabz_bridge *b)
{
	nabz_signals_feed__stop(b);
	nabz_history_feed__stop(b, nabz_time__wall_ms());
	free(b->watch);
	nabz_news_seen__close(&b->news_seen);
	nabz_news_recent__close(&b->news_recent);
	nabz_coin_ids__free(&b->coin_ids);
}

bool nabz_sources__busy(const struct nabz_bridge *b)
{
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		if(b->src[i].in_flight) return true;
	}
	return false;
}

static void failed(struct nabz_bridge *b, struct nabz_source_state *s, const char *why,
		long retry_after_s, int64_t now_ms)
{
	const struct nabz_source_cfg *sc = &b->cfg->sources[s->id];
	int64_t delay;

	s->errors_total++;
	s->failures++;
	if(s->ok || strcmp(s->last_error, why) != 0){
		/* Logged once, and again only when the reason changes. */
		nabz_log(LOG_WARNING, "%s: %s", nabz_source__name(s->id), why);
	}
	s->ok = false;
	s->ever_answered = true;
	snprintf(s->last_error, sizeof(s->last_error), "%s", why);
	/* The interval doubled per failure, capped; then between half and all
	 * of it ("equal jitter"): spread, but never much earlier. */
	delay = nabz_backoff__delay(s->failures - 1, sc->interval_s * 1000, BACKOFF_MAX_MS, NABZ_JITTER_EQUAL,
			nabz_backoff__random());
	if(retry_after_s >= 0){
		s->blocked_until_ms = now_ms + retry_after_s * 1000;
		if(s->blocked_until_ms - now_ms > delay) delay = s->blocked_until_ms - now_ms;
	}
	if(now_ms + delay > s->next_poll_ms) s->next_poll_ms = now_ms + delay;
	b->sources_dirty = true;
}

static void succeeded(struct nabz_bridge *b, struct nabz_source_state *s, int64_t now_ms)
{
	if(!s->ok && s->ever_tried && s->last_error[0]){
		nabz_log(LOG_NOTICE, "%s: working again", nabz_source__name(s->id));
	}
	/* Every success is news (its time, latency): the sources message goes
	 * out at most once a second (nabz_sources__publish). */
	b->sources_dirty = true;
	s->ok = true;
	s->ever_answered = true;
	s->failures = 0;
	s->last_success_wall_ms = nabz_time__wall_ms();
	(void)now_ms;
}

/* Feeds the quotes of watched symbols to the consensus. */
static void take_quotes(struct nabz_bridge *b, enum nabz_source_id source, const struct nabz_quote_list *q,
		int64_t now_ms)
{
	for(size_t i = 0; i < q->count; i++){
		if(nabz_prices__get(&b->prices, q->items[i].symbol, false) == NULL) continue;
		if(nabz_prices__update(&b->prices, source, &q->items[i], now_ms) == 1){
			nabz_log(LOG_WARNING, "%s: %s refused: %g is 1000x off the other sources",
					nabz_source__name(source), q->items[i].symbol,
					isfinite(q->items[i].price_usd) ? q->items[i].price_usd : q->items[i].price_irt);
		}
	}
}

static void set_usdt_irt(struct nabz_bridge *b, double usdt_irt)
{
	if(isfinite(usdt_irt) && usdt_irt != b->market.usdt_irt){
		b->market.usdt_irt = usdt_irt;
		b->market_dirty = true;
	}
}

/* Hands what a body gave to where it goes: new symbols to the watch list
 * first (so their quotes are taken), the market totals, the news, then
 * the quotes. */
static void apply(struct nabz_bridge *b, enum nabz_source_id source, struct nabz_source_result *res,
		int64_t now_ms)
{
	nabz_watch__discovered(b, &res->discovered);
	if(res->has_market){
		struct nabz_market m = res->market;
		m.usdt_irt = b->market.usdt_irt;
		if(memcmp(&m, &b->market, sizeof(m)) != 0) b->market_dirty = true;
		b->market = m;
	}
	if(res->has_news) nabz_news_merge__take(b, source, &res->news);
	take_quotes(b, source, &res->quotes, now_ms);
	set_usdt_irt(b, res->usdt_irt);
	if(res->skipped){
		nabz_log(LOG_INFO, "%s: %zu items with bad values skipped", nabz_source__name(source), res->skipped);
	}
}

static void on_done(void *ctx, const struct nabz_http_result *r)
{
	struct job *j = ctx;
	struct nabz_bridge *b = j->b;
	struct nabz_source_state *s = &b->src[j->source];
	int64_t now_ms = nabz_time__mono_ms();
	char why[200], err[160];

	s->in_flight--;
	s->last_latency_ms = r->seconds * 1000.0;
	if(r->error && strcmp(r->error, NABZ_HTTP_CANCELLED) == 0){
		/* shutting down */
	}else if(r->error){
		failed(b, s, r->error, -1, now_ms);
	}else if(r->status == 429 || r->status == 418){
		snprintf(why, sizeof(why), "HTTP %ld: rate limited%s", r->status,
				r->retry_after_s >= 0 ? " (Retry-After honoured)" : "");
		failed(b, s, why, r->retry_after_s >= 0 ? r->retry_after_s : -1, now_ms);
	}else if(r->status == 304){
		succeeded(b, s, now_ms);
	}else if(r->status != 200 && r->status != 0){
		snprintf(why, sizeof(why), "HTTP %ld", r->status);
		failed(b, s, why, r->retry_after_s, now_ms);
	}else{
		struct nabz_source_result res;

		nabz_source_result__init(&res);
		if(nabz_source__ops(j->source)->parse(&j->req, r->body, r->len, &b->coin_ids, &res, err, sizeof(err)) != 0){
			failed(b, s, err, -1, now_ms);
		}else{
			apply(b, j->source, &res, now_ms);
			if(r->etag) snprintf(s->etag[etag_slot(&j->req)], sizeof(s->etag[0]), "%s", r->etag);
			succeeded(b, s, now_ms);
		}
		nabz_source_result__free(&res);
	}
	free(j);
}

static int start_job(struct nabz_bridge *b, enum nabz_source_id source, const struct nabz_source_request *req,
		int64_t now_ms)
{
	struct nabz_source_state *s = &b->src[source];
	struct job *j = calloc(1, sizeof(*j));

	if(j == NULL) return -1;
	j->b = b;
	j->source = source;
	j->req = *req;
	j->req.url = NULL;
	j->started_ms = now_ms;
	if(nabz_http__get(&b->http, req->url, s->etag[etag_slot(req)], on_done, j) != 0){
		free(j);
		return -1;
	}
	s->in_flight++;
	s->requests_total++;
	s->window_requests++;
	return 0;
}

/* What the source's requests are built from, now. */
static struct nabz_source_round round_of(const struct nabz_bridge *b, enum nabz_source_id id, int64_t now_ms)
{
	struct nabz_source_round r = {
		.cfg = &b->cfg->sources[id],
		.watch = (const char (*)[NABZ_SYMBOL_MAX])b->watch,
		.watch_count = b->watch_count,
		.coin_ids = &b->coin_ids,
	};

	if(b->cfg->discovery_top_n > 0 && now_ms >= b->next_discovery_ms) r.discovery_top_n = b->cfg->discovery_top_n;
	return r;
}

static void start_round(struct nabz_bridge *b, enum nabz_source_id id, int64_t now_ms)
{
	const struct nabz_source_ops *ops = nabz_source__ops(id);
	const struct nabz_source_cfg *sc = &b->cfg->sources[id];
	struct nabz_source_round r = round_of(b, id, now_ms);
	struct nabz_request_list reqs = {0};
	int rc;

	if(b->cfg->demo){
		rc = nabz_demo__requests(ops, &r, b->cfg->demo_dir, b->demo_round[id]++ % b->demo_rounds, &reqs);
	}else{
		rc = ops->requests(&r, &reqs);
	}
	for(size_t i = 0; i < reqs.count; i++){
		/* Asked for when due: the next listing one interval on. */
		if(reqs.items[i].kind == NABZ_REQ_DISCOVERY) b->next_discovery_ms = now_ms + b->cfg->discovery_interval_s * 1000;
		rc |= start_job(b, id, &reqs.items[i], now_ms);
	}
	nabz_requests__free(&reqs);
	b->src[id].next_poll_ms = next_poll_after(&b->src[id], sc->interval_s * 1000, now_ms);
	b->src[id].ever_tried = true;
	if(rc) nabz_log(LOG_ERR, "%s: cannot start a request (out of memory?)", nabz_source__name(id));
}

/* The requests a round of source id counts against its budget. */
static unsigned round_size(const struct nabz_bridge *b, enum nabz_source_id id)
{
	const struct nabz_source_ops *ops = nabz_source__ops(id);
	struct nabz_source_round r = round_of(b, id, 0);

	return ops->round_size ? ops->round_size(&r) : 1;
}

int64_t nabz_sources__poll(struct nabz_bridge *b, int64_t now_ms)
{
	int64_t next = 1000;

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		struct nabz_source_state *s = &b->src[i];
		const struct nabz_source_cfg *sc = &b->cfg->sources[i];
		int64_t due;

		if(!sc->enabled || nabz_source__ops((enum nabz_source_id)i) == NULL) continue;
		if(s->in_flight || (b->once && s->ever_tried)) continue;
		if(now_ms - s->window_start_ms >= 60000){
			s->window_start_ms = now_ms;
			s->window_requests = 0;
		}
		due = s->next_poll_ms > s->blocked_until_ms ? s->next_poll_ms : s->blocked_until_ms;
		if(s->window_requests + round_size(b, (enum nabz_source_id)i) > (unsigned)sc->budget_per_min){
			/* Over budget: wait for the next minute's. */
			due = s->window_start_ms + 60000;
		}
		if(now_ms >= due){
			start_round(b, (enum nabz_source_id)i, now_ms);
			continue;
		}
		if(due - now_ms < next) next = due - now_ms;
	}
	return next;
}

void nabz_sources__stream_message(struct nabz_bridge *b, const char *body, size_t len, int64_t now_ms)
{
	struct nabz_source_state *s = &b->src[NABZ_SRC_BINANCE];
	struct nabz_quote_list q = {0};
	size_t skipped = 0;
	char err[160];

	if(nabz_parse__binance_mini_ticker(body, len, &q, &skipped, err, sizeof(err)) != 0){
		char why[sizeof(s->last_error)];
		snprintf(why, sizeof(why), "stream: %.140s", err);
		s->errors_total++;
		if(strcmp(s->last_error, why) != 0){
			nabz_log(LOG_WARNING, "binance: %s", why);
			snprintf(s->last_error, sizeof(s->last_error), "%s", why);
		}
	}else{
		take_quotes(b, NABZ_SRC_BINANCE, &q, now_ms);
	}
	nabz_quotes__free(&q);
}
