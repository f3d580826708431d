/* Unit tests for plugin/budget.c: the control token bucket, as walks of
 * (time, cost) -> verdict. */
#include <stdbool.h>

#include "nabz_test.h"

#include "budget.h"

#define RATE 2
#define BURST 4

struct step {
	int64_t at_ms;
	long cost;
	enum nabz_budget_verdict want;
};

static void walk(const struct step *steps, size_t n)
{
	struct nabz_budget b = {0};   /* zeroed memory: a full bucket */

	for(size_t i = 0; i < n; i++){
		enum nabz_budget_verdict got = nabz_budget__take(&b, steps[i].cost, RATE, BURST, steps[i].at_ms);
		check_row(got == steps[i].want, "step %zu at %lld ms, cost %ld: got %d, want %d", i,
				(long long)steps[i].at_ms, steps[i].cost, (int)got, (int)steps[i].want);
	}
}

static void test_burst_then_told_once_then_silent(void **state)
{
	static const struct step steps[] = {
		{1000, 1, NABZ_BUDGET_TAKEN},
		{1000, 3, NABZ_BUDGET_TAKEN},          /* the whole burst */
		{1000, 1, NABZ_BUDGET_REFUSE_TELL},    /* told once... */
		{1001, 1, NABZ_BUDGET_REFUSE_SILENT},  /* ...and then nothing */
		{1100, 1, NABZ_BUDGET_REFUSE_SILENT},
		{1500, 1, NABZ_BUDGET_TAKEN},          /* one token back after 500 ms */
		{1500, 1, NABZ_BUDGET_REFUSE_SILENT},  /* still the same episode */
		{2000, 2, NABZ_BUDGET_REFUSE_SILENT},  /* 1 token; 2 wanted */
		{2500, 2, NABZ_BUDGET_TAKEN},
	};
	(void)state;
	walk(steps, N_ELEMS(steps));
}

static void test_a_full_bucket_ends_the_episode(void **state)
{
	static const struct step steps[] = {
		{0, 4, NABZ_BUDGET_TAKEN},
		{0, 1, NABZ_BUDGET_REFUSE_TELL},
		{0, 1, NABZ_BUDGET_REFUSE_SILENT},
		{2000, 4, NABZ_BUDGET_TAKEN},          /* full again after BURST/RATE s */
		{2000, 1, NABZ_BUDGET_REFUSE_TELL},    /* a new episode is told again */
	};
	(void)state;
	walk(steps, N_ELEMS(steps));
}

static void test_never_more_than_the_burst(void **state)
{
	static const struct step steps[] = {
		{0, 1, NABZ_BUDGET_TAKEN},
		{3600000, 4, NABZ_BUDGET_TAKEN},       /* an hour idle is still one burst */
		{3600000, 1, NABZ_BUDGET_REFUSE_TELL},
		{3600000, 5, NABZ_BUDGET_REFUSE_SILENT},
	};
	(void)state;
	walk(steps, N_ELEMS(steps));
}

static void test_a_clock_going_back_gives_nothing(void **state)
{
	static const struct step steps[] = {
		{5000, 4, NABZ_BUDGET_TAKEN},
		{4000, 1, NABZ_BUDGET_REFUSE_TELL},
		{5000, 1, NABZ_BUDGET_REFUSE_SILENT},
	};
	(void)state;
	walk(steps, N_ELEMS(steps));
}

static void test_silenced_and_wait(void **state)
{
	struct nabz_budget b = {0};

	(void)state;
	assert_false(nabz_budget__silenced(&b, RATE, BURST, 0));
	assert_int_equal(nabz_budget__take(&b, 4, RATE, BURST, 0), NABZ_BUDGET_TAKEN);
	assert_false(nabz_budget__silenced(&b, RATE, BURST, 0));   /* not told yet */
	assert_int_equal(nabz_budget__wait_ms(&b, 1, RATE), 501);
	assert_int_equal(nabz_budget__take(&b, 1, RATE, BURST, 0), NABZ_BUDGET_REFUSE_TELL);
	assert_true(nabz_budget__silenced(&b, RATE, BURST, 100));
	assert_false(nabz_budget__silenced(&b, RATE, BURST, 500));  /* a token back */
	assert_int_equal(nabz_budget__wait_ms(&b, 1, RATE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_told_once_then_silent),
		cmocka_unit_test(test_a_full_bucket_ends_the_episode),
		cmocka_unit_test(test_never_more_than_the_burst),
		cmocka_unit_test(test_a_clock_going_back_gives_nothing),
		cmocka_unit_test(test_silenced_and_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
