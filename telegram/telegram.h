/*
 * nabz-telegram: every alert to the Telegram chats that want it, exactly
 * once. One thread, one poll loop (main.c): the curl multi handle's
 * sockets (sendMessage, getUpdates) and the MQTT socket are waited on
 * together. This is the one state struct every part is handed.
 */
#ifndef NABZ_TELEGRAM_H
#define NABZ_TELEGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "chats.h"
#include "config.h"
#include "mqtt.h"
#include "prices.h"
#include "rate.h"
#include "spool.h"

struct nabz_tg {
	const struct nabz_tg_cfg *cfg;
	struct nabz_http http;
	struct nabz_tg_spool spool;
	struct nabz_tg_chats chats;
	struct nabz_tg_rate rate;
	struct nabz_tg_prices prices;
	struct nabz_tg_mqtt mqtt;
	char send_url[1024];            /* secret: holds the token; never logged */
	char updates_url[1024];         /* secret too */
	/* {deliver} */
	unsigned sends_inflight;
	bool draining;                  /* stopping: no new requests */
	bool unauthorized_logged;
	uint64_t sent_total;
	uint64_t given_up_total;
	uint64_t bad_alerts;
	/* {updates} */
	bool updates_inflight;
	int64_t updates_at_ms;
	unsigned updates_retries;            /* failed getUpdates in a row */
	bool updates_error_logged;
};

#endif
