/*
 * nabz-telegram's MQTT side (libmosquitto, driven from the bot's own poll
 * loop): a fixed client id and a persistent session (clean session off),
 * <prefix>/alerts at QoS 1, so alerts published while the bot is away wait
 * in the broker; <prefix>/prices/+ for /price.
 *
 * No alert is acknowledged before it is on disk: the client is put in
 * libmosquitto's "threaded" mode, where packets (the PUBACK libmosquitto
 * 2.0 queues before calling on_message) are only queued, never written
 * from inside a read; the loop then calls flush (the spool's fsync) and
 * only after it lets libmosquitto write. Single-threaded.
 */
#ifndef NABZ_TG_MQTT_H
#define NABZ_TG_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct mosquitto;

struct nabz_tg_mqtt_hooks {
	/* An alert's payload (not NUL-terminated). */
	void (*alert)(void *ctx, const char *payload, size_t len);
	/* A retained price: symbol from the topic. */
	void (*price)(void *ctx, const char *symbol, const char *payload, size_t len);
	/* Makes what alert() recorded durable; runs before any packet goes out. */
	void (*flush)(void *ctx);
	void *ctx;
};

struct nabz_tg_mqtt {
	struct mosquitto *mosq;
	const struct nabz_tg_cfg *cfg;
	struct nabz_tg_mqtt_hooks hooks;
	bool connected;
	bool connecting;
	int64_t next_connect_ms;
	unsigned retries;                    /* failed connects in a row */
	char alerts_topic[256];
	char prices_filter[256];
	char last_error[160];
	uint64_t alerts_received;
};

int nabz_tg_mqtt__init(struct nabz_tg_mqtt *m, const struct nabz_tg_cfg *cfg, const struct nabz_tg_mqtt_hooks *hooks);
void nabz_tg_mqtt__cleanup(struct nabz_tg_mqtt *m);
/* Drives the connection: call with the socket's readiness after each wait. */
void nabz_tg_mqtt__service(struct nabz_tg_mqtt *m, bool readable, bool writable, int64_t now_ms);
/* The socket to wait on (-1: none) and whether to wait for writability. */
int nabz_tg_mqtt__socket(struct nabz_tg_mqtt *m, bool *want_write);

#endif
