#define _GNU_SOURCE /* strcasestr */
#include "api.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jsonval.h"

int nabz_tg_api__url(const char *base, const char *token, const char *method, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/bot%s/%s", base, token, method);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static char *print(cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

char *nabz_tg_api__send_body(int64_t chat_id, const char *html_text)
{
	cJSON *o = cJSON_CreateObject();

	if(cJSON_AddNumberToObject(o, "chat_id", (double)chat_id) == NULL
			|| cJSON_AddStringToObject(o, "text", html_text) == NULL
			|| cJSON_AddStringToObject(o, "parse_mode", "HTML") == NULL
			|| cJSON_AddTrueToObject(o, "disable_web_page_preview") == NULL){
		cJSON_Delete(o);
		return NULL;
	}
	return print(o);
}

char *nabz_tg_api__updates_body(int64_t offset, long timeout_s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *allowed = cJSON_AddArrayToObject(o, "allowed_updates");

	if(allowed == NULL || cJSON_AddNumberToObject(o, "offset", (double)offset) == NULL
			|| cJSON_AddNumberToObject(o, "timeout", (double)timeout_s) == NULL){
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddItemToArray(allowed, cJSON_CreateString("message"));
	return print(o);
}

/* 400s that mean the chat cannot be reached, not that this message is bad. */
static bool chat_unreachable(const char *d)
{
	static const char *const phrases[] = {"chat not found", "user not found", "peer_id_invalid",
		"bot was kicked", "bot was blocked", "user is deactivated", "group chat was deactivated",
		"not enough rights to send", "have no rights to send", "chat_write_forbidden",
		"group chat was upgraded", NULL};

	for(size_t i = 0; phrases[i]; i++){
		if(strcasestr(d, phrases[i])) return true;
	}
	return false;
}

int nabz_tg_api__chat_id(const cJSON *item, int64_t *out)
{
	int64_t id;

	if(nabz_jsonval__whole(item, -NABZ_JSON_INT_MAX, NABZ_JSON_INT_MAX, &id) != NABZ_VAL_OK || id == 0) return -1;
	*out = id;
	return 0;
}

void nabz_tg_api__classify(const struct nabz_http_result *r, struct nabz_tg_answer *a)
{
	const cJSON *ok, *code, *desc, *params, *ra;
	long status = r->status;
	int64_t error_code;

	memset(a, 0, sizeof(*a));
	a->retry_after_s = -1;
	if(r->error){
		a->outcome = NABZ_TG_TRANSIENT;
		snprintf(a->description, sizeof(a->description), "%s", r->error);
		return;
	}
	a->root = cJSON_ParseWithLength(r->body, r->len);
	ok = cJSON_GetObjectItemCaseSensitive(a->root, "ok");
	code = cJSON_GetObjectItemCaseSensitive(a->root, "error_code");
	desc = cJSON_GetObjectItemCaseSensitive(a->root, "description");
	params = cJSON_GetObjectItemCaseSensitive(a->root, "parameters");
	ra = cJSON_GetObjectItemCaseSensitive(params, "retry_after");
	if(cJSON_IsString(desc)) snprintf(a->description, sizeof(a->description), "%s", desc->valuestring);
	else snprintf(a->description, sizeof(a->description), "HTTP %ld", status);
	if(status >= 400 && nabz_jsonval__whole(code, 400, 599, &error_code) == NABZ_VAL_OK) status = (long)error_code;
	if(status == 200 && cJSON_IsTrue(ok)){
		a->outcome = NABZ_TG_OK;
		a->result = cJSON_GetObjectItemCaseSensitive(a->root, "result");
		return;
	}
	if(status == 429){
		a->outcome = NABZ_TG_RETRY_AFTER;
		/* Clamped as a double: 1e300 or inf must not reach the cast. */
		if(cJSON_IsNumber(ra) && ra->valuedouble >= 0) a->retry_after_s = ra->valuedouble > 3600 ? 3600 : (long)ra->valuedouble;
		else a->retry_after_s = r->retry_after_s;
		if(a->retry_after_s < 1) a->retry_after_s = 1;          /* neither said: a short pause */
		if(a->retry_after_s > 3600) a->retry_after_s = 3600;
		return;
	}
	if(status >= 500 || status < 400 || !cJSON_IsObject(a->root)){
		/* 5xx, or not Telegram talking (a proxy's HTML page): try again */
		a->outcome = NABZ_TG_TRANSIENT;
		return;
	}
	if(status == 400 && nabz_tg_api__chat_id(cJSON_GetObjectItemCaseSensitive(params, "migrate_to_chat_id"),
				&a->migrate_to) == 0){
		a->outcome = NABZ_TG_MIGRATED;
	}else if(status == 401 || status == 404){
		a->outcome = NABZ_TG_UNAUTHORIZED;
	}else if(status == 409){
		a->outcome = NABZ_TG_CONFLICT;
	}else if(status == 403 || chat_unreachable(a->description)){
		a->outcome = NABZ_TG_CHAT_GONE;
	}else{
		a->outcome = NABZ_TG_BAD_MESSAGE;
	}
}

void nabz_tg_api__answer_free(struct nabz_tg_answer *a)
{
	cJSON_Delete(a->root);
	a->root = NULL;
	a->result = NULL;
}

const char *nabz_tg_api__outcome_name(enum nabz_tg_outcome o)
{
	static const char *const names[] = {"ok", "retry after", "transient", "chat gone", "bad message",
		"unauthorized", "conflict", "migrated"};
	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown";
}
