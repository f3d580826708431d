/*
 * CoinGecko names coins by id ("bitcoin"), not by symbol: the ids of the
 * watched symbols, as a list the CoinGecko source asks for and reads
 * back. Pure functions.
 */
#ifndef NABZ_BRIDGE_COIN_ID_H
#define NABZ_BRIDGE_COIN_ID_H

#include <stddef.h>

#include "quote.h"

/* A CoinGecko id and the symbol it stands for: "bitcoin" / "BTC". */
#define NABZ_COIN_ID_MAX 96
struct nabz_coin_id {
	char id[NABZ_COIN_ID_MAX];
	char symbol[NABZ_SYMBOL_MAX];
};

struct nabz_coin_id_list {
	struct nabz_coin_id *items;     /* owned */
	size_t count;
	size_t cap;
};

/* Appends a copy; returns 0 or -1 when out of memory. */
int nabz_coin_ids__push(struct nabz_coin_id_list *list, const struct nabz_coin_id *c);
void nabz_coin_ids__free(struct nabz_coin_id_list *list);
/* Fills c from an id ([a-z0-9._-], shorter than NABZ_COIN_ID_MAX) and a
 * symbol (as nabz_quote__init takes it, stored upper case); returns -1
 * when either is unfit. */
int nabz_coin_id__init(struct nabz_coin_id *c, const char *id, const char *symbol);
/* The CoinGecko id of one of the most watched symbols ("BTC": "bitcoin"),
 * or NULL: a symbol configured without an id gets it from here. The
 * string is static: never freed. */
const char *nabz_coin_id__known(const char *symbol);

#endif
