/*
 * One table describes every option: name, type, bounds, default, help.
 * Unknown names and bad values are refused with a message that names them
 * (strtol with full-consumption and range checks, never atoi).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "client_ids.h"
#include "cluster.h"
#include "contract.h"
#include "chat.h"

enum opt_type { OPT_STRING, OPT_LONG, OPT_BOOL, OPT_NAMES };

struct opt_def {
	const char *name;
	enum opt_type type;
	long min;
	long max;
	const char *def;
	size_t offset;
	const char *help;
};

#define OFF(field) offsetof(struct nabz_config, field)

static const struct opt_def opt_table[] = {
	{"topic_prefix", OPT_STRING, 1, 64, NABZ_TOPIC_PREFIX_DEFAULT, OFF(topic_prefix),
		"first level of every data topic"},
	{"state_file", OPT_STRING, 0, 4096, "/var/lib/nabz/state.json", OFF(state_file),
		"where total_sessions and peak_connections persist; empty disables"},
	{"stats_debounce_ms", OPT_LONG, 0, 60000, "50", OFF(stats_debounce_ms),
		"least time between two crypto/stats publishes"},
	{"state_save_interval_ms", OPT_LONG, 0, 3600000, "1000", OFF(state_save_interval_ms),
		"least time between two state file writes"},
	{"allow_anonymous", OPT_BOOL, 0, 1, "true", OFF(allow_anonymous),
		"let clients without a named account connect as readers"},
	{"services", OPT_NAMES, 0, 0, "", OFF(services),
		"usernames of service clients: tracked, never counted as users"},
	{"publishers", OPT_NAMES, 0, 0, "", OFF(publishers),
		"usernames allowed to publish data topics"},
	{"admins", OPT_NAMES, 0, 0, "", OFF(admins),
		"usernames allowed to call listSessions"},
	{"bots", OPT_NAMES, 0, 0, "", OFF(bots),
		"usernames of bots: must log in with their password, counted as users"},
	{"max_control_payload", OPT_LONG, 64, 1048576, "16384", OFF(max_control_payload),
		"largest $CONTROL/nabz/v1 request in bytes"},
	{"max_metadata_bytes", OPT_LONG, 16, 65536, "2048", OFF(max_metadata_bytes),
		"largest hello metadata object, serialised, in bytes"},
	{"max_commands", OPT_LONG, 1, 1000, "16", OFF(max_commands),
		"most commands in one control request"},
	{"control_rate", OPT_LONG, 1, 100000, "10", OFF(control_rate),
		"control commands a client may have answered per second, on average"},
	{"control_burst", OPT_LONG, 1, 100000, "32", OFF(control_burst),
		"control commands a client may send at once before control_rate applies"},
	{"client_id_owners", OPT_NAMES, 0, 0, "nabz-bridge=nabz-bridge bot-nabz-telegram=nabz-telegram",
		OFF(client_id_owners), "client ids only the named account may use: ID=ACCOUNT, ID may end in *"},
	{"tcp_nodelay", OPT_BOOL, 0, 1, "true", OFF(tcp_nodelay),
		"set TCP_NODELAY on the broker's TCP listeners, so every TCP client has it"},
	{"reclaim_dropped_messages", OPT_BOOL, 0, 1, "true", OFF(reclaim_dropped_messages),
		"free the broker's copies of answers it dropped for a client that does not read"},
	{"ws_listeners", OPT_NAMES, 0, 0, "0.0.0.0:8000", OFF(ws_listeners),
		"HTTP/WebSocket listeners, host:port; empty: none"},
	{"ws_reuseport_shared", OPT_BOOL, 0, 1, "false", OFF(ws_reuseport_shared),
		"share the WebSocket ports with other processes of the same user that set it too (several brokers on one host)"},
	{"ws_tls_listeners", OPT_NAMES, 0, 0, "", OFF(ws_tls_listeners),
		"HTTPS/wss listeners, host:port (need ws_tls_cert and ws_tls_key)"},
	{"ws_tls_cert", OPT_STRING, 0, 4096, "", OFF(ws_tls_cert),
		"PEM certificate (chain) for the TLS listeners"},
	{"ws_tls_key", OPT_STRING, 0, 4096, "", OFF(ws_tls_key),
		"PEM private key for the TLS listeners"},
	{"ws_broker_socket", OPT_STRING, 1, 107, "/run/nabz/mqtt.sock", OFF(ws_broker_socket),
		"the broker's unix-socket listener (listener 0 <path>)"},
	{"web_root", OPT_STRING, 1, 4096, NABZ_DATADIR "/static", OFF(web_root),
		"directory of the web files"},
	{"ws_threads", OPT_LONG, 0, 16, "0", OFF(ws_threads),
		"service threads of the listener (sharing its ports); 0: one per CPU, at most 4"},
	{"ws_batch_us", OPT_LONG, 0, 10000, "500", OFF(ws_batch_us),
		"microseconds a listener thread waits, after a turn that carried broker bytes, before polling again, "
		"so that one wake-up serves a whole fan-out; 0: none"},
	{"ws_max_connections", OPT_LONG, 1, 1000000, "20000", OFF(ws_max_connections),
		"most WebSocket connections at once"},
	{"ws_max_connections_per_ip", OPT_LONG, 1, 1000000, "1000", OFF(ws_max_connections_per_ip),
		"most WebSocket connections from one address (an IPv6 /64 is one); sized for carrier-grade NAT"},
	{"ws_handshake_timeout_s", OPT_LONG, 1, 300, "10", OFF(ws_handshake_timeout_s),
		"seconds for the HTTP upgrade and then the MQTT CONNECT"},
	{"ws_ping_interval_s", OPT_LONG, 0, 3600, "30", OFF(ws_ping_interval_s),
		"seconds a WebSocket may be idle before a PING asks it to answer; 0: never"},
	{"ws_pong_timeout_s", OPT_LONG, 1, 3600, "20", OFF(ws_pong_timeout_s),
		"seconds to answer that PING before the connection counts as dead and is closed"},
	{"ws_max_message_bytes", OPT_LONG, 1024, 268435456, "262144", OFF(ws_max_message_bytes),
		"largest WebSocket message accepted"},
	{"ws_buffer_bytes", OPT_LONG, 16384, 268435456, "1048576", OFF(ws_buffer_bytes),
		"most bytes queued per connection and direction; beyond, a slow reader is cut off"},
	{"ws_origins", OPT_NAMES, 0, 0, "", OFF(ws_origins),
		"allowed Origin values, exact match; empty: any"},
	{"ws_allow_missing_origin", OPT_BOOL, 0, 1, "true", OFF(ws_allow_missing_origin),
		"accept WebSocket clients that send no Origin (non-browser clients)"},
	{"ws_trusted_proxies", OPT_NAMES, 0, 0, "", OFF(ws_trusted_proxies),
		"addresses of reverse proxies whose X-Forwarded-For is believed"},
	{"limit_exempt", OPT_NAMES, 0, 0, "127.0.0.0/8 ::1", OFF(limit_exempt),
		"addresses and networks (a.b.c.d/n, ipv6/n) no per-address limit applies to; none: no exemption"},
	{"tcp_max_connections", OPT_LONG, 1, 1000000, "20000", OFF(tcp_max_connections),
		"most MQTT-over-TCP clients at once (named accounts excepted)"},
	{"tcp_max_connections_per_ip", OPT_LONG, 1, 1000000, "1000", OFF(tcp_max_connections_per_ip),
		"most MQTT-over-TCP connections from one address (an IPv6 /64 is one), CONNECT sent or not"},
	{"tcp_connect_timeout_s", OPT_LONG, 0, 3600, "10", OFF(tcp_connect_timeout_s),
		"seconds a TCP connection may stay without completing its CONNECT; 0: the broker's own (~90 s)"},
	{"cluster_node", OPT_STRING, 0, 32, "", OFF(cluster_node),
		"this node's id in a cluster ([A-Za-z0-9_-]); empty: not clustered"},
	{"cluster_role", OPT_STRING, 4, 4, "edge", OFF(cluster_role),
		"edge (serves clients, publishes its figures) or core (the edges' hub, sends the heartbeat)"},
	{"cluster_peers", OPT_NAMES, 0, 0, "", OFF(cluster_peers),
		"at the core: accounts of the edges' bridges; may publish and read nabz/cluster/#, counted nowhere"},
	{"cluster_heartbeat_ms", OPT_LONG, 100, 10000, "1000", OFF(cluster_heartbeat_ms),
		"most time between two of this node's cluster messages"},
	{"cluster_deadline_ms", OPT_LONG, 500, 10000, "5000", OFF(cluster_deadline_ms),
		"a node silent this long leaves the cluster's figures; an edge without the core's heartbeat is cut off"},
	{"chat_enabled", OPT_BOOL, 0, 1, "true", OFF(chat_enabled),
		"chat rooms on: clients may post with chatPost; false: chatPost answers Chat disabled"},
	{"chat_rooms", OPT_NAMES, 0, 0, "general BTC fa en", OFF(chat_rooms),
		"chat rooms, each 1..32 of A-Z a-z 0-9 _ -, at most 16: <prefix>/chat/<room>"},
	{"chat_max_bytes", OPT_LONG, 1, 4000, "500", OFF(chat_max_bytes),
		"largest chat message text in bytes (UTF-8)"},
	{"chat_history", OPT_LONG, 0, 500, "50", OFF(chat_history),
		"messages kept per room and given to a newcomer in <prefix>/chat/<room>/recent"},
	{"chat_session_rate", OPT_LONG, 1, 6000, "20", OFF(chat_session_rate),
		"chat posts a session may make per minute, on average"},
	{"chat_session_burst", OPT_LONG, 1, 1000, "5", OFF(chat_session_burst),
		"chat posts a session may make at once before chat_session_rate applies"},
	{"chat_address_rate", OPT_LONG, 1, 60000, "60", OFF(chat_address_rate),
		"chat posts per minute from one address (an IPv6 /64 is one), all its sessions together; limit_exempt applies"},
	{"chat_address_burst", OPT_LONG, 1, 10000, "20", OFF(chat_address_burst),
		"chat posts one address may make at once before chat_address_rate applies"},
	{"chat_name_max", OPT_LONG, 4, 64, "32", OFF(chat_name_max),
		"longest display name (hello metadata.display_name) in bytes; longer ones are cut"},
};

#define OPT_COUNT (sizeof(opt_table) / sizeof(opt_table[0]))

size_t nabz_config__option_count(void)
{
	return OPT_COUNT;
}

const char *nabz_config__option_name(size_t i)
{
	return i < OPT_COUNT ? opt_table[i].name : NULL;
}

static void namelist_free(struct nabz_namelist *list)
{
	for(size_t i = 0; i < list->count; i++){
		free(list->names[i]);
	}
	free(list->names);
	list->names = NULL;
	list->count = 0;
}

bool nabz_namelist__contains(const struct nabz_namelist *list, const char *name)
{
	if(name == NULL) return false;
	for(size_t i = 0; i < list->count; i++){
		if(strcmp(list->names[i], name) == 0) return true;
	}
	return false;
}

static int parse_names(const char *value, struct nabz_namelist *out)
{
	const char *p = value;

	namelist_free(out);
	while(*p){
		size_t len;
		char **grown;

		p += strspn(p, ", \t");
		len = strcspn(p, ", \t");
		if(len == 0) break;
		grown = realloc(out->names, (out->count + 1) * sizeof(char *));
		if(grown == NULL) return -1;
		out->names = grown;
		out->names[out->count] = strndup(p, len);
		if(out->names[out->count] == NULL) return -1;
		out->count++;
		p += len;
	}
	return 0;
}

static int parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for(size_t i = 0; i < 4; i++){
		if(strcasecmp(value, yes[i]) == 0){ *out = true; return 0; }
		if(strcasecmp(value, no[i]) == 0){ *out = false; return 0; }
	}
	return -1;
}

static int parse_long(const char *value, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if(errno != 0 || end == value || *end != '\0' || v < min || v > max){
		return -1;
	}
	*out = v;
	return 0;
}

static int apply(const struct opt_def *def, const char *value, struct nabz_config *cfg,
		char *err, size_t errlen)
{
	void *field = (char *)cfg + def->offset;

	switch(def->type){
		case OPT_STRING: {
			size_t len = strlen(value);
			char *copy;
			if((long)len < def->min || (long)len > def->max){
				snprintf(err, errlen, "option %s: length must be %ld..%ld characters",
						def->name, def->min, def->max);
				return -1;
			}
			copy = strdup(value);
			if(copy == NULL){
				snprintf(err, errlen, "option %s: out of memory", def->name);
				return -1;
			}
			free(*(char **)field);
			*(char **)field = copy;
			return 0;
		}
		case OPT_LONG:
			if(parse_long(value, def->min, def->max, (long *)field)){
				snprintf(err, errlen, "option %s: \"%s\" is not a whole number in %ld..%ld",
						def->name, value, def->min, def->max);
				return -1;
			}
			return 0;
		case OPT_BOOL:
			if(parse_bool(value, (bool *)field)){
				snprintf(err, errlen, "option %s: \"%s\" is not true or false", def->name, value);
				return -1;
			}
			return 0;
		case OPT_NAMES:
			if(parse_names(value, (struct nabz_namelist *)field)){
				snprintf(err, errlen, "option %s: out of memory", def->name);
				return -1;
			}
			return 0;
	}
	return -1;
}

static int check_prefix(const char *prefix, char *err, size_t errlen)
{
	if(strpbrk(prefix, "+#") || prefix[0] == '/' || prefix[0] == '$'
			|| prefix[strlen(prefix) - 1] == '/'){
		snprintf(err, errlen, "option topic_prefix: \"%s\" must be topic levels without "
				"wildcards, '$' or a leading/trailing '/'", prefix);
		return -1;
	}
	return 0;
}

/* limit_exempt as networks. mosquitto.conf cannot give an option an empty
 * value, so "none" says "no exemption". */
static int parse_exempt(struct nabz_config *cfg, char *err, size_t errlen)
{
	char msg[200];
	const struct nabz_namelist *names = &cfg->limit_exempt;

	if(names->count == 1 && strcmp(names->names[0], "none") == 0) return 0;
	if(nabz_cidrlist__parse(names->names, names->count, &cfg->limit_exempt_nets, msg, sizeof(msg))){
		snprintf(err, errlen, "option limit_exempt: %s", msg);
		return -1;
	}
	return 0;
}

static int check_cluster(const struct nabz_config *cfg, char *err, size_t errlen)
{
	if(cfg->cluster_node[0] && !nabz_cluster__valid_id(cfg->cluster_node)){
		snprintf(err, errlen, "option cluster_node: \"%s\" must be 1..%d of A-Z a-z 0-9 _ -",
				cfg->cluster_node, NABZ_NODE_ID_MAX);
		return -1;
	}
	if(strcmp(cfg->cluster_role, "edge") != 0 && strcmp(cfg->cluster_role, "core") != 0){
		snprintf(err, errlen, "option cluster_role: \"%s\" is not edge or core", cfg->cluster_role);
		return -1;
	}
	if(cfg->cluster_deadline_ms < 2 * cfg->cluster_heartbeat_ms){
		snprintf(err, errlen, "option cluster_deadline_ms: %ld is less than twice cluster_heartbeat_ms (%ld)",
				cfg->cluster_deadline_ms, cfg->cluster_heartbeat_ms);
		return -1;
	}
	return 0;
}

static int check_chat(const struct nabz_config *cfg, char *err, size_t errlen)
{
	const struct nabz_namelist *rooms = &cfg->chat_rooms;

	if(rooms->count > NABZ_CHAT_ROOMS_MAX){
		snprintf(err, errlen, "option chat_rooms: %zu rooms, at most %d", rooms->count, NABZ_CHAT_ROOMS_MAX);
		return -1;
	}
	for(size_t i = 0; i < rooms->count; i++){
		if(!nabz_chat__valid_room_name(rooms->names[i])){
			snprintf(err, errlen, "option chat_rooms: \"%.40s\" must be 1..%d of A-Z a-z 0-9 _ -",
					rooms->names[i], NABZ_CHAT_ROOM_NAME_MAX);
			return -1;
		}
		for(size_t k = 0; k < i; k++){
			if(strcmp(rooms->names[k], rooms->names[i]) == 0){
				snprintf(err, errlen, "option chat_rooms: \"%s\" given twice", rooms->names[i]);
				return -1;
			}
		}
	}
	return 0;
}

int nabz_config__parse(struct nabz_config *cfg, const struct mosquitto_opt *opts,
		int opt_count, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	for(size_t i = 0; i < OPT_COUNT; i++){
		if(apply(&opt_table[i], opt_table[i].def, cfg, err, errlen)) goto error;
	}
	for(int i = 0; i < opt_count; i++){
		const struct opt_def *def = NULL;

		for(size_t j = 0; j < OPT_COUNT; j++){
			if(strcmp(opts[i].key, opt_table[j].name) == 0){
				def = &opt_table[j];
				break;
			}
		}
		if(def == NULL){
			snprintf(err, errlen, "unknown option plugin_opt_%s", opts[i].key);
			goto error;
		}
		if(apply(def, opts[i].value ? opts[i].value : "", cfg, err, errlen)) goto error;
	}
	if(check_prefix(cfg->topic_prefix, err, errlen)) goto error;
	if(nabz_client_ids__check(&cfg->client_id_owners, err, errlen)) goto error;
	if(parse_exempt(cfg, err, errlen)) goto error;
	if(check_cluster(cfg, err, errlen)) goto error;
	if(check_chat(cfg, err, errlen)) goto error;
	if(cfg->ws_tls_listeners.count && (cfg->ws_tls_cert[0] == '\0' || cfg->ws_tls_key[0] == '\0')){
		snprintf(err, errlen, "option ws_tls_listeners: needs ws_tls_cert and ws_tls_key");
		goto error;
	}
	return 0;

error:
	nabz_config__free(cfg);
	return -1;
}

void nabz_config__free(struct nabz_config *cfg)
{
	free(cfg->topic_prefix);
	free(cfg->state_file);
	free(cfg->ws_tls_cert);
	free(cfg->ws_tls_key);
	free(cfg->ws_broker_socket);
	free(cfg->web_root);
	free(cfg->cluster_node);
	free(cfg->cluster_role);
	namelist_free(&cfg->cluster_peers);
	namelist_free(&cfg->ws_listeners);
	namelist_free(&cfg->ws_tls_listeners);
	namelist_free(&cfg->ws_origins);
	namelist_free(&cfg->ws_trusted_proxies);
	namelist_free(&cfg->services);
	namelist_free(&cfg->publishers);
	namelist_free(&cfg->admins);
	namelist_free(&cfg->bots);
	namelist_free(&cfg->client_id_owners);
	namelist_free(&cfg->limit_exempt);
	namelist_free(&cfg->chat_rooms);
	nabz_cidrlist__free(&cfg->limit_exempt_nets);
	memset(cfg, 0, sizeof(*cfg));
}
