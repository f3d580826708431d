#include "chat_commands.h"

#include <string.h>

#include "chat.h"
#include "control.h"
#include "nabz.h"
#include "timeutil.h"

static const char *string_arg(const cJSON *cmd, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(cmd, name);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Any field the client adds besides room and text (a "session_id", a
 * "name") is ignored: the plugin stamps who spoke. */
const char *nabz_chat_commands__post(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	int64_t retry_ms = 0;
	const char *error;

	if(s == NULL) return NABZ_ERR_NO_SESSION;
	error = nabz_chat__post(&nabz->chat, s, string_arg(cmd, "room"), string_arg(cmd, "text"),
			nabz_time__mono_ms(), nabz_time__wall_ms(), data, &retry_ms);
	if(error) nabz->chat.refused++;
	return error;
}

const char *nabz_chat_commands__history(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	const char *name = string_arg(cmd, "room");
	struct nabz_chat_room *r;

	(void)s;
	if(!nabz->cfg.chat_enabled) return NABZ_ERR_CHAT_DISABLED;
	if(name == NULL || (r = nabz_chat__room(&nabz->chat, name)) == NULL) return NABZ_ERR_CHAT_ROOM;
	*data = nabz_chat__recent_json(&nabz->chat, r);
	return *data ? NULL : NABZ_ERR_NOMEM;
}

const char *nabz_chat_commands__remove(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	const char *room = string_arg(cmd, "room");
	const char *id = string_arg(cmd, "id");
	const char *error;
	cJSON *o;

	(void)s;
	if(!nabz->cfg.chat_enabled) return NABZ_ERR_CHAT_DISABLED;
	if(room == NULL || nabz_chat__room(&nabz->chat, room) == NULL) return NABZ_ERR_CHAT_ROOM;
	if(id == NULL || strlen(id) != NABZ_UUID_STR_LEN - 1) return NABZ_ERR_CHAT_ID;
	error = nabz_chat__remove(&nabz->chat, room, id, nabz_time__wall_ms());
	if(error) return error;
	o = cJSON_CreateObject();
	if(o == NULL || cJSON_AddStringToObject(o, "room", room) == NULL
			|| cJSON_AddStringToObject(o, "id", id) == NULL){
		cJSON_Delete(o);
		return NABZ_ERR_NOMEM;
	}
	*data = o;
	return NULL;
}

/* A live session with that id; muting one that has left would mute
 * nobody (a session id is one connection's). */
static bool session_exists(struct nabz *nabz, const char *session_id)
{
	struct nabz_session *it, *tmp;

	HASH_ITER(hh, nabz->reg.by_client, it, tmp){
		if(strcmp(it->session_id, session_id) == 0) return true;
	}
	return false;
}

static const char *mute(struct nabz *nabz, const cJSON *cmd, long seconds, cJSON **data)
{
	const char *session_id = string_arg(cmd, "session_id");
	cJSON *o;

	if(session_id == NULL || strlen(session_id) != NABZ_UUID_STR_LEN - 1) return NABZ_ERR_CHAT_SESSION_ID;
	if(seconds > 0 && !session_exists(nabz, session_id)) return NABZ_ERR_NO_SESSION;
	if(nabz_chat__mute(&nabz->chat, session_id, seconds, nabz_time__mono_ms()) != 0) return NABZ_ERR_NOMEM;
	o = cJSON_CreateObject();
	if(o == NULL || cJSON_AddStringToObject(o, "session_id", session_id) == NULL
			|| cJSON_AddNumberToObject(o, "seconds", (double)seconds) == NULL){
		cJSON_Delete(o);
		return NABZ_ERR_NOMEM;
	}
	*data = o;
	return NULL;
}

const char *nabz_chat_commands__mute(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	const cJSON *seconds = cJSON_GetObjectItemCaseSensitive(cmd, "seconds");

	(void)s;
	if(!cJSON_IsNumber(seconds) || seconds->valuedouble < 1 || seconds->valuedouble > NABZ_CHAT_MUTE_MAX_S
			|| seconds->valuedouble != (double)(long)seconds->valuedouble){
		return NABZ_ERR_CHAT_SECONDS;
	}
	return mute(nabz, cmd, (long)seconds->valuedouble, data);
}

const char *nabz_chat_commands__unmute(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data)
{
	(void)s;
	return mute(nabz, cmd, 0, data);
}
