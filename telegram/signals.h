/*
 * Trading signals in the bot: a chat follows a symbol's signals with
 * /signals BTC (/signals all: every symbol), stops with /unsignals BTC|all,
 * and /signals alone lists what it follows. (/watch already means "only
 * these symbols' price alerts" here, so signals have their own commands.)
 * Each signal from <prefix>/signals (QoS 1) is recorded in the spool like
 * an alert, for every started chat that follows its symbol, and written
 * at sending in the chat's language; every signal message says it is an
 * indicator, not advice. What a chat follows is saved with the chats.
 * Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_SIGNALS_H
#define NABZ_TG_SIGNALS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "telegram.h"
#include "commands.h"

/* NABZ_TG_CMD_SIGNALS or _UNSIGNALS from a started chat, with its argument. */
void nabz_tg_signals__command(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_command cmd,
		const char *arg);
/* A message of <prefix>/signals (payload as received, not NUL-terminated). */
void nabz_tg_signals__received(struct nabz_tg *bot, const char *payload, size_t len);

#endif
