/* Telegram's limits as a schedule: per chat, per group, overall, 429 pause. */
#include <string.h>

#include "nabz_test.h"
#include "rate.h"

static void test_per_chat_interval(void **state)
{
	struct nabz_tg_rate r;
	struct nabz_tg_chat_rate c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(nabz_tg_rate__init(&r, 1000, 20, 30), 0);
	assert_true(nabz_tg_rate__next(&r, &c, false, 5000) == 5000);      /* never sent: now */
	nabz_tg_rate__note(&r, &c, false, 5000);
	assert_true(nabz_tg_rate__next(&r, &c, false, 5100) == 6000);
	assert_true(nabz_tg_rate__next(&r, &c, false, 7000) == 7000);
	nabz_tg_rate__chat_cleanup(&c);
	nabz_tg_rate__cleanup(&r);
}

static void test_global_window_of_30_a_second(void **state)
{
	struct nabz_tg_rate r;
	struct nabz_tg_chat_rate c[31];

	(void)state;
	memset(c, 0, sizeof(c));
	assert_int_equal(nabz_tg_rate__init(&r, 1000, 20, 30), 0);
	for(int i = 0; i < 30; i++){
		assert_true(nabz_tg_rate__next(&r, &c[i], false, 100 + i) == 100 + i);
		nabz_tg_rate__note(&r, &c[i], false, 100 + i);
	}
	/* the 31st waits until the first send leaves the window */
	assert_true(nabz_tg_rate__next(&r, &c[30], false, 200) == 1100);
	nabz_tg_rate__cleanup(&r);
}

static void test_group_window_of_20_a_minute(void **state)
{
	struct nabz_tg_rate r;
	struct nabz_tg_chat_rate g;
	int64_t t = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(nabz_tg_rate__init(&r, 1000, 20, 30), 0);
	for(int i = 0; i < 20; i++){
		t = nabz_tg_rate__next(&r, &g, true, t);
		nabz_tg_rate__note(&r, &g, true, t);
	}
	assert_true(t == 19000);
	/* the 21st: a minute after the first */
	assert_true(nabz_tg_rate__next(&r, &g, true, t) == 60000);
	/* a private chat is not held by the group window */
	assert_true(nabz_tg_rate__next(&r, &g, false, t) == t + 1000);
	nabz_tg_rate__chat_cleanup(&g);
	nabz_tg_rate__cleanup(&r);
}

static void test_pause_holds_everything(void **state)
{
	struct nabz_tg_rate r;
	struct nabz_tg_chat_rate c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(nabz_tg_rate__init(&r, 0, 20, 30), 0);
	nabz_tg_rate__pause(&r, 9000);
	nabz_tg_rate__pause(&r, 4000);        /* a shorter pause does not shorten it */
	assert_true(nabz_tg_rate__next(&r, &c, false, 1000) == 9000);
	assert_true(nabz_tg_rate__next(&r, &c, false, 9500) == 9500);
	nabz_tg_rate__cleanup(&r);
}

static void test_bad_limits_are_refused(void **state)
{
	struct nabz_tg_rate r;

	(void)state;
	assert_int_equal(nabz_tg_rate__init(&r, 1000, 0, 30), -1);
	assert_int_equal(nabz_tg_rate__init(&r, 1000, 20, 0), -1);
	assert_int_equal(nabz_tg_rate__init(&r, -1, 20, 30), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_chat_interval),
		cmocka_unit_test(test_global_window_of_30_a_second),
		cmocka_unit_test(test_group_window_of_20_a_minute),
		cmocka_unit_test(test_pause_holds_everything),
		cmocka_unit_test(test_bad_limits_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
