/*
 * Chat rooms: the rooms of the config, the last messages of each, the
 * muted sessions and the posting limits. Clients never publish to a room's
 * topic (access.c keeps every data topic read-only for them): a post is the
 * control command chatPost (chat_commands.c), checked here, stamped with
 * the poster's session id and display name by the plugin, and then
 * published by the plugin itself, so nobody can speak as someone else.
 *
 * What is to be published is queued in the outbox and published by the
 * broker-facing code (chat_publish.c) right after the command, or at the
 * next tick: this module makes no broker calls, so unit tests use it as
 * it is.
 *
 *   <prefix>/chat/<room>         chat_message / chat_removed; QoS 1, not retained
 *   <prefix>/chat/<room>/recent  chat_recent, the last messages oldest first;
 *                                QoS 1, retained, republished after every change
 *
 * Broker thread only.
 */
#ifndef NABZ_CHAT_H
#define NABZ_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "uuid.h"

struct nabz_config;
struct nabz_registry;
struct nabz_session;

#define NABZ_CHAT_ROOMS_MAX 16
#define NABZ_CHAT_ROOM_NAME_MAX 32
#define NABZ_CHAT_MUTE_MAX_S (7 * 24 * 3600)
/* Per-address buckets kept at most; beyond, full ones are forgotten. */
#define NABZ_CHAT_ADDRESSES_MAX 10000

#define NABZ_ERR_CHAT_DISABLED "Chat disabled"
#define NABZ_ERR_CHAT_ROOM "Unknown room"
#define NABZ_ERR_CHAT_TEXT "Invalid text"
#define NABZ_ERR_CHAT_TOO_LONG "Text too long"
#define NABZ_ERR_CHAT_CONTROL "Text contains control characters"
#define NABZ_ERR_CHAT_RATE "Chat rate limit exceeded"
#define NABZ_ERR_CHAT_ADDRESS_RATE "Chat rate limit exceeded for this address"
#define NABZ_ERR_CHAT_MUTED "Muted"
#define NABZ_ERR_CHAT_NOT_FOUND "Message not found"
#define NABZ_ERR_CHAT_SECONDS "Invalid seconds"
#define NABZ_ERR_CHAT_SESSION_ID "Invalid session_id"
#define NABZ_ERR_CHAT_ID "Invalid id"
#define NABZ_ERR_CHAT_NOMEM "Out of memory"

/* A token bucket counted in messages per minute: `burst` at most, refilled
 * at `per_minute`. Zeroed memory is a full bucket. */
struct nabz_chat_bucket {
	bool started;
	double tokens;
	int64_t last_ms;            /* monotonic */
};

/* Takes one token; false (and *retry_ms set) when there is none. */
bool nabz_chat_bucket__take(struct nabz_chat_bucket *b, long per_minute, long burst,
		int64_t now_ms, int64_t *retry_ms);

struct nabz_chat_message {
	char id[NABZ_UUID_STR_LEN];
	char session_id[NABZ_UUID_STR_LEN];
	char *text;                 /* owned */
	char *name;                 /* owned */
	const char *client_type;    /* static */
	int64_t ts_ms;              /* wall clock */
};

struct nabz_chat_room {
	char *name;                 /* owned */
	char *topic;                /* owned: "<prefix>/chat/<name>" */
	char *recent_topic;         /* owned: topic + "/recent" */
	struct nabz_chat_message *ring;  /* owned, history slots */
	size_t first, count;        /* oldest at ring[first] */
};

struct nabz_chat_address {
	char *key;                  /* owned: netaddr limit key */
	struct nabz_chat_bucket bucket;
	UT_hash_handle hh;
};

struct nabz_chat_mute {
	char session_id[NABZ_UUID_STR_LEN];
	int64_t until_ms;           /* monotonic */
	UT_hash_handle hh;
};

/* One publish the broker-facing code owes. */
struct nabz_chat_out {
	struct nabz_chat_out *next;
	char *topic;                /* owned */
	char *payload;              /* owned, malloc'd */
	bool retain;
};

struct nabz_chat {
	const struct nabz_config *cfg;  /* not owned; outlives this */
	struct nabz_chat_room rooms[NABZ_CHAT_ROOMS_MAX];
	size_t room_count;
	size_t history;             /* slots per room */
	struct nabz_chat_address *addresses;
	size_t address_count;
	struct nabz_chat_mute *mutes;
	struct nabz_chat_out *out;  /* oldest first */
	struct nabz_chat_out **out_tail;
	uint64_t posted, refused;   /* since start */
};

/* True for 1..NABZ_CHAT_ROOM_NAME_MAX of A-Z a-z 0-9 _ - (a topic level
 * that needs no escaping anywhere). */
bool nabz_chat__valid_room_name(const char *name);

/* Sets up the rooms of cfg (checked by config.c) and queues each room's
 * recent (empty) so a retained copy left from before a restart is
 * replaced. Returns 0, or -1 when out of memory (chat is then cleaned up). */
int nabz_chat__init(struct nabz_chat *chat, const struct nabz_config *cfg);
void nabz_chat__cleanup(struct nabz_chat *chat);

struct nabz_chat_room *nabz_chat__room(struct nabz_chat *chat, const char *name);

/* The display name of s: metadata.display_name when it is a string of
 * printable text (trimmed, cut at a character boundary to chat_name_max
 * bytes), else "guest-" and the first 4 characters of the session id.
 * Writes into out (at least chat_name_max + 1 bytes). */
void nabz_chat__display_name(const struct nabz_session *s, long name_max, char *out, size_t outlen);

/* Checks and posts text to room as s, queues the message and the room's
 * recent. Returns NULL and sets *data ({"id","room","ts"}), or a fixed
 * error string (NABZ_ERR_CHAT_*); *retry_ms is set for the rate errors. */
const char *nabz_chat__post(struct nabz_chat *chat, struct nabz_session *s, const char *room,
		const char *text, int64_t now_ms, int64_t wall_ms, cJSON **data, int64_t *retry_ms);

/* Drops message id from room's history and queues chat_removed (so open
 * pages drop it too) and the room's recent. NABZ_ERR_CHAT_NOT_FOUND when
 * the history does not hold it (never posted, or pushed out). */
const char *nabz_chat__remove(struct nabz_chat *chat, const char *room, const char *id,
		int64_t wall_ms);

/* Mutes (seconds > 0) or unmutes (seconds 0) a session id. Returns 0, -1
 * when out of memory. */
int nabz_chat__mute(struct nabz_chat *chat, const char *session_id, long seconds, int64_t now_ms);
bool nabz_chat__muted(struct nabz_chat *chat, const char *session_id, int64_t now_ms);

/* {"room", "messages": [...oldest first]}; caller owns it. */
cJSON *nabz_chat__recent_json(struct nabz_chat *chat, struct nabz_chat_room *room);

/* The queued publishes, oldest first; the caller frees each with
 * nabz_chat__out_free. */
struct nabz_chat_out *nabz_chat__take_out(struct nabz_chat *chat);
void nabz_chat__out_free(struct nabz_chat_out *o);

/* Adds "chat_rooms": {room: connections subscribed to it} (counted
 * sessions only, as the groups are) to stats. Keeps each chat filter's
 * rooms in the filter (nabz_filter.room_mask) the first time it is seen.
 * Returns false when out of memory. */
bool nabz_chat__add_audience(const struct nabz_chat *chat, struct nabz_registry *reg,
		const char *prefix, cJSON *stats);

#endif
