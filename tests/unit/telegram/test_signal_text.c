/* A trading signal as a chat reads it (signal_text.c): both languages,
 * the note always there, values escaped, junk refused. */
#include <string.h>

#include "nabz_test.h"
#include "signal_text.h"

static void check(const char *json, const char *lang, int want_rc, const char *const *has, const char *const *lacks)
{
	cJSON *d = cJSON_Parse(json);
	char out[4096];
	int rc = nabz_tg_signal_text__format(d, lang, out, sizeof(out));

	check_row(rc == want_rc, "%s (%s): rc %d", json, lang, rc);
	for(size_t i = 0; rc == 0 && has && has[i]; i++) check_row(strstr(out, has[i]) != NULL, "%s: no \"%s\" in %s", json, has[i], out);
	for(size_t i = 0; rc == 0 && lacks && lacks[i]; i++) check_row(strstr(out, lacks[i]) == NULL, "%s: \"%s\" in %s", json, lacks[i], out);
	cJSON_Delete(d);
}

static void test_signal_text(void **state)
{
	const char *bull = "{\"symbol\":\"BTC\",\"indicator\":\"ma_cross\",\"timeframe\":\"1h\",\"direction\":\"bullish\","
		"\"previous\":\"bearish\",\"value\":246.66666667,\"source\":\"history\"}";
	const char *rsi = "{\"symbol\":\"SOL\",\"indicator\":\"rsi\",\"timeframe\":\"1m\",\"direction\":\"oversold\","
		"\"previous\":null,\"value\":21.5,\"source\":\"demo\"}";
	const char *evil = "{\"symbol\":\"<b>X</b>\",\"indicator\":\"rsi\",\"timeframe\":\"1m\",\"direction\":\"neutral\",\"value\":50}";

	(void)state;
	check(bull, "en", 0, (const char *const[]){"<b>BTC</b> MA crossover 1-hour: <b>bullish</b> (was bearish)",
		"Value: 246.67", "An indicator, not advice.", NULL}, (const char *const[]){"demo", NULL});
	check(bull, "fa", 0, (const char *const[]){"تقاطع میانگین متحرک ۱ ساعته", "<b>صعودی</b>", "پیش‌تر نزولی",
		"نشانگر است، نه توصیهٔ سرمایه‌گذاری.", NULL}, NULL);
	check(rsi, "en", 0, (const char *const[]){"RSI 1-minute: <b>oversold</b>", "(demo data)", "An indicator, not advice.", NULL},
		(const char *const[]){"was", NULL});
	check(evil, "en", 0, (const char *const[]){"&lt;b&gt;X&lt;/b&gt;", NULL}, (const char *const[]){"<b><b>", NULL});
	/* junk: not a signal, or one this bot cannot word */
	check("{}", "en", -1, NULL, NULL);
	check("[]", "en", -1, NULL, NULL);
	check("{\"symbol\":\"BTC\",\"indicator\":\"macd\",\"timeframe\":\"1m\",\"direction\":\"bullish\"}", "en", -1, NULL, NULL);
	check("{\"symbol\":\"BTC\",\"indicator\":\"rsi\",\"timeframe\":\"5m\",\"direction\":\"neutral\"}", "en", -1, NULL, NULL);
	check("{\"symbol\":\"BTC\",\"indicator\":\"rsi\",\"timeframe\":\"1m\",\"direction\":\"up\"}", "en", -1, NULL, NULL);
	check("{\"symbol\":\"\",\"indicator\":\"rsi\",\"timeframe\":\"1m\",\"direction\":\"neutral\"}", "en", -1, NULL, NULL);
	assert_int_equal(nabz_tg_signal_text__format(NULL, "en", (char[8]){0}, 8), -1);
	{
		cJSON *d = cJSON_Parse(bull);
		char small[16];
		assert_int_equal(nabz_tg_signal_text__format(d, "en", small, sizeof(small)), -1);   /* does not fit */
		cJSON_Delete(d);
	}
	assert_string_equal(nabz_tg_signal_text__note("en"), "⚠️ An indicator, not advice.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_signal_text)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
