/*
 * nabz-telegram's configuration: one JSON file, read with the shared
 * config readers (cfgread.h), so every bad value is reported by its JSON
 * path.
 * The bot token comes from the environment variable telegram.token_env or
 * from telegram.token_file; it is checked for the characters a token has
 * and never written into an error message or a log line.
 */
#ifndef NABZ_TG_CONFIG_H
#define NABZ_TG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqttcfg.h"

struct nabz_tg_cfg {
	struct nabz_mqtt_cfg mqtt;       /* owned; client_id fixed for the bot: the broker keeps its session under it */
	/* telegram */
	char *api_base;              /* https://api.telegram.org, or a local Bot API server / mirror */
	char *token;                 /* secret: never logged */
	char *proxy;                 /* "" : libcurl's environment variables */
	long poll_timeout_s;         /* getUpdates long-poll */
	int64_t *allowed_chats;      /* empty: every chat may /start */
	size_t allowed_count;
	char default_lang[3];        /* "fa" or "en" */
	/* delivery */
	long per_chat_interval_ms;   /* Telegram: about one message a second per chat */
	long group_per_min;          /* 20 a minute per group */
	long global_per_s;           /* 30 a second overall */
	long retry_min_ms;           /* 5xx, timeouts: backoff with full jitter */
	long retry_max_ms;
	long connect_timeout_ms;
	long timeout_ms;
	/* state */
	char *state_dir;
	long spool_max;              /* alerts kept undelivered at most */
	/* chat_relay (relay.h): NULL room: off */
	char *relay_room;
	int64_t *relay_chats;
	size_t relay_count;
};

/* Reads path into cfg; check_token: fail when no token is configured.
 * On failure returns -1 with "json.path: reason" in err; cfg is freed. */
int nabz_tg_cfg__load(struct nabz_tg_cfg *cfg, const char *path, bool need_token, char *err, size_t errlen);
/* The same from a string (tests). */
int nabz_tg_cfg__parse(struct nabz_tg_cfg *cfg, const char *json, size_t len, bool need_token,
		char *err, size_t errlen);
void nabz_tg_cfg__free(struct nabz_tg_cfg *cfg);
bool nabz_tg_cfg__chat_allowed(const struct nabz_tg_cfg *cfg, int64_t chat_id);

#endif
