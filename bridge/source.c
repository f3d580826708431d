/* The table of sources, and the request and result lists they fill. */
#include "source.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/binance.h"
#include "source/coinbase.h"
#include "source/coingecko.h"
#include "source/kraken.h"
#include "source/news.h"
#include "source/nobitex.h"
#include "source/rss.h"
#include "source/wallex.h"

static const struct nabz_source_ops *const table[NABZ_SRC_COUNT] = {
	[NABZ_SRC_COINGECKO] = &nabz_source_coingecko,
	[NABZ_SRC_BINANCE] = &nabz_source_binance,
	[NABZ_SRC_KRAKEN] = &nabz_source_kraken,
	[NABZ_SRC_COINBASE] = &nabz_source_coinbase,
	[NABZ_SRC_NOBITEX] = &nabz_source_nobitex,
	[NABZ_SRC_WALLEX] = &nabz_source_wallex,
	[NABZ_SRC_NEWS] = &nabz_source_news,
	[NABZ_SRC_RSS] = &nabz_source_rss,
};

const struct nabz_source_ops *nabz_source__ops(enum nabz_source_id id)
{
	return (unsigned)id < NABZ_SRC_COUNT ? table[id] : NULL;
}

int nabz_requests__add(struct nabz_request_list *list, enum nabz_request_kind kind,
		const char *symbol, size_t feed, const char *url)
{
	struct nabz_source_request *r;

	if(list->count == list->cap){
		size_t cap = list->cap ? list->cap * 2 : 4;
		struct nabz_source_request *grown = realloc(list->items, cap * sizeof(*grown));

		if(grown == NULL) return -1;
		list->items = grown;
		list->cap = cap;
	}
	r = &list->items[list->count];
	memset(r, 0, sizeof(*r));
	r->url = strdup(url);
	if(r->url == NULL) return -1;
	r->kind = kind;
	r->feed = feed;
	if(symbol) snprintf(r->symbol, sizeof(r->symbol), "%s", symbol);
	list->count++;
	return 0;
}

void nabz_requests__free(struct nabz_request_list *list)
{
	for(size_t i = 0; i < list->count; i++) free(list->items[i].url);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void nabz_source_result__init(struct nabz_source_result *res)
{
	memset(res, 0, sizeof(*res));
	res->usdt_irt = NAN;
}

void nabz_source_result__free(struct nabz_source_result *res)
{
	nabz_quotes__free(&res->quotes);
	nabz_coin_ids__free(&res->discovered);
	nabz_news__free(&res->news);
}

void nabz_source__append(char *buf, size_t cap, const char *sep, const char *s, bool lower)
{
	size_t n = strlen(buf);

	if(n && n + strlen(sep) < cap){
		strcat(buf, sep);
		n = strlen(buf);
	}
	for(; *s && n + 1 < cap; s++) buf[n++] = lower ? (char)tolower((unsigned char)*s) : *s;
	buf[n] = '\0';
}
