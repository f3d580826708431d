/*
 * Which WebSocket upgrades are let in, decided before the handshake is
 * answered: path, subprotocol, Origin, capacity, connections per address.
 * A refused browser gets an HTTP status it (and a reverse proxy) can show,
 * the refusal is counted in /metrics, and logged: at most one line per
 * reason every NABZ_RATELOG_EVERY_MS, so a flood cannot flood the log.
 * Service threads only.
 */
#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "ws_internal.h"

void nabz_ws__refuse(struct nabz_ws *ws, enum nabz_ws_refusal why, const char *address, const char *detail)
{
	struct nabz_listener *sh = ws->shared;
	int64_t since;
	unsigned suppressed;
	bool due;

	NABZ_WS_COUNT(ws, refused[why], 1);
	/* One line per reason and interval across every service thread. */
	pthread_mutex_lock(&sh->lock);
	due = nabz_ratelog__due(&sh->refusal_log[why], nabz_time__mono_ms(), &suppressed, &since);
	pthread_mutex_unlock(&sh->lock);
	if(!due) return;
	if(suppressed){
		nabz_seam__log(ws->seam, MOSQ_LOG_NOTICE, "refused WebSocket client %s: %s "
				"(and %u more refused for this reason in the last %lld s)",
				address && address[0] ? address : "?", detail, suppressed, (long long)(since / 1000));
	}else{
		nabz_seam__log(ws->seam, MOSQ_LOG_NOTICE, "refused WebSocket client %s: %s",
				address && address[0] ? address : "?", detail);
	}
}

void nabz_ws__peer_address(struct lws *wsi, struct nabz_ws *ws, char *out, size_t outlen)
{
	char peer[NABZ_ADDR_MAX], xff[512];

	if(lws_get_peer_simple(wsi, peer, sizeof(peer)) == NULL) peer[0] = '\0';
	if(lws_hdr_copy(wsi, xff, sizeof(xff), WSI_TOKEN_X_FORWARDED_FOR) <= 0) xff[0] = '\0';
	nabz_ws__client_address(&ws->cfg->ws_trusted_proxies, peer, xff[0] ? xff : NULL, out, outlen);
}

/* Sec-WebSocket-Protocol is a comma-separated list; lws picks the first
 * entry it knows, so one of ours anywhere in it will do. */
static bool offers_mqtt(const char *list)
{
	const char *p = list;

	while(*p){
		size_t len;
		while(*p == ' ' || *p == '\t' || *p == ',') p++;
		len = strcspn(p, ", \t");
		if((len == 4 && strncmp(p, "mqtt", 4) == 0) || (len == 8 && strncmp(p, "mqttv3.1", 8) == 0)){
			return true;
		}
		p += len;
	}
	return false;
}

static int refuse_with_status(struct lws *wsi, struct nabz_ws *ws, enum nabz_ws_refusal why,
		const char *address, unsigned status, const char *detail)
{
	char *body = strdup(detail);

	nabz_ws__refuse(ws, why, address, detail);
	nabz_ws__http_answer(wsi, status, "text/plain; charset=utf-8", body, false, NULL);
	return 1;   /* answered, with Connection: close: lws closes */
}

int nabz_ws__confirm_upgrade(struct lws *wsi, struct nabz_ws *ws)
{
	char uri[32], protocols[256], origin[NABZ_HEADER_MAX], address[NABZ_ADDR_MAX];
	char detail[NABZ_HEADER_MAX + 64];
	bool have_origin;

	nabz_ws__peer_address(wsi, ws, address, sizeof(address));
	if(lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0
			|| (strcmp(uri, "/mqtt") != 0 && strcmp(uri, "/ws") != 0)){
		return refuse_with_status(wsi, ws, NABZ_REFUSED_PATH, address, HTTP_STATUS_NOT_FOUND,
				"WebSocket upgrades are served on /mqtt and /ws only");
	}
	if(lws_hdr_copy(wsi, protocols, sizeof(protocols), WSI_TOKEN_PROTOCOL) <= 0 || !offers_mqtt(protocols)){
		return refuse_with_status(wsi, ws, NABZ_REFUSED_SUBPROTOCOL, address, HTTP_STATUS_BAD_REQUEST,
				"the WebSocket subprotocol must be mqtt (or mqttv3.1)");
	}
	if(lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) < 0) origin[0] = '\0';
	have_origin = origin[0] != '\0';
	if(!have_origin && !ws->cfg->ws_allow_missing_origin){
		return refuse_with_status(wsi, ws, NABZ_REFUSED_ORIGIN, address, HTTP_STATUS_FORBIDDEN,
				"no Origin header (ws_allow_missing_origin is false)");
	}
	if(have_origin && ws->cfg->ws_origins.count && !nabz_namelist__contains(&ws->cfg->ws_origins, origin)){
		snprintf(detail, sizeof(detail), "Origin %s is not in ws_origins", origin);
		return refuse_with_status(wsi, ws, NABZ_REFUSED_ORIGIN, address, HTTP_STATUS_FORBIDDEN, detail);
	}
	switch(nabz_ws__limits_check(ws->shared, address)){
		case NABZ_REFUSED_CAPACITY:
			snprintf(detail, sizeof(detail), "ws_max_connections (%ld) reached", ws->cfg->ws_max_connections);
			return refuse_with_status(wsi, ws, NABZ_REFUSED_CAPACITY, address,
					HTTP_STATUS_SERVICE_UNAVAILABLE, detail);
		case NABZ_REFUSED_PER_IP:
			snprintf(detail, sizeof(detail), "ws_max_connections_per_ip (%ld) reached",
					ws->cfg->ws_max_connections_per_ip);
			/* 429 Too Many Requests */
			return refuse_with_status(wsi, ws, NABZ_REFUSED_PER_IP, address, 429, detail);
		default:
			break;
	}
	return 0;
}
