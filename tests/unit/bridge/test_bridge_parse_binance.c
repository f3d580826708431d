/* Unit tests for bridge/source/binance.c against Binance REST and
 * WebSocket fixtures (tests/fixtures/api/binance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "source/binance.h"

#define PCT(c, o) (((c) - (o)) / (o) * 100.0)

static size_t g_skipped;

static int ticker(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__binance_ticker_24hr(body, len, out, &g_skipped, err, errlen);
}

static int mini(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__binance_mini_ticker(body, len, out, &g_skipped, err, errlen);
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
	fx_prefixes_quotes(fn, body, len);
	free(body);
}

static void test_ticker_24hr(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.1, NAN, 1.218, 3013732198.5411723, NAN, INT64_C(1732700000000)),
		QUOTE("ETH", 3650.41, NAN, -2.503, 1878136987.12, NAN, INT64_C(1732699999000)),
		QUOTE("BNB", 616.9, NAN, -0.836, 256610234.56, NAN, INT64_C(1732699998000)),
		QUOTE("SOL", 238.17, NAN, 0.868, 818567789.1, NAN, INT64_C(1732700000000)),
		QUOTE("DOGE", 0.3961, NAN, -4.115, 1728949512.45, NAN, INT64_C(1732700000000)),
	};

	(void)state;
	/* Ignored: ETHBTC, BTCFDUSD (not USDT), 1000SATSUSDT (per-1000
	 * units). Refused: delisted BCCUSDT with a zero price. */
	check_fixture(ticker, "binance/ticker_24hr.json", want, N_ELEMS(want), 1);
}

static void test_ticker_24hr_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.1, NAN, 1.218, 3013732198.5411723, NAN, INT64_C(1732700000000)),
		QUOTE("ETH", 3650.41, NAN, -2.503, 1878136987.12, NAN, INT64_C(1732699999000)),
		QUOTE("SHIB", 0.0000251, NAN, 5.5, 412345678.9, NAN, INT64_C(1732700000000)),
		QUOTE("1INCH", 0.4301, NAN, 2.0, NAN, NAN, INT64_C(1732700000000)),
	};

	(void)state;
	/* Refused: negative, "2.3817e+02x", change "abc", "nan", "inf",
	 * " 8.9", negative volume, closeTime "soon", an array price, no
	 * symbol, a base too long for a symbol, +2000000 %, a bare number.
	 * Ignored: the second BTCUSDT, ETHBTC, "USDT", 1MBABYDOGEUSDT. */
	check_fixture(ticker, "binance/ticker_24hr_bad_items.json", want, N_ELEMS(want), 13);
}

/* Only <BASE>USDT pairs become quotes, named by their base. */
static void test_usdt_pairs_only(void **state)
{
	static const struct {
		const char *pair;
		const char *want;   /* NULL: no quote */
	} rows[] = {
		{"BTCUSDT", "BTC"},
		{"ETHUSDT", "ETH"},
		{"1INCHUSDT", "1INCH"},
		{"ETHBTC", NULL},
		{"BTCUSDC", NULL},
		{"BTCFDUSD", NULL},
		{"BTCTUSD", NULL},
		{"BTCEUR", NULL},
		{"BTCTRY", NULL},
		{"USDTBRL", NULL},
		{"USDT", NULL},
		{"btcusdt", NULL},    /* not how Binance spells pairs: ignored */
		{"BTCUSDTX", NULL},
		{"1000SATSUSDT", NULL},
		{"1MBABYDOGEUSDT", NULL},
		{"BTC-USDT", NULL},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_quote_list out = {0};
		char body[256], err[128];
		int n = snprintf(body, sizeof(body),
				"[{\"symbol\":\"%s\",\"lastPrice\":\"2.5\",\"priceChangePercent\":\"1.0\"}]", rows[i].pair);

		assert_true(n > 0 && (size_t)n < sizeof(body));
		check_row(fx_run_quotes(ticker, body, (size_t)n, &out, err, sizeof(err)) == 0, "%s: %s", rows[i].pair, err);
		if(rows[i].want){
			check_row(out.count == 1 && strcmp(out.items[0].symbol, rows[i].want) == 0, "%s: no quote %s",
					rows[i].pair, rows[i].want);
		}else{
			check_row(out.count == 0, "%s: quoted as %s", rows[i].pair, out.count ? out.items[0].symbol : "");
		}
		nabz_quotes__free(&out);
	}
}

static void test_ticker_single_and_junk(void **state)
{
	static const char single[] = "{\"symbol\":\"BTCUSDT\",\"priceChangePercent\":\"1.218\",\"lastPrice\":\"97000.1\","
			"\"quoteVolume\":\"3013732198.5\",\"closeTime\":1732700000000}";
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"{}", "expected an array"},
		{"null", "expected an array"},
		{"\"BTCUSDT\"", "expected an array"},
		{"{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", "API error: Invalid symbol."},
		{"{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is 6000 request weight per 1 MINUTE.\"}",
			"API error: Too much request weight used; current limit is 6000 request weight per 1 MINUTE."},
	};
	struct nabz_quote_list out = {0};
	char err[256];

	(void)state;
	assert_int_equal(fx_run_quotes(ticker, single, strlen(single), &out, err, sizeof(err)), 0);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.items[0].symbol, "BTC");
	nabz_quotes__free(&out);

	fx_json_junk(ticker);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(ticker, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	fx_refused_fixture(ticker, "binance/error_invalid_symbol.json", "API error: Invalid symbol.");
	fx_refused_fixture(ticker, "binance/error_restricted.json",
			"API error: Service unavailable from a restricted location according to 'b. Eligibility' in "
			"https://www.binance.com/en/terms. Please");   /* cut to NABZ_API_MSG_MAX */
}

static void test_mini_ticker(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.1, NAN, PCT(97000.1, 96000.0), 3013732198.5411723, NAN, INT64_C(1732700000123)),
		QUOTE("ETH", 3650.41, NAN, PCT(3650.41, 3744.12), 1878136987.12, NAN, INT64_C(1732700000125)),
		QUOTE("SOL", 238.17, NAN, PCT(238.17, 236.12), 818567789.1, NAN, INT64_C(1732700000126)),
		QUOTE("DOGE", 0.3961, NAN, PCT(0.3961, 0.4131), 1728949512.45, NAN, INT64_C(1732700000127)),
	};
	static const struct nabz_quote want_combined[] = {
		QUOTE("BTC", 97000.1, NAN, PCT(97000.1, 96000.0), 3013732198.5411723, NAN, INT64_C(1732700000123)),
	};

	(void)state;
	/* The figure itself, not only the formula: +1.0417708333 %. */
	assert_true(fx_close(PCT(97000.1, 96000.0), 1.0417708333333333));
	check_fixture(mini, "binance/mini_ticker_arr.json", want, N_ELEMS(want), 0);
	check_fixture(mini, "binance/mini_ticker_combined.json", want_combined, 1, 0);
}

static void test_mini_ticker_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("ETH", 3650.41, NAN, PCT(3650.41, 3744.12), 1878136987.12, NAN, INT64_C(1732700000123)),
		QUOTE("TON", 5.52, NAN, NAN, NAN, NAN, INT64_C(1732700000123)),
	};

	(void)state;
	/* Refused: open 0 (no change computable), close 0, a +1e9 % change,
	 * no event type, E "x". Ignored: a 24hrTicker event. */
	check_fixture(mini, "binance/mini_ticker_bad_items.json", want, N_ELEMS(want), 5);
}

static void test_mini_ticker_junk(void **state)
{
	static const char single[] = "{\"e\":\"24hrMiniTicker\",\"E\":1732700000123,\"s\":\"ETHUSDT\",\"c\":\"3650.41\","
			"\"o\":\"3744.12\",\"h\":\"3741\",\"l\":\"3575\",\"v\":\"1\",\"q\":\"2\"}";
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"{}", "expected an array"},
		{"{\"result\":null,\"id\":1}", "expected an array"},
		{"{\"stream\":\"!miniTicker@arr\"}", "missing field data"},
		{"{\"stream\":\"!miniTicker@arr\",\"data\":5}", "expected an array"},
		{"{\"error\":{\"code\":2,\"msg\":\"Invalid request: unknown variant\"},\"id\":1}",
			"API error: Invalid request: unknown variant"},
	};
	struct nabz_quote_list out = {0};
	char err[128];

	(void)state;
	assert_int_equal(fx_run_quotes(mini, single, strlen(single), &out, err, sizeof(err)), 0);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.items[0].symbol, "ETH");
	nabz_quotes__free(&out);

	fx_json_junk(mini);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(mini, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticker_24hr),
		cmocka_unit_test(test_ticker_24hr_bad_items),
		cmocka_unit_test(test_usdt_pairs_only),
		cmocka_unit_test(test_ticker_single_and_junk),
		cmocka_unit_test(test_mini_ticker),
		cmocka_unit_test(test_mini_ticker_bad_items),
		cmocka_unit_test(test_mini_ticker_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
