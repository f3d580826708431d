/*
 * Text made safe to publish: valid UTF-8, no markup, no control
 * characters, cut on a character boundary; and URLs kept only when they
 * are plainly http(s). Pure functions; any thread may call them.
 */
#ifndef NABZ_BRIDGE_PARSE_TEXT_H
#define NABZ_BRIDGE_PARSE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* News text limits, in characters (code points), "…" included. */
#define NABZ_TITLE_MAX_CHARS 300
#define NABZ_SUMMARY_MAX_CHARS 300

/* True when s[0..n) starts with prefix (written in lower case), ASCII
 * case ignored. */
bool nabz_parse__has_prefix_ci(const char *s, size_t n, const char *prefix);

/* Cuts s in place to at most max_bytes bytes without splitting a UTF-8
 * sequence; returns the new length. */
size_t nabz_parse__utf8_truncate(char *s, size_t max_bytes);
/* True when s[0..n) is valid UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF). */
bool nabz_parse__utf8_valid(const char *s, size_t n);

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

#endif
