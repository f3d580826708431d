#include "format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const texts[NABZ_TG_T_COUNT][2] = {
	/* [0] Persian, [1] English */
	[NABZ_TG_T_START] = {
		"سلام! از این پس هشدارهای قیمت رمزارزها را اینجا می‌فرستم.\n"
		"/watch BTC فقط هشدارهای یک نماد\n/unwatch BTC\n/price BTC قیمت لحظه‌ای\n"
		"/alert BTC > 100000 هشدار شخصی\n/alerts\n/lang en English\n/stop توقف",
		"Hello! From now on I send crypto price alerts here.\n"
		"/watch BTC only one symbol's alerts\n/unwatch BTC\n/price BTC the current price\n"
		"/alert BTC > 100000 your own alert\n/alerts\n/lang fa فارسی\n/stop stop"},
	[NABZ_TG_T_STOP] = {
		"دیگر هشداری نمی‌فرستم. برای شروع دوباره /start",
		"No more alerts. /start to begin again."},
	[NABZ_TG_T_WATCH] = {
		"هشدارهای %s اضافه شد. فهرست: %s",
		"Watching %s. List: %s"},
	[NABZ_TG_T_UNWATCH] = {
		"%s حذف شد. فهرست: %s",
		"Stopped watching %s. List: %s"},
	[NABZ_TG_T_WATCH_ALL] = {
		"همهٔ نمادها",
		"every symbol"},
	[NABZ_TG_T_BAD_SYMBOL] = {
		"نماد نامعتبر است. مثال: /watch BTC",
		"That is not a symbol. Example: /watch BTC"},
	[NABZ_TG_T_LANG] = {
		"زبان: فارسی",
		"Language: English"},
	[NABZ_TG_T_BAD_LANG] = {
		"زبان‌ها: /lang fa یا /lang en",
		"Languages: /lang fa or /lang en"},
	[NABZ_TG_T_NO_PRICE] = {
		"هنوز قیمتی برای %s ندارم.",
		"No price for %s yet."},
	[NABZ_TG_T_HELP] = {
		"دستورها: /start /stop /watch BTC /unwatch BTC /price BTC /alert BTC > 100000 /alerts /unalert 1 /lang fa|en\n"
		"سیگنال‌های معاملاتی (نشانگر است، نه توصیه): /signals BTC /unsignals BTC /signals",
		"Commands: /start /stop /watch BTC /unwatch BTC /price BTC /alert BTC > 100000 /alerts /unalert 1 /lang fa|en\n"
		"Trading signals (an indicator, not advice): /signals BTC /unsignals BTC /signals"},
	[NABZ_TG_T_NOT_STARTED] = {
		"برای دریافت هشدارها /start را بفرستید.",
		"Send /start to receive alerts."},
	[NABZ_TG_T_RULE_ABOVE] = {
		"%s بالای %s دلار",
		"%s above %s USD"},
	[NABZ_TG_T_RULE_BELOW] = {
		"%s زیر %s دلار",
		"%s below %s USD"},
	[NABZ_TG_T_ALERT_SET] = {
		"🔔 هشدار تنظیم شد: %s%s",
		"🔔 Alert set: %s%s"},
	[NABZ_TG_T_ALERT_NOW] = {
		"\nقیمت فعلی: %s دلار",
		"\nNow: $%s"},
	[NABZ_TG_T_ALERT_ALREADY] = {
		"\nقیمت فعلی (%s دلار) همین حالا آن‌جاست: وقتی برگردد و دوباره عبور کند خبر می‌دهم.",
		"\nThe price ($%s) is there already: you hear from me when it comes back and crosses again."},
	[NABZ_TG_T_ALERT_USAGE] = {
		"نمونه: /alert BTC > 100000 یا /alert ETH < 2500",
		"Example: /alert BTC > 100000 or /alert ETH < 2500"},
	[NABZ_TG_T_ALERT_FULL] = {
		"حداکثر %s هشدار. یکی را با /unalert حذف کنید.",
		"At most %s alerts. Remove one with /unalert N."},
	[NABZ_TG_T_ALERTS_LIST] = {
		"هشدارهای شما:\n%s\nحذف: /unalert شماره",
		"Your alerts:\n%s\nRemove: /unalert N"},
	[NABZ_TG_T_ALERTS_NONE] = {
		"هشداری ندارید. نمونه: /alert BTC > 100000",
		"No alerts. Example: /alert BTC > 100000"},
	[NABZ_TG_T_ALERT_DISARMED] = {
		" (در انتظار برگشت قیمت)",
		" (waiting for the price to come back)"},
	[NABZ_TG_T_UNALERT_BAD] = {
		"شمارهٔ هشدار را از /alerts بنویسید، یا /unalert all",
		"Give the number from /alerts, or /unalert all"},
	[NABZ_TG_T_UNALERTED] = {
		"حذف شد.\n%s",
		"Removed.\n%s"},
	[NABZ_TG_T_PERSONAL] = {
		"هشدار شخصی شما (/alerts)",
		"Your own alert (/alerts)"},
};

static int lang_index(const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? 1 : 0;
}

const char *nabz_tg_format__text(enum nabz_tg_text id, const char *lang)
{
	if((unsigned)id >= NABZ_TG_T_COUNT) return "";
	return texts[id][lang_index(lang)];
}

void nabz_tg_format__fill(enum nabz_tg_text id, const char *lang, const char *a, const char *b,
		char *out, size_t outlen)
{
	const char *fmt = nabz_tg_format__text(id, lang);
	const char *args[2] = {a ? a : "", b ? b : ""};
	size_t o = 0, k = 0;

	if(outlen == 0) return;
	while(*fmt && o + 1 < outlen){
		if(fmt[0] == '%' && fmt[1] == 's'){
			const char *v = k < 2 ? args[k++] : "";
			size_t n = strlen(v);
			if(n > outlen - 1 - o) n = outlen - 1 - o;
			memcpy(out + o, v, n);
			o += n;
			fmt += 2;
		}else{
			out[o++] = *fmt++;
		}
	}
	out[o] = '\0';
}

size_t nabz_tg_format__escape(const char *in, size_t maxin, char *out, size_t outlen)
{
	size_t n = strnlen(in, maxin), o = 0;

	if(outlen == 0) return 0;
	/* Cut at a character boundary: never leave half a UTF-8 sequence. */
	if(n < strlen(in)){
		while(n > 0 && ((unsigned char)in[n] & 0xC0) == 0x80) n--;
	}
	for(size_t i = 0; i < n; i++){
		const char *rep = NULL;
		size_t len = 1;
		switch(in[i]){
			case '&': rep = "&amp;"; len = 5; break;
			case '<': rep = "&lt;"; len = 4; break;
			case '>': rep = "&gt;"; len = 4; break;
			default: break;
		}
		if(o + len >= outlen){
			/* Out of room inside a character: its first bytes go too. */
			if(((unsigned char)in[i] & 0xC0) == 0x80){
				while(o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80) o--;
				if(o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0) o--;
			}
			break;
		}
		if(rep){
			memcpy(out + o, rep, len);
		}else{
			out[o] = in[i];
		}
		o += len;
	}
	out[o] = '\0';
	return o;
}

void nabz_tg_format__number(double v, char *out, size_t outlen)
{
	char digits[64], *dot;
	size_t int_len, o = 0;
	const char *p = digits;

	if(!isfinite(v)){
		snprintf(out, outlen, "?");
		return;
	}
	if(fabs(v) >= 1e15 || (v != 0 && fabs(v) < 1e-6)){
		snprintf(out, outlen, "%.3g", v);
		return;
	}
	snprintf(digits, sizeof(digits), fabs(v) >= 100 ? "%.2f" : fabs(v) >= 1 ? "%.4f" : "%.6f", v);
	/* trailing zeros of the fraction go */
	if((dot = strchr(digits, '.')) != NULL){
		char *end = digits + strlen(digits) - 1;
		while(end > dot && *end == '0') *end-- = '\0';
		if(end == dot) *end = '\0';
	}
	if(*p == '-' && o + 1 < outlen){
		out[o++] = *p++;
	}
	int_len = strcspn(p, ".");
	for(size_t i = 0; i < int_len && o + 2 < outlen; i++){
		if(i > 0 && (int_len - i) % 3 == 0) out[o++] = ',';
		out[o++] = p[i];
	}
	snprintf(out + o, outlen - o, "%s", p + int_len);
}

static const char *string_of(const cJSON *data, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double number_of(const cJSON *data, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int nabz_tg_format__alert(const cJSON *data, const char *lang, char *out, size_t outlen)
{
	const char *symbol = string_of(data, "symbol");
	const char *message = string_of(data, "message");
	const char *kind = string_of(data, "kind");
	double threshold = number_of(data, "threshold");
	double price = number_of(data, "price_usd");
	char sym[64], msg[NABZ_TG_OUTSIDE_MAX * 5 + 1], num[64], thr[64], line[256] = "";
	bool fa = lang_index(lang) == 0;
	int n;

	if(symbol == NULL || symbol[0] == '\0') return -1;
	nabz_tg_format__escape(symbol, 16, sym, sizeof(sym));
	nabz_tg_format__escape(message ? message : "", NABZ_TG_OUTSIDE_MAX, msg, sizeof(msg));
	nabz_tg_format__number(price, num, sizeof(num));
	nabz_tg_format__number(threshold, thr, sizeof(thr));
	if(kind && isfinite(threshold)){
		if(strcmp(kind, "above") == 0){
			snprintf(line, sizeof(line), fa ? "از %s دلار بالاتر رفت" : "rose above %s USD", thr);
		}else if(strcmp(kind, "below") == 0){
			snprintf(line, sizeof(line), fa ? "به زیر %s دلار رسید" : "fell below %s USD", thr);
		}else if(strcmp(kind, "move") == 0){
			snprintf(line, sizeof(line), fa ? "حرکت تند قیمت: %s٪" : "moved %s%%", thr);
		}
	}
	n = snprintf(out, outlen, "🔔 <b>%s</b> %s\n%s: <b>$%s</b>%s%s", sym, line,
			fa ? "قیمت" : "Price", num, msg[0] ? "\n" : "", msg);
	if(n < 0 || (size_t)n >= outlen) return -1;
	return 0;
}

int nabz_tg_format__price(const cJSON *data, const char *lang, char *out, size_t outlen)
{
	const char *symbol = string_of(data, "symbol");
	double usd = number_of(data, "price_usd");
	double change = number_of(data, "change_24h_pct");
	double irt = number_of(data, "price_irt");
	const cJSON *stale = cJSON_GetObjectItemCaseSensitive(data, "stale");
	char sym[64], a[64], b[64] = "", c[64] = "";
	bool fa = lang_index(lang) == 0;
	int n;

	if(symbol == NULL || !isfinite(usd)) return -1;
	nabz_tg_format__escape(symbol, 16, sym, sizeof(sym));
	nabz_tg_format__number(usd, a, sizeof(a));
	if(isfinite(change)) snprintf(b, sizeof(b), "%+.2f%%", change);
	if(isfinite(irt)) nabz_tg_format__number(irt, c, sizeof(c));
	n = snprintf(out, outlen, "<b>%s</b>\n%s: <b>$%s</b>%s%s%s%s%s", sym,
			fa ? "قیمت" : "Price", a,
			b[0] ? (fa ? "\nتغییر ۲۴ ساعته: " : "\n24h change: ") : "", b,
			c[0] ? (fa ? "\nبه تومان: " : "\nIn toman: ") : "", c,
			cJSON_IsTrue(stale) ? (fa ? "\n(قیمت کهنه است)" : "\n(stale)") : "");
	if(n < 0 || (size_t)n >= outlen) return -1;
	return 0;
}
