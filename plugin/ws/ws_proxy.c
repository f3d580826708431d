/*
 * The proxy: each browser's MQTT bytes from its WebSocket to its own
 * connection on the broker's unix socket (ws_upstream.c), and back.
 * Service threads only: each conn lives on the thread that accepted it.
 *
 * Memory stays bounded both ways: browser -> broker is paused with
 * lws_rx_flow_control when the broker link lags; broker -> browser is
 * never paused (that would push the queue into the broker), so a browser
 * that does not read is cut off once ws_buffer_bytes are waiting for it,
 * and counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "backoff.h"
#include "mqtt_connect.h"
#include "timeutil.h"
#include "uuid.h"
#include "ws_internal.h"

#define DIAL_BASE_US 5000        /* first retry within 5 ms */
#define DIAL_CAP_US 1000000      /* retries at most 1 s apart */

static void conn_free(struct nabz_conn *conn)
{
	if(conn->pending_id){
		/* A no-op when the broker took them, or a newer connection with
		 * the same id replaced them. (The broker may yet read a CONNECT
		 * we had forwarded before we closed its link: that session then
		 * shows the socket path as address, and it is gone at once.) */
		nabz_seam__drop_details(conn->ws->seam, conn->pending_id, conn->pending_seq);
		free(conn->pending_id);
	}
	lws_sul_cancel(&conn->sul_dial);
	lws_sul_cancel(&conn->sul_connect);
	nabz_bytebuf__free(&conn->up);
	nabz_bytebuf__free(&conn->down);
	free(conn);
}

/* Closes the browser side from anywhere: with a close frame when its
 * socket takes writes, else when lws gives up on it. */
static void close_client(struct nabz_conn *conn)
{
	if(conn->client) lws_set_timeout(conn->client, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
}

static void flush_up(struct nabz_conn *conn);

/* ---- the broker link ------------------------------------------------ */

static void dial(struct nabz_conn *conn);

static void dial_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct nabz_conn *conn = lws_container_of(sul, struct nabz_conn, sul_dial);

	dial(conn);
}

static void dial_failed(struct nabz_conn *conn, int err)
{
	struct nabz_ws *ws = conn->ws;
	int64_t waited = nabz_time__mono_ms() - conn->dial_started_ms;
	lws_usec_t delay;

	if(waited > ws->cfg->ws_handshake_timeout_s * 1000){
		char detail[sizeof(((struct sockaddr_un *)0)->sun_path) + 96];
		snprintf(detail, sizeof(detail), "cannot reach the broker at %s after %u tries (%s)",
				ws->cfg->ws_broker_socket, conn->dial_attempts, strerror(err));
		nabz_ws__refuse(ws, NABZ_REFUSED_BROKER_DOWN, conn->details.address, detail);
		close_client(conn);
		return;
	}
	/* 2.0.11 listens on unix sockets with a backlog of 10, and the
	 * listener exists only after plugin init: bursts and early clients
	 * retry with exponential backoff and full jitter;
	 * dial_attempts counts the failed try, so the first retry waits up to
	 * 2 * DIAL_BASE_US. */
	delay = nabz_backoff__delay(conn->dial_attempts, DIAL_BASE_US, DIAL_CAP_US, NABZ_JITTER_FULL,
			nabz_backoff__random());
	lws_sul_schedule(lws_get_context(conn->client), 0, &conn->sul_dial, dial_retry_cb, delay);
}

static void dial(struct nabz_conn *conn)
{
	if(conn->client == NULL) return;
	conn->dial_attempts++;
	if(nabz_upstream__open(conn) != 0){
		dial_failed(conn, errno);
		return;
	}
	conn->state = NABZ_CONN_OPEN;
	flush_up(conn);    /* the CONNECT, and whatever followed it */
}

/* ---- the first packet ----------------------------------------------- */

static int generated_client_id(char out[40])
{
	memcpy(out, "ws-", 3);
	return nabz_random__hex(out + 3, 16);
}

/* Gives an empty client id a generated one (paho 3.1.1 sends none with a
 * clean session), so the connection details can be keyed by it. */
static int replace_empty_client_id(struct nabz_conn *conn, const struct nabz_connect_info *info,
		char *client_id, size_t idlen)
{
	struct nabz_bytebuf rebuilt = {0};
	const uint8_t *data;
	size_t n, out_len;
	uint8_t *out;

	(void)idlen;
	if(generated_client_id(client_id) != 0) return -1;
	data = nabz_bytebuf__peek(&conn->up, &n);
	out = malloc(info->packet_len + 64);
	if(out == NULL) return -1;
	out_len = nabz_mqtt_connect__with_client_id(data, info, client_id, out, info->packet_len + 64);
	if(out_len == 0
			|| nabz_bytebuf__append(&rebuilt, out, out_len, SIZE_MAX) != 0
			|| nabz_bytebuf__append(&rebuilt, data + info->packet_len, n - info->packet_len, SIZE_MAX) != 0){
		free(out);
		nabz_bytebuf__free(&rebuilt);
		return -1;
	}
	free(out);
	nabz_bytebuf__free(&conn->up);
	conn->up = rebuilt;
	return 0;
}

/* Refuses a CONNECT whose client id the broker would refuse (or that is
 * too long to keep) as a broker does: a CONNACK saying so, then a close.
 * MQTT.js and paho then report "identifier rejected" rather than a
 * dropped connection. Nothing is recorded for it. */
static int refuse_client_id(struct nabz_conn *conn, const struct nabz_connect_info *info)
{
	/* 3.1 and 3.1.1: return code 2, identifier rejected. 5: reason 0x85,
	 * Client Identifier not valid, and a properties length of 0. */
	static const uint8_t v3[] = {0x20, 0x02, 0x00, 0x02};
	static const uint8_t v5[] = {0x20, 0x03, 0x00, 0x85, 0x00};
	const uint8_t *connack = info->protocol_level == 5 ? v5 : v3;
	size_t n = info->protocol_level == 5 ? sizeof(v5) : sizeof(v3);

	nabz_ws__refuse(conn->ws, NABZ_REFUSED_BAD_CONNECT, conn->details.address, info->error);
	nabz_bytebuf__free(&conn->up);
	if(nabz_bytebuf__append(&conn->down, connack, n, SIZE_MAX) != 0) return -1;
	conn->state = NABZ_CONN_CLOSING;
	conn->close_client_after_flush = true;
	lws_callback_on_writable(conn->client);
	return 0;
}

/* Returns -1 to close the browser's connection. */
static int on_first_bytes(struct nabz_conn *conn)
{
	struct nabz_ws *ws = conn->ws;
	struct nabz_connect_info info;
	const uint8_t *data;
	size_t n;
	char client_id[NABZ_CLIENT_ID_MAX + 1];
	enum nabz_connect_result r;

	data = nabz_bytebuf__peek(&conn->up, &n);
	r = nabz_mqtt_connect__parse(data, n, (size_t)ws->cfg->ws_max_message_bytes, &info);
	if(r == NABZ_CONNECT_NEED_MORE) return 0;
	if(r == NABZ_CONNECT_INVALID){
		nabz_ws__refuse(ws, NABZ_REFUSED_BAD_CONNECT, conn->details.address, info.error);
		lws_close_reason(conn->client, LWS_CLOSE_STATUS_PROTOCOL_ERR,
				(unsigned char *)"expected MQTT CONNECT", 21);
		return -1;
	}
	lws_sul_cancel(&conn->sul_connect);
	if(r == NABZ_CONNECT_BAD_CLIENT_ID) return refuse_client_id(conn, &info);
	if(info.client_id_len == 0 && !(info.protocol_level == 4 && !info.clean_start)){
		/* (3.1.1 with a persistent session and no id is the broker's to
		 * refuse, as the spec says.) */
		if(replace_empty_client_id(conn, &info, client_id, sizeof(client_id)) != 0) return -1;
	}else{
		memcpy(client_id, data + info.client_id_offset + 2, info.client_id_len);
		client_id[info.client_id_len] = '\0';
	}
	conn->pending_id = strdup(client_id);
	if(conn->pending_id == NULL
			|| nabz_seam__put_details(ws->seam, client_id, &conn->details, nabz_time__mono_ms(),
				&conn->pending_seq) != 0){
		free(conn->pending_id);
		conn->pending_id = NULL;
		return -1;
	}
	conn->state = NABZ_CONN_DIALING;
	conn->dial_started_ms = nabz_time__mono_ms();
	dial(conn);
	return 0;
}

static void connect_deadline_cb(lws_sorted_usec_list_t *sul)
{
	struct nabz_conn *conn = lws_container_of(sul, struct nabz_conn, sul_connect);

	if(conn->state != NABZ_CONN_AWAIT_CONNECT) return;
	nabz_ws__refuse(conn->ws, NABZ_REFUSED_TIMEOUT, conn->details.address,
			"no MQTT CONNECT within ws_handshake_timeout_s");
	close_client(conn);
}

/* ---- the browser's WebSocket ---------------------------------------- */

static void copy_header(struct lws *wsi, enum lws_token_indexes h, char *out, size_t outlen)
{
	if(lws_hdr_copy(wsi, out, (int)outlen, h) < 0) out[0] = '\0';
}

/* The upgrade passed nabz_ws__confirm_upgrade(): path, subprotocol,
 * Origin and limits are checked; here the connection is counted. */
static int on_filter(struct lws *wsi, struct nabz_ws *ws, struct nabz_ws_pss *pss)
{
	struct nabz_conn *conn;
	enum nabz_ws_refusal why;

	conn = calloc(1, sizeof(*conn));
	if(conn == NULL) return -1;
	conn->ws = ws;
	conn->upstream.fd = -1;
	copy_header(wsi, WSI_TOKEN_ORIGIN, conn->details.origin, sizeof(conn->details.origin));
	copy_header(wsi, WSI_TOKEN_HTTP_USER_AGENT, conn->details.user_agent, sizeof(conn->details.user_agent));
	nabz_ws__peer_address(wsi, ws, conn->details.address, sizeof(conn->details.address));
	why = nabz_ws__limits_acquire(ws->shared, conn->details.address, conn->peer_ip, sizeof(conn->peer_ip));
	if(why != NABZ_REFUSAL_COUNT){
		/* another service thread took the last place since the check */
		nabz_ws__refuse(ws, why, conn->details.address, "connection limit reached");
		free(conn);
		return -1;
	}
	conn->counted = true;
	conn->client = wsi;
	pss->conn = conn;
	return 0;
}

static int on_receive(struct lws *wsi, struct nabz_ws *ws, struct nabz_conn *conn, const void *in, size_t len)
{
	size_t limit = (size_t)ws->cfg->ws_buffer_bytes;

	if(conn->state == NABZ_CONN_CLOSING) return 0;   /* nobody to take it */
	if(lws_is_first_fragment(wsi)) conn->msg_len = 0;
	conn->msg_len += len;
	NABZ_WS_COUNT(ws, bytes_in, len);
	if(lws_is_final_fragment(wsi)) NABZ_WS_COUNT(ws, frames_in, 1);
	if(!lws_frame_is_binary(wsi)){
		/* what came of this message stays here: the broker gets the
		 * messages before it, none of this one */
		nabz_bytebuf__unappend(&conn->up, conn->msg_len - len);
		nabz_ws__refuse(ws, NABZ_REFUSED_PROTOCOL, conn->details.address, "a text frame (MQTT needs binary frames)");
		lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, (unsigned char *)"MQTT needs binary frames", 24);
		return -1;
	}
	if(conn->msg_len > (size_t)ws->cfg->ws_max_message_bytes){
		nabz_bytebuf__unappend(&conn->up, conn->msg_len - len);
		nabz_ws__refuse(ws, NABZ_REFUSED_TOO_LARGE, conn->details.address,
				"a message larger than ws_max_message_bytes");
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)"message too large", 17);
		return -1;
	}
	if(conn->state == NABZ_CONN_AWAIT_CONNECT && limit < (size_t)ws->cfg->ws_max_message_bytes){
		limit = (size_t)ws->cfg->ws_max_message_bytes;
	}
	if(nabz_bytebuf__append(&conn->up, in, len, limit) != 0){
		/* Cannot happen with flow control on; refuse rather than grow. */
		nabz_ws__refuse(ws, NABZ_REFUSED_TOO_LARGE, conn->details.address,
				"more unforwarded bytes than ws_buffer_bytes");
		return -1;
	}
	if(conn->state == NABZ_CONN_AWAIT_CONNECT) return on_first_bytes(conn);
	if(!conn->rx_paused && conn->up.len > limit / 2){
		lws_rx_flow_control(wsi, 0);
		conn->rx_paused = true;
	}
	/* A message goes to the broker once it is whole, so that one over
	 * ws_max_message_bytes is refused (1009) before any of it reaches the
	 * broker, which would otherwise act on its first part. A message of
	 * more than half the buffer (ws_buffer_bytes below twice
	 * ws_max_message_bytes) goes on as it comes, under flow control. */
	if(nabz_upstream__is_open(conn) && (lws_is_final_fragment(wsi) || conn->up.len > limit / 2)) flush_up(conn);
	return 0;
}

/* One binary frame of at most NABZ_WS_CHUNK bytes to the browser. A write
 * the socket does not take whole is kept by lws (buflist_out, at most this
 * frame) and finished before our next WRITEABLE callback. */
static int send_down(struct nabz_ws *ws, struct lws *client, const void *data, size_t n)
{
	memcpy(ws->scratch + LWS_PRE, data, n);
	if(lws_write(client, ws->scratch + LWS_PRE, n, LWS_WRITE_BINARY) < (int)n) return -1;
	NABZ_WS_COUNT(ws, bytes_out, n);
	NABZ_WS_COUNT(ws, frames_out, 1);
	return 0;
}

static int on_client_writeable(struct lws *wsi, struct nabz_ws *ws, struct nabz_conn *conn)
{
	const uint8_t *data;
	size_t n;

	data = nabz_bytebuf__peek(&conn->down, &n);
	if(n == 0){
		if(conn->close_client_after_flush){
			lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
			return -1;
		}
		return 0;
	}
	if(n > NABZ_WS_CHUNK) n = NABZ_WS_CHUNK;
	if(send_down(ws, wsi, data, n) != 0) return -1;
	nabz_bytebuf__consume(&conn->down, n);
	if(conn->down.len || conn->close_client_after_flush) lws_callback_on_writable(wsi);
	return 0;
}

static void on_client_closed(struct nabz_ws *ws, struct nabz_ws_pss *pss)
{
	struct nabz_conn *conn = pss->conn;

	if(conn == NULL) return;
	pss->conn = NULL;
	conn->client = NULL;
	lws_sul_cancel(&conn->sul_dial);
	lws_sul_cancel(&conn->sul_connect);
	if(conn->counted){
		nabz_ws__limits_release(ws->shared, conn->peer_ip);
		conn->counted = false;
	}
	if(!nabz_upstream__exists(conn)){
		conn_free(conn);
		return;
	}
	/* Let the broker have what the browser sent last (a DISCONNECT, say)
	 * before its connection goes. */
	conn->state = NABZ_CONN_CLOSING;
	if(conn->up.len && nabz_upstream__is_open(conn)){
		conn->close_upstream_after_flush = true;
		flush_up(conn);
	}else{
		nabz_upstream__close(conn);
	}
}

int nabz_ws__mqtt_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct nabz_ws_pss *pss = user;
	struct nabz_ws *ws = nabz_ws__from_wsi(wsi);
	struct nabz_conn *conn = pss ? pss->conn : NULL;

	switch(reason){
		case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
			return on_filter(wsi, ws, pss);

		case LWS_CALLBACK_ESTABLISHED:
			if(conn == NULL) return -1;
			NABZ_WS_COUNT(ws, accepted_total, 1);
			lws_sul_schedule(lws_get_context(wsi), 0, &conn->sul_connect, connect_deadline_cb,
					(lws_usec_t)ws->cfg->ws_handshake_timeout_s * LWS_US_PER_SEC);
			return 0;

		case LWS_CALLBACK_RECEIVE:
			if(conn == NULL) return -1;
			return on_receive(wsi, ws, conn, in, len);

		case LWS_CALLBACK_SERVER_WRITEABLE:
			if(conn == NULL) return -1;
			return on_client_writeable(wsi, ws, conn);

		case LWS_CALLBACK_CLOSED:
		case LWS_CALLBACK_WSI_DESTROY:
			if(pss) on_client_closed(ws, pss);
			return 0;

		default:
			return 0;
	}
}

/* ---- the broker side ------------------------------------------------ */

void nabz_ws__broker_bytes(struct nabz_conn *conn, uint8_t *data, size_t len)
{
	struct nabz_ws *ws = conn->ws;

	if(conn->client == NULL) return;   /* flushing up only */
	ws->broker_bytes_this_turn = true;
	/* Fast path, the common case: nothing is queued for the browser, so
	 * these bytes go out now, framed in place (data has LWS_PRE before
	 * it). Asking for WRITEABLE instead costs two epoll_ctl calls and a
	 * loop turn per message. A write the socket cannot take whole stays
	 * with lws, which sends it before anything we queue. */
	if(conn->state == NABZ_CONN_OPEN && conn->down.len == 0 && !lws_partial_buffered(conn->client)){
		if(lws_write(conn->client, data, len, LWS_WRITE_BINARY) < (int)len){
			close_client(conn);
			nabz_upstream__close(conn);
			return;
		}
		NABZ_WS_COUNT(ws, bytes_out, len);
		NABZ_WS_COUNT(ws, frames_out, 1);
		return;
	}
	if(nabz_bytebuf__append(&conn->down, data, len, (size_t)ws->cfg->ws_buffer_bytes) != 0){
		NABZ_WS_COUNT(ws, slow_consumer_disconnects, 1);
		nabz_seam__log(ws->seam, MOSQ_LOG_NOTICE, "WebSocket client %s cut off: %zu bytes waiting "
				"for it (ws_buffer_bytes %ld); it does not read fast enough",
				conn->details.address, conn->down.len, ws->cfg->ws_buffer_bytes);
		nabz_bytebuf__free(&conn->down);
		close_client(conn);
		nabz_upstream__close(conn);
		return;
	}
	lws_callback_on_writable(conn->client);
}

/* Sends what the browser sent (conn->up) to the broker, as much as the
 * socket takes now; polls for the rest. */
static void flush_up(struct nabz_conn *conn)
{
	struct nabz_ws *ws = conn->ws;
	const uint8_t *data;
	size_t n;
	ssize_t w;

	data = nabz_bytebuf__peek(&conn->up, &n);
	if(n){
		w = nabz_upstream__send(conn, data, n);
		if(w < 0){
			nabz_upstream__close(conn);
			return;
		}
		nabz_bytebuf__consume(&conn->up, (size_t)w);
	}
	if(conn->rx_paused && conn->client && conn->up.len < (size_t)ws->cfg->ws_buffer_bytes / 4){
		lws_rx_flow_control(conn->client, 1);
		conn->rx_paused = false;
	}
	if(conn->up.len){
		nabz_upstream__want_writable(conn, true);
	}else{
		nabz_upstream__want_writable(conn, false);
		if(conn->close_upstream_after_flush) nabz_upstream__close(conn);
	}
}

void nabz_ws__broker_writable(struct nabz_conn *conn)
{
	flush_up(conn);
}

void nabz_ws__broker_closed(struct nabz_conn *conn)
{
	if(conn->client == NULL){
		conn_free(conn);
		return;
	}
	/* The broker ended the session (refused it, took it over, shut
	 * down): give the browser what it had sent, then close. */
	conn->state = NABZ_CONN_CLOSING;
	conn->close_client_after_flush = true;
	lws_callback_on_writable(conn->client);
}
