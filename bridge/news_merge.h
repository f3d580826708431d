/*
 * The news of every news source merged into one stream: items not seen
 * before (news_seen.h) published oldest first on <prefix>/news, QoS 1,
 * and the newest kept retained on <prefix>/news/recent (news_recent.h)
 * for whoever subscribes later. Single-threaded.
 */
#ifndef NABZ_BRIDGE_NEWS_MERGE_H
#define NABZ_BRIDGE_NEWS_MERGE_H

#include "config.h"
#include "news_item.h"
#include "quote.h"
#include "sources.h"

/* Publishes the items of list not seen before; a first run publishes the
 * newest NABZ_NEWS_FIRST_RUN_MAX only. Sorts list in place; the caller
 * still owns and frees it. */
void nabz_news_merge__take(struct nabz_bridge *b, enum nabz_source_id source, struct nabz_news_list *list);

/* Publishes the newest items, retained. */
void nabz_news_merge__publish_recent(struct nabz_bridge *b);

#endif
