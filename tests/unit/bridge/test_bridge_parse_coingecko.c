/* Unit tests for bridge/source/coingecko.c against CoinGecko API v3
 * response fixtures (tests/fixtures/api/coingecko). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "source/coingecko.h"
#include "parse_json.h"

#define RATE_LIMIT_MSG "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing " \
	"to subscribe to our API plans for higher rate limits."

/* The ids the bridge would ask /simple/price for. */
static struct nabz_coin_id g_ids[16];
static size_t g_n_ids;
static size_t g_skipped;

static void set_ids(const char *const *pairs, size_t n)
{
	assert_true(n <= N_ELEMS(g_ids));
	for(size_t i = 0; i < n; i++){
		check_row(nabz_coin_id__init(&g_ids[i], pairs[2 * i], pairs[2 * i + 1]) == 0, "id %s", pairs[2 * i]);
	}
	g_n_ids = n;
}

static void set_default_ids(void)
{
	static const char *const pairs[] = {
		"bitcoin", "btc", "ethereum", "eth", "solana", "sol", "tether", "usdt", "dogecoin", "doge",
		"ripple", "xrp", "cardano", "ada", "litecoin", "ltc", "tron", "trx", "polkadot", "dot",
		"chainlink", "link", "avalanche-2", "avax", "stellar", "xlm",
	};

	set_ids(pairs, N_ELEMS(pairs) / 2);
}

static int simple_price(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__coingecko_simple_price(body, len, g_ids, g_n_ids, out, &g_skipped, err, errlen);
}

static int markets(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__coingecko_markets(body, len, out, NULL, &g_skipped, err, errlen);
}

/* /global seen as one quote "MKT" (market_cap_usd = total market cap,
 * volume = total volume, change = BTC dominance), so the shared checks
 * apply to it too. */
static int global(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	struct nabz_market m;
	struct nabz_quote q;

	if(nabz_parse__coingecko_global(body, len, &m, err, errlen) != 0) return -1;
	assert_int_equal(nabz_quote__init(&q, "MKT"), 0);
	q.market_cap_usd = m.total_market_cap_usd;
	q.volume_24h_usd = m.total_volume_usd;
	q.change_24h_pct = m.btc_dominance_pct;
	q.source_ts_ms = m.source_ts_ms;
	assert_true(isnan(m.usdt_irt));
	return nabz_quotes__push(out, &q);
}

static void check_fixture(fx_quotes_fn fn, const char *rel, const struct nabz_quote *want, size_t n, size_t skipped)
{
	struct nabz_quote_list out = {0};
	char err[256];
	size_t len;
	char *body = fx_load(rel, &len);
	int rc = fx_run_quotes(fn, body, len, &out, err, sizeof(err));

	check_row(rc == 0, "%s: refused: %s", rel, err);
	fx_check_quotes(&out, want, n, rel);
	check_row(g_skipped == skipped, "%s: skipped %zu, want %zu", rel, g_skipped, skipped);
	nabz_quotes__free(&out);
	free(body);
}

static void test_simple_price(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.12, NAN, 1.2345678901, NAN, NAN, INT64_C(1732700000000)),
		QUOTE("ETH", 3650.41, NAN, -2.503118, NAN, NAN, INT64_C(1732699990000)),
		QUOTE("SOL", 238.17, NAN, 0.8712, NAN, NAN, INT64_C(1732699995000)),
		QUOTE("USDT", 1.0002, NAN, 0.0123, NAN, NAN, INT64_C(1732699980000)),
		QUOTE("DOGE", 0.396104, NAN, -4.1207, NAN, NAN, INT64_C(1732699999000)),
	};

	(void)state;
	set_default_ids();
	/* "the-open-network" is in the body but not asked for: ignored. */
	check_fixture(simple_price, "coingecko/simple_price.json", want, N_ELEMS(want), 0);
}

static void test_simple_price_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.12, NAN, 1.5, NAN, NAN, INT64_C(1732700000000)),
		QUOTE("XLM", 0.5321, NAN, 12.5, NAN, NAN, INT64_C(1732699000000)),
	};

	(void)state;
	set_default_ids();
	/* Refused: negative, zero, "0.39abc", 1e400, "NaN" change, 5e12,
	 * -150 %, "yesterday", null price, an array. shiba-inu is not asked. */
	check_fixture(simple_price, "coingecko/simple_price_bad_items.json", want, N_ELEMS(want), 10);
}

/* The id map decides which coins come out, and under which symbol. */
static void test_simple_price_id_map(void **state)
{
	static const char *const m1[] = {"bitcoin", "btc"};
	static const char *const m2[] = {"ethereum", "eth", "the-open-network", "ton", "no-such-coin", "nsc"};
	static const char *const m3[] = {"bitcoin", "xbt"};
	static const char *const m4[] = {"bitcoin", "btc", "ethereum", "btc"};
	static const struct {
		const char *const *pairs;
		size_t n;
		const char *want[3];
		size_t n_want;
	} rows[] = {
		{m1, 1, {"BTC"}, 1},
		{m2, 3, {"ETH", "TON"}, 2},
		{m3, 1, {"XBT"}, 1},
		{m4, 2, {"BTC"}, 1},   /* two ids on one symbol: the first in the body */
		{NULL, 0, {NULL}, 0},
	};
	size_t len;
	char *body = fx_load("coingecko/simple_price.json", &len);

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_quote_list out = {0};
		char err[128];

		if(rows[i].n) set_ids(rows[i].pairs, rows[i].n);
		g_n_ids = rows[i].n;
		check_row(fx_run_quotes(simple_price, body, len, &out, err, sizeof(err)) == 0, "row %zu: %s", i, err);
		check_row(out.count == rows[i].n_want, "row %zu: %zu quotes", i, out.count);
		for(size_t k = 0; k < rows[i].n_want; k++){
			check_row(fx_find(&out, rows[i].want[k]) != NULL, "row %zu: no %s", i, rows[i].want[k]);
		}
		if(i == 3) check_row(fx_find(&out, "BTC")->price_usd == 97000.12, "row 3: BTC is bitcoin's");
		nabz_quotes__free(&out);
	}
	free(body);
}

static void test_simple_price_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"[]", "expected an object"},
		{"null", "expected an object"},
		{"42", "expected an object"},
		{"\"bitcoin\"", "expected an object"},
		{"{\"error\":\"invalid vs_currency\"}", "API error: invalid vs_currency"},
		{"{\"status\":{\"error_code\":10002,\"error_message\":\"API Key Missing\"}}", "API error: API Key Missing"},
		{"{\"status\":{\"error_code\":500}}", "API error: (no message)"},
	};
	char want[256];

	(void)state;
	set_default_ids();
	fx_json_junk(simple_price);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(simple_price, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	(void)snprintf(want, sizeof(want), "API error: %.*s", NABZ_API_MSG_MAX, RATE_LIMIT_MSG);
	fx_refused_fixture(simple_price, "coingecko/error_rate_limit.json", want);
	fx_refused_fixture(simple_price, "coingecko/error_not_found.json", "API error: coin not found");

	/* Shape right, nothing asked for: no quotes, not an error. */
	{
		struct nabz_quote_list out = {0};
		char err[64];

		assert_int_equal(fx_run_quotes(simple_price, "{}", 2, &out, err, sizeof(err)), 0);
		assert_int_equal(out.count, 0);
	}
}

static void test_simple_price_prefixes(void **state)
{
	size_t len;
	char *body;

	(void)state;
	set_default_ids();
	body = fx_load("coingecko/simple_price.json", &len);
	fx_prefixes_quotes(simple_price, body, len);
	free(body);
	body = fx_load("coingecko/simple_price_bad_items.json", &len);
	fx_prefixes_quotes(simple_price, body, len);
	free(body);
}

static void test_global(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("MKT", NAN, NAN, 58.1234, 155432109876.54, 3312345678901.23, INT64_C(1732700123000)),
	};
	static const struct nabz_quote want_min[] = {
		QUOTE("MKT", NAN, NAN, NAN, NAN, 1e12, 0),
	};
	static const char minimal[] = "{\"data\":{\"total_market_cap\":{\"usd\":1e12}}}";
	struct nabz_quote_list out = {0};
	struct nabz_market m = {.total_market_cap_usd = 7};
	char err[128];
	size_t len;
	char *body;

	(void)state;
	check_fixture(global, "coingecko/global.json", want, N_ELEMS(want), g_skipped);
	assert_int_equal(fx_run_quotes(global, minimal, strlen(minimal), &out, err, sizeof(err)), 0);
	fx_check_quotes(&out, want_min, 1, "minimal /global");
	nabz_quotes__free(&out);

	/* *out untouched on failure. */
	assert_int_equal(nabz_parse__coingecko_global("{}", 2, &m, err, sizeof(err)), -1);
	assert_true(m.total_market_cap_usd == 7);

	body = fx_load("coingecko/global.json", &len);
	fx_prefixes_quotes(global, body, len);
	free(body);
}

static void test_global_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"[]", "expected an object"},
		{"{}", "missing field data"},
		{"{\"data\":[]}", "wrong type for data"},
		{"{\"data\":null}", "wrong type for data"},
		{"{\"data\":{}}", "missing field data.total_market_cap"},
		{"{\"data\":{\"total_market_cap\":5}}", "wrong type for data.total_market_cap"},
		{"{\"data\":{\"total_market_cap\":{\"eur\":1e12}}}", "missing field data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":null}}}", "missing field data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":\"lots\"}}}", "bad value for data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":[1]}}}", "bad value for data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":-1}}}", "bad value for data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":0}}}", "bad value for data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e400}}}", "bad value for data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e20}}}", "bad value for data.total_market_cap.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e12},\"total_volume\":{\"usd\":\"x\"}}}",
			"bad value for data.total_volume.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e12},\"total_volume\":7}}", "bad value for data.total_volume.usd"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e12},\"market_cap_percentage\":{\"btc\":150}}}",
			"bad value for data.market_cap_percentage.btc"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e12},\"market_cap_percentage\":{\"btc\":-1}}}",
			"bad value for data.market_cap_percentage.btc"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e12},\"updated_at\":\"now\"}}", "bad value for data.updated_at"},
		{"{\"data\":{\"total_market_cap\":{\"usd\":1e12},\"updated_at\":1732700123000}}", "bad value for data.updated_at"},
		{"{\"status\":{\"error_code\":429,\"error_message\":\"Throttled\"}}", "API error: Throttled"},
	};

	(void)state;
	fx_json_junk(global);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(global, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
}

static void test_markets(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.12, NAN, 1.23184, 65432109876.0, 1919876543210.0, INT64_C(1732695200123)),
		QUOTE("ETH", 3650.41, NAN, -2.50312, 33210987654.0, 439876543210.0, INT64_C(1732695197456)),
		QUOTE("USDT", 1.0002, NAN, 0.0123, 98765432109.0, 132456789012.0, INT64_C(1732695191000)),
		QUOTE("SOL", 238.17, NAN, 0.8712, 5432109876.0, 113210987654.0, INT64_C(1732695199999)),
		QUOTE("DOGE", 0.396104, NAN, -4.1207, 4321098765.0, 58123456789.0, INT64_C(1732695198000)),
		QUOTE("USDC", 0.999869, NAN, -0.0201, 7654321098.0, 39012345678.0, INT64_C(1732695196500)),
	};
	static const char *const want_ids[][2] = {
		{"bitcoin", "BTC"}, {"ethereum", "ETH"}, {"tether", "USDT"},
		{"solana", "SOL"}, {"dogecoin", "DOGE"}, {"usd-coin", "USDC"},
	};
	struct nabz_quote_list out = {0};
	struct nabz_coin_id_list ids = {0};
	char err[128];
	size_t len, skipped = 99;
	char *body = fx_load("coingecko/markets.json", &len);

	(void)state;
	check_fixture(markets, "coingecko/markets.json", want, N_ELEMS(want), 0);

	/* The discovered pairs, in the body's (market cap) order. */
	assert_int_equal(nabz_parse__coingecko_markets(body, len, &out, &ids, &skipped, err, sizeof(err)), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(ids.count, N_ELEMS(want_ids));
	for(size_t i = 0; i < N_ELEMS(want_ids); i++){
		check_row(strcmp(ids.items[i].id, want_ids[i][0]) == 0 && strcmp(ids.items[i].symbol, want_ids[i][1]) == 0,
				"pair %zu: %s/%s", i, ids.items[i].id, ids.items[i].symbol);
	}
	/* The pairs feed /simple/price directly. */
	{
		struct nabz_quote_list sp = {0};
		size_t sp_len;
		char *sp_body = fx_load("coingecko/simple_price.json", &sp_len);

		assert_int_equal(nabz_parse__coingecko_simple_price(sp_body, sp_len, ids.items, ids.count, &sp, NULL,
				err, sizeof(err)), 0);
		assert_int_equal(sp.count, 5);   /* all but TON (not discovered); USDC has no price there */
		nabz_quotes__free(&sp);
		free(sp_body);
	}
	nabz_coin_ids__free(&ids);
	nabz_quotes__free(&out);
	fx_prefixes_quotes(markets, body, len);
	free(body);
}

static void test_markets_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.12, NAN, 1.23184, 65432109876.0, 1919876543210.0, INT64_C(1732695200123)),
		QUOTE("ADA", 1.05, NAN, 1.1, NAN, 36000000000.0, INT64_C(1732695195000)),
		QUOTE("TRX", 0.2012, NAN, NAN, 800000000.0, 17400000000.0, 0),
	};
	struct nabz_quote_list out = {0};
	struct nabz_coin_id_list ids = {0};
	char err[128];
	size_t len;
	char *body = fx_load("coingecko/markets_bad_items.json", &len);

	(void)state;
	/* Refused: null price, no id, "usdc.e", negative cap, unreadable
	 * time, a string item, an upper-case id. wrapped-bitcoin repeats
	 * "btc": ignored, not counted. */
	check_fixture(markets, "coingecko/markets_bad_items.json", want, N_ELEMS(want), 7);
	assert_int_equal(nabz_parse__coingecko_markets(body, len, &out, &ids, NULL, err, sizeof(err)), 0);
	assert_int_equal(ids.count, 3);
	assert_string_equal(ids.items[0].id, "bitcoin");
	assert_string_equal(ids.items[1].id, "cardano");
	assert_string_equal(ids.items[2].id, "tron");
	nabz_coin_ids__free(&ids);
	nabz_quotes__free(&out);
	fx_prefixes_quotes(markets, body, len);
	free(body);
}

static void test_markets_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"{}", "expected an array"},
		{"null", "expected an array"},
		{"{\"bitcoin\":{\"usd\":1}}", "expected an array"},
		{"{\"error\":\"invalid vs_currency\"}", "API error: invalid vs_currency"},
	};

	(void)state;
	fx_json_junk(markets);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(markets, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	fx_refused_fixture(markets, "coingecko/error_not_found.json", "API error: coin not found");
}

/* Appends to a list that already holds quotes; a refusal leaves it as it was. */
static void test_appends(void **state)
{
	struct nabz_quote_list out = {0};
	struct nabz_quote q;
	char err[128];
	size_t len;
	char *body = fx_load("coingecko/markets.json", &len);

	(void)state;
	assert_int_equal(nabz_quote__init(&q, "BTC"), 0);
	q.price_usd = 1;
	assert_int_equal(nabz_quotes__push(&out, &q), 0);
	assert_int_equal(fx_run_quotes(markets, body, len, &out, err, sizeof(err)), 0);
	assert_int_equal(out.count, 7);   /* the earlier BTC does not hide this call's */
	assert_int_equal(fx_run_quotes(markets, "{}", 2, &out, err, sizeof(err)), -1);
	assert_int_equal(out.count, 7);
	nabz_quotes__free(&out);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_price),
		cmocka_unit_test(test_simple_price_bad_items),
		cmocka_unit_test(test_simple_price_id_map),
		cmocka_unit_test(test_simple_price_junk),
		cmocka_unit_test(test_simple_price_prefixes),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_global_junk),
		cmocka_unit_test(test_markets),
		cmocka_unit_test(test_markets_bad_items),
		cmocka_unit_test(test_markets_junk),
		cmocka_unit_test(test_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
