/*
 * Whether the prices the broker carries are live or the bridge's recorded
 * demo data: read from the bridge's retained sources message
 * (<prefix>/sources, data.demo), so that /health can say it to anyone who
 * looks (a user must never take replayed prices for real ones). Broker
 * thread only.
 */
#ifndef NABZ_DATA_MODE_H
#define NABZ_DATA_MODE_H

#include <stddef.h>

/* What the sources message says; UNKNOWN until one arrives. */
enum nabz_data_mode {
	NABZ_DATA_UNKNOWN = 0,
	NABZ_DATA_LIVE,
	NABZ_DATA_DEMO,
};

/* The mode a sources message's payload states: NABZ_DATA_DEMO when its
 * data has "demo": true, NABZ_DATA_LIVE when it has "demo": false (or no
 * "demo": a bridge from before it was said), NABZ_DATA_UNKNOWN when the
 * payload is not such a message (empty: a retained message cleared). */
enum nabz_data_mode nabz_data_mode__of_sources(const void *payload, size_t len);

/* Its name in /health: "live", "demo", or NULL for unknown. */
const char *nabz_data_mode__name(enum nabz_data_mode mode);

#endif
