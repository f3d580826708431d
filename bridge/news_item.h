/*
 * The news items a bridge news parser (bridge/source/news.c, source/rss.c) reads from
 * one feed: a growable list the caller owns. Apart from common/quote.h
 * so that nabz-telegram, which uses a quote's symbol rules, links
 * nothing of the news.
 */
#ifndef NABZ_BRIDGE_NEWS_ITEM_H
#define NABZ_BRIDGE_NEWS_ITEM_H

#include <stddef.h>
#include <stdint.h>

struct nabz_news_item {
	char *id;                       /* owned: the source's id, else the URL */
	char *title;                    /* owned */
	char *url;                      /* owned, may be NULL */
	char *source;                   /* owned, may be NULL: the publisher */
	char *summary;                  /* owned, may be NULL */
	int64_t published_ms;           /* 0 when unknown */
};

struct nabz_news_list {
	struct nabz_news_item *items;   /* owned */
	size_t count;
	size_t cap;
};

/* Takes ownership of the item's strings on success. */
int nabz_news__push(struct nabz_news_list *list, struct nabz_news_item *item);
void nabz_news__free(struct nabz_news_list *list);

#endif
