/* The bridge's outbox (spool.c): its records over common/journal.h, and
 * outbox.log files as earlier versions wrote them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nabz_test.h"
#include "spool.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Pending messages survive, delivered ones and a torn tail do not. */
static void test_spool_reopen(void **state)
{
	char dir[64], path[96], err[256];
	struct nabz_spool s;
	struct nabz_spool_msg *m1;
	FILE *f;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-spool");
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
	assert_int_equal(s.journal.lines, 1);        /* rewritten clean */
	nabz_spool__close(&s);
	nabz_test_rmtree(dir);
}

/* A file an earlier bridge wrote (the format is unchanged): what it
 * left pending is delivered after the upgrade. */
static void test_spool_reads_an_earlier_file(void **state)
{
	char dir[64], path[96], err[256];
	struct nabz_spool s;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-spool");
	snprintf(path, sizeof(path), "%s/outbox.log", dir);
	write_file(path, "A 7 crypto/news {\"type\":\"news\",\"data\":{\"id\":\"x y\"},\"ts\":1}\n"
			"A 8 crypto/alerts {\"type\":\"alert\"}\n"
			"D 7\n"
			"A 9 crypto/alerts {\"type\":\"alert\",\"n\":9}\n");
	assert_int_equal(nabz_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	assert_int_equal(s.count, 2);
	assert_true(s.head->seq == 8);
	assert_string_equal(s.head->topic, "crypto/alerts");
	assert_string_equal(s.head->payload, "{\"type\":\"alert\"}");
	assert_string_equal(s.head->next->payload, "{\"type\":\"alert\",\"n\":9}");
	assert_true(s.next_seq == 10);
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
	assert_null(s.journal.path);
	nabz_spool__close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_reopen),
		cmocka_unit_test(test_spool_reads_an_earlier_file),
		cmocka_unit_test(test_spool_unwritable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
