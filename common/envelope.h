/*
 * The text of every message nabz publishes (the plugin's stats, the
 * bridge's topics): {"type":<type>,"data":<data>,"ts":<RFC 3339 time>},
 * made around data already printed, so a payload is printed once (cJSON's
 * number printing was most of a bridge publish's cost). Byte for byte what
 * cJSON_PrintUnformatted gives for the same object. Pure, no cJSON: any
 * thread.
 */
#ifndef NABZ_ENVELOPE_H
#define NABZ_ENVELOPE_H

#include <stdint.h>

/* type: [a-z_] only (a constant of the contract), else NULL; data_text:
 * an unformatted JSON value. Returns a malloc'd string the caller frees,
 * NULL when type is unfit or out of memory. */
char *nabz_envelope__wrap(const char *type, const char *data_text, int64_t wall_ms);

#endif
