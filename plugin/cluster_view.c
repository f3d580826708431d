#include "cluster_view.h"

#include <stdio.h>
#include <string.h>

#include "nabz.h"
#include "stats.h"
#include "timeutil.h"

void nabz_cluster_view__compute(struct nabz *nabz, struct nabz_cluster_view *out)
{
	struct nabz_cluster *c = &nabz->cluster;
	struct nabz_cluster_summary *sum = &nabz->summary;

	nabz_cluster__own_figures(c, &nabz->reg, nabz->own);
	if(c->core){
		/* The core's clients are services (the edges, the bridge) and the
		 * bot: the audience is the edges'. */
		memset(nabz->own, 0, sizeof(*nabz->own));
	}
	if(!c->core && !c->linked){
		/* Cut off: the others' figures are stale; this node's own. */
		struct nabz_cluster alone = *c;
		alone.count = 0;
		nabz_cluster__merge(&alone, nabz->own, out);
		c->peak = alone.peak;
	}else{
		nabz_cluster__merge(c, nabz->own, out);
	}
	if(c->core && out->nodes) out->nodes--;   /* the core is not an edge */
	sum->enabled = true;
	sum->core = c->core;
	sum->linked = c->linked;
	sum->nodes = out->nodes;
	snprintf(sum->node, sizeof(sum->node), "%s", c->self);
	sum->counts = out->counts;
}

cJSON *nabz_cluster_view__nodes_json(struct nabz *nabz)
{
	nabz_cluster__own_figures(&nabz->cluster, &nabz->reg, nabz->own);
	return nabz_cluster__nodes_json(&nabz->cluster, nabz->own, nabz->started_wall_ms,
			nabz_time__mono_ms(), nabz_time__wall_ms());
}

/* The rooms' audiences (chat.h): this node's, as chat is this node's. */
static cJSON *add_chat_rooms(struct nabz *nabz, cJSON *data)
{
	if(data && !nabz_chat__add_audience(&nabz->chat, &nabz->reg, nabz->cfg.topic_prefix, data)){
		cJSON_Delete(data);
		return NULL;
	}
	return data;
}

cJSON *nabz_cluster_view__stats_json(struct nabz *nabz, int64_t now_ms)
{
	struct nabz_cluster_view view;
	cJSON *data;

	if(!nabz->cluster.enabled){
		/* A single broker is a cluster of one (docs/CONTRACT.md). */
		data = nabz_stats__to_json(&nabz->reg.counts, (now_ms - nabz->started_ms) / 1000);
		if(data && !nabz_stats__add_cluster(data, 1, NULL)){
			cJSON_Delete(data);
			return NULL;
		}
		return add_chat_rooms(nabz, data);
	}
	nabz_cluster_view__compute(nabz, &view);
	data = nabz_stats__to_json(&view.counts, (now_ms - nabz->started_ms) / 1000);
	if(data && !nabz_stats__add_cluster(data, view.nodes, nabz->cluster.self)){
		cJSON_Delete(data);
		return NULL;
	}
	return add_chat_rooms(nabz, data);
}
