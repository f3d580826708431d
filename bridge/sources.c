#include "sources.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "log.h"
#include "parse_binance.h"
#include "parse_coinbase.h"
#include "parse_coingecko.h"
#include "parse_kraken.h"
#include "parse_news.h"
#include "parse_nobitex.h"
#include "parse_wallex.h"
#include "timeutil.h"

#define BACKOFF_MAX_MS (10 * 60 * 1000)

enum job_kind { JOB_PRICES, JOB_MARKET, JOB_NEWS, JOB_FEED, JOB_DISCOVERY };

struct job {
	struct nabz_bridge *b;
	enum nabz_source_id source;
	enum job_kind kind;
	char symbol[NABZ_SYMBOL_MAX];    /* coinbase: one product per job */
	size_t feed;                     /* rss: which feed */
	int64_t started_ms;
};

/* CoinGecko ids of the symbols people watch most; discovery adds more. */
static const struct { const char *symbol, *id; } known_ids[] = {
	{"BTC", "bitcoin"}, {"ETH", "ethereum"}, {"USDT", "tether"}, {"BNB", "binancecoin"},
	{"SOL", "solana"}, {"XRP", "ripple"}, {"DOGE", "dogecoin"}, {"ADA", "cardano"},
	{"TRX", "tron"}, {"TON", "the-open-network"}, {"USDC", "usd-coin"}, {"AVAX", "avalanche-2"},
	{"SHIB", "shiba-inu"}, {"DOT", "polkadot"}, {"LINK", "chainlink"}, {"LTC", "litecoin"},
	{"BCH", "bitcoin-cash"}, {"XLM", "stellar"}, {"NOT", "notcoin"}, {"PEPE", "pepe"},
};

static bool implemented(enum nabz_source_id id)
{
	return id < NABZ_SRC_COUNT;
}

/* The ETag slot of a job: one per kind, one per feed (up to eight). */
static size_t etag_slot(const struct job *j)
{
	size_t slot = j->kind == JOB_FEED ? 4 + j->feed : (size_t)j->kind;
	return slot < 8 ? slot : 7;
}

/* Demo mode: how many snapshots demo_dir holds. */
static unsigned count_demo_rounds(const char *dir)
{
	unsigned n = 0;
	char path[4096];
	FILE *f;

	while(n < 1000){
		snprintf(path, sizeof(path), "%s/coingecko/prices-%u.json", dir, n);
		f = fopen(path, "r");
		if(f == NULL) break;
		fclose(f);
		n++;
	}
	return n;
}

static bool watching(const struct nabz_bridge *b, const char *sym)
{
	for(size_t i = 0; i < b->watch_count; i++){
		if(strcmp(b->watch[i], sym) == 0) return true;
	}
	return false;
}

/* Adds sym to the watch list and the consensus; its CoinGecko id when
 * known (id may be NULL). Returns 1 when added, 0 when already watched. */
static int watch_add(struct nabz_bridge *b, const char *sym, const char *id)
{
	struct nabz_coin_id c;

	if(watching(b, sym)) return 0;
	if(b->watch_count == b->watch_cap){
		size_t cap = b->watch_cap ? b->watch_cap * 2 : 32;
		char (*grown)[NABZ_SYMBOL_MAX] = realloc(b->watch, cap * sizeof(*grown));
		if(grown == NULL) return -1;
		b->watch = grown;
		b->watch_cap = cap;
	}
	if(nabz_prices__get(&b->prices, sym, true) == NULL) return -1;
	snprintf(b->watch[b->watch_count++], NABZ_SYMBOL_MAX, "%s", sym);
	if(id == NULL){
		for(size_t k = 0; k < sizeof(known_ids) / sizeof(known_ids[0]); k++){
			if(strcmp(known_ids[k].symbol, sym) == 0) id = known_ids[k].id;
		}
	}
	if(id && nabz_coin_id__init(&c, id, sym) == 0 && nabz_coin_ids__push(&b->coin_ids, &c) != 0) return -1;
	return 1;
}

/* The newest items, retained, for whoever subscribes later. */
static void publish_news_recent(struct nabz_bridge *b)
{
	cJSON *d = nabz_news_recent__to_json(&b->news_recent);

	if(d) nabz_publisher__send(&b->pub, "news/recent", "news_recent", d, true, nabz_time__wall_ms());
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
		b->demo_rounds = count_demo_rounds(b->cfg->demo_dir);
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
	publish_news_recent(b);   /* the broker may have lost it (no persistence) */
	spread_phases(b);
	b->market.total_market_cap_usd = b->market.total_volume_usd = NAN;
	b->market.btc_dominance_pct = b->market.usdt_irt = NAN;
	for(size_t i = 0; i < b->cfg->symbol_count; i++){
		if(watch_add(b, b->cfg->symbols[i], NULL) < 0) return -1;
	}
	return 0;
}

void nabz_sources__cleanup(struct nabz_bridge *b)
{
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

void nabz_sources__stream_message(struct nabz_bridge *b, const char *body, size_t len, int64_t now_ms);

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
	if(!s->ok) b->sources_dirty = true;
	s->ok = true;
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

static int by_time(const void *a, const void *b)
{
	const struct nabz_news_item *x = a, *y = b;
	return (x->published_ms > y->published_ms) - (x->published_ms < y->published_ms);
}

/* Publishes the items not seen before, oldest first, QoS 1. */
static void take_news(struct nabz_bridge *b, enum nabz_source_id source, struct nabz_news_list *list)
{
	size_t fresh = 0, skip = 0, added = 0;

	qsort(list->items, list->count, sizeof(list->items[0]), by_time);
	for(size_t i = 0; i < list->count; i++){
		if(!nabz_news_seen__has(&b->news_seen, list->items[i].id)) fresh++;
	}
	/* A first run publishes the newest few only. */
	if(b->news_seen.first_run && fresh > NABZ_NEWS_FIRST_RUN_MAX) skip = fresh - NABZ_NEWS_FIRST_RUN_MAX;
	for(size_t i = 0; i < list->count; i++){
		const struct nabz_news_item *it = &list->items[i];
		cJSON *d;
		char ts[40];

		if(nabz_news_seen__has(&b->news_seen, it->id)) continue;
		nabz_news_seen__add(&b->news_seen, it->id);
		if(skip){
			skip--;
			continue;
		}
		d = cJSON_CreateObject();
		if(d == NULL) continue;
		cJSON_AddStringToObject(d, "id", it->id);
		cJSON_AddStringToObject(d, "title", it->title);
		if(it->url) cJSON_AddStringToObject(d, "url", it->url);
		cJSON_AddStringToObject(d, "source", b->cfg->demo ? "demo" : it->source ? it->source : nabz_source__name(source));
		if(it->summary) cJSON_AddStringToObject(d, "summary", it->summary);
		if(it->published_ms){
			nabz_time__rfc3339(it->published_ms, ts, sizeof(ts));
			cJSON_AddStringToObject(d, "published_at", ts);
		}
		if(nabz_news_recent__add(&b->news_recent, d) == 0) added++;
		if(nabz_publisher__send(&b->pub, "news", "news", d, false, nabz_time__wall_ms()) == 0){
			b->news_published++;
		}
	}
	b->news_seen.first_run = false;
	if(added){
		nabz_news_recent__save(&b->news_recent);
		publish_news_recent(b);
	}
}

/* Returns NULL on success or the reason the body was refused. */
static const char *parse_body(struct nabz_bridge *b, const struct job *j, const char *body, size_t len,
		int64_t now_ms, char *err, size_t errlen)
{
	struct nabz_quote_list q = {0};
	size_t skipped = 0;
	double usdt_irt = NAN;
	int rc = 0;

	switch(j->source){
		case NABZ_SRC_COINGECKO:
			if(j->kind == JOB_DISCOVERY){
				struct nabz_coin_id_list ids = {0};
				rc = nabz_parse__coingecko_markets(body, len, &q, &ids, &skipped, err, errlen);
				for(size_t i = 0; rc == 0 && i < ids.count; i++){
					if(watch_add(b, ids.items[i].symbol, ids.items[i].id) == 1){
						b->discovered++;
						b->sources_dirty = true;
						nabz_log(LOG_NOTICE, "discovery: now watching %s (%s), rank %zu by market cap",
								ids.items[i].symbol, ids.items[i].id, i + 1);
					}
				}
				nabz_coin_ids__free(&ids);
			}else if(j->kind == JOB_MARKET){
				struct nabz_market m;
				rc = nabz_parse__coingecko_global(body, len, &m, err, errlen);
				if(rc == 0){
					m.usdt_irt = b->market.usdt_irt;
					if(memcmp(&m, &b->market, sizeof(m)) != 0) b->market_dirty = true;
					b->market = m;
				}
			}else{
				rc = nabz_parse__coingecko_simple_price(body, len, b->coin_ids.items, b->coin_ids.count,
						&q, &skipped, err, errlen);
			}
			break;
		case NABZ_SRC_BINANCE:
			rc = nabz_parse__binance_ticker_24hr(body, len, &q, &skipped, err, errlen);
			break;
		case NABZ_SRC_KRAKEN:
			rc = nabz_parse__kraken_ticker(body, len, &q, &skipped, err, errlen);
			break;
		case NABZ_SRC_COINBASE: {
			struct nabz_quote one;
			rc = nabz_parse__coinbase_ticker(body, len, j->symbol, &one, err, errlen);
			if(rc == 0 && nabz_quotes__push(&q, &one) != 0) rc = -1;
			break;
		}
		case NABZ_SRC_NOBITEX:
			rc = nabz_parse__nobitex_stats(body, len, &q, &usdt_irt, &skipped, err, errlen);
			break;
		case NABZ_SRC_WALLEX:
			rc = nabz_parse__wallex_markets(body, len, &q, &usdt_irt, &skipped, err, errlen);
			break;
		case NABZ_SRC_NEWS:
		case NABZ_SRC_RSS: {
			struct nabz_news_list news = {0};
			rc = j->source == NABZ_SRC_NEWS
				? nabz_parse__cryptocompare_news(body, len, &news, &skipped, err, errlen)
				: nabz_parse__feed(body, len, NULL, &news, &skipped, err, errlen);
			if(rc == 0) take_news(b, j->source, &news);
			nabz_news__free(&news);
			break;
		}
		default:
			break;
	}
	if(rc == 0){
		take_quotes(b, j->source, &q, now_ms);
		set_usdt_irt(b, usdt_irt);
		if(skipped){
			nabz_log(LOG_INFO, "%s: %zu items with bad values skipped", nabz_source__name(j->source), skipped);
		}
	}
	nabz_quotes__free(&q);
	return rc == 0 ? NULL : err;
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
		const char *bad = parse_body(b, j, r->body, r->len, now_ms, err, sizeof(err));
		if(bad){
			failed(b, s, bad, -1, now_ms);
		}else{
			if(r->etag) snprintf(s->etag[etag_slot(j)], sizeof(s->etag[0]), "%s", r->etag);
			succeeded(b, s, now_ms);
		}
	}
	free(j);
}

static int start_job(struct nabz_bridge *b, enum nabz_source_id source, enum job_kind kind,
		const char *symbol, size_t feed, const char *url, int64_t now_ms)
{
	struct nabz_source_state *s = &b->src[source];
	struct job *j = calloc(1, sizeof(*j));

	if(j == NULL) return -1;
	j->b = b;
	j->source = source;
	j->kind = kind;
	j->started_ms = now_ms;
	j->feed = feed;
	if(symbol) snprintf(j->symbol, sizeof(j->symbol), "%s", symbol);
	if(nabz_http__get(&b->http, url, s->etag[etag_slot(j)], on_done, j) != 0){
		free(j);
		return -1;
	}
	s->in_flight++;
	s->requests_total++;
	s->window_requests++;
	return 0;
}

/* Appends s to buf with a separator; lower case when lower. */
static void append(char *buf, size_t cap, const char *sep, const char *s, bool lower)
{
	size_t n = strlen(buf);

	if(n && n + strlen(sep) < cap){
		strcat(buf, sep);
		n = strlen(buf);
	}
	for(; *s && n + 1 < cap; s++) buf[n++] = lower ? (char)tolower((unsigned char)*s) : *s;
	buf[n] = '\0';
}

static unsigned jobs_for(const struct nabz_bridge *b, enum nabz_source_id id)
{
	if(id == NABZ_SRC_COINGECKO) return 3;
	if(id == NABZ_SRC_COINBASE) return (unsigned)b->watch_count;
	if(id == NABZ_SRC_RSS) return (unsigned)b->cfg->sources[id].feed_count;
	return 1;
}

/* Demo mode: the recorded response instead of the API. */
static int start_demo(struct nabz_bridge *b, enum nabz_source_id id, int64_t now_ms)
{
	static const char *const jobs[][2] = {
		[NABZ_SRC_COINGECKO] = {"prices", "market"}, [NABZ_SRC_BINANCE] = {"prices", NULL},
		[NABZ_SRC_KRAKEN] = {"prices", NULL}, [NABZ_SRC_COINBASE] = {NULL, NULL},
		[NABZ_SRC_NOBITEX] = {"prices", NULL}, [NABZ_SRC_WALLEX] = {"prices", NULL},
		[NABZ_SRC_NEWS] = {"news", NULL}, [NABZ_SRC_RSS] = {"feed", NULL},
	};
	unsigned n = b->demo_round[id]++ % b->demo_rounds;
	const char *dir = nabz_source__name(id);
	char url[4200];
	int rc = 0;

	if(id == NABZ_SRC_COINBASE){
		for(size_t i = 0; i < b->watch_count; i++){
			snprintf(url, sizeof(url), "file://%s/%s/%s-%u.json", b->cfg->demo_dir, dir, b->watch[i], n);
			rc |= start_job(b, id, JOB_PRICES, b->watch[i], 0, url, now_ms);
		}
		return rc;
	}
	for(int k = 0; k < 2 && jobs[id][k]; k++){
		enum job_kind kind = id == NABZ_SRC_NEWS ? JOB_NEWS : id == NABZ_SRC_RSS ? JOB_FEED : k ? JOB_MARKET : JOB_PRICES;
		snprintf(url, sizeof(url), "file://%s/%s/%s-%u.%s", b->cfg->demo_dir, dir, jobs[id][k], n,
				id == NABZ_SRC_RSS ? "xml" : "json");
		rc |= start_job(b, id, kind, NULL, 0, url, now_ms);
	}
	return rc;
}

static void start_round(struct nabz_bridge *b, enum nabz_source_id id, int64_t now_ms)
{
	const struct nabz_source_cfg *sc = &b->cfg->sources[id];
	const char *base = sc->base_url;
	/* Room for hundreds of symbols in one request (Binance, Kraken,
	 * Nobitex take a list). */
	char list[16384] = "", url[20000];
	int rc = 0;

	if(b->cfg->demo){
		rc = start_demo(b, id, now_ms);
		b->src[id].next_poll_ms = next_poll_after(&b->src[id], sc->interval_s * 1000, now_ms);
		b->src[id].ever_tried = true;
		if(rc) nabz_log(LOG_ERR, "%s: cannot start a request (out of memory?)", nabz_source__name(id));
		return;
	}

	switch(id){
		case NABZ_SRC_COINGECKO:
			for(size_t i = 0; i < b->coin_ids.count; i++) append(list, sizeof(list), ",", b->coin_ids.items[i].id, false);
			snprintf(url, sizeof(url), "%s/api/v3/simple/price?ids=%s&vs_currencies=usd"
					"&include_24hr_change=true&include_last_updated_at=true", base, list);
			rc |= start_job(b, id, JOB_PRICES, NULL, 0, url, now_ms);
			snprintf(url, sizeof(url), "%s/api/v3/global", base);
			rc |= start_job(b, id, JOB_MARKET, NULL, 0, url, now_ms);
			if(b->cfg->discovery_top_n > 0 && now_ms >= b->next_discovery_ms){
				/* The top N by market cap: newly listed coins join by themselves. */
				snprintf(url, sizeof(url), "%s/api/v3/coins/markets?vs_currency=usd&order=market_cap_desc"
						"&per_page=%ld&page=1", base, b->cfg->discovery_top_n);
				rc |= start_job(b, id, JOB_DISCOVERY, NULL, 0, url, now_ms);
				b->next_discovery_ms = now_ms + b->cfg->discovery_interval_s * 1000;
			}
			break;
		case NABZ_SRC_BINANCE:
			for(size_t i = 0; i < b->watch_count; i++){
				char pair[40];
				if(strcmp(b->watch[i], "USDT") == 0) continue;
				snprintf(pair, sizeof(pair), "%%22%sUSDT%%22", b->watch[i]);
				append(list, sizeof(list), ",", pair, false);
			}
			snprintf(url, sizeof(url), "%s/api/v3/ticker/24hr?symbols=%%5B%s%%5D", base, list);
			rc |= start_job(b, id, JOB_PRICES, NULL, 0, url, now_ms);
			break;
		case NABZ_SRC_KRAKEN:
			for(size_t i = 0; i < b->watch_count; i++){
				const char *sym = b->watch[i];
				char pair[40];
				snprintf(pair, sizeof(pair), "%sUSD", strcmp(sym, "BTC") == 0 ? "XBT" : strcmp(sym, "DOGE") == 0 ? "XDG" : sym);
				append(list, sizeof(list), ",", pair, false);
			}
			snprintf(url, sizeof(url), "%s/0/public/Ticker?pair=%s", base, list);
			rc |= start_job(b, id, JOB_PRICES, NULL, 0, url, now_ms);
			break;
		case NABZ_SRC_COINBASE:
			for(size_t i = 0; i < b->watch_count; i++){
				snprintf(url, sizeof(url), "%s/products/%s-USD/ticker", base, b->watch[i]);
				rc |= start_job(b, id, JOB_PRICES, b->watch[i], 0, url, now_ms);
			}
			break;
		case NABZ_SRC_NOBITEX:
			for(size_t i = 0; i < b->watch_count; i++) append(list, sizeof(list), ",", b->watch[i], true);
			if(strstr(list, "usdt") == NULL) append(list, sizeof(list), ",", "usdt", false);
			snprintf(url, sizeof(url), "%s/market/stats?srcCurrency=%s&dstCurrency=rls", base, list);
			rc |= start_job(b, id, JOB_PRICES, NULL, 0, url, now_ms);
			break;
		case NABZ_SRC_WALLEX:
			snprintf(url, sizeof(url), "%s/v1/markets", base);
			rc |= start_job(b, id, JOB_PRICES, NULL, 0, url, now_ms);
			break;
		case NABZ_SRC_NEWS:
			snprintf(url, sizeof(url), "%s/data/v2/news/?lang=EN", base);
			rc |= start_job(b, id, JOB_NEWS, NULL, 0, url, now_ms);
			break;
		case NABZ_SRC_RSS:
			for(size_t i = 0; i < sc->feed_count; i++){
				rc |= start_job(b, id, JOB_FEED, NULL, i, sc->feeds[i], now_ms);
			}
			break;
		default:
			break;
	}
	b->src[id].next_poll_ms = next_poll_after(&b->src[id], sc->interval_s * 1000, now_ms);
	b->src[id].ever_tried = true;
	if(rc) nabz_log(LOG_ERR, "%s: cannot start a request (out of memory?)", nabz_source__name(id));
}

int64_t nabz_sources__poll(struct nabz_bridge *b, int64_t now_ms)
{
	int64_t next = 1000;

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		struct nabz_source_state *s = &b->src[i];
		const struct nabz_source_cfg *sc = &b->cfg->sources[i];
		int64_t due;

		if(!sc->enabled || !implemented((enum nabz_source_id)i)) continue;
		if(s->in_flight || (b->once && s->ever_tried)) continue;
		if(now_ms - s->window_start_ms >= 60000){
			s->window_start_ms = now_ms;
			s->window_requests = 0;
		}
		due = s->next_poll_ms > s->blocked_until_ms ? s->next_poll_ms : s->blocked_until_ms;
		if(s->window_requests + jobs_for(b, (enum nabz_source_id)i) > (unsigned)sc->budget_per_min){
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

static cJSON *market_json(const struct nabz_bridge *b)
{
	cJSON *d = cJSON_CreateObject();
	const struct nabz_market *m = &b->market;
	char ts[40];

	if(d == NULL) return NULL;
	if(isfinite(m->total_market_cap_usd)) cJSON_AddNumberToObject(d, "total_market_cap_usd", m->total_market_cap_usd);
	if(isfinite(m->total_volume_usd)) cJSON_AddNumberToObject(d, "total_volume_usd", m->total_volume_usd);
	if(isfinite(m->btc_dominance_pct)) cJSON_AddNumberToObject(d, "btc_dominance_pct", m->btc_dominance_pct);
	if(isfinite(m->usdt_irt)) cJSON_AddNumberToObject(d, "usdt_irt", m->usdt_irt);
	nabz_time__rfc3339(m->source_ts_ms ? m->source_ts_ms : nabz_time__wall_ms(), ts, sizeof(ts));
	cJSON_AddStringToObject(d, "source_ts", ts);
	cJSON_AddStringToObject(d, "source", b->cfg->demo ? "demo" : "coingecko");
	return d;
}

static cJSON *sources_json(const struct nabz_bridge *b, int64_t now_ms)
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
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_state *s = &b->src[i];
		const struct nabz_source_cfg *sc = &b->cfg->sources[i];
		cJSON *o;
		char ts[40];

		if(!sc->enabled || !implemented((enum nabz_source_id)i)) continue;
		o = cJSON_AddObjectToObject(all, nabz_source__name((enum nabz_source_id)i));
		if(o == NULL) continue;
		cJSON_AddStringToObject(o, "status", !s->ever_tried ? "unknown" : s->ok ? "ok" : "down");
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

static const char *rule_kind(enum nabz_rule_kind k)
{
	return k == NABZ_RULE_ABOVE ? "above" : k == NABZ_RULE_BELOW ? "below" : "move";
}

/* An alert goes out QoS 1 through the outbox: it must not be lost. */
static void fire_alert(void *ctx, const struct nabz_alert *al)
{
	struct nabz_bridge *b = ctx;
	cJSON *d = cJSON_CreateObject();

	if(d == NULL) return;
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
	if(b->cfg->demo) cJSON_AddStringToObject(d, "source", "demo");
	nabz_log(LOG_NOTICE, "alert: %s", al->message);
	nabz_publisher__send(&b->pub, "alerts", "alert", d, false, nabz_time__wall_ms());
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
		snprintf(sub, sizeof(sub), "prices/%s", s->symbol);
		if(nabz_publisher__send(&b->pub, sub, "price_update", d, true, wall) == 0){
			s->published = c;
			s->ever_published = true;
			nabz_prices__checked(&b->prices, s, now_ms);
			if(!c.stale) nabz_alerts__feed(&b->alerts, s->symbol, c.price_usd, now_ms, fire_alert, b);
		}
	}
	if(b->market_dirty && isfinite(b->market.total_market_cap_usd)){
		cJSON *d = market_json(b);
		if(d && nabz_publisher__send(&b->pub, "market", "market_update", d, true, wall) == 0){
			b->market_dirty = false;
		}
	}
	if(b->sources_dirty && now_ms - b->last_sources_publish_ms >= 1000){
		cJSON *d = sources_json(b, now_ms);
		if(d && nabz_publisher__send(&b->pub, "sources", "sources_update", d, true, wall) == 0){
			b->sources_dirty = false;
			b->last_sources_publish_ms = now_ms;
		}
	}
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
