/* Unit tests for bridge/coin_id.c: CoinGecko ids and their symbols. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "coin_id.h"

static void test_coin_id(void **state)
{
	static const struct {
		const char *id;
		const char *symbol;
		int rc;
		const char *want_symbol;
	} rows[] = {
		{"bitcoin", "btc", 0, "BTC"},
		{"wrapped-bitcoin", "wbtc", 0, "WBTC"},
		{"a_b.c-1", "x1", 0, "X1"},
		{"Bitcoin", "btc", -1, NULL},
		{"", "btc", -1, NULL},
		{NULL, "btc", -1, NULL},
		{"bit coin", "btc", -1, NULL},
		{"bridged-usdc", "usdc.e", -1, NULL},
		{"bitcoin", "", -1, NULL},
		{"bitcoin", "abcdefghijklmnop", -1, NULL},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x", -1, NULL},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_coin_id c;
		int rc = nabz_coin_id__init(&c, rows[i].id, rows[i].symbol);

		check_row(rc == rows[i].rc, "row %zu: rc %d", i, rc);
		if(rc == 0){
			check_row(strcmp(c.id, rows[i].id) == 0, "row %zu: id %s", i, c.id);
			check_row(strcmp(c.symbol, rows[i].want_symbol) == 0, "row %zu: symbol %s", i, c.symbol);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coin_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
