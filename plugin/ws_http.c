/*
 * HTTP on the WebSocket port: /health, /api/stats, /metrics from the
 * seam's snapshot, the refusals (traversal, unknown paths, methods) and
 * WebSocket upgrades that named no subprotocol. Files under web_root are
 * served by lws's own mounts (ws_server.c). lws thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

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
	int64_t started, last_tick, now = nabz_time__mono_ms();
	struct stat st;
	bool ok;
	char *body;

	nabz_seam__read_figures(ws->seam, &c, &started, &last_tick);
	ok = last_tick && now - last_tick < HEALTH_TICK_STALE_MS
		&& stat(ws->cfg->ws_broker_socket, &st) == 0 && S_ISSOCK(st.st_mode);
	*status = ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE;
	body = malloc(256);
	if(body == NULL) return NULL;
	snprintf(body, 256, "{\"status\":\"%s\",\"uptime_s\":%lld,\"active_connections\":%llu,"
			"\"total_sessions\":%llu}", ok ? "healthy" : "degraded",
			(long long)((now - started) / 1000), (unsigned long long)c.active,
			(unsigned long long)c.total_sessions);
	return body;
}

static char *stats_body(struct nabz_ws *ws)
{
	struct nabz_counts c;
	int64_t started, last_tick;
	cJSON *json;
	char *text, *body;

	nabz_seam__read_figures(ws->seam, &c, &started, &last_tick);
	json = nabz_stats__to_json(&c, (nabz_time__mono_ms() - started) / 1000);
	if(json == NULL) return NULL;
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
	size_t cap = 16384;
	struct nabz_ws_metrics m;
	struct nabz_tcp_metrics tcp;
	char *body = malloc(cap);

	if(body == NULL) return NULL;
	nabz_seam__read_figures(ws->seam, &c, &started, &last_tick);
	nabz_seam__read_tcp(ws->seam, &tcp);
	nabz_ws__metrics_sum(ws->shared, &m);
	if(nabz_metrics__render(body, cap, &c, (nabz_time__mono_ms() - started) / 1000, &m, &tcp) == 0){
		free(body);
		return NULL;
	}
	return body;
}

/* Sends the headers now and the body when writable. Takes body. */
static int respond(struct lws *wsi, struct nabz_http_pss *pss, int status, const char *type, char *body)
{
	uint8_t buf[LWS_PRE + 1024];
	uint8_t *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	size_t len = body ? strlen(body) : 0;

	if(lws_add_http_common_headers(wsi, (unsigned)status, type, (lws_filepos_t)len, &p, end)
			|| lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
				(const unsigned char *)"no-store", 8, &p, end)
			|| lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
				(const unsigned char *)"nosniff", 7, &p, end)
			|| lws_finalize_write_http_header(wsi, start, &p, end)){
		free(body);
		return -1;
	}
	pss->body = body;
	pss->len = len;
	lws_callback_on_writable(wsi);
	return 0;
}

static int handle_request(struct lws *wsi, struct nabz_ws *ws, struct nabz_http_pss *pss)
{
	char uri[256];
	int status = HTTP_STATUS_OK;
	char *body;

	if(lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0){
		/* POST, PUT, ...: nothing here takes them. */
		lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	if(lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0) uri[0] = '\0';
	if(strcmp(uri, "/health") == 0){
		body = health_body(ws, &status);
		return respond(wsi, pss, status, "application/json", body);
	}
	if(strcmp(uri, "/api/stats") == 0){
		body = stats_body(ws);
		if(body == NULL) status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
		return respond(wsi, pss, status, "application/json", body);
	}
	if(strcmp(uri, "/metrics") == 0){
		body = metrics_body(ws);
		if(body == NULL) status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
		return respond(wsi, pss, status, "text/plain; version=0.0.4; charset=utf-8", body);
	}
	/* Anything else that reached this callback is a file lws did not
	 * find (its 404 lands here) or a path under an endpoint. */
	lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int nabz_ws__http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct nabz_http_pss *pss = user;
	struct nabz_ws *ws = nabz_ws__from_wsi(wsi);

	switch(reason){
		case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
			NABZ_WS_COUNT(ws, http_requests, 1);
			if(in && suspicious_path(in, len ? len : strlen(in))){
				lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, NULL);
				return -1;
			}
			return 0;

		case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
			return nabz_ws__confirm_upgrade(wsi, ws);

		case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
			/* Bound to this protocol means no subprotocol of ours, which
			 * the upgrade's confirmation already refused. */
			return -1;

		case LWS_CALLBACK_HTTP:
			if(pss == NULL) return -1;
			return handle_request(wsi, ws, pss);

		case LWS_CALLBACK_HTTP_WRITEABLE:
			if(pss == NULL || pss->body == NULL) break;
			{
				size_t n = pss->len;
				uint8_t *buf = malloc(LWS_PRE + n + 1);
				int rc;
				if(buf == NULL) return -1;
				memcpy(buf + LWS_PRE, pss->body, n);
				rc = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL);
				free(buf);
				free(pss->body);
				pss->body = NULL;
				if(rc < (int)n) return -1;
			}
			return lws_http_transaction_completed(wsi) ? -1 : 0;

		case LWS_CALLBACK_CLOSED_HTTP:
		case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
			if(pss){
				free(pss->body);
				pss->body = NULL;
			}
			break;

		default:
			break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const struct lws_protocols nabz_ws__protocols[] = {
	/* First: HTTP requests and lws's 404s land here. */
	{"http", nabz_ws__http_callback, sizeof(struct nabz_http_pss), 0, 0, NULL, 0},
	/* A 1 KiB receive buffer per client: MQTT packets from browsers are
	 * small, larger messages arrive in several callbacks (measured: 4 KiB
	 * cost 3 KiB more per idle client). The send size must be given apart:
	 * it defaults to the receive buffer's, and writes are 64 KiB. */
	{"mqtt", nabz_ws__mqtt_callback, sizeof(struct nabz_ws_pss), 1024, 0, NULL, NABZ_WS_CHUNK},
	{"mqttv3.1", nabz_ws__mqtt_callback, sizeof(struct nabz_ws_pss), 1024, 0, NULL, NABZ_WS_CHUNK},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

const struct lws_protocols nabz_ws__upstream_protocols[] = {
	{"nabz-upstream", nabz_ws__upstream_callback, 0, 0, 0, NULL, 0},
	{"nabz-wake", nabz_ws__wake_callback, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};
