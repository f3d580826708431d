/*
 * Chats manage themselves: getUpdates long-polling (the offset is saved
 * with the chats, after the commands of a batch took effect) and the
 * commands /start, /stop, /watch SYM, /unwatch SYM, /price SYM,
 * /lang fa|en, and the personal alerts' /alert, /alerts, /unalert. With telegram.allowed_chats, other chats are ignored.
 * Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_COMMANDS_H
#define NABZ_TG_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "telegram.h"

enum nabz_tg_command {
	NABZ_TG_CMD_NONE,            /* not a command: ignored */
	NABZ_TG_CMD_START,
	NABZ_TG_CMD_STOP,
	NABZ_TG_CMD_WATCH,
	NABZ_TG_CMD_UNWATCH,
	NABZ_TG_CMD_PRICE,
	NABZ_TG_CMD_LANG,
	NABZ_TG_CMD_ALERT,           /* personal alerts: personal.c */
	NABZ_TG_CMD_ALERTS,
	NABZ_TG_CMD_UNALERT,
	NABZ_TG_CMD_SIGNALS,         /* trading signals: signals.c */
	NABZ_TG_CMD_UNSIGNALS,
	NABZ_TG_CMD_HELP,            /* /help or a command we do not know */
};

/* "/watch@nabz_bot btc" -> NABZ_TG_CMD_WATCH, arg "btc": the rest of the
 * text, blanks trimmed at both ends, cut to arglen - 1 ("/alert BTC > 5"
 * -> "BTC > 5"). Pure. */
enum nabz_tg_command nabz_tg_commands__parse(const char *text, char *arg, size_t arglen);
/* Acts on one message's text from chat_id. */
void nabz_tg_commands__handle(struct nabz_tg *bot, int64_t chat_id, const char *text);
/* Starts a getUpdates when none is running and one is due. Returns ms
 * until the next is due (at most max_wait_ms). */
int64_t nabz_tg_commands__poll(struct nabz_tg *bot, int64_t now_ms, int64_t max_wait_ms);

#endif
