/* loop.c: the signals set the flags and cut a wait short; the wait
 * returns on its timeout when nothing happens. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <curl/curl.h>

#include "loop.h"
#include "nabz_test.h"
#include "timeutil.h"

static void test_wait_times_out(void **state)
{
	struct nabz_http http;
	struct nabz_mqtt_link link;
	int64_t t0;

	(void)state;
	memset(&link, 0, sizeof(link));                 /* not started: no socket */
	assert_int_equal(nabz_http__init(&http, 1000, 1000, 1024), 0);
	t0 = nabz_time__mono_ms();
	nabz_loop__wait(&http, &link, -5);             /* clamped to 0 */
	nabz_loop__wait(&http, &link, 60);
	assert_true(nabz_time__mono_ms() - t0 >= 50);
	nabz_http__cleanup(&http);
}

static void test_signals(void **state)
{
	struct nabz_http http;
	struct nabz_mqtt_link link;
	struct itimerval in50ms = {{0, 0}, {0, 50000}};
	int64_t t0;

	(void)state;
	memset(&link, 0, sizeof(link));
	assert_int_equal(nabz_http__init(&http, 1000, 1000, 1024), 0);
	nabz_loop__signals(&http, true);
	assert_false(nabz_loop__take_reload());
	raise(SIGHUP);
	t0 = nabz_time__mono_ms();
	nabz_loop__wait(&http, &link, 5000);            /* woken: returns at once */
	assert_true(nabz_time__mono_ms() - t0 < 4000);
	assert_true(nabz_loop__take_reload());
	assert_false(nabz_loop__take_reload());        /* once per signal */
	assert_false(nabz_loop__stopping());

	/* SIGTERM during a long wait: the wait ends early, stopping stays true. */
	signal(SIGALRM, SIG_IGN);
	{
		struct sigaction sa;
		sigaction(SIGTERM, NULL, &sa);
		sigaction(SIGALRM, &sa, NULL);              /* the timer's signal runs the stop handler */
	}
	t0 = nabz_time__mono_ms();
	assert_int_equal(setitimer(ITIMER_REAL, &in50ms, NULL), 0);
	nabz_loop__wait(&http, &link, 5000);
	assert_true(nabz_time__mono_ms() - t0 < 4000);
	assert_true(nabz_loop__stopping());
	assert_true(nabz_loop__stopping());
	nabz_loop__signals_off();
	raise(SIGINT);                                  /* no wake any more: nothing to reach */
	nabz_http__cleanup(&http);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_times_out),
		cmocka_unit_test(test_signals),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
