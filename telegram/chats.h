/*
 * The chats that talk to the bot and their settings: started or stopped,
 * language, watched symbols (none: every alert), personal alerts
 * (alerts.h, with whether each is armed), and "gone" once Telegram
 * said the chat is unreachable for good (blocked, not found; /start
 * clears it). Kept with the getUpdates offset in dir/telegram-chats.json,
 * replaced atomically after each change. The runtime fields (queue,
 * rate, retry) belong to the scheduler (deliver.c) and are not saved.
 * Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_CHATS_H
#define NABZ_TG_CHATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "quote.h"
#include "alerts.h"
#include "rate.h"
#include "spool.h"

#define NABZ_TG_WATCH_MAX 50
#define NABZ_TG_SIGNALS_MAX 50

struct nabz_tg_reply {
	char *text;                          /* owned; HTML parse mode */
	struct nabz_tg_reply *next;
};

struct nabz_tg_chat {
	int64_t id;                          /* key; negative: a group */
	bool active;                         /* /start'ed and not /stop'ped */
	bool gone;                           /* a permanent error: no sends until /start */
	char lang[3];                        /* "fa" or "en" */
	char watch[NABZ_TG_WATCH_MAX][NABZ_SYMBOL_MAX];
	size_t nwatch;
	struct nabz_tg_rule rules[NABZ_TG_RULES_MAX];   /* personal alerts, in the order set */
	size_t nrules;
	/* trading signals followed (signals.c): these symbols, or all */
	char signals[NABZ_TG_SIGNALS_MAX][NABZ_SYMBOL_MAX];
	size_t nsignals;
	bool signals_all;
	/* {deliver} runtime only */
	struct nabz_tg_chat_rate rate;
	struct nabz_tg_target *q_head, *q_tail;  /* alerts to send, oldest first */
	struct nabz_tg_reply *replies;       /* command answers, before alerts */
	bool busy;                           /* one request at a time per chat: order kept */
	int64_t retry_at_ms;
	unsigned retries;                    /* failed sends in a row */
	UT_hash_handle hh;
};

struct nabz_tg_chats {
	struct nabz_tg_chat *by_id;
	char *path;                          /* NULL: memory only */
	int64_t offset;                      /* getUpdates: the next update_id wanted */
	char default_lang[3];
};

/* Loads dir/telegram-chats.json (missing: empty; corrupt: reported,
 * renamed aside, empty). Returns 0 or -1 (out of memory). */
int nabz_tg_chats__open(struct nabz_tg_chats *c, const char *dir, const char *default_lang);
/* Frees every chat (and its replies; its queue is the spool's). */
void nabz_tg_chats__close(struct nabz_tg_chats *c);
/* Writes the file now. Returns 0, or -1 (logged). */
int nabz_tg_chats__save(struct nabz_tg_chats *c);
struct nabz_tg_chat *nabz_tg_chats__find(const struct nabz_tg_chats *c, int64_t id);
/* The chat, created (inactive, default language) when new; NULL: out of memory. */
struct nabz_tg_chat *nabz_tg_chats__get(struct nabz_tg_chats *c, int64_t id);
/* Whether the chat takes an alert on symbol now. */
bool nabz_tg_chats__wants(const struct nabz_tg_chat *chat, const char *symbol);
/* Adds or removes a watched symbol (upper case). Returns 0, or -1 when
 * the list is full. */
int nabz_tg_chats__watch(struct nabz_tg_chat *chat, const char *symbol);
void nabz_tg_chats__unwatch(struct nabz_tg_chat *chat, const char *symbol);
/* The trading signals a chat follows (signals.h): add (0, or -1 when the
 * list is full), remove, and whether it takes a signal on symbol. */
int nabz_tg_chats__follow_signals(struct nabz_tg_chat *chat, const char *symbol);
void nabz_tg_chats__unfollow_signals(struct nabz_tg_chat *chat, const char *symbol);
bool nabz_tg_chats__follows_signals(const struct nabz_tg_chat *chat, const char *symbol);

#endif
