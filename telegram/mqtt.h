/*
 * What nabz-telegram does on its MQTT connection (common/mqtt_link.h: a
 * fixed client id and a persistent session, clean session off):
 * <prefix>/alerts at QoS 1, so alerts published while the bot is away
 * wait in the broker; <prefix>/prices/+ for /price. Messages go to the
 * bot's hooks.
 *
 * No alert is acknowledged before it is on disk: the link queues packets
 * (the PUBACK libmosquitto 2.0 queues before calling on_message) instead
 * of writing them from inside a read, and calls flush (the spool's fsync)
 * before it lets libmosquitto write. Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_MQTT_H
#define NABZ_TG_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "mqtt_link.h"

struct nabz_tg_mqtt_hooks {
	/* An alert's payload (not NUL-terminated). */
	void (*alert)(void *ctx, const char *payload, size_t len);
	/* A retained price: symbol from the topic. */
	void (*price)(void *ctx, const char *symbol, const char *payload, size_t len);
	/* A message on the relayed chat room (chat_relay; relay.h). */
	void (*chat)(void *ctx, const char *payload, size_t len);
	/* Makes what alert() recorded durable; runs before any packet goes out. */
	void (*flush)(void *ctx);
	void *ctx;
	/* A trading signal's payload (<prefix>/signals, QoS 1; not
	 * NUL-terminated); recorded like an alert, before the PUBACK. */
	void (*signal)(void *ctx, const char *payload, size_t len);
};

struct nabz_tg_mqtt {
	struct nabz_mqtt_link link;          /* driven by the bot's loop */
	struct nabz_tg_mqtt_hooks hooks;
	char alerts_topic[256];
	char prices_filter[256];
	char signals_topic[256];
	char chat_topic[256];                /* "": no relay */
	uint64_t alerts_received;
};

/* Returns 0, or -1 (a topic prefix too long, or out of memory). cfg and
 * hooks->ctx outlive m. */
int nabz_tg_mqtt__init(struct nabz_tg_mqtt *m, const struct nabz_tg_cfg *cfg, const struct nabz_tg_mqtt_hooks *hooks);
void nabz_tg_mqtt__cleanup(struct nabz_tg_mqtt *m);

#endif
