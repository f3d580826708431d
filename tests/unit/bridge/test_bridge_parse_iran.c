/* Unit tests for bridge/source/nobitex.c and bridge/source/wallex.c, the
 * Iranian exchanges, against fixtures in tests/fixtures/api/{nobitex,wallex},
 * and the rial / toman conversion they must get right. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "source/nobitex.h"
#include "source/wallex.h"

static size_t g_skipped;
static double g_usdt_irt;

static int nobitex(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__nobitex_stats(body, len, out, &g_usdt_irt, &g_skipped, err, errlen);
}

static int wallex(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__wallex_markets(body, len, out, &g_usdt_irt, &g_skipped, err, errlen);
}

static void check_fixture(fx_quotes_fn fn, const char *rel, const struct nabz_quote *want, size_t n, size_t skipped,
		double usdt_irt)
{
	struct nabz_quote_list out = {0};
	char err[256];
	size_t len;
	char *body = fx_load(rel, &len);
	int rc = fx_run_quotes(fn, body, len, &out, err, sizeof(err));

	check_row(rc == 0, "%s: refused: %s", rel, err);
	fx_check_quotes(&out, want, n, rel);
	check_row(g_skipped == skipped, "%s: skipped %zu, want %zu", rel, g_skipped, skipped);
	check_row(fx_close(g_usdt_irt, usdt_irt), "%s: usdt_irt %.17g, want %.17g", rel, g_usdt_irt, usdt_irt);
	nabz_quotes__free(&out);
	fx_prefixes_quotes(fn, body, len);
	free(body);
}

/*
 * Nobitex quotes rials, Wallex toman, quotes carry toman (1 toman = 10
 * rials). A well-known library once multiplied Nobitex's rials by 10
 * instead of dividing: BTC at 580,000,000,000 rials must be
 * 58,000,000,000 toman, and Wallex's toman must stay as they are.
 */
static void test_rial_toman_conversion(void **state)
{
	static const char nobitex_body[] = "{\"status\":\"ok\",\"stats\":{"
			"\"btc-rls\":{\"isClosed\":false,\"latest\":\"580000000000\",\"dayChange\":\"1.2\"},"
			"\"usdt-rls\":{\"isClosed\":false,\"latest\":\"600000\",\"dayChange\":\"0.1\"}}}";
	static const char wallex_body[] = "{\"result\":{\"symbols\":{"
			"\"BTCTMN\":{\"symbol\":\"BTCTMN\",\"baseAsset\":\"BTC\",\"quoteAsset\":\"TMN\","
			"\"stats\":{\"lastPrice\":\"58000000000\",\"24h_ch\":1.2}},"
			"\"USDTTMN\":{\"symbol\":\"USDTTMN\",\"baseAsset\":\"USDT\",\"quoteAsset\":\"TMN\","
			"\"stats\":{\"lastPrice\":\"60000\",\"24h_ch\":0.1}}}},\"message\":\"ok\",\"success\":true}";
	struct nabz_quote_list nq = {0}, wq = {0};
	const struct nabz_quote *nb, *wb;
	char err[128];
	double nusdt, wusdt;

	(void)state;
	assert_int_equal(fx_run_quotes(nobitex, nobitex_body, strlen(nobitex_body), &nq, err, sizeof(err)), 0);
	nusdt = g_usdt_irt;
	assert_int_equal(fx_run_quotes(wallex, wallex_body, strlen(wallex_body), &wq, err, sizeof(err)), 0);
	wusdt = g_usdt_irt;
	nb = fx_find(&nq, "BTC");
	wb = fx_find(&wq, "BTC");
	assert_non_null(nb);
	assert_non_null(wb);

	/* Nobitex: rials / 10. */
	assert_true(nb->price_irt == 58000000000.0);
	assert_false(nb->price_irt == 5800000000000.0);   /* the x10 bug */
	assert_false(nb->price_irt == 580000000000.0);    /* left in rials */
	assert_true(nusdt == 60000.0);
	assert_true(fx_find(&nq, "USDT")->price_irt == 60000.0);
	/* Wallex: toman as given. */
	assert_true(wb->price_irt == 58000000000.0);
	assert_true(wusdt == 60000.0);
	/* The same market seen on both exchanges agrees. */
	assert_true(nb->price_irt == wb->price_irt);
	/* No USD price is invented from toman. */
	assert_true(isnan(nb->price_usd) && isnan(wb->price_usd));
	nabz_quotes__free(&nq);
	nabz_quotes__free(&wq);

	/* The bound applies after conversion: 1e15 rials is 1e14 toman (kept),
	 * 1e16 rials is 1e15 toman (refused). */
	{
		static const char edge[] = "{\"status\":\"ok\",\"stats\":{"
				"\"btc-rls\":{\"latest\":\"1000000000000000\"},\"eth-rls\":{\"latest\":\"10000000000000000\"}}}";

		assert_int_equal(fx_run_quotes(nobitex, edge, strlen(edge), &nq, err, sizeof(err)), 0);
		assert_int_equal(nq.count, 1);
		assert_true(nq.items[0].price_irt == 1e14);
		assert_int_equal(g_skipped, 1);
		nabz_quotes__free(&nq);
	}
}

static void test_nobitex(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", NAN, 6790000000.0, 1.22, NAN, NAN, 0),
		QUOTE("ETH", NAN, 255550000.0, -2.46, NAN, NAN, 0),
		QUOTE("USDT", NAN, 70000.0, 0.29, NAN, NAN, 0),
		QUOTE("DOGE", NAN, 27725.0, -4.07, NAN, NAN, 0),
	};

	(void)state;
	/* Ignored: 1m_btt-rls (per million, no symbol), ftm-rls (closed),
	 * btc-usdt (not rials). */
	check_fixture(nobitex, "nobitex/stats.json", want, N_ELEMS(want), 0, 70000.0);
}

static void test_nobitex_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", NAN, 6790000000.0, 1.22, NAN, NAN, 0),
		QUOTE("SOL", NAN, 16670000.0, NAN, NAN, NAN, 0),
	};

	(void)state;
	/* Refused: a negative price, isClosed "no", an empty price, dayChange
	 * "NaN", 1e20 rials, no price, a string market. USDT was refused, so
	 * there is no rate. */
	check_fixture(nobitex, "nobitex/stats_bad_items.json", want, N_ELEMS(want), 7, NAN);
}

static void test_nobitex_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"[]", "expected an object"},
		{"{}", "missing field status"},
		{"{\"status\":1}", "wrong type for status"},
		{"{\"status\":\"ok\"}", "missing field stats"},
		{"{\"status\":\"ok\",\"stats\":[]}", "wrong type for stats"},
		{"{\"status\":\"failed\",\"message\":\"Too many requests\"}", "API error: Too many requests"},
		{"{\"status\":\"failed\"}", "API error: failed"},
	};
	struct nabz_quote_list out = {0};
	char err[128];

	(void)state;
	fx_json_junk(nobitex);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(nobitex, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	fx_refused_fixture(nobitex, "nobitex/error_invalid_symbol.json", "API error: Invalid srcCurrency: btcx");
	/* usdt_irt may be NULL, and is NAN after a refusal. */
	g_usdt_irt = 1;
	assert_int_equal(fx_run_quotes(nobitex, "{}", 2, &out, err, sizeof(err)), -1);
	assert_true(isnan(g_usdt_irt));
	{
		static const char empty[] = "{\"status\":\"ok\",\"stats\":{}}";

		assert_int_equal(nabz_parse__nobitex_stats(empty, strlen(empty), &out, NULL, NULL, err, sizeof(err)), 0);
	}
	assert_int_equal(out.count, 0);
}

static void test_wallex(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", NAN, 6790000000.0, 1.21, NAN, NAN, 0),
		QUOTE("ETH", NAN, 255550000.0, -2.47, NAN, NAN, 0),
		QUOTE("USDT", NAN, 70000.0, 0.3, NAN, NAN, 0),
		QUOTE("DOGE", NAN, 27730.0, NAN, NAN, NAN, 0),   /* 24h_ch "-" */
	};

	(void)state;
	/* Ignored: BTCUSDT, ETHUSDT. */
	check_fixture(wallex, "wallex/markets.json", want, N_ELEMS(want), 0, 70000.0);
}

static void test_wallex_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", NAN, 6790000000.0, 1.21, NAN, NAN, 0),
		QUOTE("XRP", NAN, 101500.0, 3.1, NAN, NAN, 0),
	};

	(void)state;
	/* Refused: lastPrice "-", 0, 24h_ch "abc", no stats, no baseAsset,
	 * no quoteAsset, an array market. */
	check_fixture(wallex, "wallex/markets_bad_items.json", want, N_ELEMS(want), 7, NAN);
}

static void test_wallex_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"[]", "expected an object"},
		{"{}", "missing field result"},
		{"{\"success\":true,\"result\":[]}", "wrong type for result"},
		{"{\"success\":true,\"result\":{}}", "missing field result.symbols"},
		{"{\"success\":true,\"result\":{\"symbols\":[]}}", "wrong type for result.symbols"},
		{"{\"success\":\"yes\",\"result\":{\"symbols\":{}}}", "wrong type for success"},
		{"{\"success\":false,\"message\":\"Unauthenticated.\",\"result\":{\"symbols\":{}}}", "API error: Unauthenticated."},
	};

	(void)state;
	fx_json_junk(wallex);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(wallex, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	fx_refused_fixture(wallex, "wallex/error_rate_limit.json", "API error: Too Many Attempts.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rial_toman_conversion),
		cmocka_unit_test(test_nobitex),
		cmocka_unit_test(test_nobitex_bad_items),
		cmocka_unit_test(test_nobitex_junk),
		cmocka_unit_test(test_wallex),
		cmocka_unit_test(test_wallex_bad_items),
		cmocka_unit_test(test_wallex_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
