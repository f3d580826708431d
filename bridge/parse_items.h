/*
 * Appending what a parser read to the lists it hands out (quote.h says
 * who owns what): quotes once per symbol, news items cleaned and once per
 * id, and the undoing of a failed parse's appends, so that a parser
 * returning -1 has handed nothing out. Pure functions.
 */
#ifndef NABZ_BRIDGE_PARSE_ITEMS_H
#define NABZ_BRIDGE_PARSE_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "news_item.h"
#include "quote.h"

/* Appends q unless list->items[from..] already holds its symbol.
 * Returns 0 when appended, 1 for a duplicate, -1 when out of memory. */
int nabz_parse__push_unique(struct nabz_quote_list *list, size_t from, const struct nabz_quote *q);
/* What a per-item reader makes of one item. */
enum {
	NABZ_ITEM_OK = 0,       /* *q filled */
	NABZ_ITEM_IGNORED = 1,  /* not asked for: not counted */
	NABZ_ITEM_BAD = 2,      /* asked for but unfit: counted in *skipped */
};
typedef int (*nabz_item_fn)(const cJSON *item, void *ctx, struct nabz_quote *q);
/* Runs fn on every child of container (array or object) and appends
 * each NABZ_ITEM_OK quote with nabz_parse__push_unique(out, from, ..);
 * adds the NABZ_ITEM_BAD ones to *bad. Returns 0, or -1 when out of
 * memory (err set). */
int nabz_parse__each_quote(const cJSON *container, nabz_item_fn fn, void *ctx,
		struct nabz_quote_list *out, size_t from, size_t *bad, char *err, size_t errlen);
/* Drops items from index count on (undoing a failed parse's appends). */
void nabz_parse__quotes_truncate(struct nabz_quote_list *list, size_t count);
void nabz_parse__news_truncate(struct nabz_news_list *list, size_t count);

/* One news item as a source gives it: NUL-terminated strings, any of
 * them NULL. */
struct nabz_news_raw {
	const char *id;         /* the source's id; NULL: the URL stands in */
	const char *title;      /* required */
	const char *url;
	const char *source;     /* the publisher */
	const char *summary;    /* text or HTML */
	int64_t published_ms;   /* 0 when unknown */
};
/* Cleans raw with nabz_parse__text (tags stripped, entities decoded,
 * title and summary cut to NABZ_TITLE_MAX_CHARS / NABZ_SUMMARY_MAX_CHARS),
 * keeps the URL only when nabz_parse__url does, and appends the item.
 * Returns NABZ_ITEM_OK, NABZ_ITEM_BAD (no title, or neither a usable id
 * nor URL), NABZ_ITEM_IGNORED (its id is already in out->items[from..]),
 * or -1 when out of memory. */
int nabz_parse__push_news(struct nabz_news_list *out, size_t from, const struct nabz_news_raw *raw);

#endif
