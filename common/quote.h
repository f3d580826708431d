/*
 * What the bridge learns from a source about prices, normalised: one
 * quote per symbol, the market figures. Every bridge price parser
 * (bridge/parse_*.c) fills these from one HTTP response body; nothing here
 * knows HTTP or MQTT. nabz-telegram and cfgread.c use only a quote's
 * symbol rules (nabz_quote__init, NABZ_SYMBOL_MAX). News items are the
 * bridge's own (bridge/news_item.h), so the bot links none of them.
 */
#ifndef NABZ_QUOTE_H
#define NABZ_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#define NABZ_SYMBOL_MAX 16

/* A value the source did not give is NAN. */
struct nabz_quote {
	char symbol[NABZ_SYMBOL_MAX];   /* upper case: "BTC" */
	double price_usd;               /* > 0 and finite, or NAN */
	double price_irt;               /* toman (1 toman = 10 rials), or NAN */
	double change_24h_pct;          /* or NAN */
	double volume_24h_usd;          /* or NAN */
	double market_cap_usd;          /* or NAN */
	int64_t source_ts_ms;           /* the source's own time, or 0 */
};

struct nabz_quote_list {
	struct nabz_quote *items;       /* owned */
	size_t count;
	size_t cap;
	/* Open-addressing index by symbol of items[index_from..count): slot
	 * = item position + 1, 0 empty; first of equal symbols wins. Owned;
	 * made by nabz_quotes__find, kept up to date by nabz_quotes__push,
	 * dropped by nabz_quotes__truncate. index_cap 0: none. */
	uint32_t *index;
	size_t index_cap;               /* a power of two */
	size_t index_from;
};

/* Appends a copy; returns 0 or -1 when out of memory. */
int nabz_quotes__push(struct nabz_quote_list *list, const struct nabz_quote *q);
/* The first item of items[from..] with that symbol, or NULL. Amortised
 * constant time while from stays the same; a new from (or an index that
 * cannot be allocated) costs one pass over the items. */
const struct nabz_quote *nabz_quotes__find(struct nabz_quote_list *list, size_t from, const char *symbol);
/* Drops the items from position count on. */
void nabz_quotes__truncate(struct nabz_quote_list *list, size_t count);
void nabz_quotes__free(struct nabz_quote_list *list);
/* A quote with every value NAN and the symbol copied in upper case;
 * returns -1 when the symbol is empty, too long or not [A-Z0-9]. */
int nabz_quote__init(struct nabz_quote *q, const char *symbol);

struct nabz_market {
	double total_market_cap_usd;    /* or NAN */
	double total_volume_usd;        /* or NAN */
	double btc_dominance_pct;       /* or NAN */
	double usdt_irt;                /* toman per USDT, or NAN */
	int64_t source_ts_ms;
};

#endif
