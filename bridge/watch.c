/* The watch list: configured symbols, then discovered ones. */
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static bool watching(const struct nabz_bridge *b, const char *sym)
{
	for(size_t i = 0; i < b->watch_count; i++){
		if(strcmp(b->watch[i], sym) == 0) return true;
	}
	return false;
}

int nabz_watch__add(struct nabz_bridge *b, const char *sym, const char *id)
{
	struct nabz_coin_id c;

	if(watching(b, sym)) return 0;
	if(b->watch_count == b->watch_cap){
		size_t cap = b->watch_cap ? b->watch_cap * 2 : 32;
		char (*grown)[NABZ_SYMBOL_MAX] = realloc(b->watch, cap * sizeof(*grown));
		if(grown == NULL) return -1;
		b->watch = grown;
		b->watch_cap = cap;
	}
	if(nabz_prices__get(&b->prices, sym, true) == NULL) return -1;
	snprintf(b->watch[b->watch_count++], NABZ_SYMBOL_MAX, "%s", sym);
	if(id == NULL) id = nabz_coin_id__known(sym);
	if(id && nabz_coin_id__init(&c, id, sym) == 0 && nabz_coin_ids__push(&b->coin_ids, &c) != 0) return -1;
	return 1;
}

void nabz_watch__discovered(struct nabz_bridge *b, const struct nabz_coin_id_list *ids)
{
	for(size_t i = 0; i < ids->count; i++){
		if(nabz_watch__add(b, ids->items[i].symbol, ids->items[i].id) == 1){
			b->discovered++;
			b->sources_dirty = true;
			nabz_log(LOG_NOTICE, "discovery: now watching %s (%s), rank %zu by market cap",
					ids->items[i].symbol, ids->items[i].id, i + 1);
		}
	}
}
