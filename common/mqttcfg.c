#include "mqttcfg.h"

#include <stdlib.h>
#include <string.h>

#include "contract.h"

int nabz_mqttcfg__read(struct nabz_cfg_reader *r, const cJSON *root, const struct nabz_mqtt_cfg_defaults *def,
		struct nabz_mqtt_cfg *cfg)
{
	static const char *const keys[] = {"host", "port", "username", "password", "password_file",
		"client_id", "topic_prefix", "keepalive_s", NULL};
	const cJSON *m = nabz_cfg__object(r, root, "", "mqtt");
	char *password_file = NULL;

	nabz_cfg__check_keys(r, m, "mqtt", keys);
	nabz_cfg__string(r, m, "mqtt", "host", "127.0.0.1", &cfg->host);
	nabz_cfg__long(r, m, "mqtt", "port", 1, 65535, 1883, &cfg->port);
	nabz_cfg__string(r, m, "mqtt", "username", def->username, &cfg->username);
	nabz_cfg__string(r, m, "mqtt", "password", "", &cfg->password);
	nabz_cfg__string(r, m, "mqtt", "password_file", "", &password_file);
	nabz_cfg__string(r, m, "mqtt", "client_id", def->client_id, &cfg->client_id);
	nabz_cfg__string(r, m, "mqtt", "topic_prefix", NABZ_TOPIC_PREFIX_DEFAULT, &cfg->topic_prefix);
	nabz_cfg__long(r, m, "mqtt", "keepalive_s", 5, 3600, 30, &cfg->keepalive_s);
	if(!r->failed && def->client_id_required && cfg->client_id[0] == '\0'){
		nabz_cfg__fail(r, "mqtt.client_id", "must not be empty (the broker keeps the session under it)");
	}
	if(!r->failed && password_file[0]){
		nabz_cfg__secret_file(r, "mqtt.password_file", password_file, &cfg->password);
	}
	free(password_file);
	return r->failed ? -1 : 0;
}

void nabz_mqttcfg__free(struct nabz_mqtt_cfg *cfg)
{
	free(cfg->host);
	free(cfg->username);
	if(cfg->password) memset(cfg->password, 0, strlen(cfg->password));
	free(cfg->password);
	free(cfg->client_id);
	free(cfg->topic_prefix);
	memset(cfg, 0, sizeof(*cfg));
}
