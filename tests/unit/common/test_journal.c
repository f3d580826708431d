/* The journal under both programs' spools (journal.c) and fileutil.c's
 * reading back of it: line by line, a torn tail and unreadable lines
 * skipped, the file rewritten clean at open and by compaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "journal.h"
#include "nabz_test.h"

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

/* A toy owner: "+x" adds x, "-x" removes it; rewritten as the "+x" left. */
struct owner {
	char items[8][16];
	size_t n;
};

static int owner_load(void *ud, char *line)
{
	struct owner *o = ud;

	if(line[0] == '+' && line[1] && o->n < 8){
		snprintf(o->items[o->n++], sizeof(o->items[0]), "%s", line + 1);
		return 0;
	}
	if(line[0] == '-' && line[1]){
		for(size_t i = 0; i < o->n; i++){
			if(strcmp(o->items[i], line + 1) == 0){
				memmove(&o->items[i], &o->items[i + 1], (o->n - i - 1) * sizeof(o->items[0]));
				o->n--;
				return 0;
			}
		}
		return 0;
	}
	return -1;
}

static int owner_write(void *ud, FILE *f, size_t *lines)
{
	struct owner *o = ud;

	for(size_t i = 0; i < o->n; i++){
		if(fprintf(f, "+%s\n", o->items[i]) < 0) return -1;
		(*lines)++;
	}
	return 0;
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Appended lines survive a reopen; finished ones, an unreadable line and
 * a torn tail do not stay in the file. */
static void test_journal_reopen(void **state)
{
	char dir[64], path[96], err[256], text[256];
	struct nabz_journal j;
	struct owner o = {0};
	FILE *f;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-journal");
	assert_int_equal(nabz_journal__open(&j, dir, "test.log", owner_load, owner_write, &o, err, sizeof(err)), 0);
	assert_non_null(j.path);
	assert_int_equal(j.lines, 0);
	assert_int_equal(nabz_journal__append(&j, "+%s", "a"), 0);
	assert_int_equal(nabz_journal__append(&j, "+%s", "b"), 0);
	assert_true(j.dirty);
	assert_int_equal(nabz_journal__sync(&j), 0);
	assert_false(j.dirty);
	assert_int_equal(nabz_journal__append(&j, "-a"), 0);
	assert_int_equal(j.lines, 3);
	nabz_journal__close(&j);
	assert_null(j.path);

	snprintf(path, sizeof(path), "%s/test.log", dir);
	read_file(path, text, sizeof(text));
	assert_string_equal(text, "+a\n+b\n-a\n");
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("junk\n+c", f);       /* an unreadable line, then a line cut short */
	fclose(f);

	assert_int_equal(nabz_journal__open(&j, dir, "test.log", owner_load, owner_write, &o, err, sizeof(err)), 0);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.items[0], "b");
	assert_int_equal(j.lines, 1);       /* rewritten clean */
	read_file(path, text, sizeof(text));
	assert_string_equal(text, "+b\n");
	nabz_journal__close(&j);
	nabz_test_rmtree(dir);
}

/* Compaction: the owner's state only, appends go on after it. */
static void test_journal_rewrite(void **state)
{
	char dir[64], path[96], err[256], text[256];
	struct nabz_journal j;
	struct owner o = {0};

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-journal");
	assert_int_equal(nabz_journal__open(&j, dir, "test.log", owner_load, owner_write, &o, err, sizeof(err)), 0);
	for(int i = 0; i < 5; i++){
		assert_int_equal(nabz_journal__append(&j, "+x%d", i), 0);
		assert_int_equal(nabz_journal__append(&j, "-x%d", i), 0);
	}
	snprintf(o.items[0], sizeof(o.items[0]), "kept");
	o.n = 1;
	assert_int_equal(nabz_journal__rewrite(&j), 0);
	assert_int_equal(j.lines, 1);
	assert_int_equal(nabz_journal__append(&j, "+after"), 0);
	nabz_journal__close(&j);
	snprintf(path, sizeof(path), "%s/test.log", dir);
	read_file(path, text, sizeof(text));
	assert_string_equal(text, "+kept\n+after\n");
	nabz_test_rmtree(dir);
}

/* No state directory, or one that cannot be made: memory only, every
 * call a no-op that succeeds. */
static void test_journal_memory_only(void **state)
{
	char err[256] = "";
	struct nabz_journal j;
	struct owner o = {0};

	(void)state;
	assert_int_equal(nabz_journal__open(&j, "", "test.log", owner_load, owner_write, &o, err, sizeof(err)), 0);
	assert_null(j.path);
	assert_int_equal(nabz_journal__append(&j, "+a"), 0);
	assert_int_equal(nabz_journal__sync(&j), 0);
	assert_int_equal(nabz_journal__rewrite(&j), 0);
	assert_int_equal(j.lines, 0);
	nabz_journal__close(&j);

	/* /proc takes no directories, not even from root */
	assert_int_equal(nabz_journal__open(&j, "/proc/nabz-no-such-dir", "test.log", owner_load, owner_write, &o,
			err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot create /proc/nabz-no-such-dir"));
	assert_null(j.path);
	assert_null(j.file);
	assert_int_equal(nabz_journal__append(&j, "+a"), 0);
	nabz_journal__close(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_lines),
		cmocka_unit_test(test_journal_reopen),
		cmocka_unit_test(test_journal_rewrite),
		cmocka_unit_test(test_journal_memory_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
