/* Unit tests for bridge/parse_json.c and common/jsonval.c as the parsers use them:
 * numbers as JSON numbers or text, and the bounds a value must keep. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "jsonval.h"
#include "parse_json.h"

#define T_2024_11_27_08 INT64_C(1732694400000)  /* 2024-11-27T08:00:00Z */

static void test_decimal(void **state)
{
	static const struct {
		const char *s;
		int rc;
		double want;
	} rows[] = {
		{"0", NABZ_VAL_OK, 0},
		{"97000.10000000", NABZ_VAL_OK, 97000.1},
		{"-2.503", NABZ_VAL_OK, -2.503},
		{"+1.5", NABZ_VAL_OK, 1.5},
		{"1e3", NABZ_VAL_OK, 1000},
		{"1.5E-3", NABZ_VAL_OK, 0.0015},
		{".5", NABZ_VAL_OK, 0.5},
		{"5.", NABZ_VAL_OK, 5},
		{"00012", NABZ_VAL_OK, 12},
		{"0.00002510", NABZ_VAL_OK, 0.0000251},
		{"580000000000", NABZ_VAL_OK, 580000000000.0},
		{"", NABZ_VAL_BAD, 0},
		{" 1", NABZ_VAL_BAD, 0},
		{"1 ", NABZ_VAL_BAD, 0},
		{"1,5", NABZ_VAL_BAD, 0},
		{"1_000", NABZ_VAL_BAD, 0},
		{"0x10", NABZ_VAL_BAD, 0},
		{"0x1p3", NABZ_VAL_BAD, 0},
		{"inf", NABZ_VAL_BAD, 0},
		{"-Infinity", NABZ_VAL_BAD, 0},
		{"nan", NABZ_VAL_BAD, 0},
		{"NaN", NABZ_VAL_BAD, 0},
		{"-", NABZ_VAL_BAD, 0},
		{".", NABZ_VAL_BAD, 0},
		{"+.e1", NABZ_VAL_BAD, 0},
		{"1e", NABZ_VAL_BAD, 0},
		{"1e+", NABZ_VAL_BAD, 0},
		{"1.2.3", NABZ_VAL_BAD, 0},
		{"1e400", NABZ_VAL_BAD, 0},
		{"-1e400", NABZ_VAL_BAD, 0},
		{"abc", NABZ_VAL_BAD, 0},
		{"12abc", NABZ_VAL_BAD, 0},
		{"١٢٣", NABZ_VAL_BAD, 0},   /* Arabic-Indic digits */
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		double v = -12345;
		int rc = nabz_jsonval__decimal(rows[i].s, &v);

		check_row(rc == rows[i].rc, "\"%s\": rc %d, want %d", rows[i].s, rc, rows[i].rc);
		if(rc == NABZ_VAL_OK) check_row(v == rows[i].want, "\"%s\": %.17g, want %.17g", rows[i].s, v, rows[i].want);
		if(rc != NABZ_VAL_OK) check_row(v == -12345, "\"%s\": output written on failure", rows[i].s);
	}
	assert_int_equal(nabz_jsonval__decimal(NULL, &(double){0}), NABZ_VAL_BAD);
}

static void test_number(void **state)
{
	static const struct {
		const char *json;   /* the value of key "v"; NULL: key absent */
		int rc;
		double want;
	} rows[] = {
		{"1.5", NABZ_VAL_OK, 1.5},
		{"\"1.5\"", NABZ_VAL_OK, 1.5},
		{"-0", NABZ_VAL_OK, 0},
		{"1732700000", NABZ_VAL_OK, 1732700000},
		{"null", NABZ_VAL_MISSING, 0},
		{NULL, NABZ_VAL_MISSING, 0},
		{"true", NABZ_VAL_BAD, 0},
		{"[]", NABZ_VAL_BAD, 0},
		{"{}", NABZ_VAL_BAD, 0},
		{"\"\"", NABZ_VAL_BAD, 0},
		{"\"NaN\"", NABZ_VAL_BAD, 0},
		{"1e400", NABZ_VAL_BAD, 0},
		{"\"1e400\"", NABZ_VAL_BAD, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char text[64];
		cJSON *o;
		double v = 0;
		int rc;

		if(rows[i].json){
			(void)snprintf(text, sizeof(text), "{\"v\":%s}", rows[i].json);
		}else{
			(void)snprintf(text, sizeof(text), "{}");
		}
		o = cJSON_Parse(text);
		assert_non_null(o);
		rc = nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(o, "v"), &v);
		check_row(rc == rows[i].rc, "%s: rc %d, want %d", text, rc, rows[i].rc);
		if(rc == NABZ_VAL_OK) check_row(v == rows[i].want, "%s: %.17g", text, v);
		cJSON_Delete(o);
	}
}

/* Whole numbers for ids and offsets: no cast ever sees a value out of range. */
static void test_whole(void **state)
{
	static const struct {
		const char *json;   /* the value of key "v"; NULL: key absent */
		int rc;
		int64_t want;
	} rows[] = {
		{"0", NABZ_VAL_OK, 0},
		{"-1001234567890", NABZ_VAL_OK, -1001234567890LL},
		{"9007199254740991", NABZ_VAL_OK, 9007199254740991LL},
		{"-9007199254740991", NABZ_VAL_OK, -9007199254740991LL},
		{"1e3", NABZ_VAL_OK, 1000},
		{"9007199254740992", NABZ_VAL_BAD, 0},
		{"1e300", NABZ_VAL_BAD, 0},
		{"-1e300", NABZ_VAL_BAD, 0},
		{"1e999", NABZ_VAL_BAD, 0},
		{"1.5", NABZ_VAL_BAD, 0},
		{"\"12\"", NABZ_VAL_BAD, 0},
		{"true", NABZ_VAL_BAD, 0},
		{"null", NABZ_VAL_MISSING, 0},
		{NULL, NABZ_VAL_MISSING, 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char text[64];
		cJSON *o;
		int64_t v = -7;
		int rc;

		(void)snprintf(text, sizeof(text), rows[i].json ? "{\"v\":%s}" : "{}", rows[i].json);
		o = cJSON_Parse(text);
		assert_non_null(o);
		rc = nabz_jsonval__whole(cJSON_GetObjectItemCaseSensitive(o, "v"), -NABZ_JSON_INT_MAX, NABZ_JSON_INT_MAX, &v);
		check_row(rc == rows[i].rc, "%s: rc %d, want %d", text, rc, rows[i].rc);
		check_row(rc == NABZ_VAL_OK ? v == rows[i].want : v == -7, "%s: %" PRId64, text, v);
		cJSON_Delete(o);
	}
}

static void test_bounds(void **state)
{
	(void)state;
	assert_true(nabz_jsonval__price_usd_ok(97000.1));
	assert_true(nabz_jsonval__price_usd_ok(1e-12));
	assert_true(nabz_jsonval__price_usd_ok(NABZ_PRICE_USD_MAX));
	assert_false(nabz_jsonval__price_usd_ok(0));
	assert_false(nabz_jsonval__price_usd_ok(-1));
	assert_false(nabz_jsonval__price_usd_ok(NAN));
	assert_false(nabz_jsonval__price_usd_ok(INFINITY));
	assert_false(nabz_jsonval__price_usd_ok(NABZ_PRICE_USD_MAX * 1.01));
	assert_true(nabz_jsonval__price_irt_ok(6.79e9));
	assert_false(nabz_jsonval__price_irt_ok(1e15));
	assert_false(nabz_jsonval__price_irt_ok(0));
	assert_true(nabz_jsonval__change_ok(0));
	assert_true(nabz_jsonval__change_ok(-99.99));
	assert_true(nabz_jsonval__change_ok(5000));
	assert_false(nabz_jsonval__change_ok(-100));
	assert_false(nabz_jsonval__change_ok(-150));
	assert_false(nabz_jsonval__change_ok(2e6));
	assert_false(nabz_jsonval__change_ok(NAN));
	assert_true(nabz_jsonval__amount_ok(0));
	assert_true(nabz_jsonval__amount_ok(3.3e12));
	assert_false(nabz_jsonval__amount_ok(-1));
	assert_false(nabz_jsonval__amount_ok(1e16));
	assert_false(nabz_jsonval__amount_ok(INFINITY));
	assert_true(nabz_jsonval__ts_ok(T_2024_11_27_08));
	assert_false(nabz_jsonval__ts_ok(0));
	assert_false(nabz_jsonval__ts_ok(NABZ_TS_MS_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
