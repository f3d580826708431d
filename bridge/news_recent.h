/*
 * The latest news items, for whoever connects later: crypto/news carries
 * each item once (QoS 1, not retained), so a dashboard opened now would
 * show no news until the next one. The bridge keeps the newest
 * NABZ_NEWS_RECENT_MAX items and publishes them retained on
 * crypto/news/recent (type "news_recent"), and keeps them in the state
 * directory so a bridge restart does not empty the list. Single-threaded.
 */
#ifndef NABZ_BRIDGE_NEWS_RECENT_H
#define NABZ_BRIDGE_NEWS_RECENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define NABZ_NEWS_RECENT_MAX 20

struct nabz_news_recent {
	cJSON *items;                    /* array, newest first; owned */
	size_t max;
	char *path;                      /* NULL: memory only */
};

/* Reads dir/news-recent.json back when there is one (a damaged file is
 * reported and ignored). dir "": memory only. Returns 0 or -1 (no memory). */
int nabz_news_recent__open(struct nabz_news_recent *r, const char *dir, size_t max);
void nabz_news_recent__close(struct nabz_news_recent *r);
/* Puts a copy of item (a news payload's data) first, forgets the oldest
 * beyond max. Call nabz_news_recent__save after a batch. */
int nabz_news_recent__add(struct nabz_news_recent *r, const cJSON *item);
/* Writes the list to its file (atomic replace); a failure is logged. */
void nabz_news_recent__save(const struct nabz_news_recent *r);
/* {"items": [...]}, a new object the caller owns; NULL when empty or out
 * of memory. */
cJSON *nabz_news_recent__to_json(const struct nabz_news_recent *r);

#endif
