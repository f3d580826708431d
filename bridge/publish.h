/*
 * What the bridge publishes, over common/mqtt_link.h's connection (a clean
 * session): retained state (prices, market, sources) goes out when it
 * changed and again after every reconnect; QoS 1 messages (news, alerts)
 * wait in a bounded outbox on disk (spool.h) while the broker is away.
 * Single-threaded (the bridge's loop).
 */
#ifndef NABZ_BRIDGE_PUBLISH_H
#define NABZ_BRIDGE_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "mqtt_link.h"
#include "spool.h"

struct nabz_retained;

struct nabz_publisher {
	struct nabz_mqtt_link link;         /* not started with --once */
	const struct nabz_bridge_cfg *cfg;
	struct nabz_retained *retained;     /* topic -> last payload, uthash */
	struct nabz_spool spool;            /* QoS 1 not yet acknowledged, on disk */
	uint64_t published;
	bool once;                          /* --once: print, do not connect */
};

int nabz_publisher__init(struct nabz_publisher *p, const struct nabz_bridge_cfg *cfg, bool once);
void nabz_publisher__cleanup(struct nabz_publisher *p);

/* Publishes {"type":type,"data":data,"ts":now} on <prefix>/<subtopic>.
 * Takes data. retained: QoS 0 retained, sent only when the payload differs
 * from the last one (the ts aside), resent after reconnects. Otherwise QoS 1
 * through the outbox. Returns 0, or -1 when out of memory. */
int nabz_publisher__send(struct nabz_publisher *p, const char *subtopic, const char *type,
		cJSON *data, bool retained, int64_t wall_ms);

#endif
