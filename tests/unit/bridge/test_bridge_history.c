/* The price history (history.c): one point a minute, a day kept, the
 * bounds, the file across a restart, and a damaged file refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"
#include "history.h"

#define MIN_MS ((int64_t)60000)
/* A day's start (UTC), so a minute's start too. */
#define T0 ((int64_t)1796428800000)

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The last price of a minute is its point; the next minute appends. */
static void test_history_one_point_a_minute(void **state)
{
	struct nabz_history h;
	const struct nabz_history_series *s;

	(void)state;
	assert_int_equal(nabz_history__open(&h, "", 10, T0), 0);
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + 1000, 100.0), 1);
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + 30000, 101.0), 0);
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + 59999, 102.0), 0);
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + MIN_MS, 103.0), 1);
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + 3 * MIN_MS + 5, 104.0), 1);   /* a gap stays a gap */
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + 2 * MIN_MS, 99.0), 0);        /* clock stepped back */
	assert_int_equal(nabz_history__add(&h, "BTC", T0, NAN), -1);
	assert_int_equal(nabz_history__add(&h, "BTC", T0, -1.0), -1);
	s = nabz_history__get(&h, "BTC");
	assert_non_null(s);
	assert_int_equal(s->count, 3);
	assert_true(s->points[0].t_ms == T0 && s->points[0].price_usd == 102.0);
	assert_true(s->points[1].t_ms == T0 + MIN_MS && s->points[1].price_usd == 103.0);
	assert_true(s->points[2].t_ms == T0 + 3 * MIN_MS && s->points[2].price_usd == 104.0);
	assert_null(nabz_history__get(&h, "ETH"));
	nabz_history__close(&h);
}

/* A day of minutes is kept; a point 24 h older than the newest goes. */
static void test_history_keeps_a_day(void **state)
{
	struct nabz_history h;
	const struct nabz_history_series *s;

	(void)state;
	assert_int_equal(nabz_history__open(&h, "", 10, T0), 0);
	for(int64_t i = 0; i < 2 * NABZ_HISTORY_MAX_POINTS + 7; i++){
		assert_int_equal(nabz_history__add(&h, "BTC", T0 + i * MIN_MS, 1000.0 + (double)i), 1);
		s = nabz_history__get(&h, "BTC");
		assert_true(s->count <= NABZ_HISTORY_MAX_POINTS);
	}
	s = nabz_history__get(&h, "BTC");
	assert_int_equal(s->count, NABZ_HISTORY_MAX_POINTS);
	assert_true(s->points[s->count - 1].t_ms - s->points[0].t_ms == NABZ_HISTORY_SPAN_MS - MIN_MS);
	for(size_t i = 1; i < s->count; i++) assert_true(s->points[i].t_ms == s->points[i - 1].t_ms + MIN_MS);
	/* After a long pause, only what is within a day of the new point stays. */
	assert_int_equal(nabz_history__add(&h, "BTC", s->points[s->count - 1].t_ms + 23 * 60 * MIN_MS, 5.0), 1);
	assert_int_equal(s->count, 60 + 1);
	assert_true(s->points[s->count - 1].t_ms - s->points[0].t_ms < NABZ_HISTORY_SPAN_MS);
	nabz_history__close(&h);
}

/* At most max_series symbols: a new one replaces the one updated longest ago. */
static void test_history_bounded_symbols(void **state)
{
	struct nabz_history h;

	(void)state;
	assert_int_equal(nabz_history__open(&h, "", 2, T0), 0);
	assert_int_equal(nabz_history__add(&h, "OLD", T0, 1.0), 1);
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + MIN_MS, 2.0), 1);
	assert_int_equal(nabz_history__add(&h, "ETH", T0 + MIN_MS, 3.0), 1);
	assert_int_equal(h.series_count, 2);
	assert_null(nabz_history__get(&h, "OLD"));
	assert_non_null(nabz_history__get(&h, "BTC"));
	assert_non_null(nabz_history__get(&h, "ETH"));
	nabz_history__close(&h);
}

/* The payload: symbol, interval, [t_ms, price] pairs oldest first. */
static void test_history_to_json(void **state)
{
	struct nabz_history h;
	cJSON *d, *points;
	char *text;

	(void)state;
	assert_int_equal(nabz_history__open(&h, "", 10, T0), 0);
	assert_null(nabz_history__to_json(&h, "BTC"));
	nabz_history__add(&h, "BTC", T0 + 5, 100.5);
	nabz_history__add(&h, "BTC", T0 + MIN_MS, 101.25);
	d = nabz_history__to_json(&h, "BTC");
	assert_non_null(d);
	text = cJSON_PrintUnformatted(d);
	assert_string_equal(text, "{\"symbol\":\"BTC\",\"interval_s\":60,"
			"\"points\":[[1796428800000,100.5],[1796428860000,101.25]]}");
	cJSON_free(text);
	points = cJSON_GetObjectItemCaseSensitive(d, "points");
	assert_int_equal(cJSON_GetArraySize(points), 2);
	cJSON_Delete(d);
	nabz_history__close(&h);
}

/* Saved, then read back by a new start (a bridge restart): the same
 * points, less those a day old by then. */
static void test_history_save_load_round_trip(void **state)
{
	char dir[64];
	struct nabz_history h;
	const struct nabz_history_series *s;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-history");
	assert_int_equal(nabz_history__open(&h, dir, 10, T0), 0);
	assert_int_equal(h.series_count, 0);                       /* no file yet */
	for(int64_t i = 0; i < 90; i++) nabz_history__add(&h, "BTC", T0 + i * MIN_MS, 96000.0 + (double)i / 3);
	nabz_history__add(&h, "ETH", T0 + 89 * MIN_MS + 10, 3644.227534712844);
	assert_false(nabz_history__save_due(&h, T0 + 30000));      /* once a minute at most */
	assert_true(nabz_history__save_due(&h, T0 + 90 * MIN_MS));
	assert_int_equal(nabz_history__save(&h, T0 + 90 * MIN_MS), 0);
	assert_false(nabz_history__save_due(&h, T0 + 200 * MIN_MS));   /* nothing changed */
	nabz_history__close(&h);

	assert_int_equal(nabz_history__open(&h, dir, 10, T0 + 90 * MIN_MS), 0);
	assert_int_equal(h.series_count, 2);
	s = nabz_history__get(&h, "BTC");
	assert_non_null(s);
	assert_int_equal(s->count, 90);
	for(size_t i = 0; i < s->count; i++){
		assert_true(s->points[i].t_ms == T0 + (int64_t)i * MIN_MS);
		assert_true(s->points[i].price_usd == 96000.0 + (double)i / 3);   /* exact through the text */
	}
	s = nabz_history__get(&h, "ETH");
	assert_int_equal(s->count, 1);
	assert_true(s->points[0].price_usd == 3644.227534712844);
	/* The next minute goes on after the loaded points. */
	assert_int_equal(nabz_history__add(&h, "BTC", T0 + 90 * MIN_MS, 1.0), 1);
	nabz_history__close(&h);

	/* Read back a day and 30 minutes after the first point: 30 are too old. */
	assert_int_equal(nabz_history__open(&h, dir, 10, T0 + NABZ_HISTORY_SPAN_MS + 30 * MIN_MS), 0);
	assert_int_equal(nabz_history__get(&h, "BTC")->count, 59);
	nabz_history__close(&h);
	/* With room for one symbol, one is read back. */
	assert_int_equal(nabz_history__open(&h, dir, 1, T0 + 90 * MIN_MS), 0);
	assert_int_equal(h.series_count, 1);
	nabz_history__close(&h);
	nabz_test_rmtree(dir);
}

/* Garbage, a torn file, or the wrong shape: refused whole, never half
 * read; the history starts empty and the next save replaces the file. */
static void test_history_refuses_a_damaged_file(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage \x01\xff not json",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800000,1]",      /* torn */
		"[1,2,3]",
		"{\"interval_s\":60}",
		"{\"interval_s\":300,\"symbols\":{}}",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":{}}}",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800000]]}}",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800000,\"1\"]]}}",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800001,1]]}}",           /* not a minute */
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428860000,1],[1796428800000,2]]}}",   /* out of order */
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800000,0]]}}",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800000,-5]]}}",
		"{\"interval_s\":60,\"symbols\":{\"btc\":[[1796428800000,1]]}}",
		"{\"interval_s\":60,\"symbols\":{\"B/C\":[[1796428800000,1]]}}",
		"{\"interval_s\":60,\"symbols\":{\"BTC\":[[1796428800000,1]],\"BTC\":[[1796428800000,1]]}}",
		"{\"interval_s\":60,\"symbols\":{\"ETH\":[[1796428800000,1]],\"BTC\":[[1e300,1]]}}",
	};
	char dir[64], path[96], err[160];
	struct nabz_history h;

	(void)state;
	for(size_t i = 0; i < N_ELEMS(bad); i++){
		assert_int_equal(nabz_history__open(&h, "", 10, T0), 0);
		nabz_history__add(&h, "KEEP", T0, 1.0);
		err[0] = '\0';
		check_row(nabz_history__read(&h, bad[i], strlen(bad[i]), T0 + MIN_MS, err, sizeof(err)) == -1,
				"row %zu accepted: %s", i, bad[i]);
		check_row(err[0] != '\0', "row %zu: no reason", i);
		check_row(h.series_count == 0 && h.series == NULL, "row %zu: half read", i);
		nabz_history__close(&h);
	}

	nabz_test_tmpdir(dir, sizeof(dir), "nabz-history");
	snprintf(path, sizeof(path), "%s/" NABZ_HISTORY_FILE, dir);
	write_file(path, "\x7f" "ELF garbage");
	assert_int_equal(nabz_history__open(&h, dir, 10, T0), 0);
	assert_int_equal(h.series_count, 0);
	assert_int_equal(nabz_history__add(&h, "BTC", T0, 7.0), 1);
	assert_int_equal(nabz_history__save(&h, T0 + MIN_MS), 0);
	nabz_history__close(&h);
	assert_int_equal(nabz_history__open(&h, dir, 10, T0 + MIN_MS), 0);
	assert_int_equal(nabz_history__get(&h, "BTC")->count, 1);
	nabz_history__close(&h);
	nabz_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_one_point_a_minute),
		cmocka_unit_test(test_history_keeps_a_day),
		cmocka_unit_test(test_history_bounded_symbols),
		cmocka_unit_test(test_history_to_json),
		cmocka_unit_test(test_history_save_load_round_trip),
		cmocka_unit_test(test_history_refuses_a_damaged_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
