/*
 * The skeleton both programs' main loops share: the signals that stop
 * them (SIGTERM, SIGINT) or make the bridge read its rules again (SIGHUP),
 * the wake that cuts a wait short when one arrives, and the wait itself:
 * the curl multi handle's transfers and the MQTT socket together, then
 * the transfers driven and the MQTT side serviced. What a program does in
 * each turn is its own.
 *
 * The signal flags are the one global state here: a handler has nothing
 * else to reach. Everything else runs on the loop's thread; set up from
 * main before the loop, after the HTTP handle exists.
 */
#ifndef NABZ_LOOP_H
#define NABZ_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "mqtt_link.h"

/* SIGTERM and SIGINT ask the loop to stop, SIGHUP (with reload; else left
 * at its default) to reload; each wakes a wait in progress on wake (not
 * owned; it must stay valid until nabz_loop__signals_off). SIGPIPE is
 * ignored. */
void nabz_loop__signals(struct nabz_http *wake, bool reload);
/* No more wakes: call before wake is cleaned up. */
void nabz_loop__signals_off(void);
/* A stop was asked for (stays true). */
bool nabz_loop__stopping(void);
/* A reload was asked for since the last call. */
bool nabz_loop__take_reload(void);

/* One wait of at most wait_ms (clamped to 0..) on http's transfers and
 * link's socket (none while it is not connecting or connected); then the
 * finished transfers' callbacks run and, when the socket was ready, the
 * link reads and writes. */
void nabz_loop__wait(struct nabz_http *http, struct nabz_mqtt_link *link, int64_t wait_ms);

#endif
