/*
 * Price alerts: rules from the config (above, below, a percent move
 * within a window), each firing once per crossing. Hysteresis: after
 * "BTC above 100000" fires, it re-arms only once the price falls back
 * below 100000 * (1 - hysteresis); a cooldown keeps even a re-armed rule
 * quiet for a while. A price hovering at the threshold fires once, not on
 * every tick. Pure: time is passed in.
 */
#ifndef NABZ_BRIDGE_ALERTS_H
#define NABZ_BRIDGE_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define NABZ_MOVE_SAMPLES 512

struct nabz_rule_state {
	bool armed;                      /* may fire on the next crossing */
	bool primed;                     /* has seen a price on the quiet side */
	int64_t last_fired_ms;
	/* move rules: recent prices, a ring */
	double samples[NABZ_MOVE_SAMPLES];
	int64_t sample_ms[NABZ_MOVE_SAMPLES];
	size_t head, count;
};

struct nabz_alert {
	const struct nabz_rule *rule;
	double price;
	double reference;                /* move: the window's price it moved from */
	double move_pct;
	char message[200];
};

struct nabz_alerts {
	const struct nabz_rule *rules;   /* borrowed from the config */
	size_t count;
	struct nabz_rule_state *state;   /* owned, one per rule */
	double hysteresis_pct;
	int64_t cooldown_ms;
};

int nabz_alerts__init(struct nabz_alerts *a, const struct nabz_rule *rules, size_t count,
		double hysteresis_pct, int64_t cooldown_ms);
void nabz_alerts__cleanup(struct nabz_alerts *a);

/* After a reload: rules that did not change keep their state (armed,
 * cooldown, move window) from old. */
void nabz_alerts__adopt(struct nabz_alerts *fresh, const struct nabz_alerts *old);

/* Feeds a new consensus price of symbol; fire(ctx, alert) runs for each
 * rule that fires. */
void nabz_alerts__feed(struct nabz_alerts *a, const char *symbol, double price_usd, int64_t now_ms,
		void (*fire)(void *ctx, const struct nabz_alert *alert), void *ctx);

#endif
