/*
 * What every response parser (parse_*.c) shares: reading a body as JSON,
 * RFC 3339 and RFC 822 times, and text made safe to publish (valid UTF-8,
 * no markup, cut on a character boundary). Numbers that come as JSON
 * numbers or as strings, and the bounds a value must keep to be
 * published, are in common/jsonval.h (nabz-telegram reads them too).
 *
 * Pure functions: no I/O, no globals; any thread may call them.
 */
#ifndef NABZ_BRIDGE_PARSE_UTIL_H
#define NABZ_BRIDGE_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "jsonval.h"
#include "news_item.h"
#include "quote.h"

/* The parsers' names for common/jsonval.h's readers and bounds (the names
 * they were born with; the readers moved to common/ for the bot). */
#define nabz_parse__decimal nabz_jsonval__decimal
#define nabz_parse__number nabz_jsonval__number
#define nabz_parse__whole nabz_jsonval__whole
#define nabz_parse__string nabz_jsonval__string
#define nabz_parse__price_usd_ok nabz_jsonval__price_usd_ok
#define nabz_parse__price_irt_ok nabz_jsonval__price_irt_ok
#define nabz_parse__change_ok nabz_jsonval__change_ok
#define nabz_parse__amount_ok nabz_jsonval__amount_ok
#define nabz_parse__ts_ok nabz_jsonval__ts_ok

/* News text limits, in characters (code points), "…" included. */
#define NABZ_TITLE_MAX_CHARS 300
#define NABZ_SUMMARY_MAX_CHARS 300
/* An API's own error message is cut to this many bytes in err. */
#define NABZ_API_MSG_MAX 120

/* Writes a fixed reason into err (cut to fit; err may be NULL). */
void nabz_parse__err(char *err, size_t errlen, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
/* Writes "API error: <msg>" with msg cut to NABZ_API_MSG_MAX bytes and
 * every byte outside printable ASCII replaced by '?'; returns -1. */
int nabz_parse__api_error(char *err, size_t errlen, const char *msg);

/* parent's member name when is(member) holds; else NULL with err set to
 * "missing field <path>" or "wrong type for <path>" (path names it in
 * the document, e.g. "result.symbols"). */
const cJSON *nabz_parse__field(const cJSON *parent, const char *name, const char *path,
		cJSON_bool (*is)(const cJSON *), char *err, size_t errlen);

/* The body as one JSON value, or NULL with err set: "empty body",
 * "HTML instead of JSON", "not JSON", "trailing data after JSON".
 * The body need not be NUL-terminated; nothing past len is read.
 * The caller frees the result with cJSON_Delete. */
cJSON *nabz_parse__json(const char *body, size_t len, char *err, size_t errlen);
/* True when the body's first non-blank byte is '<' and it looks like an
 * HTML page (a doctype or an <html>, <head>, <body> tag, any case). */
bool nabz_parse__looks_like_html(const char *body, size_t len);



/* An optional value: *out is NAN when item is missing or null, else the
 * number; returns false when it is present but wrong or !ok(value). */
bool nabz_parse__opt(const cJSON *item, bool (*ok)(double), double *out);

/* An epoch time from a JSON number or numeric string counted in seconds
 * (unit_ms 1000) or milliseconds (unit_ms 1); *out_ms in milliseconds,
 * within nabz_parse__ts_ok. NABZ_VAL_OK, _MISSING or _BAD. */
int nabz_parse__epoch(const cJSON *item, int64_t unit_ms, int64_t *out_ms);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t nabz_parse__days_from_civil(int64_t y, int m, int d);
/* "2024-11-27T08:00:00.123456Z", "...+03:30", "...+0330"; 't', 'z' and a
 * blank for 'T' are accepted, the fraction is cut to milliseconds. The
 * whole string must be consumed. Returns 0 or -1. */
int nabz_parse__rfc3339_ms(const char *s, int64_t *out_ms);
/* RFC 822 / RFC 2822 dates as RSS writes them: "Wed, 27 Nov 2024
 * 08:00:00 +0000", with the weekday and seconds optional, two-digit years,
 * "GMT", "UT", "Z", North American zones, military letters (as +0000) and
 * "+03:30". Returns 0 or -1. */
int nabz_parse__rfc822_ms(const char *s, int64_t *out_ms);

/* Cuts s in place to at most max_bytes bytes without splitting a UTF-8
 * sequence; returns the new length. */
size_t nabz_parse__utf8_truncate(char *s, size_t max_bytes);

/* nabz_parse__text's flags. */
#define NABZ_TEXT_STRIP_TAGS 1u       /* drop <...> markup; <script>, <style> with their content */
#define NABZ_TEXT_DECODE_ENTITIES 2u  /* &amp; &#8217; &nbsp; ... to characters */
/* Text made fit to publish, from n bytes of s: invalid UTF-8 replaced by
 * U+FFFD, control characters and runs of blanks turned into one space,
 * trimmed, then cut to max_chars characters (the last being "…" when cut).
 * Returns a malloc'd string, possibly empty, that the caller frees; NULL
 * only when out of memory. */
char *nabz_parse__text(const char *s, size_t n, unsigned flags, size_t max_chars);
/* A copy of url when it is an absolute http(s) URL without blanks or
 * control characters, else NULL (javascript: and data: never get through).
 * *oom is set when NULL is due to memory. */
char *nabz_parse__url(const char *url, bool *oom);

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

/* A CoinGecko id and the symbol it stands for: "bitcoin" / "BTC". */
#define NABZ_COIN_ID_MAX 96
struct nabz_coin_id {
	char id[NABZ_COIN_ID_MAX];
	char symbol[NABZ_SYMBOL_MAX];
};

struct nabz_coin_id_list {
	struct nabz_coin_id *items;     /* owned */
	size_t count;
	size_t cap;
};

/* Appends a copy; returns 0 or -1 when out of memory. */
int nabz_coin_ids__push(struct nabz_coin_id_list *list, const struct nabz_coin_id *c);
void nabz_coin_ids__free(struct nabz_coin_id_list *list);
/* Fills c from an id ([a-z0-9._-], shorter than NABZ_COIN_ID_MAX) and a
 * symbol (as nabz_quote__init takes it, stored upper case); returns -1
 * when either is unfit. */
int nabz_coin_id__init(struct nabz_coin_id *c, const char *id, const char *symbol);

#endif
