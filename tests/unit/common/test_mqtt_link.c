/* mqtt_link.c without a broker: a link never started is inert, and a
 * broker that refuses is retried with backoff, never sooner than due. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mosquitto.h>

#include "mqtt_link.h"
#include "nabz_test.h"

/* A loopback port nobody listens on (bound, then closed). */
static long closed_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static int connected_calls;

static void on_connected(void *ctx, struct mosquitto *mosq)
{
	(void)ctx;
	(void)mosq;
	connected_calls++;
}

static void test_not_started(void **state)
{
	struct nabz_mqtt_link l;
	bool want_write = true;

	(void)state;
	memset(&l, 0, sizeof(l));
	nabz_mqtt_link__service(&l, true, true, 1000);
	assert_int_equal(nabz_mqtt_link__socket(&l, &want_write), -1);
	assert_false(want_write);
	nabz_mqtt_link__cleanup(&l);
	nabz_mqtt_link__cleanup(&l);        /* twice: still safe */
}

/* Drives the link until the attempt started at now has ended. */
static void settle(struct nabz_mqtt_link *l, int64_t now)
{
	for(int i = 0; i < 200 && l->connecting; i++){
		bool want_write;
		if(nabz_mqtt_link__socket(l, &want_write) < 0) break;
		usleep(5000);
		nabz_mqtt_link__service(l, true, true, now);
	}
}

static void test_refused_then_backoff(void **state)
{
	char host[] = "127.0.0.1", user[] = "", pass[] = "", id[] = "nabz-test-link", prefix[] = "t";
	struct nabz_mqtt_cfg cfg = {host, closed_port(), user, pass, id, prefix, 30};
	const struct nabz_mqtt_link_opts opts = {.clean_session = true, .backoff_min_ms = 200};
	const struct nabz_mqtt_link_hooks hooks = {.connected = on_connected};
	struct nabz_mqtt_link l;
	unsigned tries;
	int64_t due;

	(void)state;
	assert_int_equal(nabz_mqtt_link__init(&l, &cfg, &opts, &hooks), 0);
	assert_false(l.connected || l.connecting);
	nabz_mqtt_link__service(&l, false, false, 1000);
	settle(&l, 1000);
	assert_false(l.connected);
	assert_false(l.connecting);
	assert_int_equal(l.retries, 1);
	due = l.next_connect_ms;
	assert_true(due >= 1000 && due <= 1000 + 200);
	tries = l.retries;
	if(due > 1000){
		/* Not due yet: no attempt. */
		nabz_mqtt_link__service(&l, false, false, due - 1);
		assert_int_equal(l.retries, tries);
		assert_false(l.connecting);
	}
	nabz_mqtt_link__service(&l, false, false, due);
	settle(&l, due);
	assert_int_equal(l.retries, tries + 1);
	assert_true(l.next_connect_ms >= due && l.next_connect_ms <= due + 400);
	assert_int_equal(connected_calls, 0);
	nabz_mqtt_link__cleanup(&l);
	assert_null(l.mosq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_started),
		cmocka_unit_test(test_refused_then_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
