/* Unit tests for plugin/ratelog.c: one log line per reason per interval,
 * the next one saying how many were held back and since when. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "ratelog.h"

static void test_walk(void **state)
{
	static const struct {
		int reason;
		int64_t now;
		bool due;
		unsigned suppressed;
		int64_t since;
	} rows[] = {
		{0, 1000, true, 0, 0},
		{0, 1001, false, 0, 0},
		{0, 10999, false, 0, 0},
		{1, 11000, true, 0, 0},            /* another reason: its own interval */
		{0, 11000, true, 2, 10000},
		{0, 20999, false, 0, 0},
		{0, 100000, true, 1, 89000},
		{2, 100000, true, 0, 0},
	};
	struct nabz_ratelog logs[3];

	(void)state;
	memset(logs, 0, sizeof(logs));
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		unsigned suppressed = 99;
		int64_t since = -1;
		bool due = nabz_ratelog__due(&logs[rows[r].reason], rows[r].now, &suppressed, &since);
		check_row(due == rows[r].due && (!due || (suppressed == rows[r].suppressed && since == rows[r].since)),
				"row %zu: due %d suppressed %u since %lld", r, due, suppressed, (long long)since);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
