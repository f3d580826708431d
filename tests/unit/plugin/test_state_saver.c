/* Unit tests for plugin/state_saver.c: the state file written on a thread
 * of its own, the newest figures winning, a failed write tried again and
 * said once, and what is left unwritten at the stop. */
#define _GNU_SOURCE /* mkdtemp */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>

#include "nabz_test.h"

#include "seam.h"
#include "state_saver.h"

/* The broker's log, which the plugin has when loaded: lines written on the
 * test's (the broker's) thread land here. */
static char broker_log[4096];

void mosquitto_log_printf(int level, const char *fmt, ...)
{
	size_t used = strlen(broker_log);
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(broker_log + used, sizeof(broker_log) - used, fmt, ap);
	va_end(ap);
	strncat(broker_log, "\n", sizeof(broker_log) - strlen(broker_log) - 1);
}

/* Lines the saver thread queued on the seam. */
static char seam_log[4096];

static void seam_line(int level, const char *text)
{
	(void)level;
	strncat(seam_log, text, sizeof(seam_log) - strlen(seam_log) - 2);
	strcat(seam_log, "\n");
}

struct fixture {
	char dir[64];
	char path[128];            /* <dir>/state.json */
	char deep[160];            /* <dir>/later/state.json: its directory is made by a test */
	struct nabz_seam seam;
	struct nabz_state_saver saver;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if(f == NULL) return -1;
	nabz_test_tmpdir(f->dir, sizeof(f->dir), "nabz-unit-saver");
	snprintf(f->path, sizeof(f->path), "%s/state.json", f->dir);
	snprintf(f->deep, sizeof(f->deep), "%s/later/state.json", f->dir);
	if(nabz_seam__init(&f->seam, 0) != 0) return -1;
	broker_log[0] = seam_log[0] = '\0';
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nabz_state_saver__stop(&f->saver);
	nabz_state_saver__cleanup(&f->saver);
	nabz_seam__cleanup(&f->seam);
	nabz_test_rmtree(f->dir);
	free(f);
	return 0;
}

static bool holds(const char *path, uint64_t total)
{
	struct nabz_persisted got;
	char err[256];

	return nabz_state__load(path, &got, err, sizeof(err)) == NABZ_STATE_LOADED
			&& got.total_sessions == total;
}

/* Polls for up to 5 s: the saver thread's pace is not the test's. */
static bool eventually_holds(struct fixture *f, const char *path, uint64_t total)
{
	for(int i = 0; i < 500; i++){
		nabz_seam__drain_log(&f->seam, seam_line);
		if(holds(path, total)) return true;
		usleep(10000);
	}
	return false;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for(const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
	return n;
}

static void test_written_by_the_thread(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {7, 3, 0};

	assert_int_equal(nabz_state_saver__init(&f->saver, f->path, 1000, &f->seam), 0);
	assert_int_equal(nabz_state_saver__start(&f->saver), 0);
	nabz_state_saver__request(&f->saver, &p);
	assert_true(eventually_holds(f, f->path, 7));
	assert_false(nabz_state_saver__stop(&f->saver));     /* nothing left to write */
	assert_string_equal(broker_log, "");
}

/* Requests faster than the disk: the last figures are the ones on it. */
static void test_newest_figures_win(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nabz_state_saver__init(&f->saver, f->path, 1000, &f->seam), 0);
	assert_int_equal(nabz_state_saver__start(&f->saver), 0);
	for(uint64_t i = 1; i <= 200; i++){
		struct nabz_persisted p = {i, i, 0};
		nabz_state_saver__request(&f->saver, &p);
	}
	assert_true(eventually_holds(f, f->path, 200));
	assert_false(nabz_state_saver__stop(&f->saver));
}

/* A write that fails is tried again every retry_ms, said once, and its
 * recovery said once. */
static void test_failed_write_retried_and_said_once(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {11, 5, 0};
	char later[128];

	assert_int_equal(nabz_state_saver__init(&f->saver, f->deep, 20, &f->seam), 0);
	assert_int_equal(nabz_state_saver__start(&f->saver), 0);
	nabz_state_saver__request(&f->saver, &p);
	usleep(300000);                                    /* ~15 retries */
	nabz_seam__drain_log(&f->seam, seam_line);
	check_row(count(seam_log, "cannot save state") == 1, "log:\n%s", seam_log);
	snprintf(later, sizeof(later), "%s/later", f->dir);
	assert_int_equal(mkdir(later, 0755), 0);
	assert_true(eventually_holds(f, f->deep, 11));
	usleep(50000);
	nabz_seam__drain_log(&f->seam, seam_line);
	check_row(count(seam_log, "cannot save state") == 1 && count(seam_log, "saved to") == 1
			&& strstr(seam_log, "state saved to") != NULL, "log:\n%s", seam_log);
	assert_false(nabz_state_saver__stop(&f->saver));
	assert_string_equal(broker_log, "");             /* the thread never logs directly */
}

/* Figures not on disk at the stop are reported, for the last write. */
static void test_stop_reports_what_is_not_written(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {4, 4, 0};

	assert_int_equal(nabz_state_saver__init(&f->saver, f->deep, 60000, &f->seam), 0);
	assert_int_equal(nabz_state_saver__start(&f->saver), 0);
	nabz_state_saver__request(&f->saver, &p);
	for(int i = 0; i < 500 && count(seam_log, "cannot save state") == 0; i++){
		usleep(10000);
		nabz_seam__drain_log(&f->seam, seam_line);
	}
	assert_true(nabz_state_saver__stop(&f->saver));    /* stops without waiting the minute */
	assert_false(nabz_state_saver__stop(&f->saver));   /* said once */
}

/* Before start (the first write, at init) and after stop (the last, at
 * cleanup), a request is written at once on the caller's thread and its
 * failure goes to the broker's log directly. */
static void test_without_the_thread_written_at_once(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {9, 2, 0};

	assert_int_equal(nabz_state_saver__init(&f->saver, f->path, 1000, &f->seam), 0);
	nabz_state_saver__request(&f->saver, &p);
	assert_true(holds(f->path, 9));
	assert_string_equal(broker_log, "");

	nabz_state_saver__cleanup(&f->saver);
	assert_int_equal(nabz_state_saver__init(&f->saver, f->deep, 1000, &f->seam), 0);
	nabz_state_saver__request(&f->saver, &p);
	p.total_sessions++;
	nabz_state_saver__request(&f->saver, &p);
	check_row(count(broker_log, "cannot save state") == 1, "log:\n%s", broker_log);
}

/* The broker thread never waits for the disk. The write's temporary file
 * is a FIFO nobody reads, so open() in the write blocks until the test
 * opens it: a request that wrote on the caller's thread would hang there
 * (the alarm then ends the test as failed). */
static void test_request_never_waits_for_the_write(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {5, 5, 0};
	char tmp[160];
	int reader;

	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_int_equal(mkfifo(tmp, 0600), 0);
	assert_int_equal(nabz_state_saver__init(&f->saver, f->path, 20, &f->seam), 0);
	assert_int_equal(nabz_state_saver__start(&f->saver), 0);
	alarm(10);
	nabz_state_saver__request(&f->saver, &p);        /* returns while the write is stuck */
	p.total_sessions = 6;
	nabz_state_saver__request(&f->saver, &p);
	alarm(0);
	assert_false(holds(f->path, 6));
	/* Unstuck: that write fails (no fsync on a FIFO), which removes the
	 * FIFO; the retry writes the newest figures. */
	reader = open(tmp, O_RDONLY | O_NONBLOCK);
	assert_true(reader >= 0);
	assert_true(eventually_holds(f, f->path, 6));
	close(reader);
	assert_false(nabz_state_saver__stop(&f->saver));
}

/* Figures equal to the ones read back or last asked for write nothing;
 * after a stop with a write not done, the same figures are written again. */
static void test_unchanged_figures_write_nothing(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {3, 2, 0};
	char later[128];

	assert_int_equal(nabz_state_saver__init(&f->saver, f->deep, 60000, &f->seam), 0);
	nabz_state_saver__read_back(&f->saver, &p);
	nabz_state_saver__request(&f->saver, &p);          /* no write: no error said */
	assert_string_equal(broker_log, "");
	assert_int_equal(nabz_state_saver__start(&f->saver), 0);
	p.total_sessions = 4;
	nabz_state_saver__request(&f->saver, &p);          /* fails on the thread */
	for(int i = 0; i < 500 && count(seam_log, "cannot save state") == 0; i++){
		usleep(10000);
		nabz_seam__drain_log(&f->seam, seam_line);
	}
	assert_true(nabz_state_saver__stop(&f->saver));
	snprintf(later, sizeof(later), "%s/later", f->dir);
	assert_int_equal(mkdir(later, 0755), 0);
	nabz_state_saver__request(&f->saver, &p);          /* the same figures, written now */
	assert_true(holds(f->deep, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_written_by_the_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newest_figures_win, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_retried_and_said_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_reports_what_is_not_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_the_thread_written_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_never_waits_for_the_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_figures_write_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
