#include "relay.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "contract.h"
#include "deliver.h"
#include "format.h"
#include "log.h"

int nabz_tg_relay__format(const char *payload, size_t len, char *out, size_t outlen)
{
	cJSON *root = cJSON_ParseWithLength(payload, len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(data, "name");
	const cJSON *room = cJSON_GetObjectItemCaseSensitive(data, "room");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(data, "text");
	char ename[256], eroom[160], etext[NABZ_TG_TEXT_MAX];
	int n;

	if(!cJSON_IsString(type) || strcmp(type->valuestring, NABZ_TYPE_CHAT_MESSAGE) != 0
			|| !cJSON_IsString(name) || !cJSON_IsString(room) || !cJSON_IsString(text)){
		cJSON_Delete(root);
		return -1;
	}
	nabz_tg_format__escape(name->valuestring, 64, ename, sizeof(ename));
	nabz_tg_format__escape(room->valuestring, 32, eroom, sizeof(eroom));
	nabz_tg_format__escape(text->valuestring, 2000, etext, sizeof(etext));
	cJSON_Delete(root);
	n = snprintf(out, outlen, "\xf0\x9f\x92\xac <b>%s</b> (#%s)\n%s", ename, eroom, etext);
	return n < 0 ? -1 : 0;     /* cut at outlen: the escaped parts are whole */
}

void nabz_tg_relay__message(struct nabz_tg *bot, const char *payload, size_t len)
{
	char text[NABZ_TG_TEXT_MAX];

	/* chat_removed and anything else on the room: not relayed. */
	if(nabz_tg_relay__format(payload, len, text, sizeof(text)) != 0) return;
	for(size_t i = 0; i < bot->cfg->relay_count; i++){
		struct nabz_tg_chat *chat = nabz_tg_chats__get(&bot->chats, bot->cfg->relay_chats[i]);
		if(chat == NULL){
			nabz_log(LOG_ERR, "chat relay: out of memory for chat %lld", (long long)bot->cfg->relay_chats[i]);
			continue;
		}
		nabz_tg_deliver__reply(bot, chat, text);
	}
}
