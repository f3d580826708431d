#include "quote.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_MIN 64

/* FNV-1a of a symbol. */
static size_t symbol_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for(; *s; s++){
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The slot holding symbol, or the empty slot where it would go. */
static size_t index_slot(const struct nabz_quote_list *list, const char *symbol)
{
	size_t mask = list->index_cap - 1;
	size_t i = symbol_hash(symbol) & mask;

	while(list->index[i] && strcmp(list->items[list->index[i] - 1].symbol, symbol) != 0) i = (i + 1) & mask;
	return i;
}

static void index_drop(struct nabz_quote_list *list)
{
	free(list->index);
	list->index = NULL;
	list->index_cap = 0;
}

/* Indexes items[from..count) in a table at most half full; returns -1
 * (no index) when out of memory. */
static int index_build(struct nabz_quote_list *list, size_t from)
{
	size_t cap = INDEX_MIN;

	index_drop(list);
	while(cap < 2 * (list->count - from + 1)) cap *= 2;
	list->index = calloc(cap, sizeof(*list->index));
	if(list->index == NULL) return -1;
	list->index_cap = cap;
	list->index_from = from;
	for(size_t k = from; k < list->count; k++){
		size_t i = index_slot(list, list->items[k].symbol);
		if(list->index[i] == 0) list->index[i] = (uint32_t)(k + 1);
	}
	return 0;
}

int nabz_quotes__push(struct nabz_quote_list *list, const struct nabz_quote *q)
{
	if(list->count == list->cap){
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct nabz_quote *grown = realloc(list->items, cap * sizeof(*grown));
		if(grown == NULL) return -1;
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = *q;
	if(list->index_cap){
		if(2 * (list->count - list->index_from) > list->index_cap){
			/* Half full: a bigger table (or none, found again later). */
			index_build(list, list->index_from);
		}else{
			size_t i = index_slot(list, q->symbol);
			if(list->index[i] == 0) list->index[i] = (uint32_t)list->count;
		}
	}
	return 0;
}

const struct nabz_quote *nabz_quotes__find(struct nabz_quote_list *list, size_t from, const char *symbol)
{
	size_t i;

	if(list->index_cap == 0 || list->index_from != from){
		if(from >= list->count){
			index_drop(list);
			return NULL;
		}
		if(index_build(list, from) != 0){
			for(size_t k = from; k < list->count; k++){
				if(strcmp(list->items[k].symbol, symbol) == 0) return &list->items[k];
			}
			return NULL;
		}
	}
	i = index_slot(list, symbol);
	return list->index[i] ? &list->items[list->index[i] - 1] : NULL;
}

void nabz_quotes__truncate(struct nabz_quote_list *list, size_t count)
{
	if(count < list->count){
		list->count = count;
		index_drop(list);
	}
}

void nabz_quotes__free(struct nabz_quote_list *list)
{
	free(list->items);
	free(list->index);
	memset(list, 0, sizeof(*list));
}

int nabz_quote__init(struct nabz_quote *q, const char *symbol)
{
	size_t n = symbol ? strlen(symbol) : 0;

	memset(q, 0, sizeof(*q));
	q->price_usd = q->price_irt = q->change_24h_pct = NAN;
	q->volume_24h_usd = q->market_cap_usd = NAN;
	if(n == 0 || n >= NABZ_SYMBOL_MAX) return -1;
	for(size_t i = 0; i < n; i++){
		unsigned char c = (unsigned char)symbol[i];
		if(!isalnum(c)) return -1;
		q->symbol[i] = (char)toupper(c);
	}
	q->symbol[n] = '\0';
	return 0;
}
