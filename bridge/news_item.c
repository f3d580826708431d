#include "news_item.h"

#include <stdlib.h>
#include <string.h>

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
