/* The price history of the watched symbols (see history.h). Its file:
 *
 *   {"interval_s": 60, "symbols": {"BTC": [[t_ms, price_usd], ...], ...}}
 *
 * each series oldest first, every t_ms the start of a minute. */
#include "history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "log.h"
#include "parse_json.h"

/* The largest file read back: a full day of every symbol, with room for
 * long price figures; anything larger is not a file this bridge wrote. */
#define BYTES_PER_SERIES (NABZ_HISTORY_MAX_POINTS * 48 + 64)

static int64_t minute_of(int64_t t_ms)
{
	int64_t m = t_ms - t_ms % NABZ_HISTORY_INTERVAL_MS;
	return t_ms < 0 && m != t_ms ? m - NABZ_HISTORY_INTERVAL_MS : m;
}

static void clear(struct nabz_history *h)
{
	struct nabz_history_series *s, *tmp;

	HASH_ITER(hh, h->series, s, tmp){
		HASH_DEL(h->series, s);
		free(s);
	}
	h->series_count = 0;
}

/* Drops the points 24 h or more older than newest_ms (a new minute, or
 * the clock at load): at most NABZ_HISTORY_MAX_POINTS stay. */
static void drop_older(struct nabz_history_series *s, int64_t newest_ms)
{
	size_t drop = 0;

	while(drop < s->count && s->points[drop].t_ms <= newest_ms - NABZ_HISTORY_SPAN_MS) drop++;
	if(drop == 0) return;
	memmove(s->points, s->points + drop, (s->count - drop) * sizeof(s->points[0]));
	s->count -= drop;
}

/* The series of symbol, made when missing (create). At max_series, the
 * series updated longest ago makes room: the watched symbols get a point
 * every minute, so it is one no longer watched. NULL when out of memory. */
static struct nabz_history_series *series_of(struct nabz_history *h, const char *symbol, bool create)
{
	struct nabz_history_series *s;

	HASH_FIND_STR(h->series, symbol, s);
	if(s || !create) return s;
	if(h->series_count >= h->max_series){
		struct nabz_history_series *it, *tmp, *oldest = NULL;
		HASH_ITER(hh, h->series, it, tmp){
			int64_t t = it->count ? it->points[it->count - 1].t_ms : INT64_MIN;
			if(oldest == NULL || t < (oldest->count ? oldest->points[oldest->count - 1].t_ms : INT64_MIN)){
				oldest = it;
			}
		}
		if(oldest){
			HASH_DEL(h->series, oldest);
			free(oldest);
			h->series_count--;
		}
	}
	s = calloc(1, sizeof(*s));
	if(s == NULL) return NULL;
	snprintf(s->symbol, sizeof(s->symbol), "%s", symbol);
	HASH_ADD_STR(h->series, symbol, s);
	if(h->series == NULL){                           /* no memory for the table */
		free(s);
		return NULL;
	}
	h->series_count++;
	return s;
}

int nabz_history__add(struct nabz_history *h, const char *symbol, int64_t t_ms, double price_usd)
{
	struct nabz_history_series *s;
	int64_t minute = minute_of(t_ms);

	if(!isfinite(price_usd) || price_usd <= 0) return -1;
	s = series_of(h, symbol, true);
	if(s == NULL) return -1;
	if(s->count){
		struct nabz_history_point *last = &s->points[s->count - 1];
		if(minute < last->t_ms) return 0;            /* the clock stepped back */
		if(minute == last->t_ms){
			if(last->price_usd != price_usd) h->dirty = true;
			last->price_usd = price_usd;
			return 0;
		}
	}
	drop_older(s, minute);
	if(s->count == NABZ_HISTORY_MAX_POINTS){
		/* Only reached with points less than 24 h apart: cannot be, but
		 * the bound holds whatever the clock does. */
		memmove(s->points, s->points + 1, (s->count - 1) * sizeof(s->points[0]));
		s->count--;
	}
	s->points[s->count++] = (struct nabz_history_point){minute, price_usd};
	h->dirty = true;
	return 1;
}

const struct nabz_history_series *nabz_history__get(const struct nabz_history *h, const char *symbol)
{
	struct nabz_history_series *s;

	HASH_FIND_STR(h->series, symbol, s);
	return s;
}

cJSON *nabz_history__to_json(const struct nabz_history *h, const char *symbol)
{
	const struct nabz_history_series *s = nabz_history__get(h, symbol);
	cJSON *d, *points;

	if(s == NULL || s->count == 0) return NULL;
	d = cJSON_CreateObject();
	if(d == NULL) return NULL;
	cJSON_AddStringToObject(d, "symbol", s->symbol);
	cJSON_AddNumberToObject(d, "interval_s", NABZ_HISTORY_INTERVAL_MS / 1000);
	points = cJSON_AddArrayToObject(d, "points");
	if(points == NULL){
		cJSON_Delete(d);
		return NULL;
	}
	for(size_t i = 0; i < s->count; i++){
		cJSON *p = cJSON_CreateArray();
		if(p == NULL || !cJSON_AddItemToArray(points, p)){
			cJSON_Delete(p);
			cJSON_Delete(d);
			return NULL;
		}
		if(!cJSON_AddItemToArray(p, cJSON_CreateNumber((double)s->points[i].t_ms))
				|| !cJSON_AddItemToArray(p, cJSON_CreateNumber(s->points[i].price_usd))){
			cJSON_Delete(d);
			return NULL;
		}
	}
	return d;
}

/* One saved series into s, checked whole: a point out of order or not a
 * [minute, positive price] pair means the file is not ours. */
static int read_series(struct nabz_history_series *s, const cJSON *arr, int64_t now_ms, char *err, size_t errlen)
{
	const cJSON *p;
	int64_t prev = INT64_MIN;
	size_t i = 0;

	if(!cJSON_IsArray(arr)) return nabz_parse__err(err, errlen, "symbols.%s: not an array", s->symbol);
	cJSON_ArrayForEach(p, arr){
		const cJSON *t = cJSON_GetArrayItem(p, 0), *v = cJSON_GetArrayItem(p, 1);
		double td;
		int64_t tm;

		if(!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !cJSON_IsNumber(t) || !cJSON_IsNumber(v)){
			return nabz_parse__err(err, errlen, "symbols.%s[%zu]: not a [t_ms, price_usd] pair", s->symbol, i);
		}
		td = t->valuedouble;
		if(!(td >= 0 && td < 9e15) || (tm = (int64_t)td) != td || tm % NABZ_HISTORY_INTERVAL_MS != 0 || tm <= prev){
			return nabz_parse__err(err, errlen, "symbols.%s[%zu]: time not a minute after the one before", s->symbol, i);
		}
		if(!isfinite(v->valuedouble) || v->valuedouble <= 0){
			return nabz_parse__err(err, errlen, "symbols.%s[%zu]: price not a positive number", s->symbol, i);
		}
		prev = tm;
		i++;
		/* Older than a day, or ahead of the clock: kept no longer. */
		if(tm <= minute_of(now_ms) - NABZ_HISTORY_SPAN_MS || tm > minute_of(now_ms)) continue;
		if(s->count == NABZ_HISTORY_MAX_POINTS){
			memmove(s->points, s->points + 1, (s->count - 1) * sizeof(s->points[0]));
			s->count--;
		}
		s->points[s->count++] = (struct nabz_history_point){tm, v->valuedouble};
	}
	return 0;
}

int nabz_history__read(struct nabz_history *h, const char *text, size_t len, int64_t now_ms,
		char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *interval, *symbols, *arr;
	int rc = 0;

	clear(h);
	if(root == NULL) return nabz_parse__err(err, errlen, "not JSON");
	interval = cJSON_GetObjectItemCaseSensitive(root, "interval_s");
	symbols = cJSON_GetObjectItemCaseSensitive(root, "symbols");
	if(!cJSON_IsObject(root) || !cJSON_IsObject(symbols)){
		rc = nabz_parse__err(err, errlen, "not a history (no \"symbols\" object)");
	}else if(!cJSON_IsNumber(interval) || interval->valuedouble != NABZ_HISTORY_INTERVAL_MS / 1000){
		rc = nabz_parse__err(err, errlen, "interval_s is not %d", NABZ_HISTORY_INTERVAL_MS / 1000);
	}
	if(rc != 0) symbols = NULL;                     /* read no series */
	cJSON_ArrayForEach(arr, symbols){
		struct nabz_quote q;
		struct nabz_history_series *s;

		if(nabz_quote__init(&q, arr->string) != 0 || strcmp(q.symbol, arr->string) != 0){
			rc = nabz_parse__err(err, errlen, "symbols: \"%.20s\" is not a symbol", arr->string);
			break;
		}
		if(series_of(h, q.symbol, false)){
			rc = nabz_parse__err(err, errlen, "symbols.%s: twice", q.symbol);
			break;
		}
		/* More symbols than can be watched now: the first ones stay. */
		if(h->series_count >= h->max_series) continue;
		s = series_of(h, q.symbol, true);
		if(s == NULL){
			rc = nabz_parse__err(err, errlen, "out of memory");
			break;
		}
		if((rc = read_series(s, arr, now_ms, err, errlen)) != 0) break;
		if(s->count == 0){
			HASH_DEL(h->series, s);
			free(s);
			h->series_count--;
		}
	}
	cJSON_Delete(root);
	if(rc != 0) clear(h);
	return rc;
}

struct load_ctx {
	struct nabz_history *h;
	int64_t now_ms;
};

static int read_file(void *ud, const char *text, size_t len, char *err, size_t errlen)
{
	struct load_ctx *c = ud;

	return nabz_history__read(c->h, text, len, c->now_ms, err, errlen);
}

/* Reads path back; any failure is one log line and an empty history. */
static void load(struct nabz_history *h, int64_t now_ms)
{
	struct load_ctx c = {h, now_ms};

	if(nabz_file__load_logged(h->path, h->max_series * BYTES_PER_SERIES + 4096, "history",
				"starting empty, it is replaced at the next save", read_file, &c) == 0 && h->series_count){
		nabz_log(LOG_NOTICE, "history: %zu symbols read back from %s", h->series_count, h->path);
	}
}

int nabz_history__open(struct nabz_history *h, const char *dir, size_t max_series, int64_t now_ms)
{
	memset(h, 0, sizeof(*h));
	h->max_series = max_series ? max_series : 1;
	h->saved_ms = now_ms;
	if(dir == NULL || dir[0] == '\0') return 0;
	h->path = malloc(strlen(dir) + sizeof(NABZ_HISTORY_FILE) + 1);
	if(h->path == NULL) return -1;
	sprintf(h->path, "%s/%s", dir, NABZ_HISTORY_FILE);
	load(h, now_ms);
	return 0;
}

void nabz_history__close(struct nabz_history *h)
{
	clear(h);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

bool nabz_history__save_due(const struct nabz_history *h, int64_t now_ms)
{
	return h->dirty && h->path && now_ms - h->saved_ms >= NABZ_HISTORY_INTERVAL_MS;
}

/* The file's object; NULL when out of memory. */
static cJSON *file_json(const struct nabz_history *h)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *symbols = root ? cJSON_AddObjectToObject(root, "symbols") : NULL;
	struct nabz_history_series *s, *tmp;

	if(symbols == NULL || cJSON_AddNumberToObject(root, "interval_s", NABZ_HISTORY_INTERVAL_MS / 1000) == NULL){
		cJSON_Delete(root);
		return NULL;
	}
	HASH_ITER(hh, h->series, s, tmp){
		cJSON *d = nabz_history__to_json(h, s->symbol);
		cJSON *points = d ? cJSON_DetachItemFromObjectCaseSensitive(d, "points") : NULL;

		cJSON_Delete(d);
		if(points == NULL) continue;                  /* empty series */
		if(!cJSON_AddItemToObject(symbols, s->symbol, points)){
			cJSON_Delete(points);
			cJSON_Delete(root);
			return NULL;
		}
	}
	return root;
}

int nabz_history__save(struct nabz_history *h, int64_t now_ms)
{
	cJSON *root;
	char *text;
	int rc = -1;

	if(h->path == NULL) return 0;
	h->saved_ms = now_ms;
	root = file_json(h);
	text = root ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	rc = nabz_file__replace_logged(h->path, text, "history", "kept in memory, tried again each minute",
			&h->save_failed);
	if(rc == 0) h->dirty = false;
	cJSON_free(text);
	return rc;
}
