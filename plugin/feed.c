#include "feed.h"
#include "timeutil.h"

#include <string.h>

#include <cjson/cJSON.h>

static bool symbol_ok(const char *s)
{
	size_t n = strlen(s);

	if(n == 0 || n >= NABZ_SYMBOL_MAX) return false;
	for(size_t i = 0; i < n; i++){
		if(!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return false;
	}
	return true;
}

/* Source names become label values: a plain set needs no escaping. */
static bool source_name_ok(const char *s)
{
	size_t n = strlen(s);

	if(n == 0 || n >= NABZ_FEED_SOURCE_NAME_MAX) return false;
	for(size_t i = 0; i < n; i++){
		if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-')){
			return false;
		}
	}
	return true;
}

static struct nabz_feed_price *find_price(struct nabz_feed *feed, const char *symbol)
{
	for(size_t i = 0; i < feed->price_count; i++){
		if(strcmp(feed->prices[i].symbol, symbol) == 0) return &feed->prices[i];
	}
	return NULL;
}

static void forget_price(struct nabz_feed *feed, struct nabz_feed_price *p)
{
	/* Order does not matter to /metrics: the last takes the hole. */
	*p = feed->prices[--feed->price_count];
	memset(&feed->prices[feed->price_count], 0, sizeof(feed->prices[0]));
}

void nabz_feed__on_price(struct nabz_feed *feed, const char *symbol, const void *payload, size_t len,
		int64_t wall_ms)
{
	struct nabz_feed_price *p;
	cJSON *root, *data;
	int64_t source_ms;

	if(payload == NULL || len == 0){
		p = symbol_ok(symbol) ? find_price(feed, symbol) : NULL;
		if(p) forget_price(feed, p);
		return;
	}
	feed->price_updates++;
	if(!symbol_ok(symbol)){
		feed->price_untracked++;
		return;
	}
	p = find_price(feed, symbol);
	if(p == NULL){
		if(feed->price_count == NABZ_FEED_SYMBOLS_MAX){
			feed->price_untracked++;
			return;
		}
		p = &feed->prices[feed->price_count++];
		memset(p, 0, sizeof(*p));
		memcpy(p->symbol, symbol, strlen(symbol) + 1);
	}
	p->received_ms = wall_ms;
	p->source_ms = 0;
	p->stale = false;
	/* A payload that is not the contract's leaves only the receipt time:
	 * no source time is better than a guessed one. */
	root = cJSON_ParseWithLength(payload, len);
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if(cJSON_IsObject(data)){
		const cJSON *ts = cJSON_GetObjectItemCaseSensitive(data, "source_ts");
		if(cJSON_IsString(ts) && nabz_time__parse_rfc3339(ts->valuestring, &source_ms) == 0){
			p->source_ms = source_ms;
		}
		p->stale = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data, "stale"));
	}
	cJSON_Delete(root);
}

bool nabz_feed__on_sources(struct nabz_feed *feed, const void *payload, size_t len, int64_t wall_ms)
{
	cJSON *root, *data, *sources, *it;
	size_t n = 0;

	if(payload == NULL || len == 0) return false;
	root = cJSON_ParseWithLength(payload, len);
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	sources = cJSON_GetObjectItemCaseSensitive(data, "sources");
	if(!cJSON_IsObject(data) || !cJSON_IsObject(sources)){
		cJSON_Delete(root);
		return false;
	}
	cJSON_ArrayForEach(it, sources){
		struct nabz_feed_source *s;
		const cJSON *status, *last;
		int64_t last_ms;

		if(n == NABZ_FEED_SOURCES_MAX) break;
		if(it->string == NULL || !source_name_ok(it->string) || !cJSON_IsObject(it)) continue;
		s = &feed->sources[n++];
		memset(s, 0, sizeof(*s));
		memcpy(s->name, it->string, strlen(it->string) + 1);
		status = cJSON_GetObjectItemCaseSensitive(it, "status");
		s->up = cJSON_IsString(status) && strcmp(status->valuestring, "ok") == 0;
		last = cJSON_GetObjectItemCaseSensitive(it, "last_success");
		if(cJSON_IsString(last) && nabz_time__parse_rfc3339(last->valuestring, &last_ms) == 0){
			s->last_success_ms = last_ms;
		}
	}
	feed->source_count = n;
	memset(&feed->sources[n], 0, (NABZ_FEED_SOURCES_MAX - n) * sizeof(feed->sources[0]));
	feed->sources_received_ms = wall_ms;
	cJSON_Delete(root);
	return true;
}
