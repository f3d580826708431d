/*
 * The first packet a WebSocket client sends must be an MQTT CONNECT. The
 * proxy reads it (possibly split across many frames) before it opens the
 * broker connection: to learn the client id (the key under which the
 * connection's real address reaches the session registry), to refuse
 * anything else, and to give an empty client id a generated one.
 *
 * Pure functions on bytes; called from the service threads.
 */
#ifndef NABZ_MQTT_CONNECT_H
#define NABZ_MQTT_CONNECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqtt_packet.h"

enum nabz_connect_result {
	NABZ_CONNECT_NEED_MORE,   /* a prefix of a valid CONNECT so far */
	NABZ_CONNECT_OK,
	NABZ_CONNECT_INVALID,     /* info->error says why */
	/* A whole, well-formed CONNECT whose client id the broker would
	 * refuse, or longer than NABZ_CLIENT_ID_MAX: info->error says why,
	 * info->protocol_level which CONNACK to answer with. */
	NABZ_CONNECT_BAD_CLIENT_ID,
};

/* The longest client id the listener passes on, in bytes. MQTT 3.1.1 only
 * promises 23; generated ids (MQTT.js "mqttjs_" + 8 hex, paho, our "ws-" +
 * 32 hex), UUIDs and "user@device" names fit many times over. A browser
 * never needs 64 KiB, and an id is kept (with its connection's details)
 * until the broker authenticates the client: 256 bounds each entry to
 * under 1 KiB, so the pending map's byte cap (seam.h) holds thousands. */
#define NABZ_CLIENT_ID_MAX 256

struct nabz_connect_info {
	size_t packet_len;        /* fixed header + remaining length */
	uint8_t protocol_level;   /* 3 (3.1), 4 (3.1.1) or 5 */
	bool clean_start;
	size_t client_id_offset;  /* of the 2-byte length before the id */
	uint16_t client_id_len;
	const char *error;
};

/* Parses buf[0..len) as the start of a CONNECT no longer than max_packet
 * bytes. */
enum nabz_connect_result nabz_mqtt_connect__parse(const uint8_t *buf, size_t len,
		size_t max_packet, struct nabz_connect_info *info);

/* Writes the CONNECT with its client id replaced by new_id into out
 * (out_cap bytes). Returns the new length, or 0 when out is too small or
 * the packet would grow past MQTT's limits. */
size_t nabz_mqtt_connect__with_client_id(const uint8_t *packet, const struct nabz_connect_info *info,
		const char *new_id, uint8_t *out, size_t out_cap);

#endif
