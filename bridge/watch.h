/*
 * The watch list: the configured symbols, then those discovery adds (the
 * top N by market cap that CoinGecko lists). A watched symbol is asked of
 * every source, has a place in the consensus and, when its CoinGecko id
 * is known, is asked of CoinGecko. Single-threaded.
 */
#ifndef NABZ_BRIDGE_WATCH_H
#define NABZ_BRIDGE_WATCH_H

#include "coin_id.h"
#include "sources.h"

/* Adds sym to the watch list and the consensus, with its CoinGecko id
 * when known (id may be NULL: nabz_coin_id__known then). Returns 1 when
 * added, 0 when already watched, -1 when out of memory. */
int nabz_watch__add(struct nabz_bridge *b, const char *sym, const char *id);

/* Watches the symbols of a top-N listing (ids, in rank order) not yet
 * watched, each logged once. */
void nabz_watch__discovered(struct nabz_bridge *b, const struct nabz_coin_id_list *ids);

#endif
