#include "control.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "nabz.h"
#include "budget.h"
#include "chat_commands.h"
#include "cluster_view.h"
#include "stats.h"
#include "timeutil.h"
#include "utf8.h"

struct command {
	const char *name;
	bool admin_only;
	/* Sets *data on success, or returns a fixed error string. */
	const char *(*run)(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data);
};

static const char *cmd_get_stats(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	(void)s;
	(void)cmd;
	*data = nabz_cluster_view__stats_json(nabz, nabz_time__mono_ms());
	return *data ? NULL : NABZ_ERR_NOMEM;
}

/* Any client: the cluster's nodes as this node knows them. */
static const char *cmd_list_nodes(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	(void)s;
	(void)cmd;
	if(!nabz->cluster.enabled) return NABZ_ERR_NOT_CLUSTERED;
	*data = nabz_cluster_view__nodes_json(nabz);
	return *data ? NULL : NABZ_ERR_NOMEM;
}

cJSON *nabz_control__session_json(const struct nabz_session *s, int full)
{
	char ts[NABZ_RFC3339_LEN];
	cJSON *o = cJSON_CreateObject();
	cJSON *meta;

	if(o == NULL) return NULL;
	nabz_time__rfc3339(s->connected_at_ms, ts, sizeof(ts));
	meta = s->metadata ? cJSON_Duplicate(s->metadata, 1) : cJSON_CreateObject();
	if(cJSON_AddStringToObject(o, "session_id", s->session_id) == NULL
			|| cJSON_AddStringToObject(o, "client_type", nabz_client_type__name(s->type)) == NULL
			|| cJSON_AddStringToObject(o, "connected_at", ts) == NULL
			|| meta == NULL){
		cJSON_Delete(meta);
		goto error;
	}
	cJSON_AddItemToObject(o, "metadata", meta);
	if(s->user_id && cJSON_AddStringToObject(o, "user_id", s->user_id) == NULL) goto error;
	if(full){
		cJSON *groups;
		if(cJSON_AddStringToObject(o, "client_id", s->client_id) == NULL
				|| (s->username && cJSON_AddStringToObject(o, "username", s->username) == NULL)
				|| (s->address && cJSON_AddStringToObject(o, "address", s->address) == NULL)
				|| (s->origin && cJSON_AddStringToObject(o, "origin", s->origin) == NULL)
				|| (s->user_agent && cJSON_AddStringToObject(o, "user_agent", s->user_agent) == NULL)
				|| cJSON_AddStringToObject(o, "transport",
					s->transport == NABZ_TRANSPORT_WEBSOCKET ? "websocket" : "tcp") == NULL
				|| cJSON_AddBoolToObject(o, "service", s->service) == NULL
				|| (groups = cJSON_AddArrayToObject(o, "groups")) == NULL){
			goto error;
		}
		for(int g = 0; g < NABZ_GROUP_COUNT; g++){
			cJSON *name;
			if(!s->group_refs[g]) continue;
			name = cJSON_CreateString(nabz_group__name((enum nabz_group)g));
			if(name == NULL) goto error;
			cJSON_AddItemToArray(groups, name);
		}
	}
	return o;

error:
	cJSON_Delete(o);
	return NULL;
}

static const char *cmd_hello(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	const cJSON *type_item = cJSON_GetObjectItemCaseSensitive(cmd, "client_type");
	const cJSON *user_item = cJSON_GetObjectItemCaseSensitive(cmd, "user_id");
	const cJSON *meta_item = cJSON_GetObjectItemCaseSensitive(cmd, "metadata");
	enum nabz_client_type type;
	cJSON *metadata = NULL;

	if(s == NULL) return NABZ_ERR_NO_SESSION;
	if(type_item && (!cJSON_IsString(type_item)
				|| nabz_client_type__parse(type_item->valuestring, &type) != 0)){
		return NABZ_ERR_CLIENT_TYPE;
	}
	if(user_item && (!cJSON_IsString(user_item) || user_item->valuestring[0] == '\0'
				|| strlen(user_item->valuestring) > NABZ_USER_ID_MAX)){
		return NABZ_ERR_USER_ID;
	}
	if(meta_item){
		char *printed;
		size_t len;

		if(!cJSON_IsObject(meta_item)) return NABZ_ERR_METADATA;
		printed = cJSON_PrintUnformatted(meta_item);
		if(printed == NULL) return NABZ_ERR_NOMEM;
		len = strlen(printed);
		cJSON_free(printed);
		if(len > (size_t)nabz->cfg.max_metadata_bytes) return NABZ_ERR_METADATA_SIZE;
		metadata = cJSON_Duplicate(meta_item, 1);
		if(metadata == NULL) return NABZ_ERR_NOMEM;
	}
	if(nabz_sessions__hello(&nabz->reg, s, type_item ? &type : NULL,
				user_item ? user_item->valuestring : NULL, metadata) != 0){
		return NABZ_ERR_NOMEM;
	}
	*data = nabz_control__session_json(s, 0);
	return *data ? NULL : NABZ_ERR_NOMEM;
}

static const char *cmd_list_sessions(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	struct nabz_session *it, *tmp;
	cJSON *root = cJSON_CreateObject();
	cJSON *list;

	(void)s;
	(void)cmd;
	if(root == NULL || (list = cJSON_AddArrayToObject(root, "sessions")) == NULL) goto error;
	HASH_ITER(hh, nabz->reg.by_client, it, tmp){
		cJSON *item;
		if(!it->confirmed || it->internal) continue;
		item = nabz_control__session_json(it, 1);
		if(item == NULL) goto error;
		cJSON_AddItemToArray(list, item);
	}
	if(cJSON_AddNumberToObject(root, "count", (double)cJSON_GetArraySize(list)) == NULL) goto error;
	*data = root;
	return NULL;

error:
	cJSON_Delete(root);
	return NABZ_ERR_NOMEM;
}

static const struct command commands[] = {
	{"getStats", false, cmd_get_stats},
	{"hello", false, cmd_hello},
	{"listSessions", true, cmd_list_sessions},
	{"listNodes", false, cmd_list_nodes},
	{"chatPost", false, nabz_chat_commands__post},
	{"chatHistory", false, nabz_chat_commands__history},
	{"chatRemove", true, nabz_chat_commands__remove},
	{"chatMute", true, nabz_chat_commands__mute},
	{"chatUnmute", true, nabz_chat_commands__unmute},
};

/* Appends one answer; data (owned) or error. Returns -1 when out of memory. */
static int add_response(cJSON *responses, const char *name, cJSON *data, const char *error,
		const cJSON *correlation)
{
	cJSON *r = cJSON_CreateObject();

	if(r == NULL || cJSON_AddStringToObject(r, "command", name) == NULL){
		cJSON_Delete(data);
		cJSON_Delete(r);
		return -1;
	}
	if(error){
		cJSON_Delete(data);
		if(cJSON_AddStringToObject(r, "error", error) == NULL) goto error;
	}else{
		cJSON_AddItemToObject(r, "data", data);
	}
	if(cJSON_IsString(correlation)
			&& cJSON_AddStringToObject(r, "correlationData", correlation->valuestring) == NULL){
		goto error;
	}
	cJSON_AddItemToArray(responses, r);
	return 0;

error:
	cJSON_Delete(r);
	return -1;
}

static int run_one(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON *responses)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(cmd, "command");
	const cJSON *correlation = cJSON_GetObjectItemCaseSensitive(cmd, "correlationData");
	cJSON *data = NULL;
	const char *error;

	if(!cJSON_IsObject(cmd) || !cJSON_IsString(name) || name->valuestring[0] == '\0'){
		return add_response(responses, "unknown", NULL, NABZ_ERR_INVALID_COMMAND,
				cJSON_IsObject(cmd) ? correlation : NULL);
	}
	for(size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++){
		if(strcmp(commands[i].name, name->valuestring) != 0) continue;
		if(commands[i].admin_only && !(s && s->admin)){
			error = NABZ_ERR_NOT_AUTHORISED;
		}else{
			error = commands[i].run(nabz, s, cmd, &data);
		}
		return add_response(responses, commands[i].name, data, error, correlation);
	}
	return add_response(responses, name->valuestring, NULL, NABZ_ERR_UNKNOWN_COMMAND, correlation);
}

/* A backslash escape for U+0000 anywhere in the text: cJSON would decode
 * it into a NUL that silently cuts the string short ("ab\u0000cd" stored
 * as "ab"). Outside strings a backslash is not JSON at all, so there is no
 * need to know where strings begin. */
static bool has_nul_escape(const char *p, size_t len)
{
	for(size_t i = 0; i + 1 < len; i++){
		if(p[i] != '\\') continue;
		if(p[i + 1] == 'u' && i + 5 < len && memcmp(p + i + 2, "0000", 4) == 0) return true;
		i++;   /* skip the escaped character, so "\\u0000" is a backslash and text */
	}
	return false;
}

static bool only_json_space(const char *p, const char *end)
{
	for(; p < end; p++){
		if(*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') return false;
	}
	return true;
}

/* A request taken apart: the commands to run, or the one error that
 * answers it. Every check runs before any command does. */
struct request {
	cJSON *root;                /* owned */
	const cJSON *cmds;
	const char *error;
	long cost;                  /* commands it asks to have answered */
};

static void parse_request(struct nabz *nabz, const void *payload, size_t payloadlen, struct request *r)
{
	const char *text = payload;
	const char *end = NULL;

	memset(r, 0, sizeof(*r));
	r->cost = 1;
	if(payloadlen > (size_t)nabz->cfg.max_control_payload){
		r->error = NABZ_ERR_TOO_LARGE;
		return;
	}
	/* Everything an answer may echo (command names, correlationData) or
	 * the registry may keep (user_id, metadata) is checked here, once:
	 * answers are always valid UTF-8 JSON. */
	if(payloadlen && (memchr(text, '\0', payloadlen) || has_nul_escape(text, payloadlen))){
		r->error = NABZ_ERR_NUL;
		return;
	}
	if(!nabz_utf8__valid(text, payloadlen)){
		r->error = NABZ_ERR_NOT_UTF8;
		return;
	}
	r->root = cJSON_ParseWithLengthOpts(text, payloadlen, &end, false);
	if(r->root == NULL || end == NULL || !only_json_space(end, text + payloadlen)){
		r->error = NABZ_ERR_NOT_JSON;
		return;
	}
	r->cmds = cJSON_GetObjectItemCaseSensitive(r->root, "commands");
	if(!cJSON_IsArray(r->cmds) || cJSON_GetArraySize(r->cmds) == 0){
		r->error = NABZ_ERR_NO_COMMANDS;
		return;
	}
	if(cJSON_GetArraySize(r->cmds) > nabz->cfg.max_commands){
		r->error = NABZ_ERR_TOO_MANY;
		return;
	}
	r->cost = cJSON_GetArraySize(r->cmds);
}

static char *run_request(struct nabz *nabz, struct nabz_session *s, const struct request *req)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *responses = root ? cJSON_AddArrayToObject(root, "responses") : NULL;
	char *out = NULL;

	if(responses == NULL) goto done;
	if(req->error){
		if(add_response(responses, "unknown", NULL, req->error, NULL) != 0) goto done;
	}else{
		for(const cJSON *cmd = req->cmds->child; cmd; cmd = cmd->next){
			if(run_one(nabz, s, cmd, responses) != 0) goto done;
		}
	}
	out = cJSON_PrintUnformatted(root);
done:
	cJSON_Delete(root);
	return out;
}

char *nabz_control__process(struct nabz *nabz, struct nabz_session *s,
		const void *payload, size_t payloadlen)
{
	struct request req;
	char *out;

	parse_request(nabz, payload, payloadlen, &req);
	out = run_request(nabz, s, &req);
	cJSON_Delete(req.root);
	return out;
}

static char *rate_limited_answer(int64_t retry_after_ms)
{
	char *out = cJSON_malloc(160);

	if(out == NULL) return NULL;
	snprintf(out, 160, "{\"responses\":[{\"command\":\"unknown\",\"error\":\"%s\",\"retry_after_ms\":%lld}]}",
			NABZ_ERR_RATE_LIMITED, (long long)retry_after_ms);
	return out;
}

int nabz_control__answer(struct nabz *nabz, struct nabz_session *s, struct nabz_budget *budget,
		const void *payload, size_t payloadlen, int64_t now_ms, char **answer)
{
	long rate = nabz->cfg.control_rate, burst = nabz->cfg.control_burst;
	struct request req;

	*answer = NULL;
	/* Told already and nothing to spend: not even worth parsing. */
	if(budget && nabz_budget__silenced(budget, rate, burst, now_ms)) return 0;
	parse_request(nabz, payload, payloadlen, &req);
	/* A bucket smaller than max_commands still lets a whole request
	 * through when it is full. */
	if(req.cost > burst) req.cost = burst;
	switch(budget ? nabz_budget__take(budget, req.cost, rate, burst, now_ms) : NABZ_BUDGET_TAKEN){
		case NABZ_BUDGET_TAKEN:
			*answer = run_request(nabz, s, &req);
			break;
		case NABZ_BUDGET_REFUSE_TELL:
			*answer = rate_limited_answer(nabz_budget__wait_ms(budget, req.cost, rate));
			break;
		case NABZ_BUDGET_REFUSE_SILENT:
			cJSON_Delete(req.root);
			return 0;
	}
	cJSON_Delete(req.root);
	return *answer ? 0 : -1;
}
