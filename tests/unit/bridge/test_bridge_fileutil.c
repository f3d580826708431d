/* fileutil.c's spool files: reading back line by line (torn tail,
 * unreadable lines) and the open sequence, through the bridge's spool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "nabz_test.h"
#include "spool.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

struct seen {
	char lines[8][32];
	size_t n;
};

/* Accepts lines starting with "ok". */
static int collect(void *ud, char *line)
{
	struct seen *s = ud;

	if(strncmp(line, "ok", 2) != 0) return -1;
	if(s->n < 8) snprintf(s->lines[s->n++], sizeof(s->lines[0]), "%s", line);
	return 0;
}

static void test_read_lines(void **state)
{
	static const struct {
		const char *text;
		size_t good;       /* lines collect accepted */
		size_t lines;      /* lines in the file, a torn one included */
	} rows[] = {
		{"", 0, 0},
		{"ok1\nok2\n", 2, 2},
		{"ok1\nok2\nok3", 2, 3},             /* torn tail: skipped */
		{"ok1\nbad\n\nok2\n", 2, 4},         /* unreadable and empty lines skipped */
		{"bad\nok1\nbad\nok2\nhalf", 2, 5},
		{"\n\n\n", 0, 3},
	};
	char dir[64], path[96];

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-fileutil");
	snprintf(path, sizeof(path), "%s/lines", dir);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct seen s = {0};
		size_t lines = 99;

		write_file(path, rows[i].text);
		check_row(nabz_file__read_lines(path, "test", collect, &s, &lines) == 0, "row %zu", i);
		check_row(s.n == rows[i].good, "row %zu: %zu lines accepted", i, s.n);
		check_row(lines == rows[i].lines, "row %zu: %zu lines counted", i, lines);
		for(size_t j = 0; j < s.n; j++) check_row(strncmp(s.lines[j], "ok", 2) == 0 && !strchr(s.lines[j], '\n'), "row %zu", i);
	}
	{
		struct seen s = {0};
		size_t lines = 99;
		snprintf(path, sizeof(path), "%s/absent", dir);
		assert_int_equal(nabz_file__read_lines(path, "test", collect, &s, &lines), -1);
		assert_int_equal(lines, 0);
	}
	nabz_test_rmtree(dir);
}

/* The bridge's spool through nabz_file__open_spool: pending messages
 * survive, delivered ones and a torn tail do not. */
static void test_spool_reopen(void **state)
{
	char dir[64], path[96], err[256];
	struct nabz_spool s;
	struct nabz_spool_msg *m1;
	FILE *f;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-fileutil");
	assert_int_equal(nabz_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	m1 = nabz_spool__add(&s, "crypto/news", "{\"n\":1}");
	assert_non_null(m1);
	assert_non_null(nabz_spool__add(&s, "crypto/alerts", "{\"n\":2}"));
	nabz_spool__done(&s, m1);
	nabz_spool__close(&s);

	snprintf(path, sizeof(path), "%s/outbox.log", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("junk line\nA", f);   /* an unreadable line, then a line cut short */
	fclose(f);

	assert_int_equal(nabz_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.head->topic, "crypto/alerts");
	assert_string_equal(s.head->payload, "{\"n\":2}");
	assert_true(s.next_seq > 2);
	assert_int_equal(s.lines, 1);        /* rewritten clean */
	nabz_spool__close(&s);
	nabz_test_rmtree(dir);
}

static void test_spool_unwritable(void **state)
{
	char err[256] = "";
	struct nabz_spool s;

	(void)state;
	/* /proc takes no directories, not even from root */
	assert_int_equal(nabz_spool__open(&s, "/proc/nabz-no-such-dir", 100, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot create /proc/nabz-no-such-dir"));
	assert_null(s.path);
	nabz_spool__close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_lines),
		cmocka_unit_test(test_spool_reopen),
		cmocka_unit_test(test_spool_unwritable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
