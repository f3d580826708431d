/*
 * Demo mode (--demo): recorded responses in each API's real format
 * (bridge/demo/, written by scripts/make_demo_data.py) replayed from
 * file:// URLs instead of the APIs, a snapshot per round, so the whole
 * pipeline runs with no internet. Each source's row in the table
 * (source.h) names its recorded files.
 */
#ifndef NABZ_BRIDGE_DEMO_H
#define NABZ_BRIDGE_DEMO_H

#include "config.h"
#include "source.h"

#define NABZ_DEMO_RULES_MAX 2

/* How many snapshots dir holds (counted by CoinGecko's prices-<n>.json),
 * up to 1000; 0 when none. */
unsigned nabz_demo__rounds(const char *dir);

/* Appends the requests of snapshot n of ops' source to out:
 * file://<dir>/<source>/<file>-<n>.<ext>, or <symbol>-<n>.json per watched
 * symbol when ops->demo_per_symbol. Returns 0, or -1 when out of memory
 * (out may hold some; the caller frees it). */
int nabz_demo__requests(const struct nabz_source_ops *ops, const struct nabz_source_round *r,
		const char *dir, unsigned n, struct nabz_request_list *out);

/* The alert rules demo mode adds, so that alerts can be seen on recorded
 * data (the shipped thresholds, BTC above 100,000 and the like, never
 * cross it): for BTC and ETH, a move of a third of the range CoinGecko's
 * n recorded snapshots span, within 5 minutes; the replay, cycling, makes
 * such a move every few minutes. Writes at most NABZ_DEMO_RULES_MAX rules
 * to out (each name malloc'd, the caller's: "demo: BTC moves 0.17% within
 * 300s") and returns how many: none for a coin whose snapshots cannot be
 * read. */
size_t nabz_demo__rules(const char *dir, unsigned n, struct nabz_rule *out);

#endif
