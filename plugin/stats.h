/* The stats object of the contract, and when to publish it. */
#ifndef NABZ_STATS_H
#define NABZ_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sessions.h"

/* Builds the stats object. Caller owns the result (cJSON_Delete); NULL
 * when out of memory. */
cJSON *nabz_stats__to_json(const struct nabz_counts *c, int64_t uptime_s);

/* Adds "nodes" (live edges; 1 for a single broker) and, when clustered,
 * "node" (this node's id; NULL: left out) to a stats object; false when
 * out of memory. */
bool nabz_stats__add_cluster(cJSON *stats, uint64_t nodes, const char *node);

/* Prints data (ownership passes in, freed in every case) and wraps it
 * into the topic envelope {"type": type, "data": data, "ts": RFC 3339}
 * (common/envelope.h). Caller frees the string with free(); NULL when out
 * of memory or type is not [a-z_]+. */
char *nabz_stats__envelope(const char *type, cJSON *data, int64_t wall_ms);

/* The debounce rule: publish when something changed and the last publish
 * is at least interval_ms old (or there was none). */
bool nabz_stats__publish_due(bool dirty, bool published_once, int64_t last_ms,
		int64_t now_ms, int64_t interval_ms);

#endif
