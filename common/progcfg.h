/*
 * What nabz-bridge's and nabz-telegram's configuration files share
 * besides the mqtt block (mqttcfg.h): the frame every file is read in
 * (the top object's keys checked, the mqtt block, the program's own
 * blocks, the tree deleted) and the http block's timeouts. Read with the
 * cfgread.h readers, so a bad value is reported by its JSON path. Called
 * from main (and the bridge's SIGHUP reload) on the loop's thread.
 */
#ifndef NABZ_PROGCFG_H
#define NABZ_PROGCFG_H

#include <cjson/cJSON.h>

#include "cfgread.h"
#include "mqttcfg.h"

/* A program's own blocks, read from root into own; returns 0, or -1
 * with the first error in r. */
typedef int (*nabz_progcfg_own_fn)(struct nabz_cfg_reader *r, const cJSON *root, void *own);

/* Reads root (taken: deleted here; NULL: parsing or loading already
 * failed, the reason in err): unknown top-level keys (keys,
 * NULL-terminated) rejected, the "mqtt" block into *mqtt, then
 * read_own(r, root, own). Returns 0, or -1 with "json.path: reason" in
 * err; what was read stays for the caller to free. */
int nabz_progcfg__read(cJSON *root, char *err, size_t errlen, const char *const *keys,
		const struct nabz_mqtt_cfg_defaults *mqtt_defaults, struct nabz_mqtt_cfg *mqtt,
		nabz_progcfg_own_fn read_own, void *own);
/* The "http" block: connect_timeout_ms (100..60000, default 5000),
 * timeout_ms (100..300000, default 15000) and, when max_body_bytes is not
 * NULL, max_body_bytes (1 KiB..64 MiB, default 4 MiB; else an unknown
 * key). Returns 0, or -1 with the first error in r. */
int nabz_progcfg__http(struct nabz_cfg_reader *r, const cJSON *root, long *connect_timeout_ms, long *timeout_ms,
		long *max_body_bytes);

#endif
