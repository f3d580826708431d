/*
 * Demo mode (--demo): recorded responses in each API's real format
 * (bridge/demo/, written by scripts/make_demo_data.py) replayed from
 * file:// URLs instead of the APIs, a snapshot per round, so the whole
 * pipeline runs with no internet. Each source's row in the table
 * (source.h) names its recorded files.
 */
#ifndef NABZ_BRIDGE_DEMO_H
#define NABZ_BRIDGE_DEMO_H

#include "source.h"

/* How many snapshots dir holds (counted by CoinGecko's prices-<n>.json),
 * up to 1000; 0 when none. */
unsigned nabz_demo__rounds(const char *dir);

/* Appends the requests of snapshot n of ops' source to out:
 * file://<dir>/<source>/<file>-<n>.<ext>, or <symbol>-<n>.json per watched
 * symbol when ops->demo_per_symbol. Returns 0, or -1 when out of memory
 * (out may hold some; the caller frees it). */
int nabz_demo__requests(const struct nabz_source_ops *ops, const struct nabz_source_round *r,
		const char *dir, unsigned n, struct nabz_request_list *out);

#endif
