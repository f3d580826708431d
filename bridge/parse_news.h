/*
 * News bodies: CryptoCompare's JSON news list, and RSS 2.0 / RSS 1.0 /
 * Atom feeds (libxml2).
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
#ifndef NABZ_BRIDGE_PARSE_NEWS_H
#define NABZ_BRIDGE_PARSE_NEWS_H

#include <stddef.h>

#include "quote.h"

/* CryptoCompare /data/v2/news/?lang=EN: {"Type":100,"Message",
 * "Data":[{"id","guid","published_on","title","url","body","source",
 * "source_info":{"name"}}]}. source is source_info.name, else "source".
 * {"Response":"Error","Message":"..."} (or any Type but 100) gives
 * "API error: <Message>". */
int nabz_parse__cryptocompare_news(const char *body, size_t len,
		struct nabz_news_list *out, size_t *skipped, char *err, size_t errlen);

/* An RSS 2.0 (also 0.9x), RSS 1.0 (RDF) or Atom 1.0 feed.
 * RSS: id = guid, else link; time = pubDate (RFC 822), else dc:date;
 * summary = description. Atom: id = id; link = the alternate link's href;
 * time = published, else updated (RFC 3339); summary = summary, else
 * content. source is the publisher to name; NULL: the feed's own title.
 * Refused: "empty body", "not XML", "HTML instead of RSS or Atom",
 * "not RSS or Atom", "entity declarations not allowed" (no DTD entity is
 * ever expanded and nothing is loaded: no network, no files), "body too
 * large" (over INT_MAX).
 * libxml2 keeps global state: call xmlInitParser() once in main before
 * threads start. */
int nabz_parse__feed(const char *body, size_t len, const char *source,
		struct nabz_news_list *out, size_t *skipped, char *err, size_t errlen);

#endif
