/* Message texts: HTML escaping, UTF-8-safe cuts, numbers, alert and price. */
#include <stdio.h>
#include <string.h>

#include "nabz_test.h"
#include "format.h"

static void test_escape(void **state)
{
	static const struct {
		const char *in;
		size_t maxin, outlen;
		const char *want;
	} rows[] = {
		{"a<b>&c", 100, 64, "a&lt;b&gt;&amp;c"},
		{"<script>", 100, 64, "&lt;script&gt;"},
		{"plain", 3, 64, "pla"},
		{"قیمت", 3, 64, "ق"},              /* a cut never splits a character (2 bytes each) */
		{"قیمت", 100, 4, "ق"},              /* nor does a full buffer */
		{"&&", 100, 6, "&amp;"},
		{"", 10, 4, ""},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char out[64];
		nabz_tg_format__escape(rows[i].in, rows[i].maxin, out, rows[i].outlen);
		check_row(strcmp(out, rows[i].want) == 0, "row %zu: \"%s\", want \"%s\"", i, out, rows[i].want);
	}
}

static void test_number(void **state)
{
	static const struct {
		double v;
		const char *want;
	} rows[] = {
		{97000, "97,000"}, {97000.5, "97,000.5"}, {1234567.891, "1,234,567.89"}, {0.4012, "0.4012"},
		{1.5, "1.5"}, {-2500, "-2,500"}, {0, "0"}, {123, "123"}, {6790000000, "6,790,000,000"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char out[64];
		nabz_tg_format__number(rows[i].v, out, sizeof(out));
		check_row(strcmp(out, rows[i].want) == 0, "%g: \"%s\", want \"%s\"", rows[i].v, out, rows[i].want);
	}
}

static void test_alert_in_both_languages(void **state)
{
	cJSON *d = cJSON_Parse("{\"symbol\":\"BTC\",\"message\":\"BTC <b>above</b> & more\",\"price_usd\":100001,"
			"\"kind\":\"above\",\"threshold\":100000,\"rule\":\"BTC above 100000\"}");
	char out[NABZ_TG_TEXT_MAX];

	(void)state;
	assert_int_equal(nabz_tg_format__alert(d, "fa", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "<b>BTC</b>"));
	assert_non_null(strstr(out, "از 100,000 دلار بالاتر رفت"));
	assert_non_null(strstr(out, "$100,001"));
	assert_non_null(strstr(out, "BTC &lt;b&gt;above&lt;/b&gt; &amp; more"));   /* outside text escaped */
	assert_int_equal(nabz_tg_format__alert(d, "en", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "rose above 100,000 USD"));
	assert_non_null(strstr(out, "Price: <b>$100,001</b>"));
	cJSON_Delete(d);
	d = cJSON_Parse("{\"message\":\"no symbol\"}");
	assert_int_equal(nabz_tg_format__alert(d, "fa", out, sizeof(out)), -1);
	cJSON_Delete(d);
}

static void test_a_long_message_stays_under_telegrams_limit(void **state)
{
	static char big[20000];
	char out[NABZ_TG_TEXT_MAX * 2];
	cJSON *d = cJSON_CreateObject();

	(void)state;
	memset(big, '<', sizeof(big) - 1);
	cJSON_AddStringToObject(d, "symbol", "ETH");
	cJSON_AddStringToObject(d, "message", big);
	cJSON_AddNumberToObject(d, "price_usd", 1);
	assert_int_equal(nabz_tg_format__alert(d, "en", out, sizeof(out)), 0);
	assert_true(strlen(out) < NABZ_TG_TEXT_MAX);
	cJSON_Delete(d);
}

static void test_fill_and_price(void **state)
{
	char out[512];
	cJSON *d = cJSON_Parse("{\"symbol\":\"BTC\",\"price_usd\":97000.5,\"change_24h_pct\":-1.234,\"stale\":true}");

	(void)state;
	nabz_tg_format__fill(NABZ_TG_T_WATCH, "en", "BTC", "BTC, ETH", out, sizeof(out));
	assert_string_equal(out, "Watching BTC. List: BTC, ETH");
	nabz_tg_format__fill(NABZ_TG_T_NO_PRICE, "en", "%s%n", NULL, out, sizeof(out));
	assert_string_equal(out, "No price for %s%n yet.");      /* values are not formats */
	assert_int_equal(nabz_tg_format__price(d, "en", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "$97,000.5"));
	assert_non_null(strstr(out, "-1.23%"));
	assert_non_null(strstr(out, "(stale)"));
	assert_null(strstr(out, "toman"));
	cJSON_Delete(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_alert_in_both_languages),
		cmocka_unit_test(test_a_long_message_stays_under_telegrams_limit),
		cmocka_unit_test(test_fill_and_price),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
