/* Shared by the files of plugin/ws/; service threads only (any of them)
 * unless noted. */
#ifndef NABZ_WS_INTERNAL_H
#define NABZ_WS_INTERNAL_H

#include <libwebsockets.h>
#include <mosquitto.h> /* MOSQ_LOG_*: the levels nabz_seam__log takes */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <uv.h>

#include "bytebuf.h"
#include "config.h"
#include "metrics.h"
#include "ratelog.h"
#include "seam.h"

#define NABZ_WS_CHUNK 65536          /* most bytes per write */
#define NABZ_WS_MAX_LISTENERS 16
#define NABZ_WS_MAX_THREADS 16

/* A kind of lws log line (ws_log.c) and when it was last logged. */
struct nabz_lws_log_kind {
	uint64_t kind;
	struct nabz_ratelog rl;          /* rl.last_ms 0: a free slot */
};
#define NABZ_LWS_LOG_KINDS 16

struct nabz_ip_count {
	char ip[NABZ_ADDR_MAX];          /* key: the limit key (netaddr.h) */
	unsigned count;
	bool refusal_logged;             /* its first per-address refusal was logged */
	UT_hash_handle hh;
};

/* The listener: its service threads and what they share (ws_peer.c,
 * ws_server.c). The broker thread holds it (ws.h). */
struct nabz_listener {
	const struct nabz_config *cfg;   /* read-only after start */
	struct nabz_seam *seam;
	pthread_mutex_t lock;
	unsigned connections;            /* {lock} WebSocket connections held, all threads */
	struct nabz_ip_count *per_ip;    /* {lock} */
	struct nabz_ratelog refusal_log[NABZ_REFUSAL_COUNT];   /* {lock} */
	struct nabz_lws_log_kind lws_log[NABZ_LWS_LOG_KINDS];      /* {lock} */
	unsigned count;                  /* service threads; read-only after start */
	struct nabz_ws *threads[NABZ_WS_MAX_THREADS];
};

/* One service thread's counters. Only that thread adds to them; /metrics,
 * served by any of the threads, sums every thread's (relaxed atomics: a
 * plain load on x86-64, and no torn or racy read anywhere). */
struct nabz_ws_counters {
	atomic_uint_fast64_t accepted_total;
	atomic_uint_fast64_t bytes_in;
	atomic_uint_fast64_t bytes_out;
	atomic_uint_fast64_t frames_in;
	atomic_uint_fast64_t frames_out;
	atomic_uint_fast64_t refused[NABZ_REFUSAL_COUNT];
	atomic_uint_fast64_t slow_consumer_disconnects;
	atomic_uint_fast64_t http_requests;
};

#define NABZ_WS_COUNT(ws, field, n) \
	atomic_fetch_add_explicit(&(ws)->counters.field, (uint_fast64_t)(n), memory_order_relaxed)

/* The listener vhosts' mounts (ws_server.c build_mounts): the three
 * endpoints, then these. */
enum nabz_ws_mount {
	NABZ_WS_MOUNT_STATIC = 3,        /* /static: ws_files.c */
	NABZ_WS_MOUNT_ROOT,              /* /: lws' own file mount */
	NABZ_WS_MOUNTS
};

/* One listening socket of one service thread (ws_accept.c). */
struct nabz_ws_listen {
	struct nabz_ws *ws;
	int fd;
	struct lws_vhost *vhost;         /* where accepted sockets go */
	bool tls;
	uv_poll_t poll;
	uv_timer_t pause;                /* out of descriptors: accept later */
};

/* One service thread: its libuv loop, its lws context (listening on the
 * shared ports with SO_REUSEPORT when there are several), its browsers. */
struct nabz_ws {
	const struct nabz_config *cfg;   /* read-only after start */
	struct nabz_seam *seam;
	struct nabz_listener *shared;
	unsigned index;                  /* 0 keeps the wake link */
	struct lws_context *context;
	struct lws_vhost *upstream_vhost;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;                /* set by the broker thread (seam.h) */
	/* The service thread's event loop: libuv, so that thousands of
	 * sockets cost epoll's O(ready) per wake-up instead of poll()'s O(all).
	 * Ours ("foreign" to lws), so lws installs no signal handlers: the
	 * signals are the broker's. */
	uv_loop_t loop;
	uv_async_t stop_async;           /* uv_async_send from the broker thread */
	uv_check_t batch;                /* ws_server.c batch_cb */
	bool broker_bytes_this_turn;

	struct nabz_ws_listen listens[NABZ_WS_MAX_LISTENERS];
	int listen_count;
	int64_t accept_error_log_ms;

	/* WebSocket PING when idle, close when unanswered (lws' validity
	 * timer); the vhosts point at it, so it lives as long as they do */
	lws_retry_bo_t idle_policy;

	/* every header's length limit (ws_header_size.c); lws keeps a
	 * pointer to it, so it lives as long as the context */
	struct lws_token_limits token_limits;

	/* mounts built from web_root, indexed by enum nabz_ws_mount */
	struct lws_http_mount mounts[NABZ_WS_MOUNTS];
	struct lws_protocol_vhost_options mimetypes[6];

	struct nabz_ws_counters counters;
	/* the wake link (ws_wake.c), thread 0 only */
	struct lws *wake_link;
	bool wake_started;
	bool wake_ready;
	bool wake_connect_sent;
	bool wake_ping_due;
	uint64_t wakes_sent;
	lws_sorted_usec_list_t sul_wake_dial;
	lws_sorted_usec_list_t sul_wake_fire;
	uint8_t scratch[LWS_PRE + NABZ_WS_CHUNK];
};

/* One proxied browser: its WebSocket and its raw broker connection. */
enum nabz_conn_state {
	NABZ_CONN_AWAIT_CONNECT,         /* reading the first MQTT packet */
	NABZ_CONN_DIALING,               /* waiting to reach the broker */
	NABZ_CONN_OPEN,
	NABZ_CONN_CLOSING,
};

/* A browser's connection to the broker's unix socket, polled on the
 * service thread's loop (ws_upstream.c). */
struct nabz_upstream {
	uv_poll_t poll;                  /* data: the conn */
	int fd;                          /* -1: none (or its close has completed) */
	int events;                      /* what the poll waits for */
	bool closing;                    /* uv_close() called: the conn waits for on_closed */
};

struct nabz_conn {
	struct nabz_ws *ws;
	struct lws *client;              /* the browser's wsi; NULL once closed */
	struct nabz_upstream upstream;   /* the broker link */
	enum nabz_conn_state state;
	struct nabz_bytebuf up;          /* browser -> broker */
	struct nabz_bytebuf down;        /* broker -> browser */
	struct nabz_ws_details details;
	/* The id our details were recorded under in the seam (owned), and
	 * their number there: dropped when the conn goes, in case the broker
	 * never took them (it refused the CONNECT before authenticating). */
	char *pending_id;
	uint64_t pending_seq;
	char peer_ip[NABZ_ADDR_MAX];     /* the limit key it is counted under in per_ip */
	size_t msg_len;                  /* bytes of the message being received */
	unsigned dial_attempts;
	int64_t dial_started_ms;
	lws_sorted_usec_list_t sul_dial;     /* retry of the broker connect */
	lws_sorted_usec_list_t sul_connect;  /* deadline for the CONNECT */
	bool rx_paused;
	bool counted;                    /* in connections and per_ip */
	bool close_client_after_flush;
	bool close_upstream_after_flush;
};

/* Per-session data of the WebSocket protocol: the conn lives apart so the
 * broker side can outlive the browser side while it flushes. */
struct nabz_ws_pss {
	struct nabz_conn *conn;
};

extern const struct lws_protocols nabz_ws__protocols[];
extern const struct lws_protocols nabz_ws__upstream_protocols[];

int nabz_ws__http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
int nabz_ws__mqtt_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
int nabz_ws__wake_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

struct nabz_ws *nabz_ws__from_wsi(struct lws *wsi);

/* The broker link of a proxied browser (ws_upstream.c). */
/* Connects to the broker's unix socket and polls it. 0, or -1 with errno
 * set (the broker's backlog full: EAGAIN; not listening yet: ENOENT or
 * ECONNREFUSED). */
int nabz_upstream__open(struct nabz_conn *conn);
/* Open and not closing. */
bool nabz_upstream__is_open(const struct nabz_conn *conn);
/* Open or closing: the conn must not be freed yet. */
bool nabz_upstream__exists(const struct nabz_conn *conn);
/* Bytes the socket took now (0 when full), or -1 when it failed. */
ssize_t nabz_upstream__send(struct nabz_conn *conn, const void *data, size_t n);
/* Whether nabz_ws__broker_writable is called when the socket takes more. */
void nabz_upstream__want_writable(struct nabz_conn *conn, bool on);
/* Closes it (no-op when closing or closed); nabz_ws__broker_closed
 * follows from the loop. */
void nabz_upstream__close(struct nabz_conn *conn);
/* What the link reports to the proxy (ws_proxy.c). broker_bytes: data is
 * ws->scratch + LWS_PRE, free for lws_write to frame in place.
 * broker_closed may free conn. */
void nabz_ws__broker_bytes(struct nabz_conn *conn, uint8_t *data, size_t len);
void nabz_ws__broker_writable(struct nabz_conn *conn);
void nabz_ws__broker_closed(struct nabz_conn *conn);
/* Connects to the broker's unix socket and hands the socket to lws under
 * protocol (on the upstream vhost): the wake link's. Returns the new wsi, or NULL with
 * errno set (the broker's backlog full: EAGAIN; not listening yet:
 * ENOENT or ECONNREFUSED). */
struct lws *nabz_ws__dial_broker(struct nabz_ws *ws, const char *protocol);

/* Peer address rules (ws_peer.c). */
/* The client's address: the socket peer, or for a peer listed in
 * trusted, the rightmost X-Forwarded-For hop that is not trusted. */
void nabz_ws__client_address(const struct nabz_namelist *trusted, const char *peer,
		const char *forwarded_for, char *out, size_t outlen);
/* Connection limits across every service thread (ws_peer.c), under the
 * shared lock. An address counts under its limit key (netaddr.h: an IPv6
 * /64 is one address); addresses in limit_exempt have no per-address
 * limit. check: may address connect now? acquire: count it in (checks
 * again: another thread may have taken the last place meanwhile) and
 * write the key it counts under, for release. Both return
 * NABZ_REFUSAL_COUNT when it may, else the reason it may not; an address's
 * first per-address refusal (since it was last under the limit) is
 * logged. */
enum nabz_ws_refusal nabz_ws__limits_check(struct nabz_listener *sh, const char *address);
enum nabz_ws_refusal nabz_ws__limits_acquire(struct nabz_listener *sh, const char *address,
		char *key, size_t keylen);
void nabz_ws__limits_release(struct nabz_listener *sh, const char *key);
unsigned nabz_ws__limits_connections(struct nabz_listener *sh);
void nabz_ws__limits_free(struct nabz_listener *sh);
/* Sums every service thread's counters into out (ws_server.c). */
void nabz_ws__metrics_sum(struct nabz_listener *sh, struct nabz_ws_metrics *out);

/* Listening sockets (ws_accept.c). Binds host:port with SO_REUSEPORT and
 * hands accepted connections to vhost. Broker thread, before the service
 * thread starts; -1 with err set. */
int nabz_ws__listen(struct nabz_ws *ws, struct lws_vhost *vhost, const char *host, int port, bool tls,
		char *err, size_t errlen);
/* Closes them (through the loop). */
void nabz_ws__listen_close(struct nabz_ws *ws);

/* lws' own log lines into the seam, rate-limited per kind (ws_log.c).
 * Broker thread, before the first context and after the last. */
void nabz_ws__log_start(struct nabz_listener *sh);
void nabz_ws__log_stop(void);


/* One response header: name as lws takes it (lower case, with the colon:
 * "allow:"), and its value. */
struct nabz_ws_header {
	const char *name;
	const char *value;
};

/* Answers an HTTP request whole, now, with Connection: close (ws_http.c
 * says why). Takes body (malloc'd, or NULL); extra (or NULL) stays the
 * caller's. Returns -1, for the caller to return from the lws callback. */
int nabz_ws__http_answer(struct lws *wsi, unsigned status, const char *type, char *body, bool head,
		const struct nabz_ws_header *extra);

/* Files under /static (ws_files.c). */
/* Is uri (a GET or HEAD path) under /static, as lws matches a mount? */
bool nabz_ws__files_match(const char *uri);
/* Answers it: a file of web_root (its headers now, lws sends the body),
 * 304, 301 to "/static/", 404. Returns what the LWS_CALLBACK_HTTP
 * callback returns: 0 while lws sends the body, -1 to close. */
int nabz_ws__files_serve(struct lws *wsi, struct nabz_ws *ws, const char *uri, bool head);

/* Request sizes (ws_header_size.c). */
/* Sets the context's header limits into info (which keeps a pointer to
 * ws). Broker thread, before lws_create_context. */
void nabz_ws__header_size_setup(struct nabz_ws *ws, struct lws_context_creation_info *info);
/* Once a request's headers are parsed: 414 when its URI was too long for
 * lws, 431 when a header was, else 0. */
unsigned nabz_ws__header_size_check(struct lws *wsi);

/* Admission (ws_admit.c). */
/* HTTP_CONFIRM_UPGRADE: 0 lets the upgrade go on; 1 when it was refused
 * with an HTTP status (lws ends the transaction); -1 to hang up. */
int nabz_ws__confirm_upgrade(struct lws *wsi, struct nabz_ws *ws);
/* Counts a refusal in /metrics and logs it (rate-limited per reason). */
void nabz_ws__refuse(struct nabz_ws *ws, enum nabz_ws_refusal why, const char *address, const char *detail);
/* The client's address as nabz_ws__client_address() sees it. */
void nabz_ws__peer_address(struct lws *wsi, struct nabz_ws *ws, char *out, size_t outlen);

#endif
