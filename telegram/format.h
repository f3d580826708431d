/*
 * What the bot writes: alert and price messages and command replies, in
 * Persian (the default) or English, in Telegram's HTML parse mode, where
 * only &, < and > need escaping (and every value from outside is escaped).
 * Texts stay well under Telegram's 4096-character limit: outside strings
 * are cut first, at a UTF-8 character boundary. Pure. Single-threaded.
 */
#ifndef NABZ_TG_FORMAT_H
#define NABZ_TG_FORMAT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define NABZ_TG_TEXT_MAX 4096
#define NABZ_TG_OUTSIDE_MAX 1000     /* bytes of one outside string kept */

enum nabz_tg_text {
	NABZ_TG_T_START,
	NABZ_TG_T_STOP,
	NABZ_TG_T_WATCH,             /* %s: the symbol; %s: the list */
	NABZ_TG_T_UNWATCH,           /* %s: the symbol; %s: the list */
	NABZ_TG_T_WATCH_ALL,         /* nothing watched: every alert */
	NABZ_TG_T_BAD_SYMBOL,
	NABZ_TG_T_LANG,
	NABZ_TG_T_BAD_LANG,
	NABZ_TG_T_NO_PRICE,          /* %s: the symbol */
	NABZ_TG_T_HELP,
	NABZ_TG_T_NOT_STARTED,
	/* personal alerts (alerts.h) */
	NABZ_TG_T_RULE_ABOVE,        /* %s: the symbol; %s: the threshold */
	NABZ_TG_T_RULE_BELOW,
	NABZ_TG_T_ALERT_SET,         /* %s: "#n: <rule>"; %s: a note, may be empty */
	NABZ_TG_T_ALERT_NOW,         /* the note: %s the price now */
	NABZ_TG_T_ALERT_ALREADY,     /* the note when the price is there already: %s the price */
	NABZ_TG_T_ALERT_USAGE,
	NABZ_TG_T_ALERT_FULL,        /* %s: the most a chat may have */
	NABZ_TG_T_ALERTS_LIST,       /* %s: one rule per line */
	NABZ_TG_T_ALERTS_NONE,
	NABZ_TG_T_ALERT_DISARMED,    /* after a rule that fired and waits for the price to return */
	NABZ_TG_T_UNALERT_BAD,
	NABZ_TG_T_UNALERTED,         /* %s: what is left (a list or "none") */
	NABZ_TG_T_PERSONAL,          /* the message line of a fired personal alert */
	NABZ_TG_T_COUNT
};

/* The fixed text for lang ("fa" or "en"; anything else: "fa"). */
const char *nabz_tg_format__text(enum nabz_tg_text id, const char *lang);
/* The text with its %s replaced by a, then b (plain substitution, no
 * other conversions), cut to outlen. */
void nabz_tg_format__fill(enum nabz_tg_text id, const char *lang, const char *a, const char *b,
		char *out, size_t outlen);
/* Escapes at most maxin bytes of in (cut at a character boundary) for
 * HTML parse mode into out (always NUL-terminated). Returns the length. */
size_t nabz_tg_format__escape(const char *in, size_t maxin, char *out, size_t outlen);
/* The message for an alert's data object ({symbol, message, price_usd,
 * rule, kind?, threshold?}). Returns 0, or -1 when it has no symbol. */
int nabz_tg_format__alert(const cJSON *data, const char *lang, char *out, size_t outlen);
/* The answer to /price from a price_update's data object. */
int nabz_tg_format__price(const cJSON *data, const char *lang, char *out, size_t outlen);
/* A number as people read it: 97,000.5 / 0.4012 / 1.2e-07. */
void nabz_tg_format__number(double v, char *out, size_t outlen);

#endif
