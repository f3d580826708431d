/*
 * Limits on MQTT-over-TCP clients: how many are counted in total and per
 * address (netaddr.h: an IPv6 /64 is one address), decided at
 * MOSQ_EVT_BASIC_AUTH, and the figures /metrics shows for them (refusals
 * here, pre-CONNECT closures by tcp_sweep.c).
 *
 * Counted: every TCP session the plugin let through BASIC_AUTH, from then
 * until its MOSQ_EVT_DISCONNECT, except named accounts (services,
 * publishers, admins, bots: the broker checks their password right after,
 * and the bridge must always get back in). WebSocket clients reach the
 * broker over its unix socket and have their own limits (ws_peer.c).
 *
 * Broker thread only. Pure data: no broker calls, so unit tests use it as
 * it is; the caller logs.
 */
#ifndef NABZ_TCP_LIMITS_H
#define NABZ_TCP_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "config.h"
#include "ratelog.h"
#include "metrics.h"
#include "netaddr.h"

/* At most one refusal line per reason this often (like ws_admit.c). */

struct nabz_tcp_addr {
	char key[NABZ_NETADDR_KEY_MAX];  /* the limit key */
	unsigned count;
	bool refusal_logged;             /* its first refusal was logged */
	UT_hash_handle hh;
};

struct nabz_tcp_limits {
	struct nabz_tcp_addr *by_key;    /* owned, only keys with count > 0 */
	struct nabz_tcp_metrics m;       /* m.sessions: counted sessions */
	struct nabz_ratelog log[NABZ_TCP_REASON_COUNT];   /* refusals and closures, per reason */
};

enum nabz_tcp_verdict {
	NABZ_TCP_ADMIT,                  /* counted in */
	NABZ_TCP_REFUSE_CAPACITY,        /* tcp_max_connections reached */
	NABZ_TCP_REFUSE_PER_IP,          /* tcp_max_connections_per_ip reached */
	NABZ_TCP_REFUSE_NOMEM,
};

/* A new TCP client from address: counts it in, or says why not (counted
 * in /metrics). *first_refusal: the address's first per-address refusal
 * since it was last under the limit (log it once). */
enum nabz_tcp_verdict nabz_tcp_limits__admit(struct nabz_tcp_limits *l, const struct nabz_config *cfg,
		const char *address, bool *first_refusal);
/* A counted client left; address as given to admit. */
void nabz_tcp_limits__release(struct nabz_tcp_limits *l, const struct nabz_config *cfg, const char *address);
/* Sessions counted under key now. */
unsigned nabz_tcp_limits__count(const struct nabz_tcp_limits *l, const char *key);
void nabz_tcp_limits__cleanup(struct nabz_tcp_limits *l);

#endif
