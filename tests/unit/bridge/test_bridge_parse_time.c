/* Unit tests for bridge/parse_time.c: epoch numbers, RFC 3339 and RFC 822
 * times, the civil calendar. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "parse_time.h"

#define T_2024_11_27_08 INT64_C(1732694400000)  /* 2024-11-27T08:00:00Z */

static void test_epoch(void **state)
{
	static const struct {
		const char *json;
		int64_t unit_ms;
		int rc;
		int64_t want;
	} rows[] = {
		{"1732694400", 1000, NABZ_VAL_OK, T_2024_11_27_08},
		{"\"1732694400\"", 1000, NABZ_VAL_OK, T_2024_11_27_08},
		{"1732694400123", 1, NABZ_VAL_OK, T_2024_11_27_08 + 123},
		{"1732694400.5", 1000, NABZ_VAL_OK, T_2024_11_27_08 + 500},
		{"1230940800", 1000, NABZ_VAL_OK, NABZ_TS_MS_MIN},
		{"null", 1000, NABZ_VAL_MISSING, 0},
		{"0", 1000, NABZ_VAL_BAD, 0},
		{"-5", 1000, NABZ_VAL_BAD, 0},
		{"1732694400123", 1000, NABZ_VAL_BAD, 0},   /* ms read as seconds: year 56000 */
		{"1732694400", 1, NABZ_VAL_BAD, 0},         /* seconds read as ms: 1970 */
		{"4102444800", 1000, NABZ_VAL_BAD, 0},
		{"1e300", 1000, NABZ_VAL_BAD, 0},
		{"\"soon\"", 1000, NABZ_VAL_BAD, 0},
		{"true", 1000, NABZ_VAL_BAD, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char text[64];
		int64_t ms = -1;
		cJSON *o;
		int rc;

		(void)snprintf(text, sizeof(text), "{\"t\":%s}", rows[i].json);
		o = cJSON_Parse(text);
		assert_non_null(o);
		rc = nabz_parse__epoch(cJSON_GetObjectItemCaseSensitive(o, "t"), rows[i].unit_ms, &ms);
		check_row(rc == rows[i].rc, "%s unit %lld: rc %d, want %d", text, (long long)rows[i].unit_ms, rc, rows[i].rc);
		if(rc == NABZ_VAL_OK) check_row(ms == rows[i].want, "%s: %lld", text, (long long)ms);
		cJSON_Delete(o);
	}
}

static void test_rfc3339(void **state)
{
	static const struct {
		const char *s;
		int rc;
		int64_t want;
	} rows[] = {
		{"2024-11-27T08:00:00Z", 0, T_2024_11_27_08},
		{"2024-11-27T08:00:00.123456Z", 0, T_2024_11_27_08 + 123},
		{"2024-11-27T08:00:00.1Z", 0, T_2024_11_27_08 + 100},
		{"2024-11-27T08:00:00.000000Z", 0, T_2024_11_27_08},
		{"2024-11-27T11:30:00+03:30", 0, T_2024_11_27_08},
		{"2024-11-27T11:30:00+0330", 0, T_2024_11_27_08},
		{"2024-11-27T03:00:00-05:00", 0, T_2024_11_27_08},
		{"2024-11-27T08:00:00+00:00", 0, T_2024_11_27_08},
		{"2024-11-27 08:00:00Z", 0, T_2024_11_27_08},
		{"2024-11-27t08:00:00z", 0, T_2024_11_27_08},
		{"2024-11-27T08:13:20.123Z", 0, INT64_C(1732695200123)},
		{"2000-02-29T00:00:00Z", 0, INT64_C(951782400000)},
		{"1970-01-01T00:00:00Z", 0, 0},
		{"2024-11-27T08:00:00", -1, 0},
		{"2024-11-27", -1, 0},
		{"2024-11-27T08:00Z", -1, 0},
		{"2024-13-01T00:00:00Z", -1, 0},
		{"2024-00-01T00:00:00Z", -1, 0},
		{"2023-02-29T00:00:00Z", -1, 0},
		{"2024-11-31T00:00:00Z", -1, 0},
		{"2024-11-27T24:00:00Z", -1, 0},
		{"2024-11-27T08:60:00Z", -1, 0},
		{"2024-11-27T08:00:61Z", -1, 0},
		{"2024-11-27T08:00:00.Z", -1, 0},
		{"2024-11-27T08:00:00Zjunk", -1, 0},
		{"2024-11-27T08:00:00+25:00", -1, 0},
		{"24-11-27T08:00:00Z", -1, 0},
		{"2024/11/27T08:00:00Z", -1, 0},
		{"", -1, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		int64_t ms = -1;
		int rc = nabz_parse__rfc3339_ms(rows[i].s, &ms);

		check_row(rc == rows[i].rc, "\"%s\": rc %d", rows[i].s, rc);
		if(rc == 0) check_row(ms == rows[i].want, "\"%s\": %lld, want %lld", rows[i].s, (long long)ms,
				(long long)rows[i].want);
	}
}

static void test_rfc822(void **state)
{
	static const struct {
		const char *s;
		int rc;
		int64_t want;
	} rows[] = {
		{"Wed, 27 Nov 2024 08:00:00 +0000", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 08:00:00 GMT", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 08:00:00 UTC", 0, T_2024_11_27_08},
		{"27 Nov 2024 08:00:00 UT", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 03:00:00 EST", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 04:00:00 EDT", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 00:00:00 PST", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 11:30:00 +0330", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 11:30:00 +03:30", 0, T_2024_11_27_08},
		{"Wed,27 Nov 2024 08:00:00 Z", 0, T_2024_11_27_08},
		{"Wed 27 Nov 2024 08:00:00 gmt", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 24 08:00:00 GMT", 0, T_2024_11_27_08},
		{"Wed, 27 November 2024 08:00:00 GMT", 0, T_2024_11_27_08},
		{"Wednesday, 27 Nov 2024 08:00:00 GMT", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 08:00 GMT", 0, T_2024_11_27_08},
		{"  Wed, 27 Nov 2024 08:00:00 +0000 \n", 0, T_2024_11_27_08},
		{"Wed, 27 Nov 2024 08:00:00 A", 0, T_2024_11_27_08},   /* military: read as UTC */
		{"Fri, 01 Jan 99 00:00:00 GMT", 0, INT64_C(915148800000)},
		{"Tue, 1 Jul 2003 10:52:37 +0200", 0, INT64_C(1057049557000)},
		{"Tue, 29 Feb 2000 00:00:00 GMT", 0, INT64_C(951782400000)},
		{"", -1, 0},
		{"27 Nov 2024", -1, 0},
		{"Wed, 32 Nov 2024 08:00:00 GMT", -1, 0},
		{"Wed, 29 Feb 2023 08:00:00 GMT", -1, 0},
		{"Wed, 27 Foo 2024 08:00:00 GMT", -1, 0},
		{"Wed, 27 Nov 2024 08:00:00", -1, 0},
		{"Wed, 27 Nov 2024 08:00:00 XYZ", -1, 0},
		{"Wed, 27 Nov 2024 08:00:00 J", -1, 0},
		{"Wed, 27 Nov 2024 25:00:00 GMT", -1, 0},
		{"Wed, 27 Nov 2024 08:00:00 GMT junk", -1, 0},
		{"Wed, 27 Nov 2024 08:00:00 +2500", -1, 0},
		{"Wed, 27 Nov 20245 08:00:00 GMT", -1, 0},
		{"2024-11-27T08:00:00Z", -1, 0},
		{"yesterday", -1, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		int64_t ms = -1;
		int rc = nabz_parse__rfc822_ms(rows[i].s, &ms);

		check_row(rc == rows[i].rc, "\"%s\": rc %d", rows[i].s, rc);
		if(rc == 0) check_row(ms == rows[i].want, "\"%s\": %lld, want %lld", rows[i].s, (long long)ms,
				(long long)rows[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc822),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
