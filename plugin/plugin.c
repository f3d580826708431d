/*
 * nabz_plugin.so entry points: start, register, stop. Everything else
 * lives in the module named for it (sessions, access, control, tick...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "contract.h"
#include "cluster_link.h"
#include "events.h"
#include "fd_budget.h"
#include "log.h"
#include "nabz.h"
#include "state_file.h"
#include "tcp_sweep.h"
#include "timeutil.h"
#include "ws/ws.h"

#define NABZ_EXPORT __attribute__((visibility("default")))

NABZ_EXPORT int mosquitto_plugin_version(int supported_version_count, const int *supported_versions);
NABZ_EXPORT int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
		struct mosquitto_opt *options, int option_count);
NABZ_EXPORT int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count);

static const struct {
	int event;
	MOSQ_FUNC_generic_callback cb;
	const void *event_data;
} callbacks[] = {
	{MOSQ_EVT_BASIC_AUTH, nabz_events__basic_auth, NULL},
	{MOSQ_EVT_ACL_CHECK, nabz_events__acl_check, NULL},
	{MOSQ_EVT_DISCONNECT, nabz_events__disconnect, NULL},
	{MOSQ_EVT_CONTROL, nabz_events__control, NABZ_CONTROL_TOPIC},
	{MOSQ_EVT_TICK, nabz_events__tick, NULL},
	/* Every PUBLISH the broker receives: one compare unless it is the
	 * bridge's sources message or (clustered) a node's. */
	{MOSQ_EVT_MESSAGE, nabz_events__message, NULL},
};
#define CALLBACK_COUNT (sizeof(callbacks) / sizeof(callbacks[0]))

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for(int i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

/* In 2.0.x the plugin id is {struct mosquitto__listener *listener}: set
 * only when per_listener_settings is true. With that setting 2.0.11 never
 * runs MOSQ_EVT_TICK (plugin.c: "FIXME - iterate over all listeners"), so
 * stats would never be published. */
static int per_listener_settings(const mosquitto_plugin_id_t *identifier)
{
	return *(void *const *)identifier != NULL;
}

static void load_state(struct nabz *nabz)
{
	struct nabz_persisted p;
	char err[512];

	if(nabz->cfg.state_file[0] == '\0'){
		nabz_log_info("no state file (plugin_opt_state_file is empty): counts start at zero");
		return;
	}
	switch(nabz_state__load(nabz->cfg.state_file, &p, err, sizeof(err))){
		case NABZ_STATE_LOADED:
			nabz_counts__restore(&nabz->reg, p.total_sessions, p.peak_connections);
			nabz_state_saver__read_back(&nabz->saver, &p);
			if(p.cluster_peak_connections > nabz->cluster.peak) nabz->cluster.peak = p.cluster_peak_connections;
			nabz_log_info("state loaded from %s: total_sessions %llu, peak_connections %llu",
					nabz->cfg.state_file, (unsigned long long)p.total_sessions,
					(unsigned long long)p.peak_connections);
			return;
		case NABZ_STATE_MISSING:
			nabz_log_notice("state file %s not found: starting from zero, creating it", nabz->cfg.state_file);
			break;
		case NABZ_STATE_CORRUPT:
			nabz_log_warn("state file unusable (%s): starting from zero, replacing it", err);
			break;
		case NABZ_STATE_IO_ERROR:
			nabz_log_warn("state file unreadable (%s): starting from zero", err);
			break;
	}
	/* Nothing read back: this first write replaces a missing or corrupt
	 * file now. */
	nabz_tick__save_state(nabz, nabz_time__mono_ms());
}

/* The broker cannot raise its own open-files limit once it runs as its
 * user: say so at start rather than at the first EMFILE under load. */
static void check_fd_limit(const struct nabz_config *cfg)
{
	struct rlimit rl;
	uint64_t needed = nabz_fd_budget__needed(cfg);

	if(getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return;
	if((uint64_t)rl.rlim_cur < needed){
		nabz_log_warn("the open-files limit (RLIMIT_NOFILE) is %llu, below the %llu the configured limits "
				"need (3 x ws_max_connections + tcp_max_connections + %d): raise it (ulimit -n, as "
				"scripts/run.sh does) or lower those limits", (unsigned long long)rl.rlim_cur,
				(unsigned long long)needed, NABZ_FD_MARGIN);
	}
}

static void nabz_free(struct nabz *nabz)
{
	nabz_ws__stop(nabz->ws);
	nabz_state_saver__stop(&nabz->saver);
	nabz_state_saver__cleanup(&nabz->saver);
	nabz_tcp_sweep__free(nabz->sweep);
	nabz_tcp_limits__cleanup(&nabz->tcp);
	nabz_seam__cleanup(&nabz->seam);
	nabz_registry__cleanup(&nabz->reg);
	nabz_chat__cleanup(&nabz->chat);
	nabz_cluster_link__cleanup(nabz);
	nabz_config__free(&nabz->cfg);
	free(nabz->stats_topic);
	free(nabz->sources_topic);
	free(nabz->prices_topic);
	free(nabz);
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
		struct mosquitto_opt *options, int option_count)
{
	struct nabz *nabz;
	char err[512];
	size_t registered = 0;
	int rc;

	if(per_listener_settings(identifier)){
		nabz_log_err("per_listener_settings must be false: with true, mosquitto 2.0 never "
				"runs the plugin tick, so stats would never be published");
		return MOSQ_ERR_INVAL;
	}
	nabz = calloc(1, sizeof(*nabz));
	if(nabz == NULL) return MOSQ_ERR_NOMEM;
	nabz->pid = identifier;
	if(nabz_config__parse(&nabz->cfg, options, option_count, err, sizeof(err)) != 0){
		nabz_log_err("%s", err);
		free(nabz);
		return MOSQ_ERR_INVAL;
	}
	rc = MOSQ_ERR_NOMEM;
	nabz->started_ms = nabz_time__mono_ms();
	if(nabz_seam__init(&nabz->seam, nabz->started_ms) != 0){
		nabz_config__free(&nabz->cfg);
		free(nabz);
		return MOSQ_ERR_NOMEM;
	}
	if(nabz_state_saver__init(&nabz->saver, nabz->cfg.state_file, nabz->cfg.state_save_interval_ms,
				&nabz->seam) != 0){
		nabz_seam__cleanup(&nabz->seam);
		nabz_config__free(&nabz->cfg);
		free(nabz);
		return MOSQ_ERR_NOMEM;
	}
	if(nabz_registry__init(&nabz->reg, nabz->cfg.topic_prefix) != 0) goto error;
	nabz->prefix_len = strlen(nabz->cfg.topic_prefix);
	nabz->stats_topic = malloc(nabz->prefix_len + sizeof("/" NABZ_SUBTOPIC_STATS));
	if(nabz->stats_topic == NULL) goto error;
	sprintf(nabz->stats_topic, "%s/" NABZ_SUBTOPIC_STATS, nabz->cfg.topic_prefix);
	nabz->sources_topic = malloc(nabz->prefix_len + sizeof("/" NABZ_SUBTOPIC_SOURCES));
	if(nabz->sources_topic == NULL) goto error;
	sprintf(nabz->sources_topic, "%s/" NABZ_SUBTOPIC_SOURCES, nabz->cfg.topic_prefix);
	nabz->prices_topic_len = nabz->prefix_len + strlen("/" NABZ_SUBTOPIC_PRICES "/");
	nabz->prices_topic = malloc(nabz->prices_topic_len + 1);
	if(nabz->prices_topic == NULL) goto error;
	sprintf(nabz->prices_topic, "%s/" NABZ_SUBTOPIC_PRICES "/", nabz->cfg.topic_prefix);
	if(nabz_cluster_link__init(nabz, 0) != 0) goto error;
	/* Its first publishes (each room's empty recent) go at the first tick. */
	if(nabz_chat__init(&nabz->chat, &nabz->cfg) != 0) goto error;
	load_state(nabz);            /* its first write on this thread: errors said at start */
	if(nabz->cfg.state_file[0] != '\0') nabz_state_saver__start(&nabz->saver);
	nabz_reclaim__init(&nabz->reclaim, nabz->cfg.reclaim_dropped_messages);
	/* Publish once at the first tick: replaces a retained figure left
	 * from before a restart. */
	nabz->reg.dirty = true;

	for(registered = 0; registered < CALLBACK_COUNT; registered++){
		rc = mosquitto_callback_register(identifier, callbacks[registered].event,
				callbacks[registered].cb, callbacks[registered].event_data, nabz);
		if(rc != MOSQ_ERR_SUCCESS){
			nabz_log_err("cannot register callback for event %d: %s",
					callbacks[registered].event, mosquitto_strerror(rc));
			goto error;
		}
	}
	if(nabz->cluster.enabled){
		nabz_log_info("cluster: node \"%s\", role %s, heartbeat %ld ms, deadline %ld ms, %zu peer accounts",
				nabz->cfg.cluster_node, nabz->cfg.cluster_role, nabz->cfg.cluster_heartbeat_ms,
				nabz->cfg.cluster_deadline_ms, nabz->cfg.cluster_peers.count);
	}
	check_fd_limit(&nabz->cfg);
	if(nabz->cfg.tcp_connect_timeout_s > 0){
		/* Without it (out of memory, no /proc: logged) the limits at
		 * CONNECT still hold. */
		nabz->sweep = nabz_tcp_sweep__new(&nabz->cfg);
	}
	if(nabz->cfg.ws_listeners.count || nabz->cfg.ws_tls_listeners.count){
		nabz->ws = nabz_ws__start(&nabz->cfg, &nabz->seam, err, sizeof(err));
		if(nabz->ws == NULL){
			nabz_log_err("WebSocket listener: %s", err);
			rc = MOSQ_ERR_UNKNOWN;
			goto error;
		}
	}
	*userdata = nabz;
	nabz_log_info("started: prefix \"%s\", stats debounce %ld ms, %zu services, %zu publishers, %zu admins",
			nabz->cfg.topic_prefix, nabz->cfg.stats_debounce_ms, nabz->cfg.services.count,
			nabz->cfg.publishers.count, nabz->cfg.admins.count);
	return MOSQ_ERR_SUCCESS;

error:
	while(registered-- > 0){
		mosquitto_callback_unregister(identifier, callbacks[registered].event,
				callbacks[registered].cb, callbacks[registered].event_data);
	}
	nabz_free(nabz);
	return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	struct nabz *nabz = userdata;

	(void)options;
	(void)option_count;
	if(nabz == NULL) return MOSQ_ERR_SUCCESS;
	for(size_t i = 0; i < CALLBACK_COUNT; i++){
		mosquitto_callback_unregister(nabz->pid, callbacks[i].event, callbacks[i].cb,
				callbacks[i].event_data);
	}
	/* The last write, on this thread once the saver has stopped (a write
	 * it had not finished is made again). */
	nabz_state_saver__stop(&nabz->saver);
	nabz_tick__save_state(nabz, nabz_time__mono_ms());
	nabz_free(nabz);
	return MOSQ_ERR_SUCCESS;
}
