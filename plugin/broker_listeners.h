/*
 * The broker's own TCP listening sockets, found in this process: the
 * plugin API of 2.0.11 names no listener and hands out no descriptor, but
 * the plugin runs inside the broker and can look at /proc/self/fd. A
 * listening socket (SO_ACCEPTCONN) on a port that is not one of the
 * plugin's WebSocket ports is the broker's.
 *
 * What the plugin does with them:
 *  - the pre-CONNECT sweep (tcp_sweep.h) knows the broker's clients by
 *    their local port;
 *  - TCP_NODELAY is set on them (plugin_opt_tcp_nodelay): Linux copies it
 *    to every socket accept() returns, so each TCP client has it without
 *    mosquitto's set_tcp_nodelay. That option would also make 2.0.11 try it
 *    on the WebSocket listener's unix socket (src/net.c
 *    net__socket_accept), fail, and log "Unable to set TCP_NODELAY" for
 *    every browser.
 *
 * Broker thread only, once its listeners are open: from the first tick
 * (2.0.11 loads plugins before it opens its listeners).
 */
#ifndef NABZ_BROKER_LISTENERS_H
#define NABZ_BROKER_LISTENERS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define NABZ_BROKER_LISTENERS_MAX 16

struct nabz_broker_listeners {
	int fds[NABZ_BROKER_LISTENERS_MAX];
	uint16_t ports[NABZ_BROKER_LISTENERS_MAX];   /* one entry per port */
	size_t fd_count;
	size_t port_count;
};

/* Fills out; -1 when /proc/self/fd cannot be read. */
int nabz_broker_listeners__find(const struct nabz_config *cfg, struct nabz_broker_listeners *out);
/* The local TCP port of fd; -1 when it is not an IPv4/IPv6 socket. */
int nabz_broker_listeners__local_port(int fd, unsigned *port);
/* Sets TCP_NODELAY on every listener found; returns how many took it. */
size_t nabz_broker_listeners__set_nodelay(const struct nabz_broker_listeners *l);
/* "1883 8883" */
void nabz_broker_listeners__ports_text(const struct nabz_broker_listeners *l, char *out, size_t outlen);

#endif
