#include "client_type.h"

#include <string.h>

static const char *const type_names[NABZ_CT_COUNT] = {
	[NABZ_CT_BROWSER] = "browser",
	[NABZ_CT_API] = "api",
	[NABZ_CT_MOBILE] = "mobile",
	[NABZ_CT_BOT] = "bot",
	[NABZ_CT_IOT] = "iot",
};

static const struct {
	const char *prefix;
	enum nabz_client_type type;
} prefix_rules[] = {
	{"browser-", NABZ_CT_BROWSER},
	{"web-", NABZ_CT_BROWSER},
	{"mobile-", NABZ_CT_MOBILE},
	{"api-", NABZ_CT_API},
	{"bot-", NABZ_CT_BOT},
	{"iot-", NABZ_CT_IOT},
};

const char *nabz_client_type__name(enum nabz_client_type type)
{
	return (unsigned)type < NABZ_CT_COUNT ? type_names[type] : "unknown";
}

int nabz_client_type__parse(const char *name, enum nabz_client_type *out)
{
	if(name == NULL) return -1;
	for(int i = 0; i < NABZ_CT_COUNT; i++){
		if(strcmp(name, type_names[i]) == 0){
			*out = (enum nabz_client_type)i;
			return 0;
		}
	}
	return -1;
}

enum nabz_client_type nabz_client_type__infer(const char *client_id, enum nabz_transport transport)
{
	if(client_id){
		for(size_t i = 0; i < sizeof(prefix_rules) / sizeof(prefix_rules[0]); i++){
			if(strncmp(client_id, prefix_rules[i].prefix, strlen(prefix_rules[i].prefix)) == 0){
				return prefix_rules[i].type;
			}
		}
	}
	return transport == NABZ_TRANSPORT_WEBSOCKET ? NABZ_CT_BROWSER : NABZ_CT_API;
}

enum nabz_transport nabz_transport__from_address(const char *address)
{
	if(address && (address[0] == '/' || strcmp(address, "unix-socket") == 0)){
		return NABZ_TRANSPORT_WEBSOCKET;
	}
	return NABZ_TRANSPORT_TCP;
}
