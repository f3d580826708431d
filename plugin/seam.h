/*
 * The one seam between the broker thread and the listener's service
 * threads (plugin/ws/; plugin_opt_ws_threads of them, one lws context
 * each). Fields marked {lock} are guarded by seam->lock.
 *
 *   broker -> service : a snapshot of the figures (copied at each tick that
 *                       changed them) and the time of the last tick, for
 *                       /api/stats, /metrics and /health (any thread); the
 *                       TCP limits' figures, for /metrics; the cluster's
 *                       figures and link state (cluster.h), for all three;
 *                       the data feed (feed.h: prices' times, sources'
 *                       health) and the deliveries count, for /metrics;
 *                       when to wake
 *                       the broker loop (wake_at_ms, thread 0's wake link);
 *   service -> broker : the details of each WebSocket connection (real
 *                       address, Origin, User-Agent) by MQTT client id,
 *                       taken by the broker thread at BASIC_AUTH; and log
 *                       lines, drained and logged at each tick
 *                       (mosquitto_log_printf is for the broker thread only).
 *   state writer -> broker: log lines too (state_saver.h), by the same queue.
 *
 * What else crosses those threads, outside this struct's lock:
 *   - started_ms and wake_password (below): written by nabz_seam__init on
 *     the broker thread before nabz_ws__start creates the threads
 *     (pthread_create orders it), read-only after; the broker thread
 *     (events.c) and thread 0's wake link (ws_wake.c) read the password.
 *   - wake_at_ms (below): an atomic; the broker thread stores, thread 0
 *     exchanges it with 0; nabz_ws__poke then wakes thread 0 with
 *     lws_cancel_service, which lws makes safe from any thread.
 *   - the listener's own structs (ws/ws_internal.h): built by the broker
 *     thread in nabz_ws__start before their threads start, freed in
 *     nabz_ws__stop after they join. In between the broker thread reads
 *     thread 0's context pointer (set before, for nabz_ws__poke) and, in
 *     nabz_ws__stop, sets struct nabz_ws.stop (an atomic, read by thread
 *     0's wake link) and calls uv_async_send on .stop_async (libuv's one
 *     thread-safe call: it runs the stop on each thread's own loop).
 *   - log_listener (ws/ws_log.c): lws' log hook is process-wide with no
 *     user pointer, so the listener is kept in a static; the broker thread
 *     sets it before the first context is created and clears it after every
 *     service thread has joined, so the hook (run on any thread lws logs
 *     from) only reads it; what it reaches is under the listener's lock,
 *     and its lines go through nabz_seam__log.
 *   - the config (struct nabz.cfg): the broker thread's, parsed at init
 *     and read-only until after nabz_ws__stop; the threads read it.
 */
#ifndef NABZ_SEAM_H
#define NABZ_SEAM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "sessions.h"

#define NABZ_ADDR_MAX 64
#define NABZ_HEADER_MAX 256

struct nabz_ws_details {
	char address[NABZ_ADDR_MAX];      /* the browser's address */
	char origin[NABZ_HEADER_MAX];
	char user_agent[NABZ_HEADER_MAX];
};

struct nabz_ws_pending {
	char *client_id;                  /* owned, key */
	struct nabz_ws_details details;
	int64_t added_ms;
	uint64_t seq;                     /* which connection recorded it */
	size_t bytes;                     /* what it costs, in pending_bytes */
	UT_hash_handle hh;
};

struct nabz_log_line {
	int level;
	char text[240];
};

#define NABZ_LOG_QUEUE 256
#define NABZ_PENDING_TTL_MS 60000
#define NABZ_PENDING_MAX 100000
/* Entries live from a browser's CONNECT to the broker's BASIC_AUTH (a few
 * ms), and each is under 1 KiB (client ids are capped: ws/mqtt_connect.h):
 * 8 MiB is some 9,000 connections mid-handshake at once. Past it the
 * oldest go first; their sessions then show the socket path as address. */
#define NABZ_PENDING_MAX_BYTES (8u << 20)

#define NABZ_WAKE_USERNAME "nabz-internal-wake"

struct nabz_seam {
	pthread_mutex_t lock;
	/* Set by nabz_seam__init (broker thread, before the service threads
	 * start), read-only after: no lock. */
	char wake_password[33];           /* the wake link's */
	int64_t started_ms;               /* monotonic, for uptime */
	/* Broker thread stores, service thread 0 exchanges with 0 (no lock):
	 * when to wake the broker loop (monotonic ms), 0 for no request. */
	_Atomic int64_t wake_at_ms;
	/* Broker thread stores, service threads load (no lock): enum
	 * nabz_data_mode, what the bridge's sources message last said. */
	_Atomic int data_mode;
	/* Broker thread stores at each tick, service threads load (no lock):
	 * data messages delivered (nabz_data_metrics.deliveries). */
	_Atomic uint64_t deliveries;
	/* {lock} written by the broker thread */
	struct nabz_counts counts;
	int64_t last_tick_ms;             /* monotonic */
	struct nabz_tcp_metrics tcp;
	struct nabz_cluster_summary cluster;
	struct nabz_feed feed;            /* copied when it changed */
	/* {lock} written by the service threads, taken by the broker thread */
	struct nabz_ws_pending *pending;
	size_t pending_bytes;             /* sum of their bytes */
	uint64_t pending_seq;             /* the last seq handed out */
	struct nabz_log_line log[NABZ_LOG_QUEUE];
	size_t log_len;
	uint64_t log_dropped;
};

/* Broker thread, before nabz_ws__start: started_ms is the plugin's start
 * (monotonic ms). */
int nabz_seam__init(struct nabz_seam *seam, int64_t started_ms);
void nabz_seam__cleanup(struct nabz_seam *seam);

/* Broker thread. */
/* Asks the listener's thread 0 to wake the broker loop at at_ms; the
 * caller then pokes it (nabz_ws__poke). */
void nabz_seam__request_wake(struct nabz_seam *seam, int64_t at_ms);
void nabz_seam__publish_figures(struct nabz_seam *seam, const struct nabz_counts *c,
		const struct nabz_tcp_metrics *tcp, int64_t now_ms);
void nabz_seam__publish_cluster(struct nabz_seam *seam, const struct nabz_cluster_summary *cl);
/* mode: an enum nabz_data_mode (data_mode.h). */
void nabz_seam__set_data_mode(struct nabz_seam *seam, int mode);
void nabz_seam__publish_feed(struct nabz_seam *seam, const struct nabz_feed *feed);
void nabz_seam__set_deliveries(struct nabz_seam *seam, uint64_t deliveries);
/* Takes the details recorded for client_id; returns false when none. */
bool nabz_seam__take_details(struct nabz_seam *seam, const char *client_id, struct nabz_ws_details *out);
/* Logs the queued lines through log_fn and empties the queue. */
void nabz_seam__drain_log(struct nabz_seam *seam, void (*log_fn)(int level, const char *text));

/* Service threads, any of them. */
void nabz_seam__read_figures(struct nabz_seam *seam, struct nabz_counts *c, int64_t *started_ms,
		int64_t *last_tick_ms);
void nabz_seam__read_tcp(struct nabz_seam *seam, struct nabz_tcp_metrics *tcp);
void nabz_seam__read_cluster(struct nabz_seam *seam, struct nabz_cluster_summary *cl);
int nabz_seam__data_mode(struct nabz_seam *seam);
/* Copies the feed (a few KiB) into *feed. */
void nabz_seam__read_feed(struct nabz_seam *seam, struct nabz_feed *feed);
uint64_t nabz_seam__deliveries(struct nabz_seam *seam);
/* Records (replacing any older entry for the same id); entries never
 * taken expire after NABZ_PENDING_TTL_MS, and the oldest go when there are
 * NABZ_PENDING_MAX of them or NABZ_PENDING_MAX_BYTES. Sets *seq to the
 * entry's number, for nabz_seam__drop_details. Returns -1 when out of
 * memory. */
int nabz_seam__put_details(struct nabz_seam *seam, const char *client_id,
		const struct nabz_ws_details *details, int64_t now_ms, uint64_t *seq);
/* Removes the entry for client_id if it is still the one numbered seq: the
 * connection that recorded it closed before the broker took it. A newer
 * connection's entry under the same id stays. */
void nabz_seam__drop_details(struct nabz_seam *seam, const char *client_id, uint64_t seq);
/* Any thread: how many entries wait to be taken, and their bytes. */
void nabz_seam__pending_size(struct nabz_seam *seam, uint64_t *count, uint64_t *bytes);
__attribute__((format(printf, 3, 4)))
void nabz_seam__log(struct nabz_seam *seam, int level, const char *fmt, ...); /* level: MOSQ_LOG_* */

#endif
