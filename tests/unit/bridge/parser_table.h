/*
 * Every response parser of the bridge behind one shape, and the promise
 * each keeps whatever the body: 0, or -1 with a reason and nothing handed
 * out; and everything handed out is publishable (symbols, prices in range,
 * clean UTF-8 text, plausible times). Shared by the byte-mutation unit test
 * (test_bridge_parse_fuzz.c) and the libFuzzer target
 * (tests/fuzz/fuzz_bridge_parsers.c). No cmocka here: a broken promise is
 * returned as text for the caller's own way of failing.
 */
#ifndef NABZ_TEST_PARSER_TABLE_H
#define NABZ_TEST_PARSER_TABLE_H

#include <stddef.h>

struct nabz_quote_list;
struct nabz_news_list;

/* Each parser reduced to body in, quotes or news out. */
typedef int (*parser_quotes_fn)(const char *b, size_t n, struct nabz_quote_list *o, char *e, size_t el);
typedef int (*parser_news_fn)(const char *b, size_t n, struct nabz_news_list *o, char *e, size_t el);

struct parser_entry {
	const char *name;
	const char *dir;      /* its fixtures, under tests/fixtures/api */
	parser_quotes_fn quotes;   /* one of the two */
	parser_news_fn news;
};

extern const struct parser_entry parser_table[];
extern const size_t parser_table_len;

/* Once, before the first run: the CoinGecko id table. 0 or -1. */
int parser_table_init(void);

/* Runs parser i on a heap copy of exactly body[0..len) (so ASan sees a read
 * past len) and checks its promise. Returns NULL when kept, else what broke
 * (a static buffer, valid until the next call). */
const char *parser_table_run(size_t i, const char *body, size_t len);

#endif
