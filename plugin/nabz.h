/*
 * nabz plugin state: one struct, created in mosquitto_plugin_init and
 * passed as userdata to every callback. Everything in it belongs to the
 * broker thread; the listener's service threads reach only seam and cfg
 * (read-only after init), as seam.h says.
 */
#ifndef NABZ_H
#define NABZ_H

#include <stdbool.h>
#include <stdint.h>

#include "broker_listeners.h"
#include "budget.h"
#include "chat.h"
#include "cluster.h"
#include "config.h"
#include "contract.h"
#include "feed.h"
#include "ratelog.h"
#include "reclaim.h"
#include "seam.h"
#include "sessions.h"
#include "state_saver.h"
#include "tcp_limits.h"

struct nabz_tcp_sweep;

struct nabz_listener;

typedef struct mosquitto_plugin_id_t mosquitto_plugin_id_t;

struct nabz {
	mosquitto_plugin_id_t *pid;
	struct nabz_config cfg;
	struct nabz_registry reg;

	char *stats_topic;            /* "<prefix>/stats" */
	char *sources_topic;          /* "<prefix>/sources": says whether data is demo */
	char *prices_topic;           /* "<prefix>/prices/": a symbol follows */
	size_t prices_topic_len;
	size_t prefix_len;            /* strlen(cfg.topic_prefix) */

	int64_t started_ms;           /* monotonic, for uptime_s */
	int64_t last_stats_publish_ms;
	bool stats_published_once;
	struct nabz_state_saver saver; /* writes the state file on its own thread */
	int64_t last_state_save_ms;

	struct nabz_tcp_limits tcp;   /* MQTT-over-TCP clients counted */
	struct nabz_tcp_sweep *sweep; /* NULL when tcp_connect_timeout_s is 0 */

	struct nabz_seam seam;        /* shared with the WebSocket thread */
	struct nabz_listener *ws;     /* NULL when no listener is configured */
	struct nabz_counts seam_counts; /* what the seam last got */
	int64_t last_seam_ms;
	int64_t wake_requested_ms;    /* the last wake-up asked of the listener */

	struct nabz_budget unknown_budget;  /* control requests of clients the registry lacks */
	struct nabz_reclaim reclaim;
	bool listeners_found;         /* the broker's TCP listeners looked for (tick.c) */
	struct nabz_broker_listeners listeners;  /* for TCP_NODELAY and the sweep */
	struct nabz_ratelog refused_anonymous_log;   /* events.c: refused connects */
	struct nabz_ratelog refused_client_id_log;

	/* The data feed (events.c), handed to the seam at the next tick when
	 * feed_dirty; deliveries counted on the read hot path (events.c),
	 * handed over at every tick. */
	struct nabz_feed feed;
	bool feed_dirty;
	uint64_t deliveries;

	/* The cluster (cluster_link.c); cluster.enabled false: none of it runs. */
	struct nabz_cluster cluster;
	struct nabz_node_figures *own;    /* owned: this node's, rebuilt when used */
	struct nabz_cluster_summary summary; /* the merged figures, last computed */
	struct nabz_cluster_summary seam_summary; /* what the seam last got */
	int64_t started_wall_ms;
	uint64_t cluster_seq;             /* of this node's messages */
	int64_t cluster_sent_ms;          /* monotonic, the last one */
	uint64_t cluster_sent_peak;       /* the cluster peak it carried */
	struct nabz_counts cluster_sent_counts; /* this node's figures it carried */
	struct nabz_ratelog cluster_ignored_log;  /* cluster_link.c: messages it could not use */

	/* Chat rooms (chat.h); what they owe the broker is published by
	 * chat_publish.c after each control request and at each tick. */
	struct nabz_chat chat;
};

#endif
