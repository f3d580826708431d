#include "commands.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoff.h"
#include "log.h"
#include "jsonval.h"
#include "quote.h"
#include "api.h"
#include "deliver.h"
#include "format.h"
#include "personal.h"
#include "signals.h"
#include "timeutil.h"

static const struct {
	const char *name;
	enum nabz_tg_command cmd;
} commands[] = {
	{"start", NABZ_TG_CMD_START},
	{"stop", NABZ_TG_CMD_STOP},
	{"watch", NABZ_TG_CMD_WATCH},
	{"unwatch", NABZ_TG_CMD_UNWATCH},
	{"price", NABZ_TG_CMD_PRICE},
	{"lang", NABZ_TG_CMD_LANG},
	{"alert", NABZ_TG_CMD_ALERT},
	{"alerts", NABZ_TG_CMD_ALERTS},
	{"unalert", NABZ_TG_CMD_UNALERT},
	{"signals", NABZ_TG_CMD_SIGNALS},
	{"unsignals", NABZ_TG_CMD_UNSIGNALS},
	{"help", NABZ_TG_CMD_HELP},
};

enum nabz_tg_command nabz_tg_commands__parse(const char *text, char *arg, size_t arglen)
{
	size_t name_len, at, n;
	const char *rest;

	if(arglen) arg[0] = '\0';
	if(text == NULL || text[0] != '/') return NABZ_TG_CMD_NONE;
	text++;
	name_len = strcspn(text, " \t\n");
	at = strcspn(text, "@ \t\n");             /* "/watch@nabz_bot" */
	rest = text + name_len;
	rest += strspn(rest, " \t\n");
	n = strlen(rest);
	while(n > 0 && strchr(" \t\n", rest[n - 1])) n--;
	if(arglen){
		if(n >= arglen) n = arglen - 1;
		memcpy(arg, rest, n);
		arg[n] = '\0';
	}
	for(size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++){
		if(strlen(commands[i].name) == at && strncasecmp(text, commands[i].name, at) == 0) return commands[i].cmd;
	}
	return NABZ_TG_CMD_HELP;
}

static void watch_list(const struct nabz_tg_chat *chat, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	if(chat->nwatch == 0){
		snprintf(out, outlen, "%s", nabz_tg_format__text(NABZ_TG_T_WATCH_ALL, chat->lang));
		return;
	}
	for(size_t i = 0; i < chat->nwatch && o < outlen; i++){
		int n = snprintf(out + o, outlen - o, "%s%s", i ? ", " : "", chat->watch[i]);
		if(n < 0) break;
		o += (size_t)n;
	}
}

static void reply2(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_text id, const char *a, const char *b)
{
	char text[2048];

	nabz_tg_format__fill(id, chat->lang, a, b, text, sizeof(text));
	nabz_tg_deliver__reply(bot, chat, text);
}

static void reply(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_text id)
{
	nabz_tg_deliver__reply(bot, chat, nabz_tg_format__text(id, chat->lang));
}

void nabz_tg_commands__handle(struct nabz_tg *bot, int64_t chat_id, const char *text)
{
	char line[128], arg[64], list[NABZ_TG_WATCH_MAX * NABZ_SYMBOL_MAX + 64];
	enum nabz_tg_command cmd = nabz_tg_commands__parse(text, line, sizeof(line));
	struct nabz_tg_chat *chat;
	struct nabz_quote q;
	const cJSON *price;

	if(cmd == NABZ_TG_CMD_NONE) return;
	if(!nabz_tg_cfg__chat_allowed(bot->cfg, chat_id)){
		nabz_log(LOG_INFO, "chat %" PRId64 " is not in telegram.allowed_chats: ignored", chat_id);
		return;
	}
	chat = nabz_tg_chats__get(&bot->chats, chat_id);
	if(chat == NULL) return;
	/* /watch, /price and /lang take one word: "/watch BTC ETH" watches BTC */
	snprintf(arg, sizeof(arg), "%.*s", (int)strcspn(line, " \t\n"), line);
	/* It wrote to us: it can be written to again. */
	chat->gone = false;
	switch(cmd){
		case NABZ_TG_CMD_START:
			chat->active = true;
			reply(bot, chat, NABZ_TG_T_START);
			break;
		case NABZ_TG_CMD_STOP:
			chat->active = false;
			nabz_tg_deliver__forget(bot, chat);
			reply(bot, chat, NABZ_TG_T_STOP);
			break;
		case NABZ_TG_CMD_WATCH:
		case NABZ_TG_CMD_UNWATCH:
			if(!chat->active){
				reply(bot, chat, NABZ_TG_T_NOT_STARTED);
			}else if(nabz_quote__init(&q, arg) != 0){
				reply(bot, chat, NABZ_TG_T_BAD_SYMBOL);
			}else{
				if(cmd == NABZ_TG_CMD_WATCH) nabz_tg_chats__watch(chat, q.symbol);
				else nabz_tg_chats__unwatch(chat, q.symbol);
				watch_list(chat, list, sizeof(list));
				reply2(bot, chat, cmd == NABZ_TG_CMD_WATCH ? NABZ_TG_T_WATCH : NABZ_TG_T_UNWATCH, q.symbol, list);
			}
			break;
		case NABZ_TG_CMD_PRICE:
			if(nabz_quote__init(&q, arg) != 0){
				reply(bot, chat, NABZ_TG_T_BAD_SYMBOL);
				break;
			}
			price = nabz_tg_prices__get(&bot->prices, q.symbol);
			if(price && nabz_tg_format__price(price, chat->lang, list, sizeof(list)) == 0){
				nabz_tg_deliver__reply(bot, chat, list);
			}else{
				reply2(bot, chat, NABZ_TG_T_NO_PRICE, q.symbol, "");
			}
			break;
		case NABZ_TG_CMD_LANG:
			for(char *p = arg; *p; p++) *p = (char)tolower((unsigned char)*p);
			if(strcmp(arg, "fa") == 0 || strcmp(arg, "en") == 0){
				memcpy(chat->lang, arg, 3);
				reply(bot, chat, NABZ_TG_T_LANG);
			}else{
				reply(bot, chat, NABZ_TG_T_BAD_LANG);
			}
			break;
		case NABZ_TG_CMD_ALERT:
		case NABZ_TG_CMD_ALERTS:
		case NABZ_TG_CMD_UNALERT:
			if(!chat->active) reply(bot, chat, NABZ_TG_T_NOT_STARTED);
			else nabz_tg_personal__command(bot, chat, cmd, line);
			break;
		case NABZ_TG_CMD_SIGNALS:
		case NABZ_TG_CMD_UNSIGNALS:
			if(!chat->active) reply(bot, chat, NABZ_TG_T_NOT_STARTED);
			else nabz_tg_signals__command(bot, chat, cmd, arg);
			break;
		case NABZ_TG_CMD_HELP:
		case NABZ_TG_CMD_NONE:
			reply(bot, chat, chat->active ? NABZ_TG_T_HELP : NABZ_TG_T_NOT_STARTED);
			break;
	}
}

static void handle_updates(struct nabz_tg *bot, const cJSON *result)
{
	const cJSON *u;
	int64_t offset = bot->chats.offset;
	size_t n = 0;

	cJSON_ArrayForEach(u, result){
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(u, "update_id");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(u, "message");
		const cJSON *chat = cJSON_GetObjectItemCaseSensitive(msg, "chat");
		const cJSON *chat_id = cJSON_GetObjectItemCaseSensitive(chat, "id");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(msg, "text");
		int64_t update_id, chat_number;

		/* An update without a usable id cannot be confirmed: skipped. */
		if(nabz_jsonval__whole(id, 0, NABZ_JSON_INT_MAX - 1, &update_id) != NABZ_VAL_OK) continue;
		if(update_id >= offset) offset = update_id + 1;
		n++;
		if(nabz_tg_api__chat_id(chat_id, &chat_number) == 0 && cJSON_IsString(text)){
			nabz_tg_commands__handle(bot, chat_number, text->valuestring);
		}
	}
	if(n == 0) return;
	/* The commands took effect; then the offset moves, in the same write.
	 * Killed before it: the batch comes again (the commands are idempotent,
	 * answers may repeat). */
	bot->chats.offset = offset;
	nabz_tg_chats__save(&bot->chats);
}

static void on_updates(void *ctx, const struct nabz_http_result *r)
{
	struct nabz_tg *bot = ctx;
	struct nabz_tg_answer a;
	int64_t now = nabz_time__mono_ms();
	int64_t delay;

	bot->updates_inflight = false;
	if(r->error && strcmp(r->error, NABZ_HTTP_CANCELLED) == 0) return;
	nabz_tg_api__classify(r, &a);
	if(a.outcome == NABZ_TG_OK){
		if(bot->updates_error_logged) nabz_log(LOG_NOTICE, "getUpdates: working again");
		bot->updates_error_logged = false;
		bot->updates_retries = 0;
		bot->updates_at_ms = now;
		handle_updates(bot, a.result);
	}else{
		if(!bot->updates_error_logged){
			nabz_log(LOG_WARNING, "getUpdates: %s (%s); retrying with backoff", a.description,
					nabz_tg_api__outcome_name(a.outcome));
			bot->updates_error_logged = true;
		}
		/* One poller: no herd to spread, so no jitter. */
		delay = nabz_backoff__delay(bot->updates_retries, bot->cfg->retry_min_ms, bot->cfg->retry_max_ms,
				NABZ_JITTER_NONE, 0);
		if(bot->updates_retries < UINT_MAX) bot->updates_retries++;
		if(a.outcome == NABZ_TG_RETRY_AFTER && a.retry_after_s * 1000 > delay) delay = a.retry_after_s * 1000;
		bot->updates_at_ms = now + delay;
	}
	nabz_tg_api__answer_free(&a);
}

int64_t nabz_tg_commands__poll(struct nabz_tg *bot, int64_t now, int64_t max_wait_ms)
{
	char *body;

	if(bot->updates_inflight || bot->draining) return max_wait_ms;
	if(bot->updates_at_ms > now) return bot->updates_at_ms - now < max_wait_ms ? bot->updates_at_ms - now : max_wait_ms;
	body = nabz_tg_api__updates_body(bot->chats.offset, bot->cfg->poll_timeout_s);
	if(body && nabz_http__post(&bot->http, bot->updates_url, "application/json", body,
				(bot->cfg->poll_timeout_s + 10) * 1000, on_updates, bot) == 0){
		bot->updates_inflight = true;
	}else{
		bot->updates_at_ms = now + 1000;
	}
	free(body);
	return max_wait_ms;
}
