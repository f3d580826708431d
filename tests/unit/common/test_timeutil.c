/* Unit tests for plugin/timeutil.c: clocks and RFC 3339 formatting. */
#include <string.h>
#include <time.h>

#include "nabz_test.h"

#include "timeutil.h"

static void test_rfc3339(void **state)
{
	static const struct {
		int64_t wall_ms;
		const char *want;
	} rows[] = {
		{0, "1970-01-01T00:00:00.000Z"},
		{7, "1970-01-01T00:00:00.007Z"},
		{10, "1970-01-01T00:00:00.010Z"},
		{999, "1970-01-01T00:00:00.999Z"},
		{86399999, "1970-01-01T23:59:59.999Z"},
		{86400000, "1970-01-02T00:00:00.000Z"},
		{951782400000, "2000-02-29T00:00:00.000Z"},
		{1764231733123, "2025-11-27T08:22:13.123Z"},
		{4102444799999, "2099-12-31T23:59:59.999Z"},
		{253402300799999, "9999-12-31T23:59:59.999Z"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char buf[NABZ_RFC3339_LEN];

		memset(buf, 'x', sizeof(buf));
		nabz_time__rfc3339(rows[i].wall_ms, buf, sizeof(buf));
		check_row(strcmp(buf, rows[i].want) == 0, "%lld -> %s, want %s",
				(long long)rows[i].wall_ms, buf, rows[i].want);
	}
}

/* A short buffer gets a cut, terminated string and nothing past it. */
static void test_rfc3339_short_buffer(void **state)
{
	char buf[NABZ_RFC3339_LEN];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	nabz_time__rfc3339(1764231733123, buf, 11);
	assert_string_equal(buf, "2025-11-27");
	assert_int_equal(buf[11], 'x');
	/* 24 characters and the terminator fit exactly. */
	memset(buf, 'x', sizeof(buf));
	nabz_time__rfc3339(1764231733123, buf, 25);
	assert_string_equal(buf, "2025-11-27T08:22:13.123Z");
}

static void test_clocks(void **state)
{
	int64_t wall = nabz_time__wall_ms();
	int64_t now_s = (int64_t)time(NULL);
	int64_t prev = nabz_time__mono_ms();

	(void)state;
	/* Wall clock: milliseconds since the epoch, within 2 s of time(). */
	assert_in_range(wall / 1000, now_s - 2, now_s + 2);
	/* Monotonic: never goes back. */
	for(int i = 0; i < 100000; i++){
		int64_t t = nabz_time__mono_ms();
		check_row(t >= prev, "monotonic clock went back: %lld after %lld", (long long)t, (long long)prev);
		prev = t;
	}
	{
		struct timespec ts = {0, 20 * 1000 * 1000};
		int64_t before = nabz_time__mono_ms();
		nanosleep(&ts, NULL);
		assert_true(nabz_time__mono_ms() - before >= 19);
	}
}

#define T0 INT64_C(1764892800000)   /* 2025-12-05T00:00:00.000Z */

static void test_parse_rfc3339(void **state)
{
	static const struct {
		const char *text;
		int rc;
		int64_t ms;
	} rows[] = {
		{"2025-12-05T00:00:00.000Z", 0, T0},
		{"2025-12-05T00:00:01Z", 0, T0 + 1000},
		{"2025-12-05T00:00:00.5Z", 0, T0 + 500},
		{"2025-12-05T00:00:00.123456Z", 0, T0 + 123},
		{"1970-01-01T00:00:00.000Z", 0, 0},
		{"2024-02-29T12:30:00.000Z", 0, INT64_C(1709209800000)},
		{"2025-12-05T00:00:00.000+00:00", -1, 0},   /* the contract's times are Z */
		{"2025-12-05 00:00:00Z", -1, 0},
		{"2025-12-05T00:00:00.Z", -1, 0},
		{"2025-13-05T00:00:00Z", -1, 0},
		{"2025-12-05T24:00:00Z", -1, 0},
		{"2025-12-05T00:00:00Zjunk", -1, 0},
		{"2025-12-5T00:00:00Z", -1, 0},
		{"", -1, 0},
		{"garbage", -1, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		int64_t ms = -1;
		int rc = nabz_time__parse_rfc3339(rows[i].text, &ms);
		check_row(rc == rows[i].rc, "row %zu \"%s\": rc %d", i, rows[i].text, rc);
		if(rc == 0) check_row(ms == rows[i].ms, "row %zu \"%s\": %lld", i, rows[i].text, (long long)ms);
	}
	assert_int_equal(nabz_time__parse_rfc3339(NULL, NULL), -1);
}

static void test_days_from_civil(void **state)
{
	(void)state;
	assert_int_equal(nabz_time__days_from_civil(1970, 1, 1), 0);
	assert_int_equal(nabz_time__days_from_civil(1969, 12, 31), -1);
	assert_int_equal(nabz_time__days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(nabz_time__days_from_civil(2024, 11, 27), 20054);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc3339_short_buffer),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_parse_rfc3339),
		cmocka_unit_test(test_days_from_civil),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
