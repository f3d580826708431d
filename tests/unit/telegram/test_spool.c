/* The delivery spool: what survives a restart, torn tails, redelivery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nabz_test.h"
#include "spool.h"

static void test_pending_survives_a_restart(void **state)
{
	char dir[64], err[256];
	struct nabz_tg_spool s;
	const int64_t chats[] = {1, 2, -3};
	struct nabz_tg_entry *e1, *e2;
	uint64_t h1 = nabz_tg_spool__hash("one", 3), h2 = nabz_tg_spool__hash("two", 3);

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-tg-spool");
	assert_int_equal(nabz_tg_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	e1 = nabz_tg_spool__add(&s, "{\"n\":1}", h1, chats, 3);
	e2 = nabz_tg_spool__add(&s, "{\"n\":2}", h2, chats, 2);
	assert_non_null(e1);
	assert_non_null(e2);
	assert_int_equal(nabz_tg_spool__sync(&s), 0);
	assert_false(nabz_tg_spool__mark(&s, &e1->targets[0], NABZ_TG_SENT));
	assert_false(nabz_tg_spool__mark(&s, &e1->targets[2], NABZ_TG_FAILED));
	assert_true(nabz_tg_spool__mark(&s, &e2->targets[0], NABZ_TG_SENT) == false);
	assert_true(nabz_tg_spool__mark(&s, &e2->targets[1], NABZ_TG_SENT));    /* e2 done and freed */
	nabz_tg_spool__close(&s);

	assert_int_equal(nabz_tg_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.head->payload, "{\"n\":1}");
	assert_int_equal(s.head->left, 1);
	for(size_t i = 0; i < s.head->ntargets; i++){
		if(s.head->targets[i].state == NABZ_TG_PENDING) assert_true(s.head->targets[i].chat == 2);
	}
	/* both are remembered: a redelivery is recognised */
	assert_true(nabz_tg_spool__seen(&s, h1));
	assert_true(nabz_tg_spool__seen(&s, h2));
	assert_false(nabz_tg_spool__seen(&s, nabz_tg_spool__hash("three", 5)));
	assert_true(s.next_seq > 2);
	nabz_tg_spool__close(&s);
	nabz_test_rmtree(dir);
}

/* A group that became a supergroup: what was pending for it is for the
 * new id, after a restart too; what it had done stays done. */
static void test_readdress_survives_a_restart(void **state)
{
	char dir[64], err[256];
	struct nabz_tg_spool s;
	const int64_t chats[] = {-3, 1};
	struct nabz_tg_entry *e1, *e2;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-tg-spool");
	assert_int_equal(nabz_tg_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	e1 = nabz_tg_spool__add(&s, "{\"n\":1}", nabz_tg_spool__hash("a", 1), chats, 2);
	e2 = nabz_tg_spool__add(&s, "{\"n\":2}", nabz_tg_spool__hash("b", 1), chats, 2);
	assert_non_null(e1);
	assert_non_null(e2);
	assert_false(nabz_tg_spool__mark(&s, &e1->targets[0], NABZ_TG_SENT));   /* -3 had #1 */
	nabz_tg_spool__readdress(&s, -3, -1003);
	assert_true(e2->targets[0].chat == -1003);
	nabz_tg_spool__close(&s);

	assert_int_equal(nabz_tg_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	assert_int_equal(s.count, 2);
	for(struct nabz_tg_entry *e = s.head; e; e = e->next){
		for(size_t i = 0; i < e->ntargets; i++){
			if(e->targets[i].state == NABZ_TG_PENDING) assert_true(e->targets[i].chat == 1 || e->targets[i].chat == -1003);
			else assert_true(e->targets[i].chat == -3);   /* the done one keeps its old id */
		}
	}
	assert_int_equal(s.head->left, 1);                  /* #1: only chat 1 left */
	assert_int_equal(s.head->next->left, 2);            /* #2: chat 1 and -1003 */
	nabz_tg_spool__close(&s);
	nabz_test_rmtree(dir);
}

static void test_a_torn_tail_and_junk_are_skipped(void **state)
{
	char dir[64], err[256], path[128];
	struct nabz_tg_spool s;
	FILE *f;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-tg-spool");
	snprintf(path, sizeof(path), "%s/telegram.spool", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("A 1 00000000000000aa 5,6 {\"n\":1}\n"
			"junk line\n"
			"S 1 5\n"
			"A x y z\n"
			"A 2 00000000000000bb 5 {\"n\":2", f);       /* torn: no newline */
	fclose(f);
	assert_int_equal(nabz_tg_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.head->seq, 1);
	assert_int_equal(s.head->left, 1);
	nabz_tg_spool__close(&s);
	nabz_test_rmtree(dir);
}

/* A file an earlier bot wrote, every kind of line (the format is
 * unchanged): what it left pending is delivered after an upgrade, and the
 * file is written back, then appended to, in that same format. */
static void test_an_earlier_file_reads_and_writes_the_same(void **state)
{
	char dir[64], err[256], path[128], text[512];
	struct nabz_tg_spool s;
	const int64_t chats[] = {8, 9};
	size_t n;
	FILE *f;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-tg-spool");
	snprintf(path, sizeof(path), "%s/telegram.spool", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("H 00000000000000a0\n"
			"A 1 00000000000000a1 5,6,-7 {\"n\":1}\n"
			"A 2 00000000000000a2 5 {\"n\":2}\n"
			"A 3 00000000000000a3 - {\"n\":3}\n"
			"S 1 5\n"
			"X 1 6\n"
			"F 2\n"
			"M -7 -1007\n", f);
	fclose(f);
	assert_int_equal(nabz_tg_spool__open(&s, dir, 100, err, sizeof(err)), 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.head->seq, 1);
	assert_int_equal(s.head->left, 1);
	assert_true(s.head->targets[2].chat == -1007 && s.head->targets[2].state == NABZ_TG_PENDING);
	for(uint64_t h = 0xa0; h <= 0xa3; h++) assert_true(nabz_tg_spool__seen(&s, h));
	assert_non_null(nabz_tg_spool__add(&s, "{\"n\":4}", 0xa4, chats, 2));
	nabz_tg_spool__close(&s);

	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_string_equal(text, "H 00000000000000a0\n"
			"H 00000000000000a1\n"
			"H 00000000000000a2\n"
			"H 00000000000000a3\n"
			"A 1 00000000000000a1 -1007 {\"n\":1}\n"
			"A 4 00000000000000a4 8,9 {\"n\":4}\n");
	nabz_test_rmtree(dir);
}

static void test_compaction_keeps_what_is_pending(void **state)
{
	char dir[64], err[256];
	struct nabz_tg_spool s;
	const int64_t chat = 7;
	struct nabz_tg_entry *keep;

	(void)state;
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-tg-spool");
	assert_int_equal(nabz_tg_spool__open(&s, dir, 100000, err, sizeof(err)), 0);
	keep = nabz_tg_spool__add(&s, "{\"keep\":1}", 1, &chat, 1);
	assert_non_null(keep);
	for(uint64_t i = 0; i < 10000; i++){
		struct nabz_tg_entry *e = nabz_tg_spool__add(&s, "{\"x\":1}", 100 + i, &chat, 1);
		nabz_tg_spool__mark(&s, &e->targets[0], NABZ_TG_SENT);
	}
	assert_true(s.journal.lines < 12000);       /* compacted on the way */
	nabz_tg_spool__close(&s);
	assert_int_equal(nabz_tg_spool__open(&s, dir, 100000, err, sizeof(err)), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.head->payload, "{\"keep\":1}");
	assert_true(nabz_tg_spool__seen(&s, 100 + 9999));
	nabz_tg_spool__close(&s);
	nabz_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_survives_a_restart),
		cmocka_unit_test(test_readdress_survives_a_restart),
		cmocka_unit_test(test_a_torn_tail_and_junk_are_skipped),
		cmocka_unit_test(test_an_earlier_file_reads_and_writes_the_same),
		cmocka_unit_test(test_compaction_keeps_what_is_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
