#include "progcfg.h"

int nabz_progcfg__read(cJSON *root, char *err, size_t errlen, const char *const *keys,
		const struct nabz_mqtt_cfg_defaults *mqtt_defaults, struct nabz_mqtt_cfg *mqtt,
		nabz_progcfg_own_fn read_own, void *own)
{
	struct nabz_cfg_reader r = {err, errlen, 0};

	if(root == NULL) return -1;
	nabz_cfg__check_keys(&r, root, "", keys);
	nabz_mqttcfg__read(&r, root, mqtt_defaults, mqtt);
	/* The program's readers do nothing after a failure (cfgread.h), so
	 * they run regardless and the first error stays. */
	read_own(&r, root, own);
	cJSON_Delete(root);
	return r.failed ? -1 : 0;
}

int nabz_progcfg__http(struct nabz_cfg_reader *r, const cJSON *root, long *connect_timeout_ms, long *timeout_ms,
		long *max_body_bytes)
{
	static const char *const keys[] = {"connect_timeout_ms", "timeout_ms", NULL};
	static const char *const keys_with_body[] = {"connect_timeout_ms", "timeout_ms", "max_body_bytes", NULL};
	const cJSON *o = nabz_cfg__object(r, root, "", "http");

	nabz_cfg__check_keys(r, o, "http", max_body_bytes ? keys_with_body : keys);
	nabz_cfg__long(r, o, "http", "connect_timeout_ms", 100, 60000, 5000, connect_timeout_ms);
	nabz_cfg__long(r, o, "http", "timeout_ms", 100, 300000, 15000, timeout_ms);
	if(max_body_bytes) nabz_cfg__long(r, o, "http", "max_body_bytes", 1024, 67108864, 4194304, max_body_bytes);
	return r->failed ? -1 : 0;
}
