#include "quote.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	return 0;
}

void nabz_quotes__free(struct nabz_quote_list *list)
{
	free(list->items);
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

static void news_item_free(struct nabz_news_item *it)
{
	free(it->id);
	free(it->title);
	free(it->url);
	free(it->source);
	free(it->summary);
}

int nabz_news__push(struct nabz_news_list *list, struct nabz_news_item *item)
{
	if(list->count == list->cap){
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct nabz_news_item *grown = realloc(list->items, cap * sizeof(*grown));
		if(grown == NULL) return -1;
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = *item;
	memset(item, 0, sizeof(*item));
	return 0;
}

void nabz_news__free(struct nabz_news_list *list)
{
	for(size_t i = 0; i < list->count; i++) news_item_free(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
