/*
 * News deduplication: the ids (or URLs) already published, bounded and
 * kept in the state directory so a restart publishes nothing twice. A
 * first run (no file yet) publishes only the newest few items and marks
 * the rest seen, so nobody gets a backlog of fifty. Single-threaded.
 */
#ifndef NABZ_BRIDGE_NEWS_SEEN_H
#define NABZ_BRIDGE_NEWS_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define NABZ_NEWS_FIRST_RUN_MAX 10

struct nabz_seen_id {
	char *id;                        /* key */
	UT_hash_handle hh;               /* insertion order: oldest first */
};

struct nabz_news_seen {
	struct nabz_seen_id *ids;
	size_t max;
	char *path;                      /* NULL: memory only */
	FILE *file;
	size_t lines;
	bool first_run;                  /* no file existed at start */
};

int nabz_news_seen__open(struct nabz_news_seen *s, const char *dir, size_t max);
void nabz_news_seen__close(struct nabz_news_seen *s);
bool nabz_news_seen__has(const struct nabz_news_seen *s, const char *id);
/* Records id (oldest forgotten beyond max). Returns 0 or -1. */
int nabz_news_seen__add(struct nabz_news_seen *s, const char *id);

#endif
