/*
 * The Telegram Bot API as nabz-telegram uses it: request URLs and bodies
 * (sendMessage, getUpdates) and what an answer means for delivery. The
 * URL holds the token: it is built into a buffer that is never logged;
 * descriptions come from Telegram's JSON, never from the URL. Pure.
 */
#ifndef NABZ_TG_API_H
#define NABZ_TG_API_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "http.h"

enum nabz_tg_outcome {
	NABZ_TG_OK,              /* done */
	NABZ_TG_RETRY_AFTER,     /* 429: nothing goes out for retry_after_s */
	NABZ_TG_TRANSIENT,       /* 5xx, timeout, no connection, not Telegram's JSON: retry with backoff */
	NABZ_TG_CHAT_GONE,       /* blocked, kicked, chat not found: never again until /start */
	NABZ_TG_BAD_MESSAGE,     /* this message cannot be sent (400): give it up */
	NABZ_TG_UNAUTHORIZED,    /* the token is refused (401, 404): nothing can be sent */
	NABZ_TG_CONFLICT,        /* 409: another getUpdates or a webhook */
	NABZ_TG_MIGRATED         /* 400: the group became a supergroup: migrate_to */
};

struct nabz_tg_answer {
	enum nabz_tg_outcome outcome;
	long retry_after_s;
	int64_t migrate_to;          /* NABZ_TG_MIGRATED: the chat's new id */
	char description[200];   /* Telegram's words, or the transport error */
	cJSON *root;             /* the parsed answer (owned; NULL when none) */
	const cJSON *result;     /* root's "result" when OK */
};

/* A chat id as Telegram writes it: a whole JSON number, not 0, within
 * +-NABZ_JSON_INT_MAX (Telegram: "at most 52 significant bits"). Returns
 * 0, or -1 for anything else (never an out-of-range cast). */
int nabz_tg_api__chat_id(const cJSON *item, int64_t *out);

/* <base>/bot<token>/<method>. Returns 0, or -1 when it does not fit. */
int nabz_tg_api__url(const char *base, const char *token, const char *method, char *out, size_t outlen);
/* JSON bodies (heap, the caller frees). NULL when out of memory. */
char *nabz_tg_api__send_body(int64_t chat_id, const char *html_text);
char *nabz_tg_api__updates_body(int64_t offset, long timeout_s);
/* Reads an HTTP result. Free with nabz_tg_api__answer_free. */
void nabz_tg_api__classify(const struct nabz_http_result *r, struct nabz_tg_answer *a);
void nabz_tg_api__answer_free(struct nabz_tg_answer *a);
const char *nabz_tg_api__outcome_name(enum nabz_tg_outcome o);

#endif
