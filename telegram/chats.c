#include "chats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cfgread.h"
#include "fileutil.h"
#include "log.h"
#include "jsonval.h"
#include "api.h"

static void chat_free(struct nabz_tg_chat *chat)
{
	struct nabz_tg_reply *r = chat->replies;

	while(r){
		struct nabz_tg_reply *next = r->next;
		free(r->text);
		free(r);
		r = next;
	}
	nabz_tg_rate__chat_cleanup(&chat->rate);
	free(chat);
}

struct nabz_tg_chat *nabz_tg_chats__find(const struct nabz_tg_chats *c, int64_t id)
{
	struct nabz_tg_chat *chat;

	HASH_FIND(hh, c->by_id, &id, sizeof(id), chat);
	return chat;
}

struct nabz_tg_chat *nabz_tg_chats__get(struct nabz_tg_chats *c, int64_t id)
{
	struct nabz_tg_chat *chat = nabz_tg_chats__find(c, id);

	if(chat) return chat;
	chat = calloc(1, sizeof(*chat));
	if(chat == NULL) return NULL;
	chat->id = id;
	memcpy(chat->lang, c->default_lang, sizeof(chat->lang));
	HASH_ADD(hh, c->by_id, id, sizeof(chat->id), chat);
	if(c->by_id == NULL){
		free(chat);
		return NULL;
	}
	return chat;
}

bool nabz_tg_chats__wants(const struct nabz_tg_chat *chat, const char *symbol)
{
	if(!chat->active || chat->gone) return false;
	if(chat->nwatch == 0) return true;
	for(size_t i = 0; i < chat->nwatch; i++){
		if(strcmp(chat->watch[i], symbol) == 0) return true;
	}
	return false;
}

int nabz_tg_chats__watch(struct nabz_tg_chat *chat, const char *symbol)
{
	for(size_t i = 0; i < chat->nwatch; i++){
		if(strcmp(chat->watch[i], symbol) == 0) return 0;
	}
	if(chat->nwatch == NABZ_TG_WATCH_MAX) return -1;
	snprintf(chat->watch[chat->nwatch++], NABZ_SYMBOL_MAX, "%s", symbol);
	return 0;
}

void nabz_tg_chats__unwatch(struct nabz_tg_chat *chat, const char *symbol)
{
	for(size_t i = 0; i < chat->nwatch; i++){
		if(strcmp(chat->watch[i], symbol) == 0){
			memmove(chat->watch[i], chat->watch[i + 1], (chat->nwatch - i - 1) * sizeof(chat->watch[0]));
			chat->nwatch--;
			return;
		}
	}
}

/* {"symbol": "BTC", "above"|"below": 100000, "armed": true} */
static int load_rule(struct nabz_tg_chat *chat, const cJSON *o)
{
	const cJSON *symbol = cJSON_GetObjectItemCaseSensitive(o, "symbol");
	const cJSON *above = cJSON_GetObjectItemCaseSensitive(o, "above");
	const cJSON *below = cJSON_GetObjectItemCaseSensitive(o, "below");
	struct nabz_tg_rule *r;
	struct nabz_quote q;
	double v;

	if(chat->nrules == NABZ_TG_RULES_MAX || !cJSON_IsString(symbol)
			|| nabz_quote__init(&q, symbol->valuestring) != 0 || (above == NULL) == (below == NULL)
			|| nabz_jsonval__number(above ? above : below, &v) != NABZ_VAL_OK || !nabz_jsonval__price_usd_ok(v)){
		return -1;
	}
	r = &chat->rules[chat->nrules++];
	memcpy(r->symbol, q.symbol, sizeof(r->symbol));
	r->above = above != NULL;
	r->threshold = v;
	r->armed = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "armed"));
	return 0;
}

int nabz_tg_chats__follow_signals(struct nabz_tg_chat *chat, const char *symbol)
{
	for(size_t i = 0; i < chat->nsignals; i++){
		if(strcmp(chat->signals[i], symbol) == 0) return 0;
	}
	if(chat->nsignals == NABZ_TG_SIGNALS_MAX) return -1;
	snprintf(chat->signals[chat->nsignals++], NABZ_SYMBOL_MAX, "%s", symbol);
	return 0;
}

void nabz_tg_chats__unfollow_signals(struct nabz_tg_chat *chat, const char *symbol)
{
	for(size_t i = 0; i < chat->nsignals; i++){
		if(strcmp(chat->signals[i], symbol) == 0){
			memmove(chat->signals[i], chat->signals[i + 1], (chat->nsignals - i - 1) * sizeof(chat->signals[0]));
			chat->nsignals--;
			return;
		}
	}
}

bool nabz_tg_chats__follows_signals(const struct nabz_tg_chat *chat, const char *symbol)
{
	if(chat->signals_all) return true;
	for(size_t i = 0; i < chat->nsignals; i++){
		if(strcmp(chat->signals[i], symbol) == 0) return true;
	}
	return false;
}

/* One chat; an unreadable personal alert is skipped alone (counted in
 * *bad_rules), the chat and its other settings kept. */
static int load_chat(struct nabz_tg_chats *c, const cJSON *o, int *bad_rules)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(o, "lang");
	const cJSON *watch = cJSON_GetObjectItemCaseSensitive(o, "watch");
	const cJSON *w;
	struct nabz_tg_chat *chat;
	int64_t chat_id;

	if(nabz_tg_api__chat_id(id, &chat_id) != 0) return -1;
	chat = nabz_tg_chats__get(c, chat_id);
	if(chat == NULL) return -1;
	chat->active = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "active"));
	chat->gone = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "gone"));
	if(cJSON_IsString(lang) && (strcmp(lang->valuestring, "fa") == 0 || strcmp(lang->valuestring, "en") == 0)){
		memcpy(chat->lang, lang->valuestring, 3);
	}
	cJSON_ArrayForEach(w, watch){
		struct nabz_quote q;
		if(cJSON_IsString(w) && nabz_quote__init(&q, w->valuestring) == 0) nabz_tg_chats__watch(chat, q.symbol);
	}
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(o, "alerts")){
		if(load_rule(chat, w) != 0) (*bad_rules)++;
	}
	/* the trading signals it follows: symbols, "*" for all */
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(o, "signals")){
		struct nabz_quote q;
		if(cJSON_IsString(w) && strcmp(w->valuestring, "*") == 0) chat->signals_all = true;
		else if(cJSON_IsString(w) && nabz_quote__init(&q, w->valuestring) == 0) nabz_tg_chats__follow_signals(chat, q.symbol);
	}
	return 0;
}

int nabz_tg_chats__open(struct nabz_tg_chats *c, const char *dir, const char *default_lang)
{
	char err[512];
	char *buf = NULL;
	size_t len, plen = strlen(dir) + 32;
	cJSON *root = NULL;
	const cJSON *it;
	int bad = 0, bad_rules = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->default_lang, sizeof(c->default_lang), "%s", default_lang);
	if(dir[0] == '\0') return 0;
	c->path = malloc(plen);
	if(c->path == NULL) return -1;
	snprintf(c->path, plen, "%s/telegram-chats.json", dir);
	if(nabz_cfg__read_file(c->path, &buf, &len, err, sizeof(err)) != 0){
		if(errno != ENOENT) nabz_log(LOG_WARNING, "chats: %s; starting with no chats", err);
		return 0;
	}
	root = cJSON_ParseWithLength(buf, len);
	free(buf);
	if(!cJSON_IsObject(root)){
		nabz_log(LOG_ERR, "chats: %s is not valid JSON; starting with no chats", c->path);
		cJSON_Delete(root);
		return 0;
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "offset");
	if(nabz_jsonval__whole(it, 0, NABZ_JSON_INT_MAX, &c->offset) == NABZ_VAL_BAD){
		nabz_log(LOG_WARNING, "chats: offset in %s unreadable; starting from Telegram's oldest update", c->path);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "chats")){
		if(load_chat(c, it, &bad_rules) != 0) bad++;
	}
	cJSON_Delete(root);
	if(bad) nabz_log(LOG_WARNING, "chats: %d unreadable entries in %s skipped", bad, c->path);
	if(bad_rules) nabz_log(LOG_WARNING, "chats: %d unreadable personal alerts in %s skipped", bad_rules, c->path);
	nabz_log(LOG_INFO, "chats: %u known, update offset %" PRId64, HASH_COUNT(c->by_id), c->offset);
	return 0;
}

void nabz_tg_chats__close(struct nabz_tg_chats *c)
{
	struct nabz_tg_chat *chat, *tmp;

	HASH_ITER(hh, c->by_id, chat, tmp){
		HASH_DEL(c->by_id, chat);
		chat_free(chat);
	}
	free(c->path);
	memset(c, 0, sizeof(*c));
}

static int save_rules(cJSON *o, const struct nabz_tg_chat *chat)
{
	cJSON *list = cJSON_AddArrayToObject(o, "alerts");

	if(list == NULL) return -1;
	for(size_t i = 0; i < chat->nrules; i++){
		const struct nabz_tg_rule *r = &chat->rules[i];
		cJSON *item = cJSON_CreateObject();
		if(item == NULL) return -1;
		cJSON_AddItemToArray(list, item);
		if(cJSON_AddStringToObject(item, "symbol", r->symbol) == NULL
				|| cJSON_AddNumberToObject(item, r->above ? "above" : "below", r->threshold) == NULL
				|| cJSON_AddBoolToObject(item, "armed", r->armed) == NULL){
			return -1;
		}
	}
	return 0;
}

int nabz_tg_chats__save(struct nabz_tg_chats *c)
{
	cJSON *root, *list;
	struct nabz_tg_chat *chat, *tmp;
	char *text;
	int rc;

	if(c->path == NULL) return 0;
	root = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(root, "chats");
	if(list == NULL || cJSON_AddNumberToObject(root, "offset", (double)c->offset) == NULL){
		cJSON_Delete(root);
		return -1;
	}
	HASH_ITER(hh, c->by_id, chat, tmp){
		cJSON *o = cJSON_CreateObject();
		cJSON *w = cJSON_AddArrayToObject(o, "watch");
		if(w == NULL){
			cJSON_Delete(o);
			cJSON_Delete(root);
			return -1;
		}
		cJSON_AddItemToArray(list, o);
		cJSON_AddNumberToObject(o, "id", (double)chat->id);
		cJSON_AddBoolToObject(o, "active", chat->active);
		cJSON_AddBoolToObject(o, "gone", chat->gone);
		cJSON_AddStringToObject(o, "lang", chat->lang);
		for(size_t i = 0; i < chat->nwatch; i++) cJSON_AddItemToArray(w, cJSON_CreateString(chat->watch[i]));
		if(chat->nsignals || chat->signals_all){
			cJSON *sg = cJSON_AddArrayToObject(o, "signals");
			if(sg && chat->signals_all) cJSON_AddItemToArray(sg, cJSON_CreateString("*"));
			for(size_t i = 0; sg && i < chat->nsignals; i++) cJSON_AddItemToArray(sg, cJSON_CreateString(chat->signals[i]));
		}
		if(chat->nrules && save_rules(o, chat) != 0){
			cJSON_Delete(root);
			return -1;
		}
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if(text == NULL) return -1;
	rc = nabz_file__replace(c->path, text, strlen(text));
	if(rc != 0) nabz_log(LOG_ERR, "chats: cannot write %s: %s", c->path, strerror(errno));
	free(text);
	return rc;
}
