#include "cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_type.h"
#include "groups.h"
#include "timeutil.h"

bool nabz_cluster__valid_id(const char *id)
{
	size_t len = id ? strlen(id) : 0;

	if(len == 0 || len > NABZ_NODE_ID_MAX) return false;
	for(size_t i = 0; i < len; i++){
		char ch = id[i];
		if(!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
					|| ch == '-' || ch == '_')){
			return false;
		}
	}
	return true;
}

void nabz_cluster__init(struct nabz_cluster *c, const char *self, bool core, int64_t deadline_ms,
		uint64_t restored_peak)
{
	memset(c, 0, sizeof(*c));
	c->enabled = self && self[0];
	c->core = core;
	if(c->enabled) snprintf(c->self, sizeof(c->self), "%s", self);
	c->deadline_ms = deadline_ms;
	c->peak = restored_peak;
	/* The core is the link's other end: it is never cut off from itself. */
	c->linked = core;
}

void nabz_cluster__cleanup(struct nabz_cluster *c)
{
	free(c->nodes);
	c->nodes = NULL;
	c->count = 0;
}

void nabz_cluster__own_figures(const struct nabz_cluster *c, const struct nabz_registry *reg,
		struct nabz_node_figures *out)
{
	const struct nabz_user_ref *u, *tmp;

	out->active = reg->counts.active;
	memcpy(out->by_type, reg->counts.by_type, sizeof(out->by_type));
	memcpy(out->groups, reg->counts.groups, sizeof(out->groups));
	out->unique_users = reg->counts.unique_users;
	out->anonymous = reg->anonymous_users;
	out->total_sessions = reg->counts.total_sessions;
	out->peak = reg->counts.peak;
	out->cluster_peak = c->peak;
	nabz_hll__clear(&out->users);
	HASH_ITER(hh, reg->user_ids, u, tmp){
		nabz_hll__add(&out->users, u->user_id, strlen(u->user_id));
	}
}

static bool add_num(cJSON *o, const char *name, double v)
{
	return cJSON_AddNumberToObject(o, name, v) != NULL;
}

static bool add_figures(cJSON *o, const struct nabz_node_figures *f)
{
	cJSON *types, *groups;

	if(!add_num(o, "active_connections", (double)f->active)
			|| !add_num(o, "unique_users", (double)f->unique_users)
			|| !add_num(o, "anonymous_users", (double)f->anonymous)
			|| !add_num(o, "total_sessions", (double)f->total_sessions)
			|| !add_num(o, "peak_connections", (double)f->peak)
			|| !add_num(o, "cluster_peak_connections", (double)f->cluster_peak)
			|| (types = cJSON_AddObjectToObject(o, "client_types")) == NULL
			|| (groups = cJSON_AddObjectToObject(o, "groups")) == NULL){
		return false;
	}
	for(int t = 0; t < NABZ_CT_COUNT; t++){
		if(f->by_type[t] && !add_num(types, nabz_client_type__name((enum nabz_client_type)t),
					(double)f->by_type[t])){
			return false;
		}
	}
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		if(!add_num(groups, nabz_group__name((enum nabz_group)g), (double)f->groups[g])) return false;
	}
	return true;
}

static bool add_time(cJSON *o, const char *name, int64_t wall_ms)
{
	char ts[NABZ_RFC3339_LEN];

	nabz_time__rfc3339(wall_ms, ts, sizeof(ts));
	return cJSON_AddStringToObject(o, name, ts) != NULL;
}

char *nabz_cluster__node_payload(const struct nabz_cluster *c, const struct nabz_node_figures *f,
		int64_t started_wall_ms, uint64_t seq, int64_t now_wall_ms)
{
	cJSON *o = cJSON_CreateObject();
	char *hll = malloc(NABZ_HLL_TEXT_MAX);
	char *text = NULL, *out = NULL;

	if(o == NULL || hll == NULL) goto done;
	nabz_hll__encode(&f->users, hll, NABZ_HLL_TEXT_MAX);
	if(cJSON_AddStringToObject(o, "node", c->self) == NULL
			|| cJSON_AddStringToObject(o, "role", c->core ? "core" : "edge") == NULL
			|| !add_time(o, "started", started_wall_ms)
			|| !add_num(o, "started_ms", (double)started_wall_ms)
			|| !add_num(o, "seq", (double)seq)
			|| !add_time(o, "ts", now_wall_ms)
			|| !add_num(o, "ts_ms", (double)now_wall_ms)
			|| !add_figures(o, f)
			|| cJSON_AddStringToObject(o, "users_hll", hll) == NULL){
		goto done;
	}
	text = cJSON_PrintUnformatted(o);
	if(text) out = strdup(text);
done:
	cJSON_free(text);
	cJSON_Delete(o);
	free(hll);
	return out;
}

/* A non-negative whole number, or -1. */
static double get_count(const cJSON *o, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);

	if(!cJSON_IsNumber(item) || item->valuedouble < 0 || item->valuedouble > 9.0e15) return -1;
	return item->valuedouble;
}

static int parse_figures(const cJSON *o, struct nabz_node_figures *f)
{
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(o, "client_types");
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(o, "groups");
	const cJSON *hll = cJSON_GetObjectItemCaseSensitive(o, "users_hll");
	const cJSON *it;
	double v[7];
	static const char *const names[7] = {"active_connections", "unique_users", "anonymous_users",
		"total_sessions", "peak_connections", "cluster_peak_connections", "seq"};

	memset(f, 0, sizeof(*f));
	for(int i = 0; i < 7; i++){
		v[i] = get_count(o, names[i]);
		if(v[i] < 0) return -1;
	}
	if(!cJSON_IsObject(types) || !cJSON_IsObject(groups) || !cJSON_IsString(hll)) return -1;
	f->active = (uint64_t)v[0];
	f->unique_users = (uint64_t)v[1];
	f->anonymous = (uint64_t)v[2];
	f->total_sessions = (uint64_t)v[3];
	f->peak = (uint64_t)v[4];
	f->cluster_peak = (uint64_t)v[5];
	cJSON_ArrayForEach(it, types){
		enum nabz_client_type t;
		if(it->string && cJSON_IsNumber(it) && it->valuedouble >= 0
				&& nabz_client_type__parse(it->string, &t) == 0){
			f->by_type[t] = (uint64_t)it->valuedouble;
		}
	}
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		double n = get_count(groups, nabz_group__name((enum nabz_group)g));
		f->groups[g] = n < 0 ? 0 : (uint64_t)n;
	}
	return nabz_hll__decode(&f->users, hll->valuestring);
}

static struct nabz_cluster_node *find_or_add(struct nabz_cluster *c, const char *id)
{
	struct nabz_cluster_node *grown;

	for(size_t i = 0; i < c->count; i++){
		if(strcmp(c->nodes[i].id, id) == 0) return &c->nodes[i];
	}
	if(c->count >= NABZ_CLUSTER_NODES_MAX) return NULL;
	grown = realloc(c->nodes, (c->count + 1) * sizeof(*grown));
	if(grown == NULL) return NULL;
	c->nodes = grown;
	memset(&grown[c->count], 0, sizeof(grown[c->count]));
	snprintf(grown[c->count].id, sizeof(grown[c->count].id), "%s", id);
	return &grown[c->count++];
}

/* When the sender's clock said sent_wall_ms, on this node's monotonic
 * clock (never in the future). */
static int64_t heard_at(int64_t sent_wall_ms, int64_t now_mono_ms, int64_t now_wall_ms)
{
	int64_t age = now_wall_ms - sent_wall_ms;

	return now_mono_ms - (age > 0 ? age : 0);
}

int nabz_cluster__hear_node(struct nabz_cluster *c, const char *id, const void *payload, size_t len,
		int64_t now_mono_ms, int64_t now_wall_ms)
{
	cJSON *o;
	struct nabz_node_figures *f = NULL;
	struct nabz_cluster_node *n;
	const cJSON *role, *started, *ts;
	double seq;
	int rc = -1;

	if(!nabz_cluster__valid_id(id)) return -1;
	o = cJSON_ParseWithLength(payload, len);
	if(o == NULL) return -1;
	f = malloc(sizeof(*f));
	ts = cJSON_GetObjectItemCaseSensitive(o, "ts_ms");
	started = cJSON_GetObjectItemCaseSensitive(o, "started_ms");
	role = cJSON_GetObjectItemCaseSensitive(o, "role");
	if(f == NULL || !cJSON_IsNumber(ts) || !cJSON_IsNumber(started) || parse_figures(o, f) != 0){
		goto done;
	}
	seq = get_count(o, "seq");
	if(f->cluster_peak > c->peak) c->peak = f->cluster_peak;
	if(strcmp(id, c->self) == 0){
		rc = 0;   /* our own, from before a restart: only the peak counts */
		goto done;
	}
	n = find_or_add(c, id);
	if(n == NULL) goto done;
	n->f = *f;
	snprintf(n->role, sizeof(n->role), "%s",
			cJSON_IsString(role) && strcmp(role->valuestring, "core") == 0 ? "core" : "edge");
	n->started_wall_ms = (int64_t)started->valuedouble;
	n->seq = (uint64_t)seq;
	n->sent_wall_ms = (int64_t)ts->valuedouble;
	n->heard_mono_ms = heard_at(n->sent_wall_ms, now_mono_ms, now_wall_ms);
	n->alive = now_mono_ms - n->heard_mono_ms < c->deadline_ms;
	c->changed = true;
	rc = 0;
done:
	free(f);
	cJSON_Delete(o);
	return rc;
}

void nabz_cluster__hear_core(struct nabz_cluster *c, const void *payload, size_t len,
		int64_t now_mono_ms, int64_t now_wall_ms)
{
	cJSON *o = cJSON_ParseWithLength(payload, len);
	const cJSON *ts = o ? cJSON_GetObjectItemCaseSensitive(o, "ts_ms") : NULL;

	if(cJSON_IsNumber(ts)){
		int64_t at = heard_at((int64_t)ts->valuedouble, now_mono_ms, now_wall_ms);
		if(at > c->core_heard_mono_ms) c->core_heard_mono_ms = at;
		if(!c->core && now_mono_ms - c->core_heard_mono_ms < c->deadline_ms) c->linked = true;
	}
	cJSON_Delete(o);
}

void nabz_cluster__expire(struct nabz_cluster *c, int64_t now_mono_ms)
{
	for(size_t i = 0; i < c->count; i++){
		struct nabz_cluster_node *n = &c->nodes[i];
		if(n->alive && now_mono_ms - n->heard_mono_ms >= c->deadline_ms){
			n->alive = false;
			c->changed = true;
		}
	}
	if(!c->core && c->linked && now_mono_ms - c->core_heard_mono_ms >= c->deadline_ms){
		c->linked = false;
	}
}

static void add_live(struct nabz_cluster_view *out, struct nabz_hll *users, uint64_t *anonymous,
		const struct nabz_node_figures *f)
{
	struct nabz_counts *v = &out->counts;

	v->active += f->active;
	for(int t = 0; t < NABZ_CT_COUNT; t++) v->by_type[t] += f->by_type[t];
	for(int g = 0; g < NABZ_GROUP_COUNT; g++) v->groups[g] += f->groups[g];
	nabz_hll__merge(users, &f->users);
	*anonymous += f->anonymous;
	out->nodes++;
}

void nabz_cluster__merge(struct nabz_cluster *c, const struct nabz_node_figures *own,
		struct nabz_cluster_view *out)
{
	struct nabz_hll *users = malloc(sizeof(*users));
	uint64_t anonymous = 0;

	memset(out, 0, sizeof(*out));
	if(users){
		*users = own->users;
	}
	add_live(out, users ? users : (struct nabz_hll *)&own->users, &anonymous, own);
	if(users == NULL){
		/* Out of memory: this node's exact figure is the best there is. */
		anonymous = own->unique_users;
	}
	out->counts.total_sessions = own->total_sessions;
	for(size_t i = 0; i < c->count; i++){
		const struct nabz_cluster_node *n = &c->nodes[i];
		out->counts.total_sessions += n->f.total_sessions;
		if(n->alive && users) add_live(out, users, &anonymous, &n->f);
	}
	out->counts.unique_users = anonymous + (users ? nabz_hll__count(users) : 0);
	if(out->counts.active > c->peak) c->peak = out->counts.active;
	if(own->peak > c->peak) c->peak = own->peak;
	out->counts.peak = c->peak;
	free(users);
}

static cJSON *node_json(const char *id, const char *role, const struct nabz_node_figures *f,
		bool alive, int64_t started_wall_ms, int64_t last_seen_wall_ms, bool self)
{
	cJSON *o = cJSON_CreateObject();

	if(o == NULL) return NULL;
	if(cJSON_AddStringToObject(o, "node", id) == NULL
			|| cJSON_AddStringToObject(o, "role", role) == NULL
			|| cJSON_AddBoolToObject(o, "self", self) == NULL
			|| cJSON_AddBoolToObject(o, "alive", alive) == NULL
			|| !add_time(o, "last_seen", last_seen_wall_ms)
			|| !add_time(o, "started", started_wall_ms)
			|| !add_figures(o, f)){
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *nabz_cluster__nodes_json(const struct nabz_cluster *c, const struct nabz_node_figures *own,
		int64_t started_wall_ms, int64_t now_mono_ms, int64_t now_wall_ms)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list, *item;
	uint64_t live = 1;

	if(root == NULL) return NULL;
	if(cJSON_AddStringToObject(root, "node", c->self) == NULL
			|| cJSON_AddStringToObject(root, "role", c->core ? "core" : "edge") == NULL
			|| cJSON_AddStringToObject(root, "link", c->linked ? "up" : "down") == NULL
			|| (c->core_heard_mono_ms && !c->core
				&& !add_time(root, "core_last_seen", now_wall_ms - (now_mono_ms - c->core_heard_mono_ms)))
			|| (list = cJSON_AddArrayToObject(root, "nodes")) == NULL){
		goto error;
	}
	item = node_json(c->self, c->core ? "core" : "edge", own, true, started_wall_ms, now_wall_ms, true);
	if(item == NULL) goto error;
	cJSON_AddItemToArray(list, item);
	for(size_t i = 0; i < c->count; i++){
		const struct nabz_cluster_node *n = &c->nodes[i];
		item = node_json(n->id, n->role, &n->f, n->alive, n->started_wall_ms,
				now_wall_ms - (now_mono_ms - n->heard_mono_ms), false);
		if(item == NULL) goto error;
		cJSON_AddItemToArray(list, item);
		if(n->alive) live++;
	}
	if(cJSON_AddNumberToObject(root, "alive", (double)live) == NULL) goto error;
	return root;

error:
	cJSON_Delete(root);
	return NULL;
}
