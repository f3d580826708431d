/*
 * HTTP on the WebSocket port: /health, /api/stats, /metrics from the
 * seam's snapshot, the refusals (traversal, unknown paths, methods) and
 * WebSocket upgrades that named no subprotocol. Files under /static are
 * ws_files.c's, the others lws' own mount's (ws_server.c). Service
 * threads only (any of them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "data_mode.h"
#include "stats.h"
#include "timeutil.h"
#include "ws_internal.h"

#define HEALTH_TICK_STALE_MS 3000

/* A path lws let through that still names a parent directory, a
 * backslash or a control character is refused outright. */
static bool suspicious_path(const char *uri, size_t len)
{
	for(size_t i = 0; i < len; i++){
		unsigned char c = (unsigned char)uri[i];
		if(c < 0x20 || c == 0x7F || c == '\\') return true;
		if(c == '.' && i + 1 < len && uri[i + 1] == '.') return true;
	}
	return false;
}

static char *health_body(struct nabz_ws *ws, int *status)
{
	struct nabz_counts c;
	struct nabz_cluster_summary cl;
	int64_t started, last_tick, now = nabz_time__mono_ms();
	struct stat st;
	bool ok, cut_off;
	char *body;
	int n;

	nabz_seam__read_figures(ws->seam, &c, &started, &last_tick);
	nabz_seam__read_cluster(ws->seam, &cl);
	ok = last_tick && now - last_tick < HEALTH_TICK_STALE_MS
		&& stat(ws->cfg->ws_broker_socket, &st) == 0 && S_ISSOCK(st.st_mode);
	/* An edge cut off from the core still serves its clients (with its
	 * own figures): degraded, but 200, so a load balancer keeps it. */
	cut_off = cl.enabled && !cl.linked;
	*status = ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE;
	body = malloc(384);
	if(body == NULL) return NULL;
	n = snprintf(body, 384, "{\"status\":\"%s\",\"uptime_s\":%lld,\"active_connections\":%llu,"
			"\"total_sessions\":%llu", ok && !cut_off ? "healthy" : "degraded",
			(long long)((now - started) / 1000), (unsigned long long)c.active,
			(unsigned long long)c.total_sessions);
	if(nabz_data_mode__name(nabz_seam__data_mode(ws->seam))){
		/* "demo": the bridge replays recorded responses, not live prices */
		n += snprintf(body + n, 384 - (size_t)n, ",\"data\":\"%s\"",
				nabz_data_mode__name(nabz_seam__data_mode(ws->seam)));
	}
	if(cl.enabled){
		/* node ids are [A-Za-z0-9_-] (config.c): no escaping needed */
		n += snprintf(body + n, 384 - (size_t)n, ",\"node\":\"%s\",\"cluster_link\":\"%s\"",
				cl.node, cl.linked ? "up" : "down");
	}
	snprintf(body + n, 384 - (size_t)n, "}");
	return body;
}

static char *stats_body(struct nabz_ws *ws)
{
	struct nabz_counts c;
	struct nabz_cluster_summary cl;
	int64_t started, last_tick;
	cJSON *json;
	char *text, *body;

	nabz_seam__read_figures(ws->seam, &c, &started, &last_tick);
	nabz_seam__read_cluster(ws->seam, &cl);
	/* Clustered: the cluster's figures, as crypto/stats has them. */
	json = nabz_stats__to_json(cl.enabled ? &cl.counts : &c, (nabz_time__mono_ms() - started) / 1000);
	if(json == NULL) return NULL;
	if(!nabz_stats__add_cluster(json, cl.enabled ? cl.nodes : 1, cl.enabled ? cl.node : NULL)){
		cJSON_Delete(json);
		return NULL;
	}
	text = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	if(text == NULL) return NULL;
	body = strdup(text);
	cJSON_free(text);
	return body;
}

static char *metrics_body(struct nabz_ws *ws)
{
	struct nabz_counts c;
	int64_t started, last_tick;
	size_t cap = NABZ_METRICS_MAX_BYTES;
	struct nabz_ws_metrics m;
	struct nabz_tcp_metrics tcp;
	struct nabz_cluster_summary cl;
	struct nabz_data_metrics data;
	struct nabz_feed *feed = malloc(sizeof(*feed));    /* a few KiB: not on the lws stack */
	char *body = malloc(cap);

	if(body == NULL || feed == NULL) goto error;
	nabz_seam__read_figures(ws->seam, &c, &started, &last_tick);
	nabz_seam__read_tcp(ws->seam, &tcp);
	nabz_seam__read_cluster(ws->seam, &cl);
	nabz_seam__read_feed(ws->seam, feed);
	nabz_ws__metrics_sum(ws->shared, &m);
	data.feed = feed;
	data.deliveries = nabz_seam__deliveries(ws->seam);
	data.data_mode = nabz_seam__data_mode(ws->seam);
	data.ws_max_connections = (uint64_t)ws->cfg->ws_max_connections;
	data.tcp_max_connections = (uint64_t)ws->cfg->tcp_max_connections;
	if(nabz_metrics__render(body, cap, &c, (nabz_time__mono_ms() - started) / 1000, &m, &tcp, &cl, &data) == 0){
		goto error;
	}
	free(feed);
	return body;

error:
	free(feed);
	free(body);
	return NULL;
}

static const char *reason_phrase(unsigned status)
{
	/* lws 4.1.6 (roles/http/header.c lws_add_http_header_status) knows
	 * phrases for 400..417 and 500..505 only: its 429 line ends "429 ". */
	switch(status){
		case 200: return "OK";
		case 301: return "Moved Permanently";
		case 400: return "Bad Request";
		case 403: return "Forbidden";
		case 404: return "Not Found";
		case 405: return "Method Not Allowed";
		case 414: return "URI Too Long";
		case 415: return "Unsupported Media Type";
		case 429: return "Too Many Requests";
		case 431: return "Request Header Fields Too Large";
		case 500: return "Internal Server Error";
		case 503: return "Service Unavailable";
		default: return "Error";
	}
}

/*
 * Every plain HTTP answer on this port ends its connection (Connection:
 * close), and files do too (on_file_completion). Why not keep-alive: a
 * client may pipeline, sending its next request before the first is
 * answered, and lws 4.1.6 answers that one wrongly. When a response ends
 * with the next request already read (roles/http/server/server.c
 * lws_http_transaction_completed, "resetting/keeping ah as pipeline") it
 * parses it into the reused header table and loses its start: measured,
 * a file then /health answered 200 then 403, two files answered one, and
 * an endpoint answered in two steps got its headers twice and no body.
 * Nothing in lws' API tells whether such a request is waiting, so the one
 * answer that is right for every order is the first response, whole, and
 * a clean close; RFC 9112 9.3.2 has the client send the rest again on a
 * new connection. Browsers never pipeline; the cost is a TCP (or TLS)
 * handshake per request, which monitoring polls pay anyway and pages
 * barely notice (their files are revalidated, mostly 304).
 */

/* Writes the whole response now, headers and body in one write as lws'
 * own lws_return_http_status does (lws keeps what the socket does not
 * take and sends it before the close). head: the headers a GET would get,
 * no body. extra: one more header (Allow, Location), or NULL. Takes body.
 * Returns -1: the caller returns it so lws closes the connection. */
int nabz_ws__http_answer(struct lws *wsi, unsigned status, const char *type, char *body, bool head,
		const struct nabz_ws_header *extra)
{
	size_t len = body ? strlen(body) : 0;
	size_t cap = LWS_PRE + 1024 + len;
	uint8_t *buf = malloc(cap), *start, *p, *end;
	char line[64];
	int n;

	if(buf == NULL){
		free(body);
		return -1;
	}
	start = p = buf + LWS_PRE;
	end = start + 1024 - 1;
	n = snprintf(line, sizeof(line), "HTTP/1.1 %u %s", status, reason_phrase(status));
	if(n < 0 || (size_t)n >= sizeof(line)
			|| lws_add_http_header_by_name(wsi, NULL, (const unsigned char *)line, n, &p, end)
			|| (type && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
					(const unsigned char *)type, (int)strlen(type), &p, end))
			|| lws_add_http_header_content_length(wsi, len, &p, end)
			|| lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
				(const unsigned char *)"close", 5, &p, end)
			|| lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
				(const unsigned char *)"no-store", 8, &p, end)
			|| lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
				(const unsigned char *)"nosniff", 7, &p, end)
			|| (extra && lws_add_http_header_by_name(wsi, (const unsigned char *)extra->name,
					(const unsigned char *)extra->value, (int)strlen(extra->value), &p, end))
			|| lws_finalize_http_header(wsi, &p, end)){
		free(buf);
		free(body);
		return -1;
	}
	if(!head && len){
		memcpy(p, body, len);
		p += len;
	}
	free(body);
	lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP);
	free(buf);
	return -1;
}

/* What the JSON endpoints and files take. */
static const struct nabz_ws_header allow_get_head = {"allow:", "GET, HEAD"};

static int handle_request(struct lws *wsi, struct nabz_ws *ws)
{
	char uri[256];
	int status = HTTP_STATUS_OK;
	bool head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
	char *body;

	if(lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0 && !head){
		/* POST, PUT, ...: nothing here takes them. */
		return nabz_ws__http_answer(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL, false,
				&allow_get_head);
	}
	if(lws_hdr_copy(wsi, uri, sizeof(uri), head ? WSI_TOKEN_HEAD_URI : WSI_TOKEN_GET_URI) < 0) uri[0] = '\0';
	if(strcmp(uri, "/health") == 0){
		body = health_body(ws, &status);
		return nabz_ws__http_answer(wsi, (unsigned)status, "application/json", body, head, NULL);
	}
	if(strcmp(uri, "/api/stats") == 0){
		body = stats_body(ws);
		if(body == NULL) status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
		return nabz_ws__http_answer(wsi, (unsigned)status, "application/json", body, head, NULL);
	}
	if(strcmp(uri, "/metrics") == 0){
		body = metrics_body(ws);
		if(body == NULL) status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
		return nabz_ws__http_answer(wsi, (unsigned)status, "text/plain; version=0.0.4; charset=utf-8",
				body, head, NULL);
	}
	if(nabz_ws__files_match(uri)) return nabz_ws__files_serve(wsi, ws, uri, head);
	/* Anything else that reached this callback is a file lws did not
	 * find (its 404 lands here) or a path under an endpoint. */
	return nabz_ws__http_answer(wsi, HTTP_STATUS_NOT_FOUND, NULL, NULL, head, NULL);
}

/* A file mount's response is lws' own; this adds the close (see above). */
static int add_file_headers(struct lws *wsi, struct lws_process_html_args *args)
{
	unsigned char *p = (unsigned char *)args->p;

	if(lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5,
				&p, (unsigned char *)args->p + args->max_len)){
		return -1;
	}
	args->max_len -= (int)(p - (unsigned char *)args->p);
	args->p = (char *)p;
	return 0;
}

int nabz_ws__http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct nabz_ws *ws = nabz_ws__from_wsi(wsi);
	unsigned status;

	switch(reason){
		case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
			NABZ_WS_COUNT(ws, http_requests, 1);
			/* First: a value lws cut short must not be used. */
			status = nabz_ws__header_size_check(wsi);
			if(status) return nabz_ws__http_answer(wsi, status, NULL, NULL, false, NULL);
			if(in && suspicious_path(in, len ? len : strlen(in))){
				return nabz_ws__http_answer(wsi, HTTP_STATUS_FORBIDDEN, NULL, NULL, false, NULL);
			}
			/* Before the mounts: lws would serve a file to a POST. */
			if(lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0
					&& lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) <= 0){
				return nabz_ws__http_answer(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL, false,
						&allow_get_head);
			}
			return 0;

		case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
			status = nabz_ws__header_size_check(wsi);
			if(status){
				nabz_ws__http_answer(wsi, status, NULL, NULL, false, NULL);
				return 1;   /* answered, as a refused upgrade is (ws_admit.c) */
			}
			return nabz_ws__confirm_upgrade(wsi, ws);

		case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
			/* Bound to this protocol means no subprotocol of ours, which
			 * the upgrade's confirmation already refused. */
			return -1;

		case LWS_CALLBACK_HTTP:
			return handle_request(wsi, ws);

		case LWS_CALLBACK_ADD_HEADERS:
			return add_file_headers(wsi, in);

		case LWS_CALLBACK_HTTP_FILE_COMPLETION:
			return -1;       /* sent whole: close (see nabz_ws__http_answer) */

		default:
			break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const struct lws_protocols nabz_ws__protocols[] = {
	/* First: HTTP requests and lws's 404s land here. */
	{"http", nabz_ws__http_callback, 0, 0, 0, NULL, 0},
	/* A 1 KiB receive buffer per client: MQTT packets from browsers are
	 * small, larger messages arrive in several callbacks (measured: 4 KiB
	 * cost 3 KiB more per idle client). The send size must be given apart:
	 * it defaults to the receive buffer's, and writes are 64 KiB. */
	{"mqtt", nabz_ws__mqtt_callback, sizeof(struct nabz_ws_pss), 1024, 0, NULL, NABZ_WS_CHUNK},
	{"mqttv3.1", nabz_ws__mqtt_callback, sizeof(struct nabz_ws_pss), 1024, 0, NULL, NABZ_WS_CHUNK},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

const struct lws_protocols nabz_ws__upstream_protocols[] = {
	{"nabz-wake", nabz_ws__wake_callback, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};
