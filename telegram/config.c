#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cfgread.h"
#include "progcfg.h"
#include "api.h"

/* A token is "<digits>:<letters, digits, _ and ->". Anything else would
 * end up in a URL path; the message never quotes the value. */
static bool token_ok(const char *t)
{
	size_t digits = strspn(t, "0123456789");

	if(digits == 0 || t[digits] != ':' || t[digits + 1] == '\0') return false;
	return strspn(t + digits + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
		== strlen(t + digits + 1) && strlen(t) < 200;
}

static void read_token(struct nabz_cfg_reader *r, const cJSON *t, struct nabz_tg_cfg *cfg, bool need_token)
{
	char *env_name = NULL, *file = NULL;
	const char *env;

	nabz_cfg__string(r, t, "telegram", "token_env", "NABZ_TELEGRAM_TOKEN", &env_name);
	nabz_cfg__string(r, t, "telegram", "token_file", "", &file);
	if(r->failed) goto done;
	env = env_name[0] ? getenv(env_name) : NULL;
	if(env && env[0]){
		cfg->token = strdup(env);
		if(cfg->token == NULL) nabz_cfg__fail(r, "telegram.token_env", "out of memory");
		else if(!token_ok(cfg->token)){
			nabz_cfg__fail(r, "telegram.token_env", "$%s does not hold a bot token (digits, ':', then letters, digits, _ or -)", env_name);
		}
	}else if(file[0]){
		nabz_cfg__secret_file(r, "telegram.token_file", file, &cfg->token);
		if(!r->failed && !token_ok(cfg->token)){
			nabz_cfg__fail(r, "telegram.token_file", "%s does not hold a bot token (digits, ':', then letters, digits, _ or -)", file);
		}
	}else if(need_token){
		nabz_cfg__fail(r, "telegram.token_env", "no token: set $%s or telegram.token_file", env_name);
	}
done:
	free(env_name);
	free(file);
}

static void read_chats(struct nabz_cfg_reader *r, const cJSON *t, struct nabz_tg_cfg *cfg)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(t, "allowed_chats");
	size_t i = 0;

	if(list == NULL || r->failed) return;
	if(!cJSON_IsArray(list)){
		nabz_cfg__fail(r, "telegram.allowed_chats", "must be an array of chat ids");
		return;
	}
	cfg->allowed_chats = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(int64_t));
	if(cfg->allowed_chats == NULL){
		nabz_cfg__fail(r, "telegram.allowed_chats", "out of memory");
		return;
	}
	for(const cJSON *it = list->child; it; it = it->next, i++){
		if(nabz_tg_api__chat_id(it, &cfg->allowed_chats[cfg->allowed_count]) != 0){
			char p[64];
			snprintf(p, sizeof(p), "telegram.allowed_chats[%zu]", i);
			nabz_cfg__fail(r, p, "must be a chat id (a whole number, not 0)");
			return;
		}
		cfg->allowed_count++;
	}
}

static void read_telegram(struct nabz_cfg_reader *r, const cJSON *root, struct nabz_tg_cfg *cfg, bool need_token)
{
	static const char *const keys[] = {"api_base", "token_env", "token_file", "proxy", "poll_timeout_s",
		"allowed_chats", "default_lang", NULL};
	const cJSON *t = nabz_cfg__object(r, root, "", "telegram");
	char *lang = NULL;
	size_t n;

	nabz_cfg__check_keys(r, t, "telegram", keys);
	nabz_cfg__string(r, t, "telegram", "api_base", "https://api.telegram.org", &cfg->api_base);
	if(!r->failed && strncmp(cfg->api_base, "http://", 7) != 0 && strncmp(cfg->api_base, "https://", 8) != 0){
		nabz_cfg__fail(r, "telegram.api_base", "must start with http:// or https://");
	}
	if(!r->failed){
		n = strlen(cfg->api_base);
		while(n > 0 && cfg->api_base[n - 1] == '/') cfg->api_base[--n] = '\0';
	}
	nabz_cfg__string(r, t, "telegram", "proxy", "", &cfg->proxy);
	nabz_cfg__long(r, t, "telegram", "poll_timeout_s", 0, 50, 25, &cfg->poll_timeout_s);
	nabz_cfg__string(r, t, "telegram", "default_lang", "fa", &lang);
	if(!r->failed){
		if(strcmp(lang, "fa") != 0 && strcmp(lang, "en") != 0){
			nabz_cfg__fail(r, "telegram.default_lang", "must be \"fa\" or \"en\"");
		}else{
			memcpy(cfg->default_lang, lang, 3);
		}
	}
	free(lang);
	read_chats(r, t, cfg);
	read_token(r, t, cfg, need_token);
}

/* "chat_relay": {"room": "general", "chats": [ids]}: a chat room's
 * messages relayed to those chats (relay.h). */
static void read_relay(struct nabz_cfg_reader *r, const cJSON *root, struct nabz_tg_cfg *cfg)
{
	static const char *const keys[] = {"room", "chats", NULL};
	const cJSON *o = nabz_cfg__object(r, root, "", "chat_relay");
	const cJSON *list;
	size_t i = 0;

	if(o == NULL || r->failed) return;
	nabz_cfg__check_keys(r, o, "chat_relay", keys);
	nabz_cfg__string(r, o, "chat_relay", "room", "general", &cfg->relay_room);
	if(r->failed) return;
	if(cfg->relay_room[0] == '\0' || strlen(cfg->relay_room) > 32
			|| strspn(cfg->relay_room, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
				!= strlen(cfg->relay_room)){
		nabz_cfg__fail(r, "chat_relay.room", "must be 1..32 of A-Z a-z 0-9 _ -");
		return;
	}
	list = cJSON_GetObjectItemCaseSensitive(o, "chats");
	if(!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0){
		nabz_cfg__fail(r, "chat_relay.chats", "must be a non-empty array of chat ids");
		return;
	}
	cfg->relay_chats = calloc((size_t)cJSON_GetArraySize(list), sizeof(int64_t));
	if(cfg->relay_chats == NULL){
		nabz_cfg__fail(r, "chat_relay.chats", "out of memory");
		return;
	}
	for(const cJSON *it = list->child; it; it = it->next, i++){
		if(nabz_tg_api__chat_id(it, &cfg->relay_chats[cfg->relay_count]) != 0){
			char p[64];
			snprintf(p, sizeof(p), "chat_relay.chats[%zu]", i);
			nabz_cfg__fail(r, p, "must be a chat id (a whole number, not 0)");
			return;
		}
		cfg->relay_count++;
	}
}

struct own {
	struct nabz_tg_cfg *cfg;
	bool need_token;
};

/* The bot's own blocks (progcfg.h reads the mqtt block first). */
static int read_own(struct nabz_cfg_reader *r, const cJSON *root, void *ud)
{
	static const char *const rate_keys[] = {"per_chat_interval_ms", "group_per_min", "global_per_s", NULL};
	static const char *const retry_keys[] = {"min_ms", "max_ms", NULL};
	const struct own *own = ud;
	struct nabz_tg_cfg *cfg = own->cfg;
	const cJSON *o;

	read_telegram(r, root, cfg, own->need_token);
	o = nabz_cfg__object(r, root, "", "rate");
	nabz_cfg__check_keys(r, o, "rate", rate_keys);
	nabz_cfg__long(r, o, "rate", "per_chat_interval_ms", 0, 60000, 1000, &cfg->per_chat_interval_ms);
	nabz_cfg__long(r, o, "rate", "group_per_min", 1, 1000, 20, &cfg->group_per_min);
	nabz_cfg__long(r, o, "rate", "global_per_s", 1, 1000, 30, &cfg->global_per_s);
	o = nabz_cfg__object(r, root, "", "retry");
	nabz_cfg__check_keys(r, o, "retry", retry_keys);
	nabz_cfg__long(r, o, "retry", "min_ms", 10, 600000, 1000, &cfg->retry_min_ms);
	nabz_cfg__long(r, o, "retry", "max_ms", 10, 3600000, 60000, &cfg->retry_max_ms);
	if(!r->failed && cfg->retry_max_ms < cfg->retry_min_ms){
		nabz_cfg__fail(r, "retry.max_ms", "must not be below retry.min_ms");
	}
	nabz_progcfg__http(r, root, &cfg->connect_timeout_ms, &cfg->timeout_ms, NULL);
	nabz_cfg__string(r, root, "", "state_dir", "/var/lib/nabz/telegram", &cfg->state_dir);
	nabz_cfg__long(r, root, "", "spool_max", 10, 1000000, 10000, &cfg->spool_max);
	read_relay(r, root, cfg);
	return r->failed ? -1 : 0;
}

/* Reads root (taken: deleted here; NULL: already failed) into cfg. */
static int read_root(struct nabz_tg_cfg *cfg, cJSON *root, bool need_token, char *err, size_t errlen)
{
	static const char *const keys[] = {"mqtt", "telegram", "rate", "retry", "http", "state_dir",
		"spool_max", "chat_relay", NULL};
	/* bot-: the plugin counts the bot as client type "bot". */
	static const struct nabz_mqtt_cfg_defaults mqtt_defaults = {"nabz-telegram", "bot-nabz-telegram", true};
	struct own own = {cfg, need_token};

	memset(cfg, 0, sizeof(*cfg));
	if(nabz_progcfg__read(root, err, errlen, keys, &mqtt_defaults, &cfg->mqtt, read_own, &own) != 0){
		nabz_tg_cfg__free(cfg);
		return -1;
	}
	return 0;
}

int nabz_tg_cfg__parse(struct nabz_tg_cfg *cfg, const char *json, size_t len, bool need_token,
		char *err, size_t errlen)
{
	return read_root(cfg, nabz_cfg__parse_root(json, len, err, errlen), need_token, err, errlen);
}

int nabz_tg_cfg__load(struct nabz_tg_cfg *cfg, const char *path, bool need_token, char *err, size_t errlen)
{
	return read_root(cfg, nabz_cfg__load_root(path, err, errlen), need_token, err, errlen);
}

void nabz_tg_cfg__free(struct nabz_tg_cfg *cfg)
{
	nabz_mqttcfg__free(&cfg->mqtt);
	free(cfg->api_base);
	if(cfg->token) memset(cfg->token, 0, strlen(cfg->token));
	free(cfg->token);
	free(cfg->proxy);
	free(cfg->allowed_chats);
	free(cfg->state_dir);
	free(cfg->relay_room);
	free(cfg->relay_chats);
	memset(cfg, 0, sizeof(*cfg));
}

bool nabz_tg_cfg__chat_allowed(const struct nabz_tg_cfg *cfg, int64_t chat_id)
{
	if(cfg->allowed_count == 0) return true;
	for(size_t i = 0; i < cfg->allowed_count; i++){
		if(cfg->allowed_chats[i] == chat_id) return true;
	}
	return false;
}
