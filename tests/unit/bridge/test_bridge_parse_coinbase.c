/* Unit tests for bridge/source/coinbase.c against Coinbase Exchange
 * fixtures (tests/fixtures/api/coinbase). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "source/coinbase.h"

/* The one-quote parser seen as a list parser, for the shared checks. */
static int ticker(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	struct nabz_quote q;

	if(nabz_parse__coinbase_ticker(body, len, "btc", &q, err, errlen) != 0) return -1;
	return nabz_quotes__push(out, &q);
}

static void test_ticker(void **state)
{
	static const struct nabz_quote want[] = {
		QUOTE("BTC", 97000.10, NAN, NAN, NAN, NAN, INT64_C(1732694400123)),
	};
	struct nabz_quote_list out = {0};
	struct nabz_quote q;
	char err[128];
	size_t len;
	char *body = fx_load("coinbase/ticker.json", &len);

	(void)state;
	assert_int_equal(fx_run_quotes(ticker, body, len, &out, err, sizeof(err)), 0);
	fx_check_quotes(&out, want, 1, "coinbase/ticker.json");
	nabz_quotes__free(&out);
	/* The symbol is the caller's, upper-cased; a bad one is refused first. */
	assert_int_equal(nabz_parse__coinbase_ticker(body, len, "eth", &q, err, sizeof(err)), 0);
	assert_string_equal(q.symbol, "ETH");
	assert_int_equal(nabz_parse__coinbase_ticker(body, len, "BTC-USD", &q, err, sizeof(err)), -1);
	assert_string_equal(err, "bad symbol");
	assert_int_equal(nabz_parse__coinbase_ticker(body, len, NULL, &q, err, sizeof(err)), -1);
	fx_prefixes_quotes(ticker, body, len);
	free(body);
}

static void test_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"[]", "expected an object"},
		{"{}", "missing field price"},
		{"{\"price\":null}", "missing field price"},
		{"{\"price\":true}", "wrong type for price"},
		{"{\"price\":[\"97000\"]}", "wrong type for price"},
		{"{\"price\":\"97,000.10\"}", "bad value for price"},
		{"{\"price\":\"0\"}", "bad value for price"},
		{"{\"price\":\"-1\"}", "bad value for price"},
		{"{\"price\":\"NaN\"}", "bad value for price"},
		{"{\"price\":\"2e9\"}", "bad value for price"},
		{"{\"price\":97000.1,\"time\":5}", "wrong type for time"},
		{"{\"price\":\"97000.1\",\"time\":\"2024-11-27 08:00\"}", "bad value for time"},
		{"{\"price\":\"97000.1\",\"time\":\"1970-01-01T00:00:00Z\"}", "bad value for time"},
		{"{\"message\":\"Unauthorized.\"}", "API error: Unauthorized."},
		{"{\"message\":5}", "missing field price"},
	};
	struct nabz_quote q;
	char err[64];

	(void)state;
	fx_json_junk(ticker);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused(ticker, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	fx_refused_fixture(ticker, "coinbase/error_not_found.json", "API error: NotFound");

	/* *out is untouched on failure. */
	memset(&q, 0x5a, sizeof(q));
	assert_int_equal(nabz_parse__coinbase_ticker("{}", 2, "btc", &q, err, sizeof(err)), -1);
	assert_int_equal(q.symbol[0], 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticker),
		cmocka_unit_test(test_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
