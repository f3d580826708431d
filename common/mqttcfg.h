/*
 * The "mqtt" block both programs' configurations share: where the broker
 * is, who to log in as, and the topic prefix. Read with the cfgread.h
 * readers, so a bad value is reported by its JSON path ("mqtt.port: must
 * be a whole number in 1..65535"); unknown keys too.
 */
#ifndef NABZ_MQTTCFG_H
#define NABZ_MQTTCFG_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "cfgread.h"

struct nabz_mqtt_cfg {
	char *host;
	long port;
	char *username;
	char *password;              /* from "password" or read from "password_file"; secret */
	char *client_id;
	char *topic_prefix;
	long keepalive_s;
};

/* Who a program is by default: its user name and client id, and whether
 * the client id may be empty (a persistent session needs one). */
struct nabz_mqtt_cfg_defaults {
	const char *username;
	const char *client_id;
	bool client_id_required;
};

/* Reads root's "mqtt" object (absent: every default) into cfg, whose
 * strings are heap copies cfg owns (free with nabz_mqttcfg__free, also
 * after a failure). Returns 0, or -1 with the first error in r. */
int nabz_mqttcfg__read(struct nabz_cfg_reader *r, const cJSON *root, const struct nabz_mqtt_cfg_defaults *def,
		struct nabz_mqtt_cfg *cfg);
/* Frees the strings (the password wiped first) and zeroes cfg. */
void nabz_mqttcfg__free(struct nabz_mqtt_cfg *cfg);

#endif
