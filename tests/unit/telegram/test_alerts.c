/* Personal alert rules (telegram/alerts.c): what /alert accepts, and
 * firing once per crossing with the re-arm band. */
#include <math.h>
#include <string.h>

#include "nabz_test.h"
#include "alerts.h"

static void test_parse(void **state)
{
	static const struct {
		const char *text;
		int rc;
		const char *symbol;
		bool above;
		double threshold;
	} rows[] = {
		{"BTC > 100000", 0, "BTC", true, 100000},
		{"btc above 100,000", 0, "BTC", true, 100000},
		{"ETH < 2500.5", 0, "ETH", false, 2500.5},
		{"eth BELOW 2,500", 0, "ETH", false, 2500},
		{"BTC>100000", 0, "BTC", true, 100000},
		{"BTC >=100000", 0, "BTC", true, 100000},
		{"doge <= 0.25", 0, "DOGE", false, 0.25},
		{"BTC > \xdb\xb1\xdb\xb0\xdb\xb0\xdb\xb0\xdb\xb0\xdb\xb0", 0, "BTC", true, 100000},  /* ۱۰۰۰۰۰ */
		{"BTC > \xd9\xa1\xd9\xa2\xd9\xab\xd9\xa5", 0, "BTC", true, 12.5},                   /* ١٢٫٥ */
		{"BTC", -1, NULL, false, 0},
		{"BTC >", -1, NULL, false, 0},
		{"> 100", -1, NULL, false, 0},
		{"BTC >> 100", -1, NULL, false, 0},
		{"BTC = 100", -1, NULL, false, 0},
		{"BTC > 0", -1, NULL, false, 0},
		{"BTC > -5", -1, NULL, false, 0},
		{"BTC > 1e400", -1, NULL, false, 0},
		{"BTC > 2e9", -1, NULL, false, 0},         /* past NABZ_PRICE_USD_MAX */
		{"BTC > nan", -1, NULL, false, 0},
		{"BTC > 100 now", -1, NULL, false, 0},
		{"BT-C > 100", -1, NULL, false, 0},
		{"", -1, NULL, false, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_tg_rule r;
		int rc = nabz_tg_rule__parse(rows[i].text, &r);
		check_row(rc == rows[i].rc, "\"%s\": rc %d", rows[i].text, rc);
		if(rc != 0) continue;
		check_row(strcmp(r.symbol, rows[i].symbol) == 0 && r.above == rows[i].above
				&& r.threshold == rows[i].threshold && r.armed, "\"%s\": %s %d %g", rows[i].text, r.symbol,
				(int)r.above, r.threshold);
	}
}

/* A price walk and whether each step fires. */
static void walk(struct nabz_tg_rule *r, const double *prices, const bool *fires, size_t n)
{
	for(size_t i = 0; i < n; i++){
		bool fired = nabz_tg_rule__check(r, prices[i]);
		check_row(fired == fires[i], "step %zu (price %g): fired %d", i, prices[i], (int)fired);
	}
}

static void test_fires_once_per_crossing(void **state)
{
	struct nabz_tg_rule above, below;
	/* above 100,000; re-armed under 99,500 */
	static const double up[] = {95000, 99999, 100000, 101000, 100000, 99600, 100500, 99400, 99999, 100001, NAN, 100001};
	static const bool up_fires[] = {false, false, true, false, false, false, false, false, false, true, false, false};
	/* below 2,500; re-armed over 2,512.5 */
	static const double down[] = {2600, 2500, 2400, 2510, 2499, 2513, 2450};
	static const bool down_fires[] = {false, true, false, false, false, false, true};

	(void)state;
	assert_int_equal(nabz_tg_rule__parse("BTC > 100000", &above), 0);
	walk(&above, up, up_fires, N_ELEMS(up));
	assert_int_equal(nabz_tg_rule__parse("ETH < 2500", &below), 0);
	walk(&below, down, down_fires, N_ELEMS(down));
	assert_true(nabz_tg_rule__reached(&above, 100000) && !nabz_tg_rule__reached(&above, 99999.99));
	assert_true(nabz_tg_rule__reached(&below, 2500) && !nabz_tg_rule__reached(&below, 2500.01));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_fires_once_per_crossing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
