/*
 * Connections to the broker's own TCP listeners that have not completed
 * their MQTT CONNECT: closed after tcp_connect_timeout_s, and when they
 * would take an address past tcp_max_connections_per_ip or the broker past
 * tcp_max_connections (tcp_limits.h counts the clients past CONNECT).
 *
 * Why here: 2.0.11 gives the plugin no accept event and no descriptor,
 * gives a new connection keepalive 60 (context__init), so it closes a
 * silent one only after 90 s, and keeps one alive for ever while it
 * trickles a long CONNECT (packet__read refreshes last_msg_in while more
 * than 1000 bytes are due). Its listener max_connections drifts low at
 * every disconnect (net__socket_close runs twice per context and
 * decrements each time), so it stops limiting.
 *
 * How: from MOSQ_EVT_TICK, a bounded slice of /proc/self/fd per tick (a
 * pass over every descriptor about once a second, at most ~8,000
 * descriptors a second). A socket whose local port is one the broker
 * listens on (not the plugin's WebSocket ports) and that is connected is
 * one the broker accepted. TCP_INFO tells whether the broker ever sent on
 * it: it sends nothing before the CONNACK, so a socket it never sent a
 * byte on has not completed its CONNECT. Such a socket is ended with
 * shutdown(SHUT_RDWR), never close(): the descriptor is the broker's; it
 * reads EOF and cleans up through its own path. Only the broker thread
 * opens and closes the broker's sockets, and this runs on it, so the
 * descriptor cannot be reused under us between the check and the shutdown.
 *
 * Broker thread only.
 */
#ifndef NABZ_TCP_SWEEP_H
#define NABZ_TCP_SWEEP_H

#include <stdint.h>

#include "broker_listeners.h"
#include "config.h"
#include "tcp_limits.h"

struct nabz_tcp_sweep;

/* NULL when out of memory or /proc/self/fd cannot be opened (logged). cfg
 * must outlive it. */
struct nabz_tcp_sweep *nabz_tcp_sweep__new(const struct nabz_config *cfg);
void nabz_tcp_sweep__free(struct nabz_tcp_sweep *sw);
/* Does this tick's share of the sweep; counts closures in limits->m. */
/* listeners: the broker's, found once at the first tick (tick.c). */
void nabz_tcp_sweep__tick(struct nabz_tcp_sweep *sw, struct nabz_tcp_limits *limits,
		const struct nabz_broker_listeners *listeners, int64_t now_ms);

#endif
