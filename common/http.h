/*
 * HTTP transfers for both programs (nabz-bridge's fetches from the
 * sources, nabz-telegram's Bot API calls): one curl multi handle per
 * program, every transfer tied to its owner with CURLOPT_PRIVATE, bodies
 * capped, connect and total timeouts, gzip/brotli accepted, ETag for
 * conditional requests, Retry-After read. Proxies come from libcurl's own
 * environment variables (http_proxy, https_proxy, all_proxy, no_proxy) or
 * from h->proxy (http://, socks5h:// ...). Error texts are libcurl's and
 * never hold the URL. Single-threaded.
 */
#ifndef NABZ_HTTP_H
#define NABZ_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

struct nabz_http_result {
	long status;                  /* HTTP status, 0 when the transfer failed */
	const char *body;             /* NUL-terminated copy of the body; valid during the callback */
	size_t len;
	const char *error;            /* NULL when the transfer worked (whatever the status) */
	long retry_after_s;           /* from Retry-After, -1 when absent */
	const char *etag;             /* may be NULL */
	double seconds;               /* total time */
};

/* The error of transfers still running at nabz_http__cleanup. */
#define NABZ_HTTP_CANCELLED "cancelled"

typedef void (*nabz_http_done_fn)(void *ctx, const struct nabz_http_result *r);

struct transfer;

struct nabz_http {
	CURLM *multi;
	struct transfer *transfers;   /* in flight */
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_body;
	unsigned running;
	const char *proxy;            /* CURLOPT_PROXY for every transfer; NULL or "": the environment's; not owned */
	const char *user_agent;       /* NABZ_HTTP_USER_AGENT("program"); NULL: "nabz/<version>"; not owned */
};

/* Who a program says it is to the servers it calls: its name and the
 * project's version (CMake's project(VERSION), the one place it is set). */
#define NABZ_HTTP_USER_AGENT(program) program "/" NABZ_VERSION " (+https://github.com/nabz)"


int nabz_http__init(struct nabz_http *h, long connect_timeout_ms, long timeout_ms, size_t max_body);
/* Ends every transfer, calling its callback with NABZ_HTTP_CANCELLED. */
void nabz_http__cleanup(struct nabz_http *h);

/* Starts a GET; fn(ctx, result) runs from nabz_http__perform when it ends.
 * if_none_match may be NULL. Returns 0 or -1. */
int nabz_http__get(struct nabz_http *h, const char *url, const char *if_none_match,
		nabz_http_done_fn fn, void *ctx);

/* Starts a POST of body (copied) with that Content-Type; timeout_ms 0
 * keeps the handle's. http and https only, no redirects. fn as for GET. */
int nabz_http__post(struct nabz_http *h, const char *url, const char *content_type,
		const char *body, long timeout_ms, nabz_http_done_fn fn, void *ctx);

/* Waits up to timeout_ms for transfers or for extra_fd (the MQTT socket,
 * -1 for none) to be ready; *extra_ready says whether extra_fd is. */
int nabz_http__wait(struct nabz_http *h, int extra_fd, short extra_events, int timeout_ms, bool *extra_ready);
/* Drives the transfers and runs the callbacks of the finished ones. */
void nabz_http__perform(struct nabz_http *h);
/* Makes a nabz_http__wait in progress return (signal handlers). */
void nabz_http__wakeup(struct nabz_http *h);

#endif
