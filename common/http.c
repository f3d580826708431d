#define _GNU_SOURCE /* strptime, timegm */
#include "http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct transfer {
	struct transfer *next, *prev;  /* every transfer in flight, for cleanup */
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	size_t len;
	size_t cap;
	size_t max;
	bool too_large;
	long retry_after_s;
	char etag[128];
	nabz_http_done_fn fn;
	void *ctx;
};

int nabz_http__init(struct nabz_http *h, long connect_timeout_ms, long timeout_ms, size_t max_body)
{
	memset(h, 0, sizeof(*h));
	h->multi = curl_multi_init();
	if(h->multi == NULL) return -1;
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
	h->connect_timeout_ms = connect_timeout_ms;
	h->timeout_ms = timeout_ms;
	h->max_body = max_body;
	return 0;
}

static void transfer_free(struct transfer *t)
{
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	free(t->body);
	free(t);
}

static void unlink_transfer(struct nabz_http *h, struct transfer *t)
{
	if(t->prev) t->prev->next = t->next;
	else h->transfers = t->next;
	if(t->next) t->next->prev = t->prev;
}

void nabz_http__cleanup(struct nabz_http *h)
{
	if(h->multi == NULL) return;
	while(h->transfers){
		struct transfer *t = h->transfers;
		struct nabz_http_result r;
		unlink_transfer(h, t);
		curl_multi_remove_handle(h->multi, t->easy);
		/* The owner gets its context back to free it. */
		memset(&r, 0, sizeof(r));
		r.body = "";
		r.error = NABZ_HTTP_CANCELLED;
		r.retry_after_s = -1;
		t->fn(t->ctx, &r);
		transfer_free(t);
	}
	curl_multi_cleanup(h->multi);
	h->multi = NULL;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb;

	if(t->len + n > t->max){
		t->too_large = true;
		return 0;                 /* aborts the transfer */
	}
	if(t->len + n + 1 > t->cap){
		size_t cap = t->cap ? t->cap : 16384;
		char *grown;
		while(cap < t->len + n + 1) cap *= 2;
		grown = realloc(t->body, cap);
		if(grown == NULL) return 0;
		t->body = grown;
		t->cap = cap;
	}
	memcpy(t->body + t->len, data, n);
	t->len += n;
	t->body[t->len] = '\0';
	return n;
}

/* Retry-After: seconds, or an HTTP date. */
static long parse_retry_after(const char *v)
{
	char *end;
	long secs = strtol(v, &end, 10);
	struct tm tm;

	if(end != v && (*end == '\0' || isspace((unsigned char)*end))) return secs < 0 ? 0 : secs;
	memset(&tm, 0, sizeof(tm));
	if(strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm)){
		long d = (long)(timegm(&tm) - time(NULL));
		return d < 0 ? 0 : d;
	}
	return -1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb;
	char line[256];
	size_t l = n < sizeof(line) - 1 ? n : sizeof(line) - 1;

	memcpy(line, data, l);
	line[l] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if(strncasecmp(line, "retry-after:", 12) == 0){
		t->retry_after_s = parse_retry_after(line + 12 + strspn(line + 12, " \t"));
	}else if(strncasecmp(line, "etag:", 5) == 0){
		const char *v = line + 5 + strspn(line + 5, " \t");
		snprintf(t->etag, sizeof(t->etag), "%s", v);
	}else if(strncmp(line, "HTTP/", 5) == 0){
		/* a new response (after a redirect): forget the previous headers */
		t->retry_after_s = -1;
		t->etag[0] = '\0';
	}
	return n;
}

static struct transfer *transfer_new(struct nabz_http *h, const char *url, nabz_http_done_fn fn, void *ctx)
{
	struct transfer *t = calloc(1, sizeof(*t));

	if(t == NULL) return NULL;
	t->easy = curl_easy_init();
	if(t->easy == NULL){
		free(t);
		return NULL;
	}
	t->max = h->max_body;
	t->retry_after_s = -1;
	t->fn = fn;
	t->ctx = ctx;
	curl_easy_setopt(t->easy, CURLOPT_URL, url);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_ACCEPT_ENCODING, "");   /* every encoding libcurl has */
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, h->user_agent ? h->user_agent : NABZ_HTTP_USER_AGENT("nabz"));
	curl_easy_setopt(t->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);
	/* Without one, libcurl's own environment variables (https_proxy,
	 * all_proxy, no_proxy) apply. */
	if(h->proxy && h->proxy[0]) curl_easy_setopt(t->easy, CURLOPT_PROXY, h->proxy);
	return t;
}

static int transfer_start(struct nabz_http *h, struct transfer *t)
{
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	if(curl_multi_add_handle(h->multi, t->easy) != CURLM_OK){
		transfer_free(t);
		return -1;
	}
	t->next = h->transfers;
	if(t->next) t->next->prev = t;
	h->transfers = t;
	h->running++;
	return 0;
}

int nabz_http__get(struct nabz_http *h, const char *url, const char *if_none_match,
		nabz_http_done_fn fn, void *ctx)
{
	struct transfer *t = transfer_new(h, url, fn, ctx);
	char hdr[192];

	if(t == NULL) return -1;
	t->headers = curl_slist_append(NULL, "Accept: application/json, application/rss+xml, application/atom+xml, */*;q=0.5");
	if(if_none_match && if_none_match[0]){
		snprintf(hdr, sizeof(hdr), "If-None-Match: %s", if_none_match);
		t->headers = curl_slist_append(t->headers, hdr);
	}
	curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(t->easy, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(t->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	return transfer_start(h, t);
}

int nabz_http__post(struct nabz_http *h, const char *url, const char *content_type,
		const char *body, long timeout_ms, nabz_http_done_fn fn, void *ctx)
{
	struct transfer *t = transfer_new(h, url, fn, ctx);
	char hdr[128];

	if(t == NULL) return -1;
	snprintf(hdr, sizeof(hdr), "Content-Type: %s", content_type);
	t->headers = curl_slist_append(NULL, hdr);
	t->headers = curl_slist_append(t->headers, "Accept: application/json");
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_COPYPOSTFIELDS, body);
	if(timeout_ms > 0) curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	return transfer_start(h, t);
}

int nabz_http__wait(struct nabz_http *h, int extra_fd, short extra_events, int timeout_ms, bool *extra_ready)
{
	struct curl_waitfd extra = {extra_fd, extra_events, 0};
	int numfds = 0;
	CURLMcode rc;

	rc = curl_multi_poll(h->multi, extra_fd >= 0 ? &extra : NULL, extra_fd >= 0 ? 1 : 0, timeout_ms, &numfds);
	*extra_ready = extra_fd >= 0 && extra.revents != 0;
	return rc == CURLM_OK ? 0 : -1;
}

void nabz_http__wakeup(struct nabz_http *h)
{
	curl_multi_wakeup(h->multi);
}

void nabz_http__perform(struct nabz_http *h)
{
	int still, left;
	CURLMsg *msg;

	curl_multi_perform(h->multi, &still);
	while((msg = curl_multi_info_read(h->multi, &left))){
		struct transfer *t = NULL;
		struct nabz_http_result r;
		char errbuf[160];

		if(msg->msg != CURLMSG_DONE) continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		memset(&r, 0, sizeof(r));
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &r.status);
		curl_easy_getinfo(msg->easy_handle, CURLINFO_TOTAL_TIME, &r.seconds);
		r.body = t->body ? t->body : "";
		r.len = t->len;
		r.retry_after_s = t->retry_after_s;
		r.etag = t->etag[0] ? t->etag : NULL;
		if(t->too_large || msg->data.result == CURLE_FILESIZE_EXCEEDED){
			snprintf(errbuf, sizeof(errbuf), "body larger than %zu bytes", t->max);
			r.error = errbuf;
		}else if(msg->data.result != CURLE_OK){
			snprintf(errbuf, sizeof(errbuf), "%s", curl_easy_strerror(msg->data.result));
			r.error = errbuf;
		}
		curl_multi_remove_handle(h->multi, msg->easy_handle);
		unlink_transfer(h, t);
		h->running--;
		t->fn(t->ctx, &r);
		transfer_free(t);
	}
}
