/*
 * Connects, departures, access checks and control requests: the broker's
 * events, turned into session registry updates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include <cjson/cJSON.h>

#include "access.h"
#include "client_ids.h"
#include "contract.h"
#include "control.h"
#include "data_mode.h"
#include "cluster_link.h"
#include "events.h"
#include "log.h"
#include "nabz.h"
#include "chat_publish.h"
#include "timeutil.h"

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

/* Refusals come as fast as an attacker can connect: one line per reason
 * every NABZ_RATELOG_EVERY_MS, saying how many went unlogged. */
__attribute__((format(printf, 2, 3)))
static void log_refusal(struct nabz_ratelog *rl, const char *fmt, ...)
{
	unsigned suppressed;
	int64_t since_ms;
	char line[768];
	va_list ap;

	if(!nabz_ratelog__due(rl, nabz_time__mono_ms(), &suppressed, &since_ms)) return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if(suppressed){
		nabz_log_notice("%s (and %u more refused for this reason in the last %lld s)", line,
				suppressed, (long long)(since_ms / 1000));
	}else{
		nabz_log_notice("%s", line);
	}
}

static int decision_rc(enum nabz_auth_decision decision)
{
	switch(decision){
		case NABZ_AUTH_ACCEPT: return MOSQ_ERR_SUCCESS;
		case NABZ_AUTH_DEFER: return MOSQ_ERR_PLUGIN_DEFER;
		case NABZ_AUTH_REFUSE: break;
	}
	return MOSQ_ERR_AUTH;
}

/* The listener's wake link (ws/ws_wake.c, service thread 0): in with the password made
 * at this start, never counted or listed. */
static int wake_link_auth(struct nabz *nabz, const struct mosquitto_evt_basic_auth *ed)
{
	struct nabz_session_info info;
	struct nabz_session *s;

	if(nabz->ws == NULL || ed->password == NULL
			|| strcmp(ed->password, nabz->seam.wake_password) != 0){
		nabz_log_notice("refused client %s: the username %s is the plugin's own",
				or_dash(mosquitto_client_id(ed->client)), NABZ_WAKE_USERNAME);
		return MOSQ_ERR_AUTH;
	}
	if(nabz_sessions__find(&nabz->reg, ed->client)) return MOSQ_ERR_SUCCESS;
	memset(&info, 0, sizeof(info));
	info.client = ed->client;
	info.client_id = mosquitto_client_id(ed->client);
	info.username = ed->username;
	info.internal = true;
	info.connected_at_ms = nabz_time__wall_ms();
	s = nabz_sessions__add(&nabz->reg, &info);
	if(s == NULL) return MOSQ_ERR_NOMEM;
	nabz_sessions__confirm(&nabz->reg, s);
	return MOSQ_ERR_SUCCESS;
}

/* Counts a new TCP client in, or logs (rate-limited) why it is refused. */
static bool tcp_admit(struct nabz *nabz, const char *client_id, const char *address)
{
	bool first;
	enum nabz_tcp_verdict v = nabz_tcp_limits__admit(&nabz->tcp, &nabz->cfg, address, &first);
	enum nabz_tcp_reason reason;
	char detail[96];

	switch(v){
		case NABZ_TCP_ADMIT:
			return true;
		case NABZ_TCP_REFUSE_NOMEM:
			nabz_log_err("out of memory counting client %s; refusing it", or_dash(client_id));
			return false;
		case NABZ_TCP_REFUSE_CAPACITY:
			reason = NABZ_TCP_CAPACITY;
			snprintf(detail, sizeof(detail), "tcp_max_connections (%ld) reached", nabz->cfg.tcp_max_connections);
			break;
		case NABZ_TCP_REFUSE_PER_IP:
		default:
			reason = NABZ_TCP_PER_IP;
			snprintf(detail, sizeof(detail), "tcp_max_connections_per_ip (%ld) reached",
					nabz->cfg.tcp_max_connections_per_ip);
			if(first){
				char key[NABZ_NETADDR_KEY_MAX];
				nabz_netaddr__limit_key(address, key, sizeof(key));
				nabz_log_notice("address %s reached tcp_max_connections_per_ip (%ld); further refusals "
						"for it are counted in /metrics", key, nabz->cfg.tcp_max_connections_per_ip);
			}
			break;
	}
	log_refusal(&nabz->tcp.log[reason], "refused TCP client %s from %s: %s", or_dash(client_id),
			or_dash(address), detail);
	return false;
}

int nabz_events__basic_auth(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_basic_auth *ed = event_data;
	struct nabz *nabz = userdata;
	const char *client_id = mosquitto_client_id(ed->client);
	const char *address = mosquitto_client_address(ed->client);
	enum nabz_auth_decision decision;
	struct nabz_session_info info;
	struct nabz_ws_details details;
	struct nabz_session *s;
	bool counted;

	(void)event;
	if(ed->username && strcmp(ed->username, NABZ_WAKE_USERNAME) == 0){
		return wake_link_auth(nabz, ed);
	}
	/* 2.0.11 takes over a connected client id (connect__on_authorised)
	 * only after this check has let the newcomer in: refusing here keeps
	 * the session's owner connected and its queued messages its own. */
	decision = nabz_access__authenticate(&nabz->cfg, ed->username, client_id);
	if(nabz_sessions__find(&nabz->reg, ed->client)){
		/* On SIGHUP, 2.0.11 checks every connected client again
		 * (mosquitto_security_apply_default): the same session, not a
		 * new one. A refusal disconnects it, reported as a departure. */
		return decision_rc(decision);
	}
	if(decision == NABZ_AUTH_REFUSE){
		const char *owner = nabz_client_ids__owner(&nabz->cfg.client_id_owners, client_id);
		if(owner){
			log_refusal(&nabz->refused_client_id_log, "refused client %s from %s (user %s): "
					"the client id is reserved for account %s (plugin_opt_client_id_owners)",
					or_dash(client_id), or_dash(address), or_dash(ed->username), owner);
		}else{
			log_refusal(&nabz->refused_anonymous_log, "refused client %s from %s: anonymous "
					"clients are not allowed (plugin_opt_allow_anonymous false)",
					or_dash(client_id), or_dash(address));
		}
		return MOSQ_ERR_AUTH;
	}

	memset(&info, 0, sizeof(info));
	info.client = ed->client;
	info.client_id = client_id;
	info.username = ed->username;
	info.address = address;
	info.transport = nabz_transport__from_address(address);
	/* Roles hold only once the password file accepts the name: a refused
	 * client is removed before it can use them (see sessions.h). */
	info.cluster_peer = nabz_namelist__contains(&nabz->cfg.cluster_peers, ed->username);
	/* An edge's bridge is a service: it carries the cluster, not a user. */
	info.service = info.cluster_peer || nabz_namelist__contains(&nabz->cfg.services, ed->username);
	info.publisher = nabz_namelist__contains(&nabz->cfg.publishers, ed->username);
	info.admin = nabz_namelist__contains(&nabz->cfg.admins, ed->username);
	info.named_account = nabz_access__named_account(&nabz->cfg, ed->username);
	/* The bridge and the bots get in whatever the limits say (a stranger
	 * using their name is refused by the password file right after). */
	counted = info.transport == NABZ_TRANSPORT_TCP && !info.named_account;
	if(counted && !tcp_admit(nabz, client_id, address)) return MOSQ_ERR_AUTH;
	if(info.transport == NABZ_TRANSPORT_WEBSOCKET && client_id
			&& nabz_seam__take_details(&nabz->seam, client_id, &details)){
		/* Proxied by the WebSocket listener: the broker only sees its
		 * socket path; the listener recorded who is really there. */
		info.address = details.address;
		info.origin = details.origin[0] ? details.origin : NULL;
		info.user_agent = details.user_agent[0] ? details.user_agent : NULL;
	}
	info.connected_at_ms = nabz_time__wall_ms();

	s = nabz_sessions__add(&nabz->reg, &info);
	if(s == NULL){
		nabz_log_err("out of memory recording client %s; refusing it", or_dash(client_id));
		if(counted) nabz_tcp_limits__release(&nabz->tcp, &nabz->cfg, address);
		return MOSQ_ERR_NOMEM;
	}
	s->tcp_counted = counted;
	if(decision == NABZ_AUTH_ACCEPT){
		nabz_sessions__confirm(&nabz->reg, s);
	}
	return decision_rc(decision);
}

int nabz_events__disconnect(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_disconnect *ed = event_data;
	struct nabz *nabz = userdata;

	struct nabz_session *s = nabz_sessions__find(&nabz->reg, ed->client);

	(void)event;
	if(s && s->tcp_counted){
		nabz_tcp_limits__release(&nabz->tcp, &nabz->cfg, s->address);
		s->tcp_counted = false;
	}
	nabz_sessions__depart(&nabz->reg, ed->client, !mosquitto_client_clean_session(ed->client));
	return MOSQ_ERR_SUCCESS;
}

/* Any request but the connect itself proves the broker let the client in. */
static struct nabz_session *active_session(struct nabz *nabz, const struct mosquitto *client)
{
	struct nabz_session *s = nabz_sessions__find(&nabz->reg, client);

	if(s && !s->confirmed) nabz_sessions__confirm(&nabz->reg, s);
	return s;
}

static const char *access_name(int access)
{
	switch(access){
		case MOSQ_ACL_READ: return "read";
		case MOSQ_ACL_WRITE: return "publish";
		case MOSQ_ACL_SUBSCRIBE: return "subscribe";
		case MOSQ_ACL_UNSUBSCRIBE: return "unsubscribe";
		default: return "access";
	}
}

int nabz_events__acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	struct nabz *nabz = userdata;
	struct nabz_session *s;

	(void)event;
	/* Hot path first: every delivery of a data message to every
	 * subscriber comes here, and needs no session lookup. */
	if(ed->access == MOSQ_ACL_READ
			&& strncmp(ed->topic, nabz->cfg.topic_prefix, nabz->prefix_len) == 0
			&& ed->topic[nabz->prefix_len] == '/'){
		/* A plain increment (this thread's alone), handed to the seam
		 * at the tick: deliveries/s costs the hot path nothing more. */
		nabz->deliveries++;
		return MOSQ_ERR_SUCCESS;
	}

	s = active_session(nabz, ed->client);
	if(!nabz_access__allowed(nabz->cfg.topic_prefix, nabz->prefix_len, s, ed->access, ed->topic)){
		if(s == NULL || !s->denial_logged){
			nabz_log_notice("denied %s on \"%s\" to client %s (user %s); further denials "
					"for this client are not logged", access_name(ed->access), ed->topic,
					or_dash(mosquitto_client_id(ed->client)), or_dash(mosquitto_client_username(ed->client)));
			if(s) s->denial_logged = true;
		}
		return MOSQ_ERR_ACL_DENIED;
	}
	if(s && ed->access == MOSQ_ACL_SUBSCRIBE){
		if(nabz_sessions__subscribe(&nabz->reg, s, ed->topic) != 0){
			nabz_log_err("out of memory counting subscription \"%s\" of client %s",
					ed->topic, s->client_id);
		}
	}else if(s && ed->access == MOSQ_ACL_UNSUBSCRIBE){
		nabz_sessions__unsubscribe(&nabz->reg, s, ed->topic);
	}
	return MOSQ_ERR_SUCCESS;
}

int nabz_events__control(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_control *ed = event_data;
	struct nabz *nabz = userdata;
	struct nabz_session *s = active_session(nabz, ed->client);
	const char *client_id = mosquitto_client_id(ed->client);
	struct nabz_budget *budget;
	char *response;
	int rc;

	(void)event;
	/* Every answer costs the broker memory until the client reads it, so
	 * anonymous clients' requests are paid for from a budget. Accounts
	 * with a role (a bot answering many chats) are trusted with more. */
	if(s == NULL){
		budget = &nabz->unknown_budget;
	}else{
		budget = s->named_account ? NULL : &s->control_budget;
	}
	if(nabz_control__answer(nabz, s, budget, ed->payload, (size_t)ed->payloadlen,
				nabz_time__mono_ms(), &response) != 0){
		nabz_log_err("out of memory answering a control request from %s", or_dash(client_id));
		return MOSQ_ERR_NOMEM;
	}
	/* A chat post's message goes out before its answer. */
	nabz_chat_publish__flush(nabz);
	if(response == NULL) return MOSQ_ERR_SUCCESS;   /* over budget, and told */
	/* Addressed to the requester alone: the broker delivers it to that
	 * client id directly, with no subscription needed. */
	rc = mosquitto_broker_publish_copy(client_id, NABZ_CONTROL_RESPONSE_TOPIC,
			(int)strlen(response), response, 0, false, NULL);
	cJSON_free(response);
	if(rc == MOSQ_ERR_SUCCESS) nabz_reclaim__note_direct(&nabz->reclaim);
	if(rc != MOSQ_ERR_SUCCESS){
		nabz_log_err("cannot queue the control response to %s: %s", or_dash(client_id),
				mosquitto_strerror(rc));
	}
	return rc;
}

int nabz_events__message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *ed = event_data;
	struct nabz *nabz = userdata;

	if(strcmp(ed->topic, nabz->sources_topic) == 0){
		/* Only publishers may publish there (access.c): the bridge. */
		enum nabz_data_mode mode = nabz_data_mode__of_sources(ed->payload, ed->payloadlen);
		if(mode != NABZ_DATA_UNKNOWN) nabz_seam__set_data_mode(&nabz->seam, (int)mode);
		if(nabz_feed__on_sources(&nabz->feed, ed->payload, ed->payloadlen, nabz_time__wall_ms())){
			nabz->feed_dirty = true;
		}
		return MOSQ_ERR_SUCCESS;
	}
	if(strncmp(ed->topic, nabz->prices_topic, nabz->prices_topic_len) == 0
			&& strchr(ed->topic + nabz->prices_topic_len, '/') == NULL){
		/* <prefix>/prices/<SYM>, the bridge's alone (access.c): when
		 * each price came and how old it is, for the alerting rules. */
		nabz_feed__on_price(&nabz->feed, ed->topic + nabz->prices_topic_len, ed->payload,
				ed->payloadlen, nabz_time__wall_ms());
		nabz->feed_dirty = true;
		return MOSQ_ERR_SUCCESS;
	}
	if(nabz->cluster.enabled) return nabz_cluster_link__on_message(event, event_data, userdata);
	return MOSQ_ERR_SUCCESS;
}
