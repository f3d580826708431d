#include "loop.h"

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "timeutil.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static struct nabz_http *volatile wake_http;

static void on_stop_signal(int sig)
{
	struct nabz_http *h = wake_http;

	(void)sig;
	stop_requested = 1;
	if(h) nabz_http__wakeup(h);   /* async-signal-safe in libcurl */
}

static void on_reload_signal(int sig)
{
	struct nabz_http *h = wake_http;

	(void)sig;
	reload_requested = 1;
	if(h) nabz_http__wakeup(h);
}

void nabz_loop__signals(struct nabz_http *wake, bool reload)
{
	struct sigaction sa;

	wake_http = wake;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if(reload){
		sa.sa_handler = on_reload_signal;
		sigaction(SIGHUP, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
}

void nabz_loop__signals_off(void)
{
	wake_http = NULL;
}

bool nabz_loop__stopping(void)
{
	return stop_requested != 0;
}

bool nabz_loop__take_reload(void)
{
	if(!reload_requested) return false;
	reload_requested = 0;
	return true;
}

void nabz_loop__wait(struct nabz_http *http, struct nabz_mqtt_link *link, int64_t wait_ms)
{
	bool want_write, ready = false;
	int sock = nabz_mqtt_link__socket(link, &want_write);

	if(wait_ms < 0) wait_ms = 0;
	if(wait_ms > INT_MAX) wait_ms = INT_MAX;
	nabz_http__wait(http, sock, (short)(POLLIN | (want_write ? POLLOUT : 0)), (int)wait_ms, &ready);
	nabz_http__perform(http);
	if(ready) nabz_mqtt_link__service(link, true, want_write, nabz_time__mono_ms());
}
