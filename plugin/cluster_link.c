#include "cluster_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "contract.h"
#include "log.h"
#include "nabz.h"
#include "timeutil.h"

/* Least time between two node messages when figures change: a change
 * reaches every edge well within 1 s, and a connect storm costs at most
 * 4 messages a second. */
#define NODE_MIN_INTERVAL_MS 250

int nabz_cluster_link__init(struct nabz *nabz, uint64_t restored_peak)
{
	nabz_cluster__init(&nabz->cluster, nabz->cfg.cluster_node,
			strcmp(nabz->cfg.cluster_role, "core") == 0, nabz->cfg.cluster_deadline_ms, restored_peak);
	nabz->started_wall_ms = nabz_time__wall_ms();
	if(!nabz->cluster.enabled) return 0;
	nabz->own = calloc(1, sizeof(*nabz->own));
	return nabz->own ? 0 : -1;
}

void nabz_cluster_link__cleanup(struct nabz *nabz)
{
	nabz_cluster__cleanup(&nabz->cluster);
	free(nabz->own);
	nabz->own = NULL;
}

int nabz_cluster_link__on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *ed = event_data;
	struct nabz *nabz = userdata;
	const char *rest;

	(void)event;
	if(strncmp(ed->topic, NABZ_CLUSTER_ROOT, sizeof(NABZ_CLUSTER_ROOT) - 1) != 0) return MOSQ_ERR_SUCCESS;
	rest = ed->topic + sizeof(NABZ_CLUSTER_ROOT) - 1;
	if(strncmp(rest, "node/", 5) == 0){
		if(ed->payloadlen == 0) return MOSQ_ERR_SUCCESS;   /* a retained message cleared */
		int64_t now = nabz_time__mono_ms();
		unsigned suppressed;
		int64_t since_ms;

		if(nabz_cluster__hear_node(&nabz->cluster, rest + 5, ed->payload, ed->payloadlen, now,
					nabz_time__wall_ms()) != 0
				&& nabz_ratelog__due(&nabz->cluster_ignored_log, now, &suppressed, &since_ms)){
			/* A 65th node would send one a second: one line per interval. */
			nabz_log_notice("ignored a cluster message on %s: not a node's figures, or %d nodes known "
					"already (%u more ignored since the last such line)", ed->topic,
					NABZ_CLUSTER_NODES_MAX, suppressed);
		}
	}else if(strcmp(rest, "core") == 0 && !nabz->cluster.core){
		nabz_cluster__hear_core(&nabz->cluster, ed->payload, ed->payloadlen, nabz_time__mono_ms(),
				nabz_time__wall_ms());
	}
	return MOSQ_ERR_SUCCESS;
}

static void publish(const char *topic, char *payload, bool retain)
{
	int rc;

	if(payload == NULL){
		nabz_log_err("out of memory building %s", topic);
		return;
	}
	rc = mosquitto_broker_publish_copy(NULL, topic, (int)strlen(payload), payload, 0, retain, NULL);
	free(payload);
	if(rc != MOSQ_ERR_SUCCESS) nabz_log_err("cannot publish %s: %s", topic, mosquitto_strerror(rc));
}

static void publish_node(struct nabz *nabz, int64_t now_wall_ms)
{
	char topic[sizeof(NABZ_CLUSTER_NODE_TOPIC) + NABZ_NODE_ID_MAX];

	nabz_cluster__own_figures(&nabz->cluster, &nabz->reg, nabz->own);
	snprintf(topic, sizeof(topic), NABZ_CLUSTER_NODE_TOPIC "%s", nabz->cluster.self);
	/* Retained: an edge that starts (or whose link returns) learns every
	 * node's last figures, the dead ones' total_sessions included. */
	publish(topic, nabz_cluster__node_payload(&nabz->cluster, nabz->own, nabz->started_wall_ms,
				++nabz->cluster_seq, now_wall_ms), true);
	nabz->cluster_sent_peak = nabz->cluster.peak;
	nabz->cluster_sent_counts = nabz->reg.counts;
}

static void publish_heartbeat(struct nabz *nabz, int64_t now_wall_ms)
{
	char ts[NABZ_RFC3339_LEN];
	char *payload = malloc(160 + NABZ_NODE_ID_MAX);

	if(payload){
		nabz_time__rfc3339(now_wall_ms, ts, sizeof(ts));
		snprintf(payload, 160 + NABZ_NODE_ID_MAX, "{\"node\":\"%s\",\"ts\":\"%s\",\"ts_ms\":%lld}",
				nabz->cluster.self, ts, (long long)now_wall_ms);
	}
	/* Not retained: a heartbeat from a core that has died must not look
	 * like one from a live core. */
	publish(NABZ_CLUSTER_CORE_TOPIC, payload, false);
}

bool nabz_cluster_link__tick(struct nabz *nabz, int64_t now_ms)
{
	struct nabz_cluster *c = &nabz->cluster;
	bool was_linked = c->linked, changed, own_changed;
	int64_t since = now_ms - nabz->cluster_sent_ms;

	nabz_cluster__expire(c, now_ms);
	if(c->linked != was_linked){
		if(c->linked){
			nabz_log_notice("cluster: the core's heartbeat is back; figures are the cluster's again");
		}else{
			nabz_log_warn("cluster: no heartbeat from the core for %lld ms: cut off, serving with "
					"this node's own figures", (long long)c->deadline_ms);
		}
	}
	/* This node's own figures against what it last sent (not reg.dirty,
	 * which the others' messages set too: edges would answer each other's
	 * messages with their own, four times a second). A user_id swapped for
	 * another leaves the counts as they were: the heartbeat carries it. */
	own_changed = memcmp(&nabz->reg.counts, &nabz->cluster_sent_counts, sizeof(nabz->reg.counts)) != 0
		|| c->peak != nabz->cluster_sent_peak;
	if(since >= nabz->cfg.cluster_heartbeat_ms
			|| (own_changed && since >= NODE_MIN_INTERVAL_MS && !c->core)){
		int64_t wall = nabz_time__wall_ms();
		if(c->core){
			publish_heartbeat(nabz, wall);
		}else{
			publish_node(nabz, wall);
		}
		nabz->cluster_sent_ms = now_ms;
	}
	changed = c->changed || c->linked != was_linked;
	c->changed = false;
	return changed;
}
