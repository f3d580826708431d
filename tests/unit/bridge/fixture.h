/*
 * Shared by the parser tests: fixtures read from $NABZ_FIXTURES (set by
 * nabz_add_bridge_test), quote and news comparisons, and the checks every
 * parser must pass (junk bodies, every prefix of a valid body).
 *
 * Bodies handed to a parser are heap copies of exactly len bytes with no
 * terminator, so AddressSanitizer reports any read past len.
 */
#ifndef NABZ_TEST_FIXTURE_H
#define NABZ_TEST_FIXTURE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nabz_test.h"
#include "news_item.h"
#include "quote.h"

/* A quote as a table row writes it. */
#define QUOTE(sym, usd, irt, chg, vol, cap, ts) \
	{.symbol = sym, .price_usd = (usd), .price_irt = (irt), .change_24h_pct = (chg), \
		.volume_24h_usd = (vol), .market_cap_usd = (cap), .source_ts_ms = (ts)}

/* $NABZ_FIXTURES/<rel>, exactly its size; fails the test when unreadable. */
char *fx_load(const char *rel, size_t *len);
/* n bytes of s on the heap, no terminator (a 1-byte block for n == 0). */
char *fx_copy(const char *s, size_t n);

/* Equal within 1e-9 relative, or both NAN. */
bool fx_close(double a, double b);
bool fx_quote_eq(const struct nabz_quote *a, const struct nabz_quote *b);
const struct nabz_quote *fx_find(const struct nabz_quote_list *l, const char *symbol);
/* got holds exactly want[0..n), in any order; ctx names the case. */
void fx_check_quotes(const struct nabz_quote_list *got, const struct nabz_quote *want, size_t n, const char *ctx);

/* A parser under test, reduced to body in, quotes out. */
typedef int (*fx_quotes_fn)(const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen);
/* fn on a heap copy of body; err gets the reason. */
int fx_run_quotes(fx_quotes_fn fn, const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen);
/* Every prefix of body[0..len) is refused (-1, nothing appended) or gives
 * quotes each equal to the full body's. Returns the number of prefixes. */
size_t fx_prefixes_quotes(fx_quotes_fn fn, const char *body, size_t len);
/* Bodies no JSON parser may accept, each with the reason it must give:
 * empty, blank, not JSON, HTML error pages, trailing garbage, nesting
 * past cJSON's limit, NUL bytes. Returns the number of rows run. */
size_t fx_json_junk(fx_quotes_fn fn);
/* Runs fn on body and checks -1 with exactly want_err, nothing appended. */
void fx_refused(fx_quotes_fn fn, const char *body, size_t len, const char *want_err, const char *ctx);
void fx_refused_fixture(fx_quotes_fn fn, const char *rel, const char *want_err);

/* News. */
typedef int (*fx_news_fn)(const char *body, size_t len, struct nabz_news_list *out, char *err, size_t errlen);
const struct nabz_news_item *fx_find_news(const struct nabz_news_list *l, const char *id);
bool fx_news_eq(const struct nabz_news_item *a, const struct nabz_news_item *b);
size_t fx_prefixes_news(fx_news_fn fn, const char *body, size_t len);
void fx_refused_news(fx_news_fn fn, const char *body, size_t len, const char *want_err, const char *ctx);

#endif
