#include "stats.h"

#include <stdlib.h>

#include "client_type.h"
#include "envelope.h"
#include "groups.h"

static bool add_count(cJSON *obj, const char *name, uint64_t value)
{
	return cJSON_AddNumberToObject(obj, name, (double)value) != NULL;
}

cJSON *nabz_stats__to_json(const struct nabz_counts *c, int64_t uptime_s)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *types, *groups;

	if(root == NULL) return NULL;
	if(!add_count(root, "active_connections", c->active)
			|| !add_count(root, "unique_users", c->unique_users)
			|| !add_count(root, "total_sessions", c->total_sessions)
			|| !add_count(root, "peak_connections", c->peak)){
		goto error;
	}
	types = cJSON_AddObjectToObject(root, "client_types");
	if(types == NULL) goto error;
	for(int t = 0; t < NABZ_CT_COUNT; t++){
		/* Zero counts are left out, as the contract allows. */
		if(c->by_type[t] && !add_count(types, nabz_client_type__name((enum nabz_client_type)t), c->by_type[t])){
			goto error;
		}
	}
	groups = cJSON_AddObjectToObject(root, "groups");
	if(groups == NULL) goto error;
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		/* Always every key (the four, and signals and chat since this release). */
		if(!add_count(groups, nabz_group__name((enum nabz_group)g), c->groups[g])) goto error;
	}
	if(cJSON_AddNumberToObject(root, "uptime_s", (double)uptime_s) == NULL) goto error;
	return root;

error:
	cJSON_Delete(root);
	return NULL;
}

bool nabz_stats__add_cluster(cJSON *stats, uint64_t nodes, const char *node)
{
	return add_count(stats, "nodes", nodes) && (node == NULL || cJSON_AddStringToObject(stats, "node", node) != NULL);
}

char *nabz_stats__envelope(const char *type, cJSON *data, int64_t wall_ms)
{
	char *text = cJSON_PrintUnformatted(data);
	char *out;

	cJSON_Delete(data);
	if(text == NULL) return NULL;
	out = nabz_envelope__wrap(type, text, wall_ms);
	cJSON_free(text);
	return out;
}

bool nabz_stats__publish_due(bool dirty, bool published_once, int64_t last_ms,
		int64_t now_ms, int64_t interval_ms)
{
	if(!dirty) return false;
	if(!published_once) return true;
	return now_ms - last_ms >= interval_ms;
}
