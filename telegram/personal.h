/*
 * Personal price alerts in the bot: the commands that set, list and remove
 * a chat's own rules (/alert BTC > 100000, /alerts, /unalert N|all), and
 * the check of every rule against each price the bot receives. A rule
 * that fires becomes an alert for that chat alone, recorded in the spool
 * like the broker's (deliver.c), and the rule's state is saved with
 * the chats. The rules themselves: alerts.c. Single-threaded.
 */
#ifndef NABZ_TG_PERSONAL_H
#define NABZ_TG_PERSONAL_H

#include "telegram.h"
#include "commands.h"

/* One of NABZ_TG_CMD_ALERT, _ALERTS, _UNALERT from a started chat, with
 * the rest of its line. */
void nabz_tg_personal__command(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_command cmd,
		const char *args);
/* A new price for symbol: every started chat's rules on it are checked. */
void nabz_tg_personal__price(struct nabz_tg *bot, const char *symbol, double price_usd);

#endif
