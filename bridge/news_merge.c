/* The news sources merged into one stream, each item once. */
#include "news_merge.h"

#include <stdlib.h>

#include "contract.h"
#include "payload.h"
#include "timeutil.h"

void nabz_news_merge__publish_recent(struct nabz_bridge *b)
{
	cJSON *d = nabz_news_recent__to_json(&b->news_recent);

	if(d) nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_NEWS_RECENT, NABZ_TYPE_NEWS_RECENT, d, true, nabz_time__wall_ms());
}

static int by_time(const void *a, const void *b)
{
	const struct nabz_news_item *x = a, *y = b;
	return (x->published_ms > y->published_ms) - (x->published_ms < y->published_ms);
}

void nabz_news_merge__take(struct nabz_bridge *b, enum nabz_source_id source, struct nabz_news_list *list)
{
	size_t fresh = 0, skip = 0, added = 0;

	qsort(list->items, list->count, sizeof(list->items[0]), by_time);
	for(size_t i = 0; i < list->count; i++){
		if(!nabz_news_seen__has(&b->news_seen, list->items[i].id)) fresh++;
	}
	/* A first run publishes the newest few only. */
	if(b->news_seen.first_run && fresh > NABZ_NEWS_FIRST_RUN_MAX) skip = fresh - NABZ_NEWS_FIRST_RUN_MAX;
	for(size_t i = 0; i < list->count; i++){
		const struct nabz_news_item *it = &list->items[i];
		cJSON *d;

		if(nabz_news_seen__has(&b->news_seen, it->id)) continue;
		nabz_news_seen__add(&b->news_seen, it->id);
		if(skip){
			skip--;
			continue;
		}
		d = nabz_payload__news(it, b->cfg->demo ? "demo" : it->source ? it->source : nabz_source__name(source));
		if(d == NULL) continue;
		if(nabz_news_recent__add(&b->news_recent, d) == 0) added++;
		if(nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_NEWS, NABZ_TYPE_NEWS, d, false, nabz_time__wall_ms()) == 0){
			b->news_published++;
		}
	}
	b->news_seen.first_run = false;
	if(added){
		nabz_news_recent__save(&b->news_recent);
		nabz_news_merge__publish_recent(b);
	}
}
