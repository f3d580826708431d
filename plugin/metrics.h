/*
 * /metrics: the figures in Prometheus text format (version 0.0.4), with
 * HELP and TYPE lines. Pure: renders a copy of the figures handed to it.
 */
#ifndef NABZ_METRICS_H
#define NABZ_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "sessions.h"

enum nabz_ws_refusal {
	NABZ_REFUSED_ORIGIN,        /* Origin not in the allowlist */
	NABZ_REFUSED_CAPACITY,      /* max_connections reached */
	NABZ_REFUSED_PER_IP,        /* max_connections_per_ip reached */
	NABZ_REFUSED_SUBPROTOCOL,   /* no mqtt / mqttv3.1 subprotocol */
	NABZ_REFUSED_BAD_CONNECT,   /* first packet not a valid CONNECT */
	NABZ_REFUSED_TIMEOUT,       /* no CONNECT in time */
	NABZ_REFUSED_TOO_LARGE,     /* a message over the size limit */
	NABZ_REFUSED_BROKER_DOWN,   /* the broker's socket did not answer */
	NABZ_REFUSED_PATH,          /* upgrade on a path other than /mqtt, /ws */
	NABZ_REFUSED_PROTOCOL,      /* a text frame: MQTT is binary */
	NABZ_REFUSAL_COUNT
};

const char *nabz_ws_refusal__name(enum nabz_ws_refusal reason);

/* Counters of the WebSocket listener: a sum of every service thread's
 * (nabz_ws__metrics_sum), made and read by the thread serving /metrics. */
struct nabz_ws_metrics {
	uint64_t connections;       /* open WebSocket connections now */
	uint64_t accepted_total;
	uint64_t bytes_in;          /* from browsers */
	uint64_t bytes_out;         /* to browsers */
	uint64_t frames_in;
	uint64_t frames_out;
	uint64_t refused[NABZ_REFUSAL_COUNT];
	uint64_t slow_consumer_disconnects;
	uint64_t http_requests;
	uint64_t pending_details;   /* WebSocket details the broker has not taken */
	uint64_t pending_bytes;
};

/* Why the plugin refused an MQTT-over-TCP client (at its CONNECT) or
 * closed a connection that had not sent its CONNECT (tcp_sweep.c). */
enum nabz_tcp_reason {
	NABZ_TCP_CAPACITY,          /* tcp_max_connections reached */
	NABZ_TCP_PER_IP,            /* tcp_max_connections_per_ip reached */
	NABZ_TCP_TIMEOUT,           /* no CONNECT within tcp_connect_timeout_s */
	NABZ_TCP_REASON_COUNT
};

const char *nabz_tcp_reason__name(enum nabz_tcp_reason reason);

/* Figures of the TCP limits, kept on the broker thread and handed to the
 * service threads through the seam. */
struct nabz_tcp_metrics {
	uint64_t sessions;          /* TCP clients counted against the limits now */
	uint64_t preconnect;        /* connections without a CONNECT, last sweep */
	uint64_t swept_fds;         /* descriptors the last sweep looked at */
	uint64_t sweep_cpu_us;      /* time spent sweeping, all sweeps */
	uint64_t refused[NABZ_TCP_REASON_COUNT];  /* CONNECTs refused */
	uint64_t closed[NABZ_TCP_REASON_COUNT];   /* pre-CONNECT connections closed */
};

/* The cluster as the service threads see it (cluster.h; kept by the
 * broker thread, handed over through the seam). */
struct nabz_cluster_summary {
	bool enabled;               /* plugin_opt_cluster_node set */
	bool core;
	bool linked;                /* edges: the core's heartbeat is recent */
	uint64_t nodes;             /* live edges */
	char node[33];              /* this node's id */
	struct nabz_counts counts;  /* the cluster's figures */
};

/* The data flowing through the broker, for the alerting rules: what the
 * feed (feed.h) says, how many data messages the broker handed to
 * subscribers, whether the data is demo, and the connection limits the
 * gauges are measured against. */
struct nabz_data_metrics {
	const struct nabz_feed *feed;
	uint64_t deliveries;        /* read-access checks passed under the data prefix */
	int data_mode;              /* enum nabz_data_mode (data_mode.h) */
	uint64_t ws_max_connections;
	uint64_t tcp_max_connections;
};

/* What /metrics can need at most: every series at its cap (a cluster
 * node's, NABZ_FEED_SYMBOLS_MAX symbols of 15 characters,
 * NABZ_FEED_SOURCES_MAX sources of 31) renders in under 24 KiB
 * (test_metrics.c checks this bound holds). */
#define NABZ_METRICS_MAX_BYTES 32768

/* Renders into buf (cap bytes, NUL-terminated). Returns the length, or 0
 * when cap is too small. c are this node's figures; with cl enabled every
 * audience series comes twice, {scope="node"} and {scope="cluster"}, and
 * nabz_cluster_nodes and nabz_cluster_link_up are added; without, the
 * output is as it was before clusters. */
size_t nabz_metrics__render(char *buf, size_t cap, const struct nabz_counts *c,
		int64_t uptime_s, const struct nabz_ws_metrics *ws, const struct nabz_tcp_metrics *tcp,
		const struct nabz_cluster_summary *cl, const struct nabz_data_metrics *data);

#endif
