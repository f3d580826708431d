/*
 * The figures a node shows (crypto/stats, getStats, /api/stats through the
 * seam, listNodes): its own when not clustered, else the cluster's, merged
 * from this node's registry and what it heard of the others (cluster.h).
 * An edge cut off from the core shows its own figures alone. Broker thread
 * only; no broker calls.
 */
#ifndef NABZ_CLUSTER_VIEW_H
#define NABZ_CLUSTER_VIEW_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "cluster.h"

struct nabz;

/* The cluster's figures now (this node's counted in fresh, O(users)); also
 * keeps them in nabz->summary for the listener. Clustered nodes only. */
void nabz_cluster_view__compute(struct nabz *nabz, struct nabz_cluster_view *out);

/* The stats object of the contract, with "nodes" and "node" when
 * clustered. Caller owns it; NULL when out of memory. */
cJSON *nabz_cluster_view__stats_json(struct nabz *nabz, int64_t now_ms);

/* listNodes' data; NULL when out of memory. */
cJSON *nabz_cluster_view__nodes_json(struct nabz *nabz);

#endif
