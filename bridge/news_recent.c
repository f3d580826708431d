#include "news_recent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "log.h"

#define FILE_NAME "news-recent.json"

static void load(struct nabz_news_recent *r)
{
	FILE *f = fopen(r->path, "r");
	char *text;
	long size;
	cJSON *items;

	if(f == NULL){
		if(errno != ENOENT) nabz_log(LOG_WARNING, "news: cannot read %s: %s", r->path, strerror(errno));
		return;
	}
	if(fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > 1 << 20 || fseek(f, 0, SEEK_SET) != 0){
		fclose(f);
		nabz_log(LOG_WARNING, "news: %s: unreadable or too large; starting an empty list", r->path);
		return;
	}
	text = malloc((size_t)size + 1);
	if(text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size){
		free(text);
		fclose(f);
		return;
	}
	fclose(f);
	text[size] = '\0';
	items = cJSON_Parse(text);
	free(text);
	if(!cJSON_IsArray(items)){
		nabz_log(LOG_WARNING, "news: %s is not a JSON array; starting an empty list", r->path);
		cJSON_Delete(items);
		return;
	}
	while((size_t)cJSON_GetArraySize(items) > r->max){
		cJSON_DeleteItemFromArray(items, cJSON_GetArraySize(items) - 1);
	}
	cJSON_Delete(r->items);
	r->items = items;
}

int nabz_news_recent__open(struct nabz_news_recent *r, const char *dir, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max ? max : NABZ_NEWS_RECENT_MAX;
	r->items = cJSON_CreateArray();
	if(r->items == NULL) return -1;
	if(dir == NULL || dir[0] == '\0') return 0;
	r->path = malloc(strlen(dir) + sizeof(FILE_NAME) + 1);
	if(r->path == NULL) return -1;
	sprintf(r->path, "%s/%s", dir, FILE_NAME);
	load(r);
	return 0;
}

void nabz_news_recent__close(struct nabz_news_recent *r)
{
	cJSON_Delete(r->items);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

int nabz_news_recent__add(struct nabz_news_recent *r, const cJSON *item)
{
	cJSON *copy = cJSON_Duplicate(item, 1);

	if(copy == NULL) return -1;
	if(!cJSON_InsertItemInArray(r->items, 0, copy)){
		cJSON_Delete(copy);
		return -1;
	}
	while((size_t)cJSON_GetArraySize(r->items) > r->max){
		cJSON_DeleteItemFromArray(r->items, cJSON_GetArraySize(r->items) - 1);
	}
	return 0;
}

void nabz_news_recent__save(const struct nabz_news_recent *r)
{
	char *text;

	if(r->path == NULL) return;
	text = cJSON_PrintUnformatted(r->items);
	if(text == NULL) return;
	if(nabz_file__replace(r->path, text, strlen(text)) != 0){
		nabz_log(LOG_WARNING, "news: cannot write %s: %s", r->path, strerror(errno));
	}
	cJSON_free(text);
}

cJSON *nabz_news_recent__to_json(const struct nabz_news_recent *r)
{
	cJSON *d, *items;

	if(cJSON_GetArraySize(r->items) == 0) return NULL;
	d = cJSON_CreateObject();
	items = cJSON_Duplicate(r->items, 1);
	if(d == NULL || items == NULL){
		cJSON_Delete(d);
		cJSON_Delete(items);
		return NULL;
	}
	cJSON_AddItemToObject(d, "items", items);
	return d;
}
