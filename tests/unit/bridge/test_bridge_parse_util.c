/* Unit tests for bridge/parse_util.c: numbers as text, value bounds,
 * RFC 3339 and RFC 822 times, UTF-8 cutting and text cleaning. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "parse_util.h"

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
		int rc = nabz_parse__decimal(rows[i].s, &v);

		check_row(rc == rows[i].rc, "\"%s\": rc %d, want %d", rows[i].s, rc, rows[i].rc);
		if(rc == NABZ_VAL_OK) check_row(v == rows[i].want, "\"%s\": %.17g, want %.17g", rows[i].s, v, rows[i].want);
		if(rc != NABZ_VAL_OK) check_row(v == -12345, "\"%s\": output written on failure", rows[i].s);
	}
	assert_int_equal(nabz_parse__decimal(NULL, &(double){0}), NABZ_VAL_BAD);
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
		rc = nabz_parse__number(cJSON_GetObjectItemCaseSensitive(o, "v"), &v);
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
		rc = nabz_parse__whole(cJSON_GetObjectItemCaseSensitive(o, "v"), -NABZ_JSON_INT_MAX, NABZ_JSON_INT_MAX, &v);
		check_row(rc == rows[i].rc, "%s: rc %d, want %d", text, rc, rows[i].rc);
		check_row(rc == NABZ_VAL_OK ? v == rows[i].want : v == -7, "%s: %" PRId64, text, v);
		cJSON_Delete(o);
	}
}

static void test_bounds(void **state)
{
	(void)state;
	assert_true(nabz_parse__price_usd_ok(97000.1));
	assert_true(nabz_parse__price_usd_ok(1e-12));
	assert_true(nabz_parse__price_usd_ok(NABZ_PRICE_USD_MAX));
	assert_false(nabz_parse__price_usd_ok(0));
	assert_false(nabz_parse__price_usd_ok(-1));
	assert_false(nabz_parse__price_usd_ok(NAN));
	assert_false(nabz_parse__price_usd_ok(INFINITY));
	assert_false(nabz_parse__price_usd_ok(NABZ_PRICE_USD_MAX * 1.01));
	assert_true(nabz_parse__price_irt_ok(6.79e9));
	assert_false(nabz_parse__price_irt_ok(1e15));
	assert_false(nabz_parse__price_irt_ok(0));
	assert_true(nabz_parse__change_ok(0));
	assert_true(nabz_parse__change_ok(-99.99));
	assert_true(nabz_parse__change_ok(5000));
	assert_false(nabz_parse__change_ok(-100));
	assert_false(nabz_parse__change_ok(-150));
	assert_false(nabz_parse__change_ok(2e6));
	assert_false(nabz_parse__change_ok(NAN));
	assert_true(nabz_parse__amount_ok(0));
	assert_true(nabz_parse__amount_ok(3.3e12));
	assert_false(nabz_parse__amount_ok(-1));
	assert_false(nabz_parse__amount_ok(1e16));
	assert_false(nabz_parse__amount_ok(INFINITY));
	assert_true(nabz_parse__ts_ok(T_2024_11_27_08));
	assert_false(nabz_parse__ts_ok(0));
	assert_false(nabz_parse__ts_ok(NABZ_TS_MS_MAX));
}

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

static void test_days_from_civil(void **state)
{
	(void)state;
	assert_int_equal(nabz_parse__days_from_civil(1970, 1, 1), 0);
	assert_int_equal(nabz_parse__days_from_civil(1969, 12, 31), -1);
	assert_int_equal(nabz_parse__days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(nabz_parse__days_from_civil(2024, 11, 27), 20054);
}

static void test_utf8_truncate(void **state)
{
	static const struct {
		const char *s;
		size_t max;
		const char *want;
	} rows[] = {
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abcdef", 3, "abc"},
		{"a\xc3\xa9", 2, "a"},                       /* é cut in half */
		{"a\xc3\xa9", 3, "a\xc3\xa9"},
		{"\xe2\x82\xac", 2, ""},                     /* € */
		{"\xe2\x82\xac" "x", 3, "\xe2\x82\xac"},
		{"ab\xf0\x9f\x98\x80", 5, "ab"},             /* 😀 */
		{"ab\xf0\x9f\x98\x80", 6, "ab\xf0\x9f\x98\x80"},
		{"\xd8\xa8\xd8\xa7\xd8\xb2\xd8\xa7\xd8\xb1", 5, "\xd8\xa8\xd8\xa7"},  /* بازار */
		{"abc", 0, ""},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *s = strdup(rows[i].s);
		size_t n;

		assert_non_null(s);
		n = nabz_parse__utf8_truncate(s, rows[i].max);
		check_row(strcmp(s, rows[i].want) == 0 && n == strlen(rows[i].want), "row %zu: \"%s\"", i, s);
		free(s);
	}
}

static void test_text(void **state)
{
	static const unsigned S = NABZ_TEXT_STRIP_TAGS, D = NABZ_TEXT_DECODE_ENTITIES;
	static const struct {
		const char *in;
		unsigned flags;
		size_t max;
		const char *want;
	} rows[] = {
		{"  hello   world  ", 0, 100, "hello world"},
		{"a\tb\nc\r\nd", 0, 100, "a b c d"},
		{"x\x01y\x7fz\xc2\x85w", 0, 100, "x y z w"},          /* C0, DEL, C1 (NEL) */
		{"a\xffz", 0, 100, "a\xef\xbf\xbdz"},
		{"\xc0\xaf", 0, 100, "\xef\xbf\xbd\xef\xbf\xbd"},     /* overlong '/' */
		{"\xed\xa0\x80", 0, 100, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
		{"\xf4\x90\x80\x80", 0, 100, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
		{"ab\xe2\x82", 0, 100, "ab\xef\xbf\xbd\xef\xbf\xbd"},  /* cut sequence */
		{"\xef\xbb\xbfhi", 0, 100, "hi"},                      /* BOM dropped */
		{"\xd9\x85\xe2\x80\x8c\xd8\xb1", 0, 100, "\xd9\x85\xe2\x80\x8c\xd8\xb1"}, /* ZWNJ kept */
		{"<p>Hello <b>world</b></p>", S, 100, "Hello world"},
		{"<p>Hello <b>world</b></p>", 0, 100, "<p>Hello <b>world</b></p>"},
		{"a<br/>b", S, 100, "a b"},
		{"BTC < $100k and 5<6", S, 100, "BTC < $100k and 5<6"},
		{"x<script>alert('<b>')</script>y", S, 100, "x y"},
		{"x<SCRIPT type=\"a\">var a = 1 < 2;</Script >y", S, 100, "x y"},
		{"x<style>p{color:red}</style>y", S, 100, "x y"},
		{"x<!-- <b>c</b> -->y", S, 100, "x y"},
		{"x<b unterminated", S, 100, "x"},
		{"<b>Kept</b>: no<i>space</i> added, <p>but</p>here<br>yes", S, 100, "Kept: nospace added, but here yes"},
		{"a<span class=\"x\">b</span>c<div>d</div>e", S, 100, "abc d e"},
		{"x<script>never closed", S, 100, "x"},
		{"Tom &amp; Jerry &lt;3 &#8217; &#x2014; &nbsp;end", D, 100,
			"Tom & Jerry <3 \xe2\x80\x99 \xe2\x80\x94 end"},
		{"&unknown; &#0; &#xD800; &#1114112; & &#; &#x; &amp", D, 100,
			"&unknown; \xef\xbf\xbd \xef\xbf\xbd &#1114112; & &#; &#x; &amp"},
		{"a&#10;b&#x9;c", D, 100, "a b c"},
		{"&lt;b&gt;shown&lt;/b&gt;", S | D, 100, "<b>shown</b>"},
		{"Tom &amp; Jerry", 0, 100, "Tom &amp; Jerry"},
		{"abcdef", 0, 4, "abc\xe2\x80\xa6"},
		{"abcd", 0, 4, "abcd"},
		{"abc def", 0, 5, "abc\xe2\x80\xa6"},
		{"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0, 3, "\xc3\xa9\xc3\xa9\xe2\x80\xa6"},
		{"<p>a</p>            <p>b</p>", S, 3, "a b"},
		{"", 0, 10, ""},
		{"   ", 0, 10, ""},
		{"<p></p>", S, 10, ""},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *got = nabz_parse__text(rows[i].in, strlen(rows[i].in), rows[i].flags, rows[i].max);

		assert_non_null(got);
		check_row(strcmp(got, rows[i].want) == 0, "row %zu: \"%s\", want \"%s\"", i, got, rows[i].want);
		free(got);
	}
}

/* Long input: output capped, always valid UTF-8, never past max chars. */
static void test_text_long(void **state)
{
	size_t n = 100000;
	char *in = malloc(n);
	char *got;

	(void)state;
	assert_non_null(in);
	for(size_t i = 0; i + 1 < n; i += 2){
		in[i] = '\xd8';
		in[i + 1] = '\xa8';   /* ب */
	}
	got = nabz_parse__text(in, n, NABZ_TEXT_STRIP_TAGS | NABZ_TEXT_DECODE_ENTITIES, NABZ_SUMMARY_MAX_CHARS);
	assert_non_null(got);
	/* 299 two-byte letters and the 3-byte ellipsis. */
	assert_int_equal(strlen(got), 299 * 2 + 3);
	assert_memory_equal(got + 299 * 2, "\xe2\x80\xa6", 3);
	free(got);
	got = nabz_parse__text(NULL, 0, 0, 10);
	assert_string_equal(got, "");
	free(got);
	free(in);
}

static void test_url(void **state)
{
	static const struct {
		const char *in;
		const char *want;   /* NULL: refused */
	} rows[] = {
		{"https://example.com/a", "https://example.com/a"},
		{"http://x.y", "http://x.y"},
		{" \n https://example.com/f \t", "https://example.com/f"},
		{"HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"},
		{"https://example.com/caf\xc3\xa9", "https://example.com/caf\xc3\xa9"},
		{"javascript:alert(1)", NULL},
		{"JavaScript:alert(1)", NULL},
		{"data:text/html,<script>alert(1)</script>", NULL},
		{"ftp://example.com/", NULL},
		{"//example.com/", NULL},
		{"/relative/path", NULL},
		{"https://", NULL},
		{"https://exa mple.com", NULL},
		{"https://example.com/\x01", NULL},
		{"https://example.com/\xff", NULL},
		{"", NULL},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		bool oom = true;
		char *got = nabz_parse__url(rows[i].in, &oom);

		check_row(!oom, "row %zu: oom", i);
		if(rows[i].want == NULL){
			check_row(got == NULL, "row %zu: \"%s\" kept", i, got);
		}else{
			check_row(got != NULL && strcmp(got, rows[i].want) == 0, "row %zu: \"%s\"", i, got ? got : "(null)");
		}
		free(got);
	}
	assert_null(nabz_parse__url(NULL, NULL));
}

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

static void test_push_unique_and_errors(void **state)
{
	struct nabz_quote_list l = {0};
	struct nabz_quote a, b;
	char err[32];

	(void)state;
	assert_int_equal(nabz_quote__init(&a, "btc"), 0);
	assert_int_equal(nabz_quote__init(&b, "eth"), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &a), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &a), 1);
	assert_int_equal(nabz_parse__push_unique(&l, 1, &a), 0);   /* only items from index 1 on count */
	assert_int_equal(nabz_parse__push_unique(&l, 0, &b), 0);
	assert_int_equal(l.count, 3);
	nabz_parse__quotes_truncate(&l, 1);
	assert_int_equal(l.count, 1);
	nabz_quotes__free(&l);

	assert_int_equal(nabz_parse__api_error(err, sizeof(err), "Invalid symbol.\n\x01\xc3\xa9"), -1);
	assert_string_equal(err, "API error: Invalid symbol.????");
	nabz_parse__api_error(err, sizeof(err), NULL);
	assert_string_equal(err, "API error: (no message)");
	nabz_parse__api_error(err, sizeof(err), "a very long message that does not fit");
	assert_int_equal(strlen(err), sizeof(err) - 1);
	nabz_parse__err(NULL, 0, "no buffer: %d", 1);
}

/* The symbol index against a plain scan: thousands of symbols, every
 * one pushed twice, windows that move, truncation in between. */
static void test_push_unique_many(void **state)
{
	struct nabz_quote_list l = {0};
	struct nabz_quote q;
	char sym[16];
	const size_t n = 3000;

	(void)state;
	for(size_t round = 0; round < 2; round++){
		for(size_t i = 0; i < n; i++){
			snprintf(sym, sizeof(sym), "S%zu", i);
			assert_int_equal(nabz_quote__init(&q, sym), 0);
			q.price_usd = (double)(round * n + i);
			check_row(nabz_parse__push_unique(&l, 0, &q) == (round ? 1 : 0), "round %zu, %s", round, sym);
		}
	}
	assert_int_equal(l.count, n);
	for(size_t i = 0; i < n; i++){
		const struct nabz_quote *f;
		snprintf(sym, sizeof(sym), "S%zu", i);
		f = nabz_quotes__find(&l, 0, sym);
		check_row(f != NULL && f->price_usd == (double)i, "%s: the first one pushed", sym);
	}
	assert_null(nabz_quotes__find(&l, 0, "S3000"));
	/* a second response appended after the first: only its own items count */
	assert_int_equal(nabz_quote__init(&q, "S7"), 0);
	assert_int_equal(nabz_parse__push_unique(&l, n, &q), 0);
	assert_int_equal(nabz_parse__push_unique(&l, n, &q), 1);
	assert_int_equal(l.count, n + 1);
	assert_ptr_equal(nabz_quotes__find(&l, n, "S7"), &l.items[n]);
	assert_ptr_equal(nabz_quotes__find(&l, 0, "S7"), &l.items[7]);
	assert_null(nabz_quotes__find(&l, n + 1, "S7"));
	/* a failed parse undone: what it appended is no longer found */
	nabz_parse__quotes_truncate(&l, 10);
	assert_null(nabz_quotes__find(&l, 0, "S10"));
	assert_non_null(nabz_quotes__find(&l, 0, "S9"));
	assert_int_equal(nabz_quote__init(&q, "S10"), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &q), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &q), 1);
	/* plain pushes keep the index */
	assert_int_equal(nabz_quote__init(&q, "NEW"), 0);
	assert_int_equal(nabz_quotes__push(&l, &q), 0);
	assert_ptr_equal(nabz_quotes__find(&l, 0, "NEW"), &l.items[l.count - 1]);
	nabz_quotes__free(&l);
	assert_null(nabz_quotes__find(&l, 0, "S1"));
	nabz_quotes__free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc822),
		cmocka_unit_test(test_days_from_civil),
		cmocka_unit_test(test_utf8_truncate),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_long),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_coin_id),
		cmocka_unit_test(test_push_unique_and_errors),
		cmocka_unit_test(test_push_unique_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
