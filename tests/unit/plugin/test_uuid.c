/* Unit tests for plugin/uuid.c: random version 4 UUIDs. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "uuid.h"

#define COUNT 10000

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* 8-4-4-4-12 lower-case hex, version nibble 4, variant 8, 9, a or b. */
static bool is_uuid_v4(const char *s)
{
	if(strlen(s) != 36) return false;
	for(size_t i = 0; i < 36; i++){
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if(dash ? s[i] != '-' : !is_lower_hex(s[i])) return false;
	}
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/* The checker itself refuses near misses, so the test can fail. */
static void test_checker(void **state)
{
	static const struct {
		const char *s;
		bool ok;
	} rows[] = {
		{"123e4567-e89b-42d3-a456-426614174000", true},
		{"00000000-0000-4000-8000-000000000000", true},
		{"ffffffff-ffff-4fff-bfff-ffffffffffff", true},
		{"123e4567-e89b-12d3-a456-426614174000", false}, /* version 1 */
		{"123e4567-e89b-42d3-c456-426614174000", false}, /* variant */
		{"123e4567-e89b-42d3-7456-426614174000", false},
		{"123E4567-e89b-42d3-a456-426614174000", false}, /* upper case */
		{"123e4567e89b-42d3-a456-426614174000-", false},
		{"123e4567-e89b-42d3-a456-42661417400", false},
		{"123e4567-e89b-42d3-a456-4266141740000", false},
		{"123e4567-e89b-42d3-a456-42661417400g", false},
		{"", false},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(is_uuid_v4(rows[i].s) == rows[i].ok, "%s", rows[i].s);
	}
}

static void test_format(void **state)
{
	static const char variant_chars[] = "89ab";
	char out[NABZ_UUID_STR_LEN + 8];
	unsigned variants[4] = {0};

	(void)state;
	for(int i = 0; i < 1000; i++){
		memset(out, 'z', sizeof(out));
		assert_int_equal(nabz_uuid__v4(out), 0);
		check_row(is_uuid_v4(out), "bad uuid %s", out);
		/* Writes exactly 37 bytes. */
		assert_int_equal(out[NABZ_UUID_STR_LEN], 'z');
		variants[strchr(variant_chars, out[19]) - variant_chars]++;
	}
	/* All four variant characters turn up (each with p = 1/4). */
	for(int v = 0; v < 4; v++) check_row(variants[v] > 0, "variant %c never seen", variant_chars[v]);
}

static int cmp_uuid(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_unique(void **state)
{
	char (*ids)[NABZ_UUID_STR_LEN] = calloc(COUNT, sizeof(*ids));

	(void)state;
	assert_non_null(ids);
	for(size_t i = 0; i < COUNT; i++){
		assert_int_equal(nabz_uuid__v4(ids[i]), 0);
		check_row(is_uuid_v4(ids[i]), "bad uuid %s", ids[i]);
	}
	qsort(ids, COUNT, sizeof(*ids), cmp_uuid);
	for(size_t i = 1; i < COUNT; i++){
		check_row(strcmp(ids[i - 1], ids[i]) != 0, "duplicate %s", ids[i]);
	}
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
