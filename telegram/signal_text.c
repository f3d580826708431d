/* A trading signal as a chat reads it (see signal_text.h). */
#include "signal_text.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

/* [0] Persian, [1] English. */
static const char *const notes[2] = {
	"⚠️ نشانگر است، نه توصیهٔ سرمایه‌گذاری.",
	"⚠️ An indicator, not advice."};

static int lang_index(const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? 1 : 0;
}

static const char *word(const char *key, int en)
{
	static const struct { const char *key, *fa, *en; } words[] = {
		{"ma_cross", "تقاطع میانگین متحرک", "MA crossover"},
		{"rsi", "RSI", "RSI"},
		{"1m", "۱ دقیقه‌ای", "1-minute"},
		{"1h", "۱ ساعته", "1-hour"},
		{"bullish", "صعودی", "bullish"},
		{"bearish", "نزولی", "bearish"},
		{"overbought", "اشباع خرید", "overbought"},
		{"oversold", "اشباع فروش", "oversold"},
		{"neutral", "خنثی", "neutral"},
	};
	for(size_t i = 0; key && i < sizeof(words) / sizeof(words[0]); i++){
		if(strcmp(key, words[i].key) == 0) return en ? words[i].en : words[i].fa;
	}
	return NULL;
}

static const char *string_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int nabz_tg_signal_text__format(const cJSON *data, const char *lang, char *out, size_t outlen)
{
	const char *symbol = string_of(data, "symbol");
	const char *ind = word(string_of(data, "indicator"), lang_index(lang));
	const char *tf = word(string_of(data, "timeframe"), lang_index(lang));
	const char *dir = word(string_of(data, "direction"), lang_index(lang));
	const char *prev = word(string_of(data, "previous"), lang_index(lang));
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(data, "value");
	bool demo = string_of(data, "source") && strcmp(string_of(data, "source"), "demo") == 0;
	int en = lang_index(lang);
	char sym[64], num[64] = "", was[160] = "";
	int n;

	if(symbol == NULL || symbol[0] == '\0' || ind == NULL || tf == NULL || dir == NULL) return -1;
	nabz_tg_format__escape(symbol, 16, sym, sizeof(sym));
	if(cJSON_IsNumber(value) && isfinite(value->valuedouble)) nabz_tg_format__number(value->valuedouble, num, sizeof(num));
	if(prev) snprintf(was, sizeof(was), en ? " (was %s)" : " (پیش‌تر %s)", prev);
	n = snprintf(out, outlen, "📊 <b>%s</b> %s %s: <b>%s</b>%s%s%s%s\n%s%s",
			sym, ind, tf, dir, was,
			num[0] ? (en ? "\nValue: " : "\nمقدار: ") : "", num,
			demo ? (en ? "\n(demo data)" : "\n(دادهٔ نمایشی)") : "",
			notes[en], "");
	if(n < 0 || (size_t)n >= outlen) return -1;
	return 0;
}

const char *nabz_tg_signal_text__note(const char *lang)
{
	return notes[lang_index(lang)];
}
