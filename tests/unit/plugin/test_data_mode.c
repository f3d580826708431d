/* data_mode.c: what the bridge's sources message says about its data. */
#include <string.h>

#include "nabz_test.h"

#include "data_mode.h"

static enum nabz_data_mode of(const char *s)
{
	return nabz_data_mode__of_sources(s, strlen(s));
}

static void test_demo_and_live(void **state)
{
	(void)state;
	assert_int_equal(of("{\"type\":\"sources_update\",\"data\":{\"demo\":true,\"sources\":{}},\"ts\":\"x\"}"),
			NABZ_DATA_DEMO);
	assert_int_equal(of("{\"type\":\"sources_update\",\"data\":{\"demo\":false,\"sources\":{}}}"), NABZ_DATA_LIVE);
	/* a bridge from before "demo" was said is a live one */
	assert_int_equal(of("{\"type\":\"sources_update\",\"data\":{\"sources\":{\"binance\":{}}}}"), NABZ_DATA_LIVE);
	assert_string_equal(nabz_data_mode__name(NABZ_DATA_DEMO), "demo");
	assert_string_equal(nabz_data_mode__name(NABZ_DATA_LIVE), "live");
	assert_null(nabz_data_mode__name(NABZ_DATA_UNKNOWN));
}

static void test_anything_else_says_nothing(void **state)
{
	(void)state;
	assert_int_equal(nabz_data_mode__of_sources(NULL, 0), NABZ_DATA_UNKNOWN);
	assert_int_equal(nabz_data_mode__of_sources("", 0), NABZ_DATA_UNKNOWN);   /* retained cleared */
	assert_int_equal(of("not json"), NABZ_DATA_UNKNOWN);
	assert_int_equal(of("{\"data\":{\"demo\":true}}"), NABZ_DATA_UNKNOWN);    /* no sources: not that message */
	assert_int_equal(of("{\"data\":\"demo\"}"), NABZ_DATA_UNKNOWN);
	assert_int_equal(of("[1,2]"), NABZ_DATA_UNKNOWN);
	/* the length is honoured: no read past it */
	assert_int_equal(nabz_data_mode__of_sources("{\"data\":{\"demo\":true,\"sources\":{}}}garbage", 35),
			NABZ_DATA_DEMO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_and_live),
		cmocka_unit_test(test_anything_else_says_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
