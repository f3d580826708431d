/* Alerts fire once per crossing: hysteresis, cooldown, move windows. */
#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "nabz_test.h"

static int fired;
static char last[200];

static void on_fire(void *ctx, const struct nabz_alert *al)
{
	(void)ctx;
	fired++;
	snprintf(last, sizeof(last), "%s", al->message);
}

static void feed(struct nabz_alerts *a, const char *sym, const double *prices, size_t n, int64_t t0, int64_t step)
{
	for(size_t i = 0; i < n; i++) nabz_alerts__feed(a, sym, prices[i], t0 + (int64_t)i * step, on_fire, NULL);
}

static void test_above_fires_once_per_crossing(void **state)
{
	struct nabz_rule r = {.symbol = "BTC", .kind = NABZ_RULE_ABOVE, .threshold = 100000};
	struct nabz_alerts a;
	/* hovering around the threshold: one alert */
	static const double hover[] = {99000, 100001, 99999, 100002, 99998, 100003, 99950};
	static const double back[] = {99000, 100500};   /* below the 0.5 % band (99500), then above */

	(void)state;
	fired = 0;
	assert_int_equal(nabz_alerts__init(&a, &r, 1, 0.5, 0), 0);
	feed(&a, "BTC", hover, 7, 0, 1000);
	assert_int_equal(fired, 1);
	assert_non_null(strstr(last, "BTC is above 100000 USD: 100001 USD"));
	feed(&a, "BTC", back, 2, 10000, 1000);
	assert_int_equal(fired, 2);
	feed(&a, "ETH", back, 2, 20000, 1000);           /* other symbols: nothing */
	assert_int_equal(fired, 2);
	nabz_alerts__cleanup(&a);
}

static void test_first_price_is_no_crossing_and_cooldown(void **state)
{
	struct nabz_rule r = {.symbol = "ETH", .kind = NABZ_RULE_BELOW, .threshold = 3000};
	struct nabz_alerts a;
	static const double start_below[] = {2900, 2800};
	static const double cross[] = {3100, 2990, 3100, 2980};

	(void)state;
	fired = 0;
	nabz_alerts__init(&a, &r, 1, 0.5, 60000);
	feed(&a, "ETH", start_below, 2, 0, 1000);
	assert_int_equal(fired, 0);                    /* it was already below: no crossing seen */
	feed(&a, "ETH", cross, 4, 2000, 1000);
	assert_int_equal(fired, 1);                    /* the second crossing falls in the cooldown */
	feed(&a, "ETH", cross, 4, 120000, 1000);
	assert_int_equal(fired, 2);
	nabz_alerts__cleanup(&a);
}

static void test_move_within_window(void **state)
{
	struct nabz_rule r = {.symbol = "SOL", .kind = NABZ_RULE_MOVE, .threshold = 5, .window_s = 60};
	struct nabz_alerts a;
	static const double slow[] = {100, 101, 102, 103, 104, 105, 106};   /* 1 %/min: never 5 % in 60 s */
	static const double jump[] = {100, 103, 106, 106.5, 107};

	(void)state;
	fired = 0;
	nabz_alerts__init(&a, &r, 1, 0.5, 0);
	feed(&a, "SOL", slow, 7, 0, 60000);
	assert_int_equal(fired, 0);
	feed(&a, "SOL", jump, 5, 1000000, 10000);
	assert_int_equal(fired, 1);                    /* 106 is +6 % from 100; 106.5, 107 do not fire again */
	assert_non_null(strstr(last, "SOL rose 6.00% in 60s"));
	nabz_alerts__cleanup(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_above_fires_once_per_crossing),
		cmocka_unit_test(test_first_price_is_no_crossing_and_cooldown),
		cmocka_unit_test(test_move_within_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
