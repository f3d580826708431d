/*
 * One program's connection to the broker (libmosquitto, driven from the
 * program's own poll loop, never libmosquitto's thread): the client's
 * set-up, connecting and reconnecting with backoff, the socket to wait
 * on, and disconnecting at the end. What a program does on the
 * connection is its own, through hooks: the bridge publishes (retained
 * state again after each connect, its spool of QoS 1 messages), the bot
 * subscribes and takes messages. Single-threaded: every function and
 * every hook runs on the program's loop thread.
 *
 * A fresh client state is made before each connect
 * (mosquitto_reinitialise): libmosquitto would otherwise resend its own
 * copies of unacknowledged messages besides the program's (the bridge's
 * spool is the only copy that counts).
 */
#ifndef NABZ_MQTT_LINK_H
#define NABZ_MQTT_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "mqttcfg.h"

struct mosquitto;
struct mosquitto_message;

struct nabz_mqtt_link_hooks {
	/* The broker accepted the connection: publish or subscribe again. */
	void (*connected)(void *ctx, struct mosquitto *mosq);
	/* A message arrived (NULL: the program subscribes to nothing). */
	void (*message)(void *ctx, const struct mosquitto_message *msg);
	/* The broker acknowledged a QoS 1 publish (NULL: not wanted). */
	void (*published)(void *ctx, int mid);
	/* Runs after each read and before anything is written (NULL: none);
	 * with queue_writes, whatever message() recorded is made durable
	 * here before the PUBACKs leave. */
	void (*flush)(void *ctx);
	void *ctx;
};

struct nabz_mqtt_link_opts {
	/* false: a persistent session (the broker keeps the subscriptions and
	 * queues QoS 1 messages while the program is away); it needs a
	 * client id. */
	bool clean_session;
	/* libmosquitto's "threaded" mode: packets (the PUBACK libmosquitto
	 * 2.0 queues before calling on_message) are only queued, never
	 * written from inside a read, so flush() runs before they leave. */
	bool queue_writes;
	int max_inflight;                   /* QoS 1 in flight; 0: libmosquitto's 20 */
	int backoff_min_ms;                 /* first retry; at most 30 s later on */
};

struct nabz_mqtt_link {
	struct mosquitto *mosq;             /* NULL: not started (the bridge's --once) */
	const struct nabz_mqtt_cfg *cfg;    /* not owned; outlives the link */
	struct nabz_mqtt_link_opts opts;
	struct nabz_mqtt_link_hooks hooks;
	bool connected;
	bool connecting;
	int64_t next_connect_ms;
	unsigned retries;                   /* failed connects in a row */
	char last_error[160];               /* logged once until it changes */
};

/* Makes the client (no connection yet: the first service() connects).
 * cfg and the hooks' ctx must outlive the link. Returns 0, or -1 when
 * out of memory (logged by the caller). */
int nabz_mqtt_link__init(struct nabz_mqtt_link *l, const struct nabz_mqtt_cfg *cfg,
		const struct nabz_mqtt_link_opts *opts, const struct nabz_mqtt_link_hooks *hooks);
/* Flushes, says DISCONNECT when connected, and frees the client. Safe on
 * a link never started (zeroed). */
void nabz_mqtt_link__cleanup(struct nabz_mqtt_link *l);
/* Drives the connection: connects when due, then reads (readable),
 * flushes, writes (writable, or anything queued) and keeps alive. Call
 * once per loop turn and again with the socket's readiness after each
 * wait. */
void nabz_mqtt_link__service(struct nabz_mqtt_link *l, bool readable, bool writable, int64_t now_ms);
/* The socket to wait on (-1: none) and whether to wait for writability. */
int nabz_mqtt_link__socket(struct nabz_mqtt_link *l, bool *want_write);

#endif
