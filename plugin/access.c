#include "access.h"

#include <string.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "client_ids.h"
#include "contract.h"
#include "groups.h"
#include "nabz.h"

static bool under_prefix(const char *prefix, size_t prefix_len, const char *topic)
{
	return strncmp(topic, prefix, prefix_len) == 0 && topic[prefix_len] == '/';
}

static bool is_stats_topic(const char *prefix, size_t prefix_len, const char *topic)
{
	return under_prefix(prefix, prefix_len, topic) && strcmp(topic + prefix_len, "/" NABZ_SUBTOPIC_STATS) == 0;
}

/* <prefix>/chat/...: the plugin alone publishes there (chat.h), each
 * message stamped with who spoke; not even a publisher may. */
static bool is_chat_topic(const char *prefix, size_t prefix_len, const char *topic)
{
	return under_prefix(prefix, prefix_len, topic)
		&& strncmp(topic + prefix_len, "/" NABZ_SUBTOPIC_CHAT "/", sizeof("/" NABZ_SUBTOPIC_CHAT "/") - 1) == 0;
}

static bool under_cluster_root(const char *topic)
{
	return strncmp(topic, NABZ_CLUSTER_ROOT, sizeof(NABZ_CLUSTER_ROOT) - 1) == 0;
}

bool nabz_access__named_account(const struct nabz_config *cfg, const char *username)
{
	return username && (nabz_namelist__contains(&cfg->services, username)
			|| nabz_namelist__contains(&cfg->cluster_peers, username)
			|| nabz_namelist__contains(&cfg->publishers, username)
			|| nabz_namelist__contains(&cfg->admins, username)
			|| nabz_namelist__contains(&cfg->bots, username));
}

enum nabz_auth_decision nabz_access__authenticate(const struct nabz_config *cfg, const char *username,
		const char *client_id)
{
	const char *owner = nabz_client_ids__owner(&cfg->client_id_owners, client_id);

	if(owner){
		/* A reserved id: its account, and only with its password. */
		if(username == NULL || strcmp(username, owner) != 0) return NABZ_AUTH_REFUSE;
		return NABZ_AUTH_DEFER;
	}
	if(nabz_access__named_account(cfg, username)) return NABZ_AUTH_DEFER;
	if(cfg->allow_anonymous) return NABZ_AUTH_ACCEPT;
	return username ? NABZ_AUTH_DEFER : NABZ_AUTH_REFUSE;
}

bool nabz_access__allowed(const char *prefix, size_t prefix_len,
		const struct nabz_session *s, int access, const char *topic)
{
	bool admin = s && s->admin;
	bool publisher = s && s->publisher;
	bool peer = s && s->cluster_peer;

	switch(access){
		case MOSQ_ACL_READ:
			/* Hot path: runs for every message delivered to every subscriber. */
			if(under_prefix(prefix, prefix_len, topic)) return true;
			if(strcmp(topic, NABZ_CONTROL_RESPONSE_TOPIC) == 0) return true;
			if(peer && under_cluster_root(topic)) return true;
			return admin && strncmp(topic, "$SYS/", 5) == 0;
		case MOSQ_ACL_SUBSCRIBE:
			if(nabz_filter__reaches_prefix(prefix, topic)) return true;
			if(strcmp(topic, NABZ_CONTROL_RESPONSE_TOPIC) == 0) return true;
			if(peer && under_cluster_root(topic)) return true;
			return admin && nabz_filters__intersect(topic, "$SYS/#");
		case MOSQ_ACL_UNSUBSCRIBE:
			return true;
		case MOSQ_ACL_WRITE:
			if(strcmp(topic, NABZ_CONTROL_TOPIC) == 0) return true;
			if(peer && under_cluster_root(topic)) return true;
			return publisher && under_prefix(prefix, prefix_len, topic)
				&& !is_stats_topic(prefix, prefix_len, topic)
				&& !is_chat_topic(prefix, prefix_len, topic);
		default:
			return false;
	}
}
