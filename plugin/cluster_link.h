/*
 * The cluster on the broker: hearing nabz/cluster/# (MOSQ_EVT_MESSAGE,
 * from events.c's dispatcher when plugin_opt_cluster_node is set), publishing this
 * edge's figures on nabz/cluster/node/<id> or the core's heartbeat on
 * nabz/cluster/core, and the merged figures crypto/stats, getStats and
 * the listener's /api/stats show (cluster.h has the merge). Broker thread
 * only.
 */
#ifndef NABZ_CLUSTER_LINK_H
#define NABZ_CLUSTER_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "cluster.h"

struct nabz;

/* Allocates what the cluster needs (nabz->own); 0 or -1 (out of memory). */
int nabz_cluster_link__init(struct nabz *nabz, uint64_t restored_peak);
void nabz_cluster_link__cleanup(struct nabz *nabz);

/* MOSQ_EVT_MESSAGE: every PUBLISH the broker receives comes here, data
 * included, so anything not under nabz/cluster/ returns after one compare. */
int nabz_cluster_link__on_message(int event, void *event_data, void *userdata);

/* From the tick: expires silent nodes, publishes this node's message when
 * due. Returns true when the cluster's figures may have changed (the
 * caller marks the stats dirty). */
bool nabz_cluster_link__tick(struct nabz *nabz, int64_t now_ms);

#endif
