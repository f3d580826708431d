/* Unit tests for bridge/parse_items.c: quotes appended once per symbol, a
 * failed parse undone; and the API error reasons of bridge/parse_json.c. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "parse_items.h"
#include "parse_json.h"

static void test_push_unique_and_errors(void **state)
{
	struct nabz_quote_list l = {0};
	struct nabz_quote a, b;
	char err[32];

	(void)state;
	assert_int_equal(nabz_quote__init(&a, "btc"), 0);
	assert_int_equal(nabz_quote__init(&b, "eth"), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &a), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &a), 1);
	assert_int_equal(nabz_parse__push_unique(&l, 1, &a), 0);   /* only items from index 1 on count */
	assert_int_equal(nabz_parse__push_unique(&l, 0, &b), 0);
	assert_int_equal(l.count, 3);
	nabz_parse__quotes_truncate(&l, 1);
	assert_int_equal(l.count, 1);
	nabz_quotes__free(&l);

	assert_int_equal(nabz_parse__api_error(err, sizeof(err), "Invalid symbol.\n\x01\xc3\xa9"), -1);
	assert_string_equal(err, "API error: Invalid symbol.????");
	nabz_parse__api_error(err, sizeof(err), NULL);
	assert_string_equal(err, "API error: (no message)");
	nabz_parse__api_error(err, sizeof(err), "a very long message that does not fit");
	assert_int_equal(strlen(err), sizeof(err) - 1);
	nabz_parse__err(NULL, 0, "no buffer: %d", 1);
}

/* The symbol index against a plain scan: thousands of symbols, every
 * one pushed twice, windows that move, truncation in between. */
static void test_push_unique_many(void **state)
{
	struct nabz_quote_list l = {0};
	struct nabz_quote q;
	char sym[16];
	const size_t n = 3000;

	(void)state;
	for(size_t round = 0; round < 2; round++){
		for(size_t i = 0; i < n; i++){
			snprintf(sym, sizeof(sym), "S%zu", i);
			assert_int_equal(nabz_quote__init(&q, sym), 0);
			q.price_usd = (double)(round * n + i);
			check_row(nabz_parse__push_unique(&l, 0, &q) == (round ? 1 : 0), "round %zu, %s", round, sym);
		}
	}
	assert_int_equal(l.count, n);
	for(size_t i = 0; i < n; i++){
		const struct nabz_quote *f;
		snprintf(sym, sizeof(sym), "S%zu", i);
		f = nabz_quotes__find(&l, 0, sym);
		check_row(f != NULL && f->price_usd == (double)i, "%s: the first one pushed", sym);
	}
	assert_null(nabz_quotes__find(&l, 0, "S3000"));
	/* a second response appended after the first: only its own items count */
	assert_int_equal(nabz_quote__init(&q, "S7"), 0);
	assert_int_equal(nabz_parse__push_unique(&l, n, &q), 0);
	assert_int_equal(nabz_parse__push_unique(&l, n, &q), 1);
	assert_int_equal(l.count, n + 1);
	assert_ptr_equal(nabz_quotes__find(&l, n, "S7"), &l.items[n]);
	assert_ptr_equal(nabz_quotes__find(&l, 0, "S7"), &l.items[7]);
	assert_null(nabz_quotes__find(&l, n + 1, "S7"));
	/* a failed parse undone: what it appended is no longer found */
	nabz_parse__quotes_truncate(&l, 10);
	assert_null(nabz_quotes__find(&l, 0, "S10"));
	assert_non_null(nabz_quotes__find(&l, 0, "S9"));
	assert_int_equal(nabz_quote__init(&q, "S10"), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &q), 0);
	assert_int_equal(nabz_parse__push_unique(&l, 0, &q), 1);
	/* plain pushes keep the index */
	assert_int_equal(nabz_quote__init(&q, "NEW"), 0);
	assert_int_equal(nabz_quotes__push(&l, &q), 0);
	assert_ptr_equal(nabz_quotes__find(&l, 0, "NEW"), &l.items[l.count - 1]);
	nabz_quotes__free(&l);
	assert_null(nabz_quotes__find(&l, 0, "S1"));
	nabz_quotes__free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_unique_and_errors),
		cmocka_unit_test(test_push_unique_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
