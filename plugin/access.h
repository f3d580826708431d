/*
 * Who may connect and who may do what. The plugin answers every check it
 * receives exactly (never MOSQ_ERR_PLUGIN_DEFER for ACLs): in 2.0.11 a
 * deferred answer becomes a denial when no acl_file is configured.
 *
 *  - ordinary clients: subscribe to and read "<prefix>/#", write only
 *    $CONTROL/nabz/v1;
 *  - publishers (named in plugin_opt_publishers): also write "<prefix>/...",
 *    except "<prefix>/stats", which only the plugin itself writes;
 *  - admins (plugin_opt_admins): also read $SYS/#.
 *
 * Pure functions, broker thread only.
 */
#ifndef NABZ_ACCESS_H
#define NABZ_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "sessions.h"

enum nabz_auth_decision {
	NABZ_AUTH_ACCEPT,  /* the plugin lets the client in */
	NABZ_AUTH_DEFER,   /* the broker's password_file decides */
	NABZ_AUTH_REFUSE,
};

/* Named accounts always authenticate against the broker's password_file
 * (with none configured, 2.0.11 refuses them: safe by default). Other
 * clients are readers: let in when allow_anonymous, else they too must be
 * in the password file. A client id reserved for an account
 * (client_ids.h) is refused to anyone else, and its account too must
 * pass the password file. */
enum nabz_auth_decision nabz_access__authenticate(const struct nabz_config *cfg, const char *username,
		const char *client_id);
/* Is username one of the accounts given a role (services, publishers,
 * admins, bots, cluster peers)? */
bool nabz_access__named_account(const struct nabz_config *cfg, const char *username);

/* access is one of MOSQ_ACL_READ, _WRITE, _SUBSCRIBE, _UNSUBSCRIBE.
 * s may be NULL (a client the registry does not know): an ordinary client.
 * Cluster peers (plugin_opt_cluster_peers) may also publish, subscribe to
 * and read nabz/cluster/#; nobody else may. */
bool nabz_access__allowed(const char *prefix, size_t prefix_len,
		const struct nabz_session *s, int access, const char *topic);

#endif
