#include "data_mode.h"

#include <cjson/cJSON.h>

enum nabz_data_mode nabz_data_mode__of_sources(const void *payload, size_t len)
{
	cJSON *root, *data, *demo;
	enum nabz_data_mode mode = NABZ_DATA_UNKNOWN;

	if(payload == NULL || len == 0) return NABZ_DATA_UNKNOWN;
	root = cJSON_ParseWithLength(payload, len);
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if(cJSON_IsObject(data) && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(data, "sources"))){
		demo = cJSON_GetObjectItemCaseSensitive(data, "demo");
		mode = cJSON_IsTrue(demo) ? NABZ_DATA_DEMO : NABZ_DATA_LIVE;
	}
	cJSON_Delete(root);
	return mode;
}

const char *nabz_data_mode__name(enum nabz_data_mode mode)
{
	switch(mode){
		case NABZ_DATA_LIVE: return "live";
		case NABZ_DATA_DEMO: return "demo";
		default: return NULL;
	}
}
