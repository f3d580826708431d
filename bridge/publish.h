/*
 * The bridge's MQTT side (libmosquitto, driven from the bridge's own poll
 * loop): retained state (prices, market, sources) goes out when it
 * changed and again after every reconnect; QoS 1 messages (news, alerts)
 * wait in a bounded outbox while the broker is away. Single-threaded.
 */
#ifndef NABZ_BRIDGE_PUBLISH_H
#define NABZ_BRIDGE_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "spool.h"

struct mosquitto;
struct nabz_retained;

struct nabz_publisher {
	struct mosquitto *mosq;
	const struct nabz_bridge_cfg *cfg;
	bool connected;
	bool connecting;
	int64_t next_connect_ms;
	unsigned retries;                   /* failed connects in a row */
	struct nabz_retained *retained;     /* topic -> last payload, uthash */
	struct nabz_spool spool;            /* QoS 1 not yet acknowledged, on disk */
	uint64_t published;
	char last_error[160];
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

/* Drives the connection: call with the socket's readiness after each
 * wait. Returns the socket to wait on (-1 when none) and whether to
 * wait for writability. */
void nabz_publisher__service(struct nabz_publisher *p, bool readable, bool writable, int64_t now_ms);
int nabz_publisher__socket(struct nabz_publisher *p, bool *want_write);

#endif
