#include "parser_table.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source/binance.h"
#include "source/coinbase.h"
#include "source/coingecko.h"
#include "source/kraken.h"
#include "source/news.h"
#include "source/rss.h"
#include "source/nobitex.h"
#include "coin_id.h"
#include "jsonval.h"
#include "parse_text.h"
#include "source/wallex.h"
#include "quote.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct nabz_coin_id g_ids[4];
static char g_problem[512];

/* Records the first broken promise of a run. */
__attribute__((format(printf, 1, 2)))
static void problem(const char *fmt, ...)
{
	va_list ap;

	if(g_problem[0]) return;
	va_start(ap, fmt);
	(void)vsnprintf(g_problem, sizeof(g_problem), fmt, ap);
	va_end(ap);
}

/* ---- the parsers, reduced to body in, quotes or news out ---------------- */

static int p_simple_price(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	return nabz_parse__coingecko_simple_price(b, n, g_ids, COUNT(g_ids), o, NULL, e, el);
}

static int p_markets(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	struct nabz_coin_id_list ids = {0};
	int rc = nabz_parse__coingecko_markets(b, n, o, &ids, NULL, e, el);

	if(rc == 0 ? ids.count != o->count : ids.count != 0) problem("%zu ids for %zu quotes", ids.count, o->count);
	for(size_t i = 0; i < ids.count && i < o->count; i++){
		if(strcmp(ids.items[i].symbol, o->items[i].symbol) != 0) problem("id %zu out of order", i);
	}
	nabz_coin_ids__free(&ids);
	return rc;
}

static int p_global(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	struct nabz_market m;

	(void)o;
	if(nabz_parse__coingecko_global(b, n, &m, e, el) != 0) return -1;
	if(!(nabz_jsonval__amount_ok(m.total_market_cap_usd) && m.total_market_cap_usd > 0)) problem("global: cap");
	if(!(isnan(m.total_volume_usd) || nabz_jsonval__amount_ok(m.total_volume_usd))) problem("global: volume");
	if(!(isnan(m.btc_dominance_pct) || (m.btc_dominance_pct >= 0 && m.btc_dominance_pct <= 100))) problem("global: dominance");
	if(!(m.source_ts_ms == 0 || nabz_jsonval__ts_ok(m.source_ts_ms))) problem("global: ts");
	return 0;
}

static int p_binance(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	return nabz_parse__binance_ticker_24hr(b, n, o, NULL, e, el);
}

static int p_binance_ws(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	return nabz_parse__binance_mini_ticker(b, n, o, NULL, e, el);
}

static int p_kraken(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	return nabz_parse__kraken_ticker(b, n, o, NULL, e, el);
}

static int p_coinbase(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	struct nabz_quote q;

	if(nabz_parse__coinbase_ticker(b, n, "BTC", &q, e, el) != 0) return -1;
	return nabz_quotes__push(o, &q);
}

static int p_nobitex(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	double usdt;
	int rc = nabz_parse__nobitex_stats(b, n, o, &usdt, NULL, e, el);

	if(!(isnan(usdt) || nabz_jsonval__price_irt_ok(usdt))) problem("usdt_irt %g", usdt);
	return rc;
}

static int p_wallex(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	double usdt;
	int rc = nabz_parse__wallex_markets(b, n, o, &usdt, NULL, e, el);

	if(!(isnan(usdt) || nabz_jsonval__price_irt_ok(usdt))) problem("usdt_irt %g", usdt);
	return rc;
}

static int p_cryptocompare(const char *b, size_t n, struct nabz_news_list *o, char *e, size_t el)
{
	return nabz_parse__cryptocompare_news(b, n, o, NULL, e, el);
}

static int p_feed(const char *b, size_t n, struct nabz_news_list *o, char *e, size_t el)
{
	return nabz_parse__feed(b, n, NULL, o, NULL, e, el);
}

const struct parser_entry parser_table[] = {
	{"coingecko simple_price", "coingecko", p_simple_price, NULL},
	{"coingecko markets", "coingecko", p_markets, NULL},
	{"coingecko global", "coingecko", p_global, NULL},
	{"binance ticker", "binance", p_binance, NULL},
	{"binance ws", "binance", p_binance_ws, NULL},
	{"kraken", "kraken", p_kraken, NULL},
	{"coinbase", "coinbase", p_coinbase, NULL},
	{"nobitex", "nobitex", p_nobitex, NULL},
	{"wallex", "wallex", p_wallex, NULL},
	{"cryptocompare", "cryptocompare", NULL, p_cryptocompare},
	{"feed", "feeds", NULL, p_feed},
};
const size_t parser_table_len = COUNT(parser_table);

int parser_table_init(void)
{
	return nabz_coin_id__init(&g_ids[0], "bitcoin", "btc") | nabz_coin_id__init(&g_ids[1], "ethereum", "eth")
		| nabz_coin_id__init(&g_ids[2], "tether", "usdt") | nabz_coin_id__init(&g_ids[3], "stellar", "xlm");
}

/* ---- what may be published ---------------------------------------------- */

static bool symbol_ok(const char *s)
{
	size_t n = strlen(s);

	if(n == 0 || n >= NABZ_SYMBOL_MAX) return false;
	for(size_t i = 0; i < n; i++){
		if(!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return false;
	}
	return true;
}

static void check_quote(const struct nabz_quote *q)
{
	if(!symbol_ok(q->symbol)) problem("symbol \"%s\"", q->symbol);
	if(isnan(q->price_usd) && isnan(q->price_irt)) problem("%s has no price", q->symbol);
	if(!(isnan(q->price_usd) || nabz_jsonval__price_usd_ok(q->price_usd))) problem("%s usd %g", q->symbol, q->price_usd);
	if(!(isnan(q->price_irt) || nabz_jsonval__price_irt_ok(q->price_irt))) problem("%s irt %g", q->symbol, q->price_irt);
	if(!(isnan(q->change_24h_pct) || nabz_jsonval__change_ok(q->change_24h_pct))) problem("%s change", q->symbol);
	if(!(isnan(q->volume_24h_usd) || nabz_jsonval__amount_ok(q->volume_24h_usd))) problem("%s volume", q->symbol);
	if(!(isnan(q->market_cap_usd) || nabz_jsonval__amount_ok(q->market_cap_usd))) problem("%s cap", q->symbol);
	if(!(q->source_ts_ms == 0 || nabz_jsonval__ts_ok(q->source_ts_ms))) problem("%s ts", q->symbol);
}

/* Valid UTF-8, no control characters: cleaning it changes nothing. */
static bool clean_text(const char *s)
{
	char *copy;
	bool same;

	if(s == NULL) return true;
	copy = nabz_parse__text(s, strlen(s), 0, SIZE_MAX / 16);
	if(copy == NULL) return false;
	same = strcmp(copy, s) == 0;
	free(copy);
	return same;
}

static void check_news(const struct nabz_news_item *it)
{
	if(it->id == NULL || it->id[0] == '\0') problem("news item without id");
	if(it->title == NULL || it->title[0] == '\0' || !clean_text(it->title)) problem("news title");
	if(!(it->url == NULL || strncasecmp(it->url, "http", 4) == 0)) problem("news url %s", it->url);
	if(!clean_text(it->source) || !clean_text(it->summary)) problem("news text not clean");
	if(!(it->published_ms == 0 || nabz_jsonval__ts_ok(it->published_ms))) problem("news time");
}

const char *parser_table_run(size_t i, const char *body, size_t len)
{
	char *copy = malloc(len ? len : 1);
	char err[256] = "";
	size_t count;
	int rc;

	g_problem[0] = '\0';
	if(copy == NULL) return "out of memory";
	memcpy(copy, body, len);
	if(parser_table[i].news){
		struct nabz_news_list out = {0};
		rc = parser_table[i].news(copy, len, &out, err, sizeof(err));
		count = out.count;
		for(size_t k = 0; k < out.count; k++) check_news(&out.items[k]);
		nabz_news__free(&out);
	}else{
		struct nabz_quote_list out = {0};
		rc = parser_table[i].quotes(copy, len, &out, err, sizeof(err));
		count = out.count;
		for(size_t k = 0; k < out.count; k++) check_quote(&out.items[k]);
		nabz_quotes__free(&out);
	}
	free(copy);
	if(!(rc == 0 || (rc == -1 && err[0] != '\0' && count == 0))) problem("rc %d, err \"%s\", %zu out", rc, err, count);
	return g_problem[0] ? g_problem : NULL;
}
