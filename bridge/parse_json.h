/*
 * Reading one HTTP body as JSON, and the short fixed reasons a parser
 * gives when it refuses one. Numbers that come as JSON numbers or as
 * strings, and the bounds a value must keep to be published, are in
 * common/jsonval.h (nabz-telegram reads them too).
 *
 * Pure functions: no I/O, no globals; any thread may call them.
 */
#ifndef NABZ_BRIDGE_PARSE_JSON_H
#define NABZ_BRIDGE_PARSE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "jsonval.h"

/* An API's own error message is cut to this many bytes in err. */
#define NABZ_API_MSG_MAX 120

/* Writes a fixed reason into err (cut to fit; err may be NULL); returns
 * -1, so a reader can `return nabz_parse__err(...)`. */
int nabz_parse__err(char *err, size_t errlen, const char *fmt, ...)
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

#endif
