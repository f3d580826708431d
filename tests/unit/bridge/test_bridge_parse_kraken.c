/* Unit tests for bridge/source/kraken.c against Kraken public API
 * fixtures (tests/fixtures/api/kraken). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "source/kraken.h"

#define PCT(c, o) (((c) - (o)) / (o) * 100.0)

static size_t g_skipped;

static int ticker(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	return nabz_parse__kraken_ticker(body, len, out, &g_skipped, err, errlen);
}

static void check_fixture(const char *rel, const struct nabz_quote *want, size_t n, size_t skipped)
{
	struct nabz_quote_list out = {0};
	char err[256];
	size_t len;
	char *body = fx_load(rel, &len);
	int rc = fx_run_quotes(ticker, body, len, &out, err, sizeof(err));

	check_row(rc == 0, "%s: refused: %s", rel, err);
	fx_check_quotes(&out, want, n, rel);
	check_row(g_skipped == skipped, "%s: skipped %zu, want %zu", rel, g_skipped, skipped);
	nabz_quotes__free(&out);
	fx_prefixes_quotes(ticker, body, len);
	free(body);
}

static void test_symbol_mapping(void **state)
{
	static const struct {
		const char *pair;
		const char *want;   /* NULL: refused */
	} rows[] = {
		{"XXBTZUSD", "BTC"},
		{"XBTUSD", "BTC"},
		{"XETHZUSD", "ETH"},
		{"ETHUSD", "ETH"},
		{"XDGUSD", "DOGE"},
		{"XXDGZUSD", "DOGE"},
		{"XXRPZUSD", "XRP"},
		{"XLTCZUSD", "LTC"},
		{"XXLMZUSD", "XLM"},
		{"XXMRZUSD", "XMR"},
		{"XZECZUSD", "ZEC"},
		{"XETCZUSD", "ETC"},
		{"USDTZUSD", "USDT"},
		{"USDCUSD", "USDC"},
		{"SOLUSD", "SOL"},
		{"XTZUSD", "XTZ"},     /* Tezos: "ZUSD" ending, but not a legacy name */
		{"DOTUSD", "DOT"},
		{"XXBTZEUR", NULL},
		{"XBTUSDT", NULL},
		{"XBTUSDC", NULL},
		{"XETHXXBT", NULL},
		{"USD", NULL},
		{"ZUSD", NULL},
		{"", NULL},
		{NULL, NULL},
		{"XBT.MUSD", NULL},
		{"VERYLONGASSETNAMEXUSD", NULL},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char sym[NABZ_SYMBOL_MAX] = "unset";
		int rc = nabz_parse__kraken_symbol(rows[i].pair, sym);

		if(rows[i].want){
			check_row(rc == 0 && strcmp(sym, rows[i].want) == 0, "%s -> %s (rc %d), want %s", rows[i].pair, sym,
					rc, rows[i].want);
		}else{
			check_row(rc == -1, "%s -> %s, want refused", rows[i].pair ? rows[i].pair : "(null)", sym);
		}
	}
}

static void test_ticker(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.1, NAN, PCT(97000.1, 96000.0), 3123.84512345 * 96420.10022, NAN, 0),
		QUOTE("ETH", 3650.44, NAN, PCT(3650.44, 3744.12), 40321.98765432 * 3665.802, NAN, 0),
		QUOTE("DOGE", 0.3961, NAN, PCT(0.3961, 0.4131), 45012345.87654321 * 0.40123, NAN, 0),
		QUOTE("SOL", 238.17, NAN, PCT(238.17, 236.12), 98234.87654321 * 236.80456, NAN, 0),
		QUOTE("USDT", 1.0002, NAN, PCT(1.0002, 1.0001), 32012345.87654321 * 1.00012, NAN, 0),
	};

	(void)state;
	/* XXBTZEUR is ignored. */
	check_fixture("kraken/ticker.json", want, N_ELEMS(want), 0);
}

static void test_ticker_bad_items(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.1, NAN, PCT(97000.1, 96000.0), 192000.0, NAN, 0),
		QUOTE("ADA", 1.05, NAN, PCT(1.05, 1.0), NAN, NAN, 0),
		QUOTE("XTZ", 1.32, NAN, NAN, NAN, NAN, 0),
	};

	(void)state;
	/* Refused: a negative last, an empty c, c not an array, an open of
	 * 0, a volume "x", an array ticker. */
	check_fixture("kraken/ticker_bad_items.json", want, N_ELEMS(want), 6);
}

static void test_errors_and_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"[]", "expected an object"},
		{"{}", "missing field result"},
		{"{\"error\":[]}", "missing field result"},
		{"{\"error\":[],\"result\":[]}", "wrong type for result"},
		{"{\"error\":\"EGeneral:Internal error\"}", "wrong type for error"},
		{"{\"error\":[\"EService:Unavailable\"]}", "API error: EService:Unavailable"},
		{"{\"error\":[\"WGeneral:Note\",\"EService:Busy\"],\"result\":{}}", "API error: EService:Busy"},
		{"{\"error\":[42]}", "API error: (no message)"},
	};
	struct nabz_quote_list out = {0};
	char err[128];
	size_t len;
	char *body;

	(void)state;
	fx_json_junk(ticker);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(ticker, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	fx_refused_fixture(ticker, "kraken/error_unknown_pair.json", "API error: EQuery:Unknown asset pair");
	fx_refused_fixture(ticker, "kraken/error_rate_limit.json", "API error: EGeneral:Too many requests");

	/* A warning alone is no error. */
	body = fx_load("kraken/warning_only.json", &len);
	assert_int_equal(fx_run_quotes(ticker, body, len, &out, err, sizeof(err)), 0);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.items[0].symbol, "BTC");
	nabz_quotes__free(&out);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbol_mapping),
		cmocka_unit_test(test_ticker),
		cmocka_unit_test(test_ticker_bad_items),
		cmocka_unit_test(test_errors_and_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
