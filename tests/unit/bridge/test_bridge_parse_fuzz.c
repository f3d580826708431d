/*
 * Every parser against every fixture, and against each fixture with one
 * byte changed at every offset: whatever comes in, a parser returns 0 or
 * -1 and never hands out a value the bridge must not publish. Run under
 * the sanitizer build to catch reads past the body.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nabz_test.h"

#include "fixture.h"
#include "parse_binance.h"
#include "parse_coinbase.h"
#include "parse_coingecko.h"
#include "parse_kraken.h"
#include "parse_news.h"
#include "parse_nobitex.h"
#include "parse_util.h"
#include "parse_wallex.h"

static struct nabz_coin_id g_ids[4];

static int p_simple_price(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	return nabz_parse__coingecko_simple_price(b, n, g_ids, N_ELEMS(g_ids), o, NULL, e, el);
}

static int p_markets(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	struct nabz_coin_id_list ids = {0};
	int rc = nabz_parse__coingecko_markets(b, n, o, &ids, NULL, e, el);

	check_row(rc == 0 ? ids.count == o->count : ids.count == 0, "markets: %zu ids for %zu quotes", ids.count, o->count);
	for(size_t i = 0; i < ids.count; i++) check_row(strcmp(ids.items[i].symbol, o->items[i].symbol) == 0, "id order");
	nabz_coin_ids__free(&ids);
	return rc;
}

static int p_global(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	struct nabz_market m;

	(void)o;
	if(nabz_parse__coingecko_global(b, n, &m, e, el) != 0) return -1;
	check_row(nabz_parse__amount_ok(m.total_market_cap_usd) && m.total_market_cap_usd > 0, "global: cap");
	check_row(isnan(m.total_volume_usd) || nabz_parse__amount_ok(m.total_volume_usd), "global: volume");
	check_row(isnan(m.btc_dominance_pct) || (m.btc_dominance_pct >= 0 && m.btc_dominance_pct <= 100), "global: dom");
	check_row(m.source_ts_ms == 0 || nabz_parse__ts_ok(m.source_ts_ms), "global: ts");
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

	check_row(isnan(usdt) || nabz_parse__price_irt_ok(usdt), "nobitex: usdt_irt %g", usdt);
	return rc;
}

static int p_wallex(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el)
{
	double usdt;
	int rc = nabz_parse__wallex_markets(b, n, o, &usdt, NULL, e, el);

	check_row(isnan(usdt) || nabz_parse__price_irt_ok(usdt), "wallex: usdt_irt %g", usdt);
	return rc;
}

static const struct {
	const char *name;
	fx_quotes_fn fn;
	const char *dir;    /* its own fixtures, mutated byte by byte */
} quote_parsers[] = {
	{"coingecko simple_price", p_simple_price, "coingecko"},
	{"coingecko markets", p_markets, "coingecko"},
	{"coingecko global", p_global, "coingecko"},
	{"binance ticker", p_binance, "binance"},
	{"binance ws", p_binance_ws, "binance"},
	{"kraken", p_kraken, "kraken"},
	{"coinbase", p_coinbase, "coinbase"},
	{"nobitex", p_nobitex, "nobitex"},
	{"wallex", p_wallex, "wallex"},
};

static int p_cryptocompare(const char *b, size_t n, struct nabz_news_list *o, char *e, size_t el)
{
	return nabz_parse__cryptocompare_news(b, n, o, NULL, e, el);
}

static int p_feed(const char *b, size_t n, struct nabz_news_list *o, char *e, size_t el)
{
	return nabz_parse__feed(b, n, NULL, o, NULL, e, el);
}

static const struct {
	const char *name;
	fx_news_fn fn;
	const char *dir;
} news_parsers[] = {
	{"cryptocompare", p_cryptocompare, "cryptocompare"},
	{"feed", p_feed, "feeds"},
};

static bool symbol_ok(const char *s)
{
	size_t n = strlen(s);

	if(n == 0 || n >= NABZ_SYMBOL_MAX) return false;
	for(size_t i = 0; i < n; i++){
		if(!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return false;
	}
	return true;
}

/* What may be published: the parsers' promise. */
static void check_quote_publishable(const struct nabz_quote *q, const char *ctx)
{
	check_row(symbol_ok(q->symbol), "%s: symbol \"%s\"", ctx, q->symbol);
	check_row(!isnan(q->price_usd) || !isnan(q->price_irt), "%s: %s has no price", ctx, q->symbol);
	check_row(isnan(q->price_usd) || nabz_parse__price_usd_ok(q->price_usd), "%s: %s usd %g", ctx, q->symbol, q->price_usd);
	check_row(isnan(q->price_irt) || nabz_parse__price_irt_ok(q->price_irt), "%s: %s irt %g", ctx, q->symbol, q->price_irt);
	check_row(isnan(q->change_24h_pct) || nabz_parse__change_ok(q->change_24h_pct), "%s: %s change", ctx, q->symbol);
	check_row(isnan(q->volume_24h_usd) || nabz_parse__amount_ok(q->volume_24h_usd), "%s: %s volume", ctx, q->symbol);
	check_row(isnan(q->market_cap_usd) || nabz_parse__amount_ok(q->market_cap_usd), "%s: %s cap", ctx, q->symbol);
	check_row(q->source_ts_ms == 0 || nabz_parse__ts_ok(q->source_ts_ms), "%s: %s ts", ctx, q->symbol);
}

/* Valid UTF-8, no control characters. */
static bool clean_text(const char *s)
{
	char *copy;
	bool same;

	if(s == NULL) return true;
	copy = nabz_parse__text(s, strlen(s), 0, SIZE_MAX / 16);
	assert_non_null(copy);
	same = strcmp(copy, s) == 0;
	free(copy);
	return same;
}

static void check_news_publishable(const struct nabz_news_item *it, const char *ctx)
{
	check_row(it->id != NULL && it->id[0] != '\0', "%s: no id", ctx);
	check_row(it->title != NULL && it->title[0] != '\0' && clean_text(it->title), "%s: title", ctx);
	check_row(it->url == NULL || strncasecmp(it->url, "http", 4) == 0, "%s: url %s", ctx, it->url);
	check_row(clean_text(it->source) && clean_text(it->summary), "%s: text not clean", ctx);
	check_row(it->published_ms == 0 || nabz_parse__ts_ok(it->published_ms), "%s: time", ctx);
}

/* One run of a parser: 0 or -1, a reason with -1, publishable output. */
static void run_quotes(fx_quotes_fn fn, const char *body, size_t len, const char *ctx)
{
	struct nabz_quote_list out = {0};
	char err[256];
	int rc = fx_run_quotes(fn, body, len, &out, err, sizeof(err));

	check_row(rc == 0 || (rc == -1 && err[0] != '\0' && out.count == 0), "%s: rc %d, err \"%s\"", ctx, rc, err);
	for(size_t i = 0; i < out.count; i++) check_quote_publishable(&out.items[i], ctx);
	nabz_quotes__free(&out);
}

static void run_news(fx_news_fn fn, const char *body, size_t len, const char *ctx)
{
	struct nabz_news_list out = {0};
	char err[256];
	char *copy = fx_copy(body, len);
	int rc;

	err[0] = '\0';
	rc = fn(copy, len, &out, err, sizeof(err));
	free(copy);
	check_row(rc == 0 || (rc == -1 && err[0] != '\0' && out.count == 0), "%s: rc %d, err \"%s\"", ctx, rc, err);
	for(size_t i = 0; i < out.count; i++) check_news_publishable(&out.items[i], ctx);
	nabz_news__free(&out);
}

/* The fixture files, as paths relative to NABZ_FIXTURES. */
static size_t list_fixtures(char names[][128], size_t max)
{
	static const char *const dirs[] = {
		"coingecko", "binance", "kraken", "coinbase", "nobitex", "wallex", "cryptocompare", "feeds", "common",
	};
	const char *root = getenv("NABZ_FIXTURES");
	size_t n = 0;

	assert_non_null(root);
	for(size_t d = 0; d < N_ELEMS(dirs); d++){
		char path[1024];
		struct dirent *e;
		DIR *dir;

		(void)snprintf(path, sizeof(path), "%s/%s", root, dirs[d]);
		dir = opendir(path);
		check_row(dir != NULL, "cannot list %s", path);
		while((e = readdir(dir)) != NULL){
			if(e->d_name[0] == '.') continue;
			assert_true(n < max);
			check_row(snprintf(names[n], 128, "%s/%s", dirs[d], e->d_name) < 128, "name too long");
			n++;
		}
		closedir(dir);
	}
	return n;
}

static void test_every_parser_every_fixture(void **state)
{
	static char names[128][128];
	size_t n = list_fixtures(names, N_ELEMS(names)), runs = 0;

	(void)state;
	assert_true(n >= 40);
	for(size_t f = 0; f < n; f++){
		size_t len;
		char *body = fx_load(names[f], &len);
		char ctx[256];

		for(size_t p = 0; p < N_ELEMS(quote_parsers); p++){
			(void)snprintf(ctx, sizeof(ctx), "%s on %s", quote_parsers[p].name, names[f]);
			run_quotes(quote_parsers[p].fn, body, len, ctx);
			runs++;
		}
		for(size_t p = 0; p < N_ELEMS(news_parsers); p++){
			(void)snprintf(ctx, sizeof(ctx), "%s on %s", news_parsers[p].name, names[f]);
			run_news(news_parsers[p].fn, body, len, ctx);
			runs++;
		}
		free(body);
	}
	print_message("%zu fixtures, %zu runs\n", n, runs);
}

/* Bytes that change a JSON or XML document's structure or meaning. */
static const char mutations[] = {'"', '}', ']', ',', '-', '9', '\\', '<', '&', '\0', '\xff', 'e'};

static void test_one_byte_mutations(void **state)
{
	static char names[128][128];
	size_t n = list_fixtures(names, N_ELEMS(names)), runs = 0;

	(void)state;
	for(size_t f = 0; f < n; f++){
		size_t len;
		char *body;
		char ctx[256];

		body = fx_load(names[f], &len);
		for(size_t p = 0; p < N_ELEMS(quote_parsers) + N_ELEMS(news_parsers); p++){
			bool news = p >= N_ELEMS(quote_parsers);
			const char *dir = news ? news_parsers[p - N_ELEMS(quote_parsers)].dir : quote_parsers[p].dir;

			if(strncmp(names[f], dir, strlen(dir)) != 0) continue;
			for(size_t at = 0; at < len; at++){
				char saved = body[at];

				/* Three of the bytes at each offset, a different three at the
				 * next: every byte at every fourth offset, in a few seconds. */
				for(size_t k = 0; k < 3; k++){
					size_t m = (at + 4 * k) % sizeof(mutations);

					if(mutations[m] == saved) continue;
					body[at] = mutations[m];
					(void)snprintf(ctx, sizeof(ctx), "%s: byte %zu -> 0x%02x", names[f], at,
							(unsigned)(unsigned char)mutations[m]);
					if(news){
						run_news(news_parsers[p - N_ELEMS(quote_parsers)].fn, body, len, ctx);
					}else{
						run_quotes(quote_parsers[p].fn, body, len, ctx);
					}
					runs++;
				}
				body[at] = saved;
			}
		}
		free(body);
	}
	print_message("%zu mutated runs\n", runs);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(nabz_coin_id__init(&g_ids[0], "bitcoin", "btc"), 0);
	assert_int_equal(nabz_coin_id__init(&g_ids[1], "ethereum", "eth"), 0);
	assert_int_equal(nabz_coin_id__init(&g_ids[2], "tether", "usdt"), 0);
	assert_int_equal(nabz_coin_id__init(&g_ids[3], "stellar", "xlm"), 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_parser_every_fixture),
		cmocka_unit_test(test_one_byte_mutations),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
