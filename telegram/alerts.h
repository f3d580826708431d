/*
 * Personal price alerts: a chat's own thresholds ("/alert BTC > 100000"),
 * checked against every price the bot sees. A rule fires once when the
 * price crosses its threshold, then waits until the price is back on the
 * other side by NABZ_TG_REARM_PCT before it may fire again: a price
 * hovering at the threshold does not fire on every update. Pure.
 */
#ifndef NABZ_TG_ALERTS_H
#define NABZ_TG_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "quote.h"

#define NABZ_TG_RULES_MAX 10         /* per chat */
#define NABZ_TG_REARM_PCT 0.5

struct nabz_tg_rule {
	char symbol[NABZ_SYMBOL_MAX];
	bool above;                      /* else below */
	double threshold;                /* USD, within nabz_jsonval__price_usd_ok */
	bool armed;                      /* may fire: last seen on the other side */
};

/* "BTC > 100000", "btc above 100,000", "ETH < 2500.5", "eth below 2,500",
 * also with Persian or Arabic-Indic digits and ">=" / "<=". Returns 0 with
 * *out filled (armed), or -1 for anything else. */
int nabz_tg_rule__parse(const char *text, struct nabz_tg_rule *out);
/* Whether price is on the side the rule waits for. */
bool nabz_tg_rule__reached(const struct nabz_tg_rule *r, double price);
/* The price moved to price (NAN: ignored): true when r fires now, and is
 * then disarmed; re-armed once the price is back beyond the threshold by
 * NABZ_TG_REARM_PCT. */
bool nabz_tg_rule__check(struct nabz_tg_rule *r, double price);

#endif
