/* Unit tests for plugin/hll.c: the estimate's error across cardinalities,
 * the merge (a union counts each element once), and the wire encoding. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "hll.h"

static void add_range(struct nabz_hll *h, const char *prefix, unsigned from, unsigned to)
{
	char id[64];

	for(unsigned i = from; i < to; i++){
		int n = snprintf(id, sizeof(id), "%s%u", prefix, i);
		nabz_hll__add(h, id, (size_t)n);
	}
}

/* Small counts exact (linear counting); large ones within 2 % (the
 * contract's bound; the standard error is 0.81 %). */
static void test_count_error(void **state)
{
	static const struct {
		unsigned n;
		double max_rel_error;   /* 0: exact */
	} rows[] = {
		{0, 0}, {1, 0}, {2, 0}, {10, 0}, {100, 0}, {1000, 0.005}, {30000, 0.02}, {40000, 0.02},
		{10000, 0.02}, {50000, 0.02}, {200000, 0.02},
	};
	struct nabz_hll *h = malloc(sizeof(*h));

	(void)state;
	assert_non_null(h);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		uint64_t got;
		double err;

		nabz_hll__clear(h);
		add_range(h, "user-", 0, rows[i].n);
		got = nabz_hll__count(h);
		err = rows[i].n ? fabs((double)got - rows[i].n) / rows[i].n : (double)got;
		print_message("hll: %u distinct -> %llu (%.3f %%)\n", rows[i].n, (unsigned long long)got, err * 100);
		if(rows[i].max_rel_error == 0){
			check_row(got == rows[i].n, "row %zu: %u distinct counted %llu", i, rows[i].n,
					(unsigned long long)got);
		}else{
			check_row(err <= rows[i].max_rel_error, "row %zu: %u distinct counted %llu (%.2f %%)", i,
					rows[i].n, (unsigned long long)got, err * 100);
		}
	}
	free(h);
}

/* Adding the same id again changes nothing. */
static void test_add_idempotent(void **state)
{
	struct nabz_hll *h = malloc(sizeof(*h));

	(void)state;
	assert_non_null(h);
	nabz_hll__clear(h);
	for(int i = 0; i < 100; i++) nabz_hll__add(h, "alice", 5);
	assert_int_equal(nabz_hll__count(h), 1);
	free(h);
}

/* The merge is the sketch of the union: overlapping sets count the
 * overlap once, and the result does not depend on the order. */
static void test_merge(void **state)
{
	static const struct {
		unsigned a_from, a_to, b_from, b_to, union_n;
		double max_rel_error;
	} rows[] = {
		{0, 1, 0, 1, 1, 0},            /* one user on two edges */
		{0, 10, 5, 15, 15, 0},
		{0, 100, 0, 100, 100, 0},
		{0, 0, 0, 50, 50, 0},          /* an empty node */
		{0, 30000, 20000, 50000, 50000, 0.02},
	};
	struct nabz_hll *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *ab = malloc(sizeof(*ab));

	(void)state;
	assert_true(a && b && ab);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		uint64_t got, got_ba;
		nabz_hll__clear(a);
		nabz_hll__clear(b);
		add_range(a, "u", rows[i].a_from, rows[i].a_to);
		add_range(b, "u", rows[i].b_from, rows[i].b_to);
		*ab = *a;
		nabz_hll__merge(ab, b);
		got = nabz_hll__count(ab);
		nabz_hll__merge(b, a);
		got_ba = nabz_hll__count(b);
		check_row(got == got_ba, "row %zu: a+b %llu, b+a %llu", i, (unsigned long long)got,
				(unsigned long long)got_ba);
		if(rows[i].max_rel_error == 0){
			check_row(got == rows[i].union_n, "row %zu: union of %u counted %llu", i, rows[i].union_n,
					(unsigned long long)got);
		}else{
			check_row(fabs((double)got - rows[i].union_n) / rows[i].union_n <= rows[i].max_rel_error,
					"row %zu: union of %u counted %llu", i, rows[i].union_n, (unsigned long long)got);
		}
	}
	free(a);
	free(b);
	free(ab);
}

/* Encoded and decoded, a sketch is the same; sparse while few registers
 * are set, dense after. */
static void test_encode_round_trip(void **state)
{
	static const struct {
		unsigned n;
		char form;
	} rows[] = {{0, 's'}, {1, 's'}, {500, 's'}, {100000, 'd'}};
	struct nabz_hll *h = malloc(sizeof(*h)), *back = malloc(sizeof(*back));
	char *text = malloc(NABZ_HLL_TEXT_MAX);

	(void)state;
	assert_true(h && back && text);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		size_t len;
		nabz_hll__clear(h);
		add_range(h, "id", 0, rows[i].n);
		len = nabz_hll__encode(h, text, NABZ_HLL_TEXT_MAX);
		check_row(len == strlen(text) && text[0] == rows[i].form && text[1] == ':',
				"row %zu: encoded as %.8s... (%zu)", i, text, len);
		check_row(nabz_hll__decode(back, text) == 0, "row %zu: does not decode", i);
		check_row(memcmp(h->reg, back->reg, sizeof(h->reg)) == 0, "row %zu: registers differ", i);
	}
	assert_int_equal(nabz_hll__encode(h, text, 10), 0);
	free(h);
	free(back);
	free(text);
}

/* What a peer sends is checked: a bad sketch is refused and leaves an
 * empty one, never registers out of range. */
static void test_decode_refuses(void **state)
{
	static const char *const bad[] = {
		"", "s", "x:", "s:00", "s:0000zz", "s:400001",   /* index 16384 */
		"s:000034",                                       /* rank 52 > 51 */
		"d:00", "s:00000", "S:000001",
	};
	struct nabz_hll *h = malloc(sizeof(*h));

	(void)state;
	assert_non_null(h);
	assert_int_equal(nabz_hll__decode(h, "s:"), 0);
	assert_int_equal(nabz_hll__decode(h, "s:000101"), 0);
	assert_int_equal(h->reg[1], 1);
	for(size_t i = 0; i < N_ELEMS(bad); i++){
		check_row(nabz_hll__decode(h, bad[i]) == -1, "\"%s\" accepted", bad[i]);
		check_row(nabz_hll__count(h) == 0, "\"%s\" left registers set", bad[i]);
	}
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_error),
		cmocka_unit_test(test_add_idempotent),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_decode_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
