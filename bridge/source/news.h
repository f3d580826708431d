/*
 * The "news" source: CryptoCompare's JSON news list.
 *
 * Items are appended to out (see quote.h for ownership: the list owns
 * every string); on -1 nothing is appended. Titles and summaries are plain
 * text: markup stripped, entities decoded, valid UTF-8, cut on a character
 * boundary (parse_text.h: NABZ_TITLE_MAX_CHARS, NABZ_SUMMARY_MAX_CHARS).
 * URLs are kept only when http(s). An item's id is the source's id, else
 * its URL; an id already seen in this call is ignored. *skipped (may be
 * NULL) counts items dropped for having no title or no id nor URL.
 * published_ms is 0 when the item's time is absent or unreadable.
 */
#ifndef NABZ_BRIDGE_SOURCE_NEWS_H
#define NABZ_BRIDGE_SOURCE_NEWS_H

#include <stddef.h>

#include "news_item.h"
#include "quote.h"
#include "source.h"

/* CryptoCompare /data/v2/news/?lang=EN: {"Type":100,"Message",
 * "Data":[{"id","guid","published_on","title","url","body","source",
 * "source_info":{"name"}}]}. source is source_info.name, else "source".
 * {"Response":"Error","Message":"..."} (or any Type but 100) gives
 * "API error: <Message>". */
int nabz_parse__cryptocompare_news(const char *body, size_t len,
		struct nabz_news_list *out, size_t *skipped, char *err, size_t errlen);

/* The news source: its request and its parser above. */
extern const struct nabz_source_ops nabz_source_news;

#endif
