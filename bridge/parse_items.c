/* Appending what a parser read to the lists it hands out: quotes once
 * per symbol, news items cleaned and once per id; undoing a failed
 * parse's appends. */
#include "parse_items.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse_json.h"
#include "parse_text.h"

int nabz_parse__push_unique(struct nabz_quote_list *list, size_t from, const struct nabz_quote *q)
{
	if(nabz_quotes__find(list, from, q->symbol)) return 1;
	return nabz_quotes__push(list, q) == 0 ? 0 : -1;
}

int nabz_parse__each_quote(const cJSON *container, nabz_item_fn fn, void *ctx,
		struct nabz_quote_list *out, size_t from, size_t *bad, char *err, size_t errlen)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, container){
		struct nabz_quote q;
		int rc = fn(item, ctx, &q);

		if(rc == NABZ_ITEM_BAD) (*bad)++;
		if(rc != NABZ_ITEM_OK) continue;
		if(nabz_parse__push_unique(out, from, &q) < 0){
			nabz_parse__err(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

void nabz_parse__quotes_truncate(struct nabz_quote_list *list, size_t count)
{
	nabz_quotes__truncate(list, count);
}

void nabz_parse__news_truncate(struct nabz_news_list *list, size_t count)
{
	while(list->count > count){
		struct nabz_news_item *it = &list->items[--list->count];

		free(it->id);
		free(it->title);
		free(it->url);
		free(it->source);
		free(it->summary);
		memset(it, 0, sizeof(*it));
	}
}

/* A copy of an id: trimmed, 1 to 512 bytes of valid UTF-8 without
 * control characters; NULL when unfit (*oom set when out of memory). */
static char *clean_id(const char *s, bool *oom)
{
	size_t start = 0, end;
	char *copy;

	*oom = false;
	if(s == NULL) return NULL;
	end = strlen(s);
	while(start < end && isspace((unsigned char)s[start])) start++;
	while(end > start && isspace((unsigned char)s[end - 1])) end--;
	if(end == start || end - start > 512 || !nabz_parse__utf8_valid(s + start, end - start)) return NULL;
	for(size_t i = start; i < end; i++){
		if((unsigned char)s[i] < 0x20 || s[i] == 0x7F) return NULL;
	}
	copy = malloc(end - start + 1);
	if(copy == NULL){
		*oom = true;
		return NULL;
	}
	memcpy(copy, s + start, end - start);
	copy[end - start] = '\0';
	return copy;
}

static char *clean_text(const char *s, size_t max_chars, bool *oom)
{
	char *t;

	*oom = false;
	if(s == NULL) return NULL;
	t = nabz_parse__text(s, strlen(s), NABZ_TEXT_STRIP_TAGS | NABZ_TEXT_DECODE_ENTITIES, max_chars);
	if(t == NULL){
		*oom = true;
	}else if(t[0] == '\0'){
		free(t);
		t = NULL;
	}
	return t;
}

int nabz_parse__push_news(struct nabz_news_list *out, size_t from, const struct nabz_news_raw *raw)
{
	struct nabz_news_item it = {.published_ms = raw->published_ms};
	bool oom[5];
	int rc = NABZ_ITEM_BAD;

	it.title = clean_text(raw->title, NABZ_TITLE_MAX_CHARS, &oom[0]);
	it.url = nabz_parse__url(raw->url, &oom[1]);
	it.id = clean_id(raw->id, &oom[2]);
	it.source = clean_text(raw->source, 100, &oom[3]);
	it.summary = clean_text(raw->summary, NABZ_SUMMARY_MAX_CHARS, &oom[4]);
	for(size_t i = 0; i < sizeof(oom) / sizeof(oom[0]); i++){
		if(oom[i]) rc = -1;
	}
	if(rc == -1) goto done;
	if(it.id == NULL && it.url != NULL){
		it.id = strdup(it.url);
		if(it.id == NULL){
			rc = -1;
			goto done;
		}
	}
	if(it.title == NULL || it.id == NULL) goto done;
	for(size_t i = from; i < out->count; i++){
		if(strcmp(out->items[i].id, it.id) == 0){
			rc = NABZ_ITEM_IGNORED;
			goto done;
		}
	}
	if(nabz_news__push(out, &it) != 0){
		rc = -1;
		goto done;
	}
	return NABZ_ITEM_OK;
done:
	free(it.id);
	free(it.title);
	free(it.url);
	free(it.source);
	free(it.summary);
	return rc;
}
