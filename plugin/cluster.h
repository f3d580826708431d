/*
 * The cluster's figures: what this node knows of every node (its own
 * figures, and each peer's from its last nabz/cluster/node/<id> message),
 * and the merge into the cluster-wide figures every node publishes as its
 * own crypto/stats (docs/CONTRACT.md "Cluster").
 *
 *   active_connections, client_types, groups : sums over live nodes
 *   unique_users    : the union of the live nodes' HyperLogLog sketches of
 *                     their user_ids (hll.h), plus each live node's
 *                     clients without a user_id
 *   total_sessions  : the sum over every node ever heard of (a node that
 *                     died still had its sessions); each node persists its
 *                     own in its state file
 *   peak_connections: the largest cluster active_connections any node saw
 *                     (each node publishes its view; merged by max)
 *
 * A node is live while its last message is younger than the deadline
 * (by the sender's wall clock, so a retained message from a node that has
 * since died does not count it live: the nodes' clocks must agree within
 * a fraction of the deadline, as NTP gives). This node is always live.
 *
 * Pure data: no broker calls, so unit tests use it as it is. Broker
 * thread only.
 */
#ifndef NABZ_CLUSTER_H
#define NABZ_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "hll.h"
#include "sessions.h"

#define NABZ_NODE_ID_MAX 32
#define NABZ_CLUSTER_NODES_MAX 64

/* One node's own figures, as it publishes them. */
struct nabz_node_figures {
	uint64_t active;
	uint64_t by_type[NABZ_CT_COUNT];
	uint64_t groups[NABZ_GROUP_COUNT];
	uint64_t unique_users;      /* its own, exact */
	uint64_t anonymous;         /* its clients without a user_id */
	uint64_t total_sessions;    /* its own, persisted by it */
	uint64_t peak;              /* its own */
	uint64_t cluster_peak;      /* its view of the cluster's */
	struct nabz_hll users;      /* its user_ids */
};

struct nabz_cluster_node {
	char id[NABZ_NODE_ID_MAX + 1];
	char role[8];               /* "edge" or "core" */
	struct nabz_node_figures f;
	int64_t started_wall_ms;
	uint64_t seq;
	int64_t sent_wall_ms;       /* the sender's clock at its last message */
	int64_t heard_mono_ms;      /* when it was sent, on this node's clock */
	bool alive;
};

struct nabz_cluster {
	bool enabled;               /* cluster_node set */
	bool core;                  /* cluster_role core */
	char self[NABZ_NODE_ID_MAX + 1];
	int64_t deadline_ms;
	struct nabz_cluster_node *nodes;   /* owned, the peers heard of */
	size_t count;
	int64_t core_heard_mono_ms; /* edges: the core's last heartbeat; 0: never */
	bool linked;                /* edges: that heartbeat is within the deadline */
	uint64_t peak;              /* this node's view of the cluster peak */
	bool changed;               /* a peer's figures or liveness changed */
};

/* The merged figures (counts) and how many nodes are live, this one
 * included. */
struct nabz_cluster_view {
	struct nabz_counts counts;
	uint64_t nodes;
};

/* True when id is 1..NABZ_NODE_ID_MAX of [A-Za-z0-9_-]: one topic level. */
bool nabz_cluster__valid_id(const char *id);

void nabz_cluster__init(struct nabz_cluster *c, const char *self, bool core, int64_t deadline_ms,
		uint64_t restored_peak);
void nabz_cluster__cleanup(struct nabz_cluster *c);

/* This node's figures from its registry (the sketch built from its
 * user_ids: O(users)). */
void nabz_cluster__own_figures(const struct nabz_cluster *c, const struct nabz_registry *reg,
		struct nabz_node_figures *out);

/* The nabz/cluster/node/<id> payload of figures f. Caller frees (free);
 * NULL when out of memory. */
char *nabz_cluster__node_payload(const struct nabz_cluster *c, const struct nabz_node_figures *f,
		int64_t started_wall_ms, uint64_t seq, int64_t now_wall_ms);

/* A node message heard (id from the topic). Returns 0, or -1 when the
 * payload is not one (ignored) or the table is full. A message of this
 * node's own id (its retained figures from before a restart) only
 * restores the peak. */
int nabz_cluster__hear_node(struct nabz_cluster *c, const char *id, const void *payload, size_t len,
		int64_t now_mono_ms, int64_t now_wall_ms);
/* The core's heartbeat heard: payload {"ts_ms": wall ms}. */
void nabz_cluster__hear_core(struct nabz_cluster *c, const void *payload, size_t len,
		int64_t now_mono_ms, int64_t now_wall_ms);

/* Marks nodes silent past the deadline gone, and the link down; sets
 * c->changed when a node left. */
void nabz_cluster__expire(struct nabz_cluster *c, int64_t now_mono_ms);

/* Merges own (this node's figures) with the live peers' into out, and
 * raises the cluster peak (own->cluster_peak is not read). */
void nabz_cluster__merge(struct nabz_cluster *c, const struct nabz_node_figures *own,
		struct nabz_cluster_view *out);

/* listNodes' data: {"node", "role", "link", "nodes": [...]}. Caller owns
 * it; NULL when out of memory. */
cJSON *nabz_cluster__nodes_json(const struct nabz_cluster *c, const struct nabz_node_figures *own,
		int64_t started_wall_ms, int64_t now_mono_ms, int64_t now_wall_ms);

#endif
