/*
 * The session registry: every client the broker has let in (or is
 * deciding on), keyed by its struct mosquitto pointer, and the live counts
 * derived from them. Counts are kept incrementally so reading them is
 * O(1); every change sets reg->dirty for the stats publisher.
 *
 * A session is "pending" from MOSQ_EVT_BASIC_AUTH until it is confirmed:
 * when the plugin itself accepted the client, or at the next tick. The
 * broker refuses a client inside the same loop iteration that runs
 * BASIC_AUTH (the password file check runs after ours), and reports it with
 * MOSQ_EVT_DISCONNECT before the next MOSQ_EVT_TICK, so a refused client is
 * removed while still pending and is never counted.
 *
 * Subscriptions that outlive a connection: a client with a persistent
 * session (clean session off) keeps its subscriptions in the broker while
 * away, and gets them back on reconnect without sending SUBSCRIBE, so no
 * ACL event tells the plugin. Its filters are kept here ("dormant", by
 * client id, bounded) and attached to its next connection as "carried";
 * at the next tick they are counted again if the broker reports that the
 * connection has subscriptions, or dropped if it has none (the session had
 * expired or the client asked for a clean start). A takeover (same client
 * id while connected) hands the old connection's filters to the new one
 * the same way: 2.0.11 reports the old connection's departure right after
 * the new one's BASIC_AUTH.
 *
 * Broker thread only. Pure data: no broker calls, so unit tests use it as
 * it is.
 */
#ifndef NABZ_SESSIONS_H
#define NABZ_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* A failed allocation inside uthash must not exit() the broker: with this,
 * an add that cannot allocate leaves the table as it was (checked by the
 * callers: only the first add of a table allocates the head). */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "budget.h"
#include "chat.h"
#include "client_type.h"
#include "groups.h"
#include "uuid.h"

struct nabz_filter {
	char *filter;               /* owned */
	unsigned mask;              /* groups it reaches */
	unsigned room_mask;         /* chat rooms it reaches (chat.c), once room_mask_known */
	bool room_mask_known;
	UT_hash_handle hh;
};

/* Filters of a persistent session whose client is away. */
struct nabz_dormant {
	char *client_id;            /* owned, key */
	struct nabz_filter *filters;
	UT_hash_handle hh;
};

#define NABZ_DORMANT_MAX 10000

struct nabz_user_ref {
	char *user_id;              /* owned */
	unsigned refs;
	UT_hash_handle hh;
};

struct nabz_session {
	const void *client;         /* key: the broker's struct mosquitto */
	char session_id[NABZ_UUID_STR_LEN];
	char *client_id;            /* owned */
	char *username;             /* owned, may be NULL */
	char *address;              /* owned, may be NULL */
	char *origin;               /* owned, WebSocket clients' Origin, may be NULL */
	char *user_agent;           /* owned, WebSocket clients' User-Agent, may be NULL */
	char *user_id;              /* owned, from hello, may be NULL */
	cJSON *metadata;            /* owned, from hello, may be NULL */
	int64_t connected_at_ms;    /* wall clock */
	enum nabz_client_type type;
	enum nabz_transport transport;
	bool service;               /* counted nowhere in the stats */
	bool internal;              /* the plugin's own link: listed nowhere */
	bool publisher;
	bool admin;
	bool cluster_peer;          /* an edge's bridge at the core: nabz/cluster/# */
	bool named_account;         /* logged in with a password_file account of a role */
	bool confirmed;
	bool denial_logged;         /* one ACL denial line per client */
	bool tcp_counted;           /* in the TCP limits (tcp_limits.h) until it leaves */
	struct nabz_filter *filters;
	struct nabz_filter *carried; /* maybe carried over by the broker; see above */
	unsigned group_refs[NABZ_GROUP_COUNT]; /* filters reaching each group */
	struct nabz_budget control_budget;     /* control commands (control.c) */
	struct nabz_chat_bucket chat_bucket;   /* chat posts (chat.c) */
	UT_hash_handle hh;
};

struct nabz_counts {
	uint64_t active;            /* confirmed user (non-service) sessions */
	uint64_t by_type[NABZ_CT_COUNT];
	uint64_t groups[NABZ_GROUP_COUNT];
	uint64_t unique_users;      /* distinct user_ids + anonymous users */
	uint64_t total_sessions;    /* persisted */
	uint64_t peak;              /* persisted */
};

struct nabz_registry {
	struct nabz_session *by_client;
	struct nabz_user_ref *user_ids;
	struct nabz_counts counts;  /* the published figures */
	uint64_t services;          /* confirmed service sessions */
	uint64_t anonymous_users;   /* counted sessions with no user_id */
	uint64_t pending;           /* sessions not yet confirmed */
	struct nabz_dormant *dormant;    /* insertion order: oldest first */
	size_t carries_pending;          /* sessions with carried filters */
	struct nabz_session *just_added; /* until the next settle */
	char *prefix;               /* owned copy of the topic prefix */
	bool dirty;                 /* a published figure changed */
};

struct nabz_session_info {
	const void *client;
	const char *client_id;
	const char *username;
	const char *address;
	const char *origin;
	const char *user_agent;
	enum nabz_transport transport;
	bool service;
	bool internal;
	bool publisher;
	bool admin;
	bool cluster_peer;
	bool named_account;
	int64_t connected_at_ms;
};

int nabz_registry__init(struct nabz_registry *reg, const char *prefix);
void nabz_registry__cleanup(struct nabz_registry *reg);

/* Records a new pending session. A stale entry for the same client pointer
 * (which the broker would only reuse after freeing it) is replaced.
 * Returns NULL when out of memory. */
struct nabz_session *nabz_sessions__add(struct nabz_registry *reg, const struct nabz_session_info *info);
struct nabz_session *nabz_sessions__find(struct nabz_registry *reg, const void *client);
/* Counts a pending session in: active, type, user, total, peak. */
void nabz_sessions__confirm(struct nabz_registry *reg, struct nabz_session *s);
/* Confirms every pending session; returns how many. */
size_t nabz_sessions__confirm_all(struct nabz_registry *reg);
/* Forgets the client and releases everything it was counted in. Unknown
 * clients (never authenticated) are ignored. */
void nabz_sessions__remove(struct nabz_registry *reg, const void *client);
/* The same for a departure the broker reported; persistent says the
 * client's session (and its subscriptions) outlives the connection. */
void nabz_sessions__depart(struct nabz_registry *reg, const void *client, bool persistent);
/* Settles carried filters (call once the broker has finished the connects
 * it was handling, i.e. from the tick): sub_count(client) > 0 means the
 * broker kept the subscriptions. */
void nabz_sessions__settle_carried(struct nabz_registry *reg, int (*sub_count)(const void *client));

/* Subscription tracking; unknown or repeated filters are handled. Return 0,
 * or -1 when out of memory (the filter is then not counted). */
int nabz_sessions__subscribe(struct nabz_registry *reg, struct nabz_session *s, const char *filter);
void nabz_sessions__unsubscribe(struct nabz_registry *reg, struct nabz_session *s, const char *filter);

/* Applies a hello: type (NULL keeps it), user_id (NULL keeps it, "" clears
 * it), metadata (NULL keeps it). Ownership of metadata always passes to
 * this function: kept by the session, or freed on failure. Returns 0, or
 * -1 when out of memory (the session then keeps or loses its user id but
 * stays counted exactly). */
int nabz_sessions__hello(struct nabz_registry *reg, struct nabz_session *s,
		const enum nabz_client_type *type, const char *user_id, cJSON *metadata);

/* Restores the persisted figures (at start). */
void nabz_counts__restore(struct nabz_registry *reg, uint64_t total_sessions, uint64_t peak);

#endif
