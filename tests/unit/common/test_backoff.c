/* backoff.c: capped doubling and the three jitters, table-driven. */
#include <stdint.h>

#include "backoff.h"
#include "nabz_test.h"

static void test_ceiling(void **state)
{
	static const struct {
		const char *what;
		unsigned attempt;
		int64_t base, cap, want;
	} rows[] = {
		{"first retry is base", 0, 500, 30000, 500},
		{"doubles", 1, 500, 30000, 1000},
		{"doubles again", 3, 500, 30000, 4000},
		{"just under the cap", 5, 500, 30000, 16000},
		{"reaches the cap", 6, 500, 30000, 30000},
		{"stays at the cap", 7, 500, 30000, 30000},
		{"ws dial: 5 ms << 8 is over 1 s", 8, 5000, 1000000, 1000000},
		{"attempt overflow", UINT32_MAX, 500, 30000, 30000},
		{"huge cap, huge attempt", UINT32_MAX, 3, INT64_MAX, INT64_MAX},
		{"base above cap: base", 0, 2000, 1000, 2000},
		{"base equals cap", 4, 1000, 1000, 1000},
		{"junk base 0 counts as 1", 0, 0, 100, 1},
		{"junk base negative", 2, -5, 100, 4},
		{"sources: interval over the cap", 0, 900000, 600000, 900000},
	};

	(void)state;
	for(size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++){
		int64_t got = nabz_backoff__ceiling(rows[i].attempt, rows[i].base, rows[i].cap);
		check_row(got == rows[i].want, "%s: got %lld, want %lld", rows[i].what, (long long)got,
				(long long)rows[i].want);
	}
}

static void test_delay(void **state)
{
	static const struct {
		const char *what;
		unsigned attempt;
		int64_t base, cap;
		enum nabz_jitter jitter;
		uint32_t rnd;
		int64_t want;
	} rows[] = {
		{"none is the ceiling", 2, 500, 30000, NABZ_JITTER_NONE, 12345, 2000},
		{"full, rnd 0: 1", 0, 500, 30000, NABZ_JITTER_FULL, 0, 1},
		{"full, rnd ceiling-1: ceiling", 0, 500, 30000, NABZ_JITTER_FULL, 499, 500},
		{"full wraps", 0, 500, 30000, NABZ_JITTER_FULL, 500, 1},
		{"full, rnd max", 20, 500, 30000, NABZ_JITTER_FULL, UINT32_MAX, 1 + (int64_t)(UINT32_MAX % 30000u)},
		{"full, ceiling 1", 0, 1, 1, NABZ_JITTER_FULL, UINT32_MAX, 1},
		{"equal, rnd 0: half", 0, 1000, 60000, NABZ_JITTER_EQUAL, 0, 500},
		{"equal, top: ceiling", 0, 1000, 60000, NABZ_JITTER_EQUAL, 500, 1000},
		{"equal, odd ceiling: at most 6", 0, 7, 60000, NABZ_JITTER_EQUAL, 3, 6},
		{"equal, ceiling 1 stays 1", 0, 1, 1, NABZ_JITTER_EQUAL, 0, 1},
		{"equal at the cap", 99, 1000, 60000, NABZ_JITTER_EQUAL, 30000, 60000},
		{"unknown jitter: ceiling", 1, 10, 100, (enum nabz_jitter)42, 7, 20},
	};

	(void)state;
	for(size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++){
		int64_t got = nabz_backoff__delay(rows[i].attempt, rows[i].base, rows[i].cap, rows[i].jitter, rows[i].rnd);
		check_row(got == rows[i].want, "%s: got %lld, want %lld", rows[i].what, (long long)got,
				(long long)rows[i].want);
	}
}

/* Whatever rnd is, a delay stays in its jitter's range. */
static void test_ranges(void **state)
{
	static const uint32_t rnds[] = {0, 1, 2, 499, 500, 65535, 0x7fffffffu, 0x80000000u, UINT32_MAX};

	(void)state;
	for(unsigned attempt = 0; attempt < 70; attempt++){
		int64_t c = nabz_backoff__ceiling(attempt, 5000, 1000000);
		for(size_t i = 0; i < sizeof(rnds) / sizeof(rnds[0]); i++){
			int64_t full = nabz_backoff__delay(attempt, 5000, 1000000, NABZ_JITTER_FULL, rnds[i]);
			int64_t equal = nabz_backoff__delay(attempt, 5000, 1000000, NABZ_JITTER_EQUAL, rnds[i]);
			check_row(full >= 1 && full <= c, "full, attempt %u rnd %u: %lld", attempt, rnds[i], (long long)full);
			check_row(equal >= c / 2 && equal <= c, "equal, attempt %u rnd %u: %lld", attempt, rnds[i],
					(long long)equal);
		}
	}
}

static void test_random(void **state)
{
	uint32_t seen = 0;

	(void)state;
	/* Not a test of the kernel: only that bits come through. */
	for(int i = 0; i < 8; i++) seen |= nabz_backoff__random();
	assert_true(seen != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
