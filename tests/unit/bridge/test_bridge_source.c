/* Unit tests for bridge/source.c and the sources' requests
 * (bridge/source/<name>.c) and demo mode's (bridge/demo.c): the URLs each
 * source asks for, in order, as the APIs expect them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nabz_test.h"

#include "demo.h"
#include "source.h"

static char g_watch[3][NABZ_SYMBOL_MAX] = {"BTC", "DOGE", "USDT"};

/* A round over BTC, DOGE, USDT with the CoinGecko ids of BTC and DOGE. */
static void round_for(struct nabz_source_round *r, struct nabz_source_cfg *cfg,
		struct nabz_coin_id_list *ids, long top_n)
{
	struct nabz_coin_id c;

	assert_int_equal(nabz_coin_id__init(&c, "bitcoin", "BTC"), 0);
	assert_int_equal(nabz_coin_ids__push(ids, &c), 0);
	assert_int_equal(nabz_coin_id__init(&c, "dogecoin", "DOGE"), 0);
	assert_int_equal(nabz_coin_ids__push(ids, &c), 0);
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->watch = (const char (*)[NABZ_SYMBOL_MAX])g_watch;
	r->watch_count = 3;
	r->coin_ids = ids;
	r->discovery_top_n = top_n;
}

/* The requests of a live round of id, against want (NULL-terminated). */
static void check_live(enum nabz_source_id id, long top_n, const char *const *want, unsigned want_size)
{
	static char *feeds[] = {"https://a.example/feed", "https://b.example/rss"};
	struct nabz_source_cfg cfg = {.enabled = true, .base_url = "https://api.example", .feeds = feeds,
		.feed_count = 2};
	struct nabz_coin_id_list ids = {0};
	struct nabz_request_list out = {0};
	struct nabz_source_round r;
	const struct nabz_source_ops *ops = nabz_source__ops(id);
	size_t n = 0;

	assert_non_null(ops);
	assert_int_equal(ops->id, id);
	round_for(&r, &cfg, &ids, top_n);
	assert_int_equal(ops->requests(&r, &out), 0);
	while(want[n]) n++;
	check_row(out.count == n, "%s: %zu requests, want %zu", nabz_source__name(id), out.count, n);
	for(size_t i = 0; i < n && i < out.count; i++){
		check_row(strcmp(out.items[i].url, want[i]) == 0, "%s %zu: %s", nabz_source__name(id), i, out.items[i].url);
	}
	check_row((ops->round_size ? ops->round_size(&r) : 1) == want_size, "%s: round size", nabz_source__name(id));
	nabz_requests__free(&out);
	nabz_coin_ids__free(&ids);
}

static void test_live_requests(void **state)
{
	(void)state;
	check_live(NABZ_SRC_COINGECKO, 0, (const char *const[]){
		"https://api.example/api/v3/simple/price?ids=bitcoin,dogecoin&vs_currencies=usd"
				"&include_24hr_change=true&include_last_updated_at=true",
		"https://api.example/api/v3/global", NULL}, 3);
	check_live(NABZ_SRC_COINGECKO, 50, (const char *const[]){
		"https://api.example/api/v3/simple/price?ids=bitcoin,dogecoin&vs_currencies=usd"
				"&include_24hr_change=true&include_last_updated_at=true",
		"https://api.example/api/v3/global",
		"https://api.example/api/v3/coins/markets?vs_currency=usd&order=market_cap_desc&per_page=50&page=1",
		NULL}, 3);
	check_live(NABZ_SRC_BINANCE, 0, (const char *const[]){
		"https://api.example/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22,%22DOGEUSDT%22%5D", NULL}, 1);
	check_live(NABZ_SRC_KRAKEN, 0, (const char *const[]){
		"https://api.example/0/public/Ticker?pair=XBTUSD,XDGUSD,USDTUSD", NULL}, 1);
	check_live(NABZ_SRC_COINBASE, 0, (const char *const[]){
		"https://api.example/products/BTC-USD/ticker", "https://api.example/products/DOGE-USD/ticker",
		"https://api.example/products/USDT-USD/ticker", NULL}, 3);
	check_live(NABZ_SRC_NOBITEX, 0, (const char *const[]){
		"https://api.example/market/stats?srcCurrency=btc,doge,usdt&dstCurrency=rls", NULL}, 1);
	check_live(NABZ_SRC_WALLEX, 0, (const char *const[]){"https://api.example/v1/markets", NULL}, 1);
	check_live(NABZ_SRC_NEWS, 0, (const char *const[]){"https://api.example/data/v2/news/?lang=EN", NULL}, 1);
	check_live(NABZ_SRC_RSS, 0, (const char *const[]){"https://a.example/feed", "https://b.example/rss", NULL}, 2);
}

/* Every source is in the table, and a source's kinds and symbols are
 * what its answers are read by. */
static void test_table_and_kinds(void **state)
{
	struct nabz_source_cfg cfg = {.enabled = true, .base_url = "http://x"};
	struct nabz_coin_id_list ids = {0};
	struct nabz_request_list out = {0};
	struct nabz_source_round r;

	(void)state;
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		const struct nabz_source_ops *ops = nabz_source__ops((enum nabz_source_id)i);
		check_row(ops != NULL && ops->requests && ops->parse, "source %d", i);
	}
	assert_null(nabz_source__ops(NABZ_SRC_COUNT));
	round_for(&r, &cfg, &ids, 10);
	assert_int_equal(nabz_source__ops(NABZ_SRC_COINGECKO)->requests(&r, &out), 0);
	assert_int_equal(out.count, 3);
	assert_int_equal(out.items[0].kind, NABZ_REQ_PRICES);
	assert_int_equal(out.items[1].kind, NABZ_REQ_MARKET);
	assert_int_equal(out.items[2].kind, NABZ_REQ_DISCOVERY);
	nabz_requests__free(&out);
	assert_int_equal(nabz_source__ops(NABZ_SRC_COINBASE)->requests(&r, &out), 0);
	assert_string_equal(out.items[1].symbol, "DOGE");
	nabz_requests__free(&out);
	nabz_coin_ids__free(&ids);
}

static void test_demo_requests(void **state)
{
	struct nabz_source_cfg cfg = {.enabled = true, .base_url = "http://x"};
	struct nabz_coin_id_list ids = {0};
	struct nabz_request_list out = {0};
	struct nabz_source_round r;

	(void)state;
	round_for(&r, &cfg, &ids, 10);
	assert_int_equal(nabz_demo__requests(nabz_source__ops(NABZ_SRC_COINGECKO), &r, "/d", 7, &out), 0);
	assert_int_equal(out.count, 2);   /* no discovery in demo mode */
	assert_string_equal(out.items[0].url, "file:///d/coingecko/prices-7.json");
	assert_int_equal(out.items[0].kind, NABZ_REQ_PRICES);
	assert_string_equal(out.items[1].url, "file:///d/coingecko/market-7.json");
	assert_int_equal(out.items[1].kind, NABZ_REQ_MARKET);
	nabz_requests__free(&out);
	assert_int_equal(nabz_demo__requests(nabz_source__ops(NABZ_SRC_COINBASE), &r, "/d", 0, &out), 0);
	assert_int_equal(out.count, 3);
	assert_string_equal(out.items[1].url, "file:///d/coinbase/DOGE-0.json");
	assert_string_equal(out.items[1].symbol, "DOGE");
	nabz_requests__free(&out);
	assert_int_equal(nabz_demo__requests(nabz_source__ops(NABZ_SRC_RSS), &r, "/d", 3, &out), 0);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.items[0].url, "file:///d/rss/feed-3.xml");
	assert_int_equal(out.items[0].kind, NABZ_REQ_FEED);
	nabz_requests__free(&out);
	assert_int_equal(nabz_demo__requests(nabz_source__ops(NABZ_SRC_NEWS), &r, "/d", 3, &out), 0);
	assert_string_equal(out.items[0].url, "file:///d/news/news-3.json");
	assert_int_equal(out.items[0].kind, NABZ_REQ_NEWS);
	nabz_requests__free(&out);
	nabz_coin_ids__free(&ids);
	assert_int_equal(nabz_demo__rounds("/nonexistent"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_requests),
		cmocka_unit_test(test_table_and_kinds),
		cmocka_unit_test(test_demo_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
