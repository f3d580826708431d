/*
 * MQTT 3.1.1 packets that nabz writes itself, byte by byte: the listener's
 * wake link and the load tools in bench/ talk MQTT without a client
 * library (the listener must not block on one; a load tool wants every
 * byte under its control). Everything else uses libmosquitto.
 *
 * Pure functions on caller-owned buffers; no allocation, thread-safe.
 */
#ifndef NABZ_MQTT_PACKET_H
#define NABZ_MQTT_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Reads an MQTT variable byte integer; returns its length in bytes, 0 when
 * more bytes are needed, -1 when malformed (more than 4 bytes). */
int nabz_mqtt__read_varint(const uint8_t *buf, size_t len, uint32_t *value);

/* Writes value (at most 268,435,455) as a variable byte integer into
 * out[4]; returns its length. */
size_t nabz_mqtt__write_varint(uint32_t value, uint8_t out[4]);

/* Writes a CONNECT: MQTT 3.1.1, clean session, the given keepalive (0:
 * never timed out), client_id, and user / password when not NULL. Returns
 * its length, or 0 when it does not fit in out_cap bytes or a string is
 * longer than MQTT's 65,535. */
size_t nabz_mqtt__connect(uint8_t *out, size_t out_cap, const char *client_id,
		const char *user, const char *password, uint16_t keepalive);

#endif
