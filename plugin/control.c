#include "control.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "nabz.h"
#include "stats.h"
#include "timeutil.h"

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
	*data = nabz_stats__to_json(&nabz->reg.counts,
			(nabz_time__mono_ms() - nabz->started_ms) / 1000);
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

char *nabz_control__process(struct nabz *nabz, struct nabz_session *s,
		const void *payload, size_t payloadlen)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *responses = root ? cJSON_AddArrayToObject(root, "responses") : NULL;
	cJSON *request = NULL;
	const cJSON *cmds;
	char *out = NULL;

	if(responses == NULL) goto done;
	if(payloadlen > (size_t)nabz->cfg.max_control_payload){
		add_response(responses, "unknown", NULL, NABZ_ERR_TOO_LARGE, NULL);
		goto print;
	}
	request = cJSON_ParseWithLength(payload, payloadlen);
	if(request == NULL){
		add_response(responses, "unknown", NULL, NABZ_ERR_NOT_JSON, NULL);
		goto print;
	}
	cmds = cJSON_GetObjectItemCaseSensitive(request, "commands");
	if(!cJSON_IsArray(cmds) || cJSON_GetArraySize(cmds) == 0){
		add_response(responses, "unknown", NULL, NABZ_ERR_NO_COMMANDS, NULL);
		goto print;
	}
	if(cJSON_GetArraySize(cmds) > nabz->cfg.max_commands){
		add_response(responses, "unknown", NULL, NABZ_ERR_TOO_MANY, NULL);
		goto print;
	}
	for(const cJSON *cmd = cmds->child; cmd; cmd = cmd->next){
		if(run_one(nabz, s, cmd, responses) != 0) goto done;
	}
print:
	out = cJSON_PrintUnformatted(root);
done:
	cJSON_Delete(request);
	cJSON_Delete(root);
	return out;
}
