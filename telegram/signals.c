/* Trading signals in the bot (see signals.h). */
#include "signals.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contract.h"
#include "deliver.h"
#include "format.h"
#include "log.h"
#include "quote.h"
#include "signal_text.h"

static const char *string_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int lang_index(const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? 1 : 0;
}

/* "An indicator, not advice." in the chat's language (en: 1). */
static const char *disclaimer(int en)
{
	return nabz_tg_signal_text__note(en ? "en" : "fa");
}

/* The reply listing what chat follows. */
static void follows(const struct nabz_tg_chat *chat, char *out, size_t outlen)
{
	int en = lang_index(chat->lang);
	size_t o;
	int n;

	if(chat->signals_all){
		snprintf(out, outlen, en ? "Signals followed: every symbol.\n%s" : "سیگنال‌های دنبال‌شده: همهٔ نمادها.\n%s",
				disclaimer(en));
		return;
	}
	if(chat->nsignals == 0){
		snprintf(out, outlen, en ? "No signals followed. /signals BTC (or /signals all) to follow.\n%s"
				: "سیگنالی دنبال نمی‌شود. برای دنبال کردن: /signals BTC (یا /signals all)\n%s", disclaimer(en));
		return;
	}
	n = snprintf(out, outlen, "%s", en ? "Signals followed: " : "سیگنال‌های دنبال‌شده: ");
	o = n > 0 ? (size_t)n : 0;
	for(size_t i = 0; i < chat->nsignals && o < outlen; i++){
		n = snprintf(out + o, outlen - o, "%s%s", i ? ", " : "", chat->signals[i]);
		if(n < 0) break;
		o += (size_t)n;
	}
	if(o < outlen) snprintf(out + o, outlen - o, "\n%s", disclaimer(en));
}

void nabz_tg_signals__command(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_command cmd,
		const char *arg)
{
	char text[NABZ_TG_SIGNALS_MAX * NABZ_SYMBOL_MAX + 512];
	int en = lang_index(chat->lang);
	struct nabz_quote q;

	if(cmd == NABZ_TG_CMD_SIGNALS && arg[0] == '\0'){
		follows(chat, text, sizeof(text));
	}else if(strcasecmp(arg, "all") == 0){
		chat->signals_all = cmd == NABZ_TG_CMD_SIGNALS;
		if(cmd == NABZ_TG_CMD_UNSIGNALS) chat->nsignals = 0;
		follows(chat, text, sizeof(text));
	}else if(nabz_quote__init(&q, arg) != 0){
		snprintf(text, sizeof(text), "%s", en ? "That is not a symbol. Example: /signals BTC"
				: "نماد نامعتبر است. مثال: /signals BTC");
	}else if(cmd == NABZ_TG_CMD_SIGNALS && nabz_tg_chats__follow_signals(chat, q.symbol) != 0){
		snprintf(text, sizeof(text), en ? "At most %d symbols; /signals all follows every one."
				: "حداکثر %d نماد؛ /signals all همه را دنبال می‌کند.", NABZ_TG_SIGNALS_MAX);
	}else{
		if(cmd == NABZ_TG_CMD_UNSIGNALS) nabz_tg_chats__unfollow_signals(chat, q.symbol);
		follows(chat, text, sizeof(text));
	}
	nabz_tg_deliver__reply(bot, chat, text);
	nabz_tg_chats__save(&bot->chats);
}

void nabz_tg_signals__received(struct nabz_tg *bot, const char *payload, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(payload, len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const char *symbol = string_of(data, "symbol");
	char probe[512];
	struct nabz_tg_chat *chat, *tmp;
	int64_t *chats = NULL;
	size_t n = 0;
	char *line = NULL;

	if(!cJSON_IsString(type) || strcmp(type->valuestring, NABZ_TYPE_SIGNAL) != 0 || symbol == NULL
			|| nabz_tg_signal_text__format(data, "en", probe, sizeof(probe)) != 0){
		if(bot->bad_alerts++ < 10) nabz_log(LOG_WARNING, "signals: a message that is not a signal; ignored");
		cJSON_Delete(root);
		return;
	}
	/* The candles are the record's, not the chat's: kept out of the spool. */
	cJSON_DeleteItemFromObjectCaseSensitive((cJSON *)data, "candles");
	chats = malloc((HASH_COUNT(bot->chats.by_id) + 1) * sizeof(*chats));
	line = cJSON_PrintUnformatted(root);
	if(chats == NULL || line == NULL){
		nabz_log(LOG_ERR, "signals: out of memory; a signal is not recorded");
		goto done;
	}
	HASH_ITER(hh, bot->chats.by_id, chat, tmp){
		if(chat->active && !chat->gone && nabz_tg_chats__follows_signals(chat, symbol)) chats[n++] = chat->id;
	}
	/* Recorded with the hash of the payload as received: the broker's
	 * redelivery of the same signal is recognised, as an alert's is. */
	nabz_tg_deliver__record(bot, line, payload, len, chats, n);
done:
	free(line);
	free(chats);
	cJSON_Delete(root);
}
