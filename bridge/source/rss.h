/*
 * The "rss" source: the configured RSS 2.0 / RSS 1.0 / Atom feeds, read
 * with libxml2, one request per feed.
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
#ifndef NABZ_BRIDGE_SOURCE_RSS_H
#define NABZ_BRIDGE_SOURCE_RSS_H

#include <stddef.h>

#include "news_item.h"
#include "quote.h"
#include "source.h"

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

/* The rss source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_rss;

#endif
