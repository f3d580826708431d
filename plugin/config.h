/*
 * Plugin options (plugin_opt_* in mosquitto.conf), parsed from one table.
 * Broker thread only.
 */
#ifndef NABZ_CONFIG_H
#define NABZ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "netaddr.h"

struct mosquitto_opt;

/* A list of account names given as "a,b c" in one option. */
struct nabz_namelist {
	char **names;
	size_t count;
};

struct nabz_config {
	char *topic_prefix;          /* "crypto" */
	char *state_file;            /* "" disables persistence */
	long stats_debounce_ms;
	long state_save_interval_ms;
	bool allow_anonymous;
	struct nabz_namelist services;
	struct nabz_namelist publishers;
	struct nabz_namelist admins;
	struct nabz_namelist bots;   /* must authenticate; otherwise ordinary users */
	long max_control_payload;
	long max_metadata_bytes;
	long max_commands;
	long control_rate;                      /* commands answered per second (budget.h) */
	long control_burst;
	struct nabz_namelist client_id_owners;  /* "ID=ACCOUNT" (client_ids.h) */
	bool tcp_nodelay;                       /* broker_listeners.h */
	bool reclaim_dropped_messages;          /* reclaim.h */

	/* The WebSocket/HTTP listener (ws_*.c). */
	struct nabz_namelist ws_listeners;      /* "host:port", none: no listener */
	/* ws_accept.c: bind the WebSocket ports with SO_REUSEPORT without
	 * first checking that no other process holds them (several edges of a
	 * cluster on one host share :8000; the kernel lets only sockets of the
	 * same effective UID share). */
	bool ws_reuseport_shared;
	struct nabz_namelist ws_tls_listeners;  /* "host:port" for wss:// */
	char *ws_tls_cert;
	char *ws_tls_key;
	char *ws_broker_socket;                 /* the broker's unix listener */
	char *web_root;
	long ws_threads;                        /* 0: one per CPU, at most 4 */
	long ws_batch_us;                       /* wait after broker bytes; 0: none */
	long ws_max_connections;
	long ws_max_connections_per_ip;
	long ws_handshake_timeout_s;
	long ws_ping_interval_s;
	long ws_pong_timeout_s;
	long ws_max_message_bytes;
	long ws_buffer_bytes;
	struct nabz_namelist ws_origins;        /* exact-match allowlist; none: any */
	bool ws_allow_missing_origin;
	struct nabz_namelist ws_trusted_proxies;

	/* Connection limits shared by TCP and WebSocket (netaddr.h). */
	struct nabz_namelist limit_exempt;      /* as given */
	struct nabz_cidrlist limit_exempt_nets; /* parsed; empty for "none" */
	/* MQTT over TCP (the broker's own listeners; tcp_limits.c,
	 * tcp_sweep.c). */
	long tcp_max_connections;
	long tcp_max_connections_per_ip;
	long tcp_connect_timeout_s;             /* 0: leave it to the broker */

	/* The cluster (cluster.h): empty cluster_node = not clustered. */
	char *cluster_node;                     /* this node's id */
	char *cluster_role;                     /* "edge" or "core" */
	struct nabz_namelist cluster_peers;     /* at the core: the edges' accounts */
	long cluster_heartbeat_ms;
	long cluster_deadline_ms;

	/* Chat rooms (chat.h). */
	bool chat_enabled;
	struct nabz_namelist chat_rooms;
	long chat_max_bytes;
	long chat_history;
	long chat_session_rate;                 /* posts a minute, on average */
	long chat_session_burst;
	long chat_address_rate;                 /* the same for one address (an IPv6 /64) */
	long chat_address_burst;
	long chat_name_max;                     /* bytes of a display name */
};

/* Parses opts into cfg, defaults first. On failure returns -1 and writes
 * a message naming the option into err; cfg is then left freed. */
int nabz_config__parse(struct nabz_config *cfg, const struct mosquitto_opt *opts,
		int opt_count, char *err, size_t errlen);
void nabz_config__free(struct nabz_config *cfg);

bool nabz_namelist__contains(const struct nabz_namelist *list, const char *name);

/* The option names, in table order (the docs test checks mosquitto.conf
 * documents each). */
size_t nabz_config__option_count(void);
const char *nabz_config__option_name(size_t i);

#endif
