#include "chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_type.h"
#include "config.h"
#include "contract.h"
#include "envelope.h"
#include "groups.h"
#include "netaddr.h"
#include "sessions.h"
#include "timeutil.h"
#include "utf8.h"

bool nabz_chat_bucket__take(struct nabz_chat_bucket *b, long per_minute, long burst,
		int64_t now_ms, int64_t *retry_ms)
{
	if(!b->started){
		b->started = true;
		b->tokens = (double)burst;
		b->last_ms = now_ms;
	}else if(now_ms > b->last_ms){
		b->tokens += (double)(now_ms - b->last_ms) * (double)per_minute / 60000.0;
		if(b->tokens > (double)burst) b->tokens = (double)burst;
		b->last_ms = now_ms;
	}
	if(b->tokens >= 1.0){
		b->tokens -= 1.0;
		return true;
	}
	if(retry_ms){
		*retry_ms = per_minute > 0 ? (int64_t)((1.0 - b->tokens) * 60000.0 / (double)per_minute) + 1 : 0;
	}
	return false;
}

/* The bucket as it would be now, without taking: full means the address
 * has been quiet long enough to be forgotten. */
static bool bucket_full(const struct nabz_chat_bucket *b, long per_minute, long burst, int64_t now_ms)
{
	double tokens = b->tokens;

	if(!b->started) return true;
	if(now_ms > b->last_ms) tokens += (double)(now_ms - b->last_ms) * (double)per_minute / 60000.0;
	return tokens >= (double)burst;
}

bool nabz_chat__valid_room_name(const char *name)
{
	size_t len = strlen(name);

	if(len == 0 || len > NABZ_CHAT_ROOM_NAME_MAX) return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

static void message_clear(struct nabz_chat_message *m)
{
	free(m->text);
	free(m->name);
	memset(m, 0, sizeof(*m));
}

static struct nabz_chat_message *slot(struct nabz_chat *chat, struct nabz_chat_room *r, size_t i)
{
	return &r->ring[(r->first + i) % chat->history];
}

static void queue(struct nabz_chat *chat, struct nabz_chat_out *o)
{
	o->next = NULL;
	*chat->out_tail = o;
	chat->out_tail = &o->next;
}

/* Queues {"type", "data", "ts"} on topic; takes data. Returns -1 when out
 * of memory (nothing queued). */
static int queue_envelope(struct nabz_chat *chat, const char *topic, bool retain, const char *type,
		cJSON *data, int64_t wall_ms)
{
	char *text = data ? cJSON_PrintUnformatted(data) : NULL;
	struct nabz_chat_out *o = NULL;

	cJSON_Delete(data);
	if(text == NULL) return -1;
	o = calloc(1, sizeof(*o));
	if(o == NULL) goto error;
	o->topic = strdup(topic);
	o->payload = nabz_envelope__wrap(type, text, wall_ms);
	if(o->topic == NULL || o->payload == NULL) goto error;
	o->retain = retain;
	cJSON_free(text);
	queue(chat, o);
	return 0;

error:
	cJSON_free(text);
	nabz_chat__out_free(o);
	return -1;
}

void nabz_chat__out_free(struct nabz_chat_out *o)
{
	if(o == NULL) return;
	free(o->topic);
	free(o->payload);
	free(o);
}

struct nabz_chat_out *nabz_chat__take_out(struct nabz_chat *chat)
{
	struct nabz_chat_out *list = chat->out;

	chat->out = NULL;
	chat->out_tail = &chat->out;
	return list;
}

static cJSON *message_json(const struct nabz_chat_room *r, const struct nabz_chat_message *m)
{
	char ts[NABZ_RFC3339_LEN];
	cJSON *o = cJSON_CreateObject();

	nabz_time__rfc3339(m->ts_ms, ts, sizeof(ts));
	if(o == NULL
			|| cJSON_AddStringToObject(o, "id", m->id) == NULL
			|| cJSON_AddStringToObject(o, "room", r->name) == NULL
			|| cJSON_AddStringToObject(o, "text", m->text) == NULL
			|| cJSON_AddStringToObject(o, "name", m->name) == NULL
			|| cJSON_AddStringToObject(o, "session_id", m->session_id) == NULL
			|| cJSON_AddStringToObject(o, "client_type", m->client_type) == NULL
			|| cJSON_AddStringToObject(o, "ts", ts) == NULL){
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *nabz_chat__recent_json(struct nabz_chat *chat, struct nabz_chat_room *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *list;

	if(o == NULL || cJSON_AddStringToObject(o, "room", r->name) == NULL
			|| (list = cJSON_AddArrayToObject(o, "messages")) == NULL){
		cJSON_Delete(o);
		return NULL;
	}
	for(size_t i = 0; i < r->count; i++){
		cJSON *m = message_json(r, slot(chat, r, i));
		if(m == NULL){
			cJSON_Delete(o);
			return NULL;
		}
		cJSON_AddItemToArray(list, m);
	}
	return o;
}

static int queue_recent(struct nabz_chat *chat, struct nabz_chat_room *r, int64_t wall_ms)
{
	return queue_envelope(chat, r->recent_topic, true, NABZ_TYPE_CHAT_RECENT, nabz_chat__recent_json(chat, r), wall_ms);
}

static char *topic_of(const char *prefix, const char *room, const char *suffix)
{
	size_t len = strlen(prefix) + strlen(room) + strlen(suffix) + sizeof("/" NABZ_SUBTOPIC_CHAT "/");
	char *t = malloc(len);

	if(t == NULL) return NULL;
	snprintf(t, len, "%s/" NABZ_SUBTOPIC_CHAT "/%s%s", prefix, room, suffix);
	return t;
}

int nabz_chat__init(struct nabz_chat *chat, const struct nabz_config *cfg)
{
	int64_t wall_ms = nabz_time__wall_ms();

	memset(chat, 0, sizeof(*chat));
	chat->cfg = cfg;
	chat->out_tail = &chat->out;
	chat->history = (size_t)cfg->chat_history;
	if(!cfg->chat_enabled) return 0;
	for(size_t i = 0; i < cfg->chat_rooms.count && i < NABZ_CHAT_ROOMS_MAX; i++){
		struct nabz_chat_room *r = &chat->rooms[i];

		chat->room_count++;
		r->name = strdup(cfg->chat_rooms.names[i]);
		r->topic = topic_of(cfg->topic_prefix, r->name ? r->name : "", "");
		r->recent_topic = topic_of(cfg->topic_prefix, r->name ? r->name : "", "/recent");
		r->ring = chat->history ? calloc(chat->history, sizeof(*r->ring)) : NULL;
		if(r->name == NULL || r->topic == NULL || r->recent_topic == NULL
				|| (chat->history && r->ring == NULL)){
			goto error;
		}
		if(queue_recent(chat, r, wall_ms) != 0) goto error;
	}
	return 0;

error:
	nabz_chat__cleanup(chat);
	return -1;
}

void nabz_chat__cleanup(struct nabz_chat *chat)
{
	struct nabz_chat_address *a, *atmp;
	struct nabz_chat_mute *m, *mtmp;
	struct nabz_chat_out *o = nabz_chat__take_out(chat);

	for(size_t i = 0; i < chat->room_count; i++){
		struct nabz_chat_room *r = &chat->rooms[i];
		for(size_t k = 0; r->ring && k < chat->history; k++) message_clear(&r->ring[k]);
		free(r->ring);
		free(r->name);
		free(r->topic);
		free(r->recent_topic);
	}
	HASH_ITER(hh, chat->addresses, a, atmp){
		HASH_DEL(chat->addresses, a);
		free(a->key);
		free(a);
	}
	HASH_ITER(hh, chat->mutes, m, mtmp){
		HASH_DEL(chat->mutes, m);
		free(m);
	}
	while(o){
		struct nabz_chat_out *next = o->next;
		nabz_chat__out_free(o);
		o = next;
	}
	memset(chat, 0, sizeof(*chat));
	chat->out_tail = &chat->out;
}

struct nabz_chat_room *nabz_chat__room(struct nabz_chat *chat, const char *name)
{
	for(size_t i = 0; i < chat->room_count; i++){
		if(strcmp(chat->rooms[i].name, name) == 0) return &chat->rooms[i];
	}
	return NULL;
}

static bool is_space(const char *p)
{
	return *p == ' ' || *p == '\t' || *p == '\n';
}

void nabz_chat__display_name(const struct nabz_session *s, long name_max, char *out, size_t outlen)
{
	const cJSON *name = s->metadata ? cJSON_GetObjectItemCaseSensitive(s->metadata, "display_name") : NULL;

	if(cJSON_IsString(name)){
		const char *p = name->valuestring;
		size_t len;

		while(is_space(p)) p++;
		len = strlen(p);
		while(len && is_space(p + len - 1)) len--;
		if(len > (size_t)name_max) len = (size_t)name_max;
		if(len >= outlen) len = outlen - 1;
		/* Back to a character boundary: never half a letter. */
		while(len && ((unsigned char)p[len] & 0xC0) == 0x80) len--;
		if(len && nabz_utf8__valid_mqtt(p, len)
				&& nabz_utf8__valid_chat(p, len)){
			memcpy(out, p, len);
			out[len] = '\0';
			return;
		}
	}
	snprintf(out, outlen, "guest-%.4s", s->session_id);
}

/* The address's bucket; the table is bounded: past the bound, addresses
 * whose bucket has filled again are forgotten (they lose nothing). NULL
 * when out of memory or still full of busy addresses. */
static struct nabz_chat_address *address_bucket(struct nabz_chat *chat, const char *key, int64_t now_ms)
{
	struct nabz_chat_address *a, *tmp;

	HASH_FIND_STR(chat->addresses, key, a);
	if(a) return a;
	if(chat->address_count >= NABZ_CHAT_ADDRESSES_MAX){
		HASH_ITER(hh, chat->addresses, a, tmp){
			if(!bucket_full(&a->bucket, chat->cfg->chat_address_rate, chat->cfg->chat_address_burst, now_ms)){
				continue;
			}
			HASH_DEL(chat->addresses, a);
			free(a->key);
			free(a);
			chat->address_count--;
		}
		if(chat->address_count >= NABZ_CHAT_ADDRESSES_MAX) return NULL;
	}
	a = calloc(1, sizeof(*a));
	if(a == NULL) return NULL;
	a->key = strdup(key);
	if(a->key == NULL){
		free(a);
		return NULL;
	}
	HASH_ADD_KEYPTR(hh, chat->addresses, a->key, strlen(a->key), a);
	if(chat->addresses == NULL){
		free(a->key);
		free(a);
		return NULL;
	}
	chat->address_count++;
	return a;
}

/* Whitespace alone is no message. */
static bool blank(const char *text)
{
	for(const char *p = text; *p; p++){
		if(!is_space(p)) return false;
	}
	return true;
}

static const char *check_text(const struct nabz_config *cfg, const char *text)
{
	size_t len = strlen(text);

	if(len == 0 || blank(text)) return NABZ_ERR_CHAT_TEXT;
	if(len > (size_t)cfg->chat_max_bytes) return NABZ_ERR_CHAT_TOO_LONG;
	if(!nabz_utf8__valid_chat(text, len)) return NABZ_ERR_CHAT_CONTROL;
	return NULL;
}

/* Spends the session's and the address's tokens, in that order; a refusal
 * by the address gives the session its token back. */
static const char *take_tokens(struct nabz_chat *chat, struct nabz_session *s, int64_t now_ms,
		int64_t *retry_ms)
{
	const struct nabz_config *cfg = chat->cfg;
	char key[NABZ_NETADDR_KEY_MAX];
	struct nabz_chat_address *a;

	if(!nabz_chat_bucket__take(&s->chat_bucket, cfg->chat_session_rate, cfg->chat_session_burst,
				now_ms, retry_ms)){
		return NABZ_ERR_CHAT_RATE;
	}
	if(nabz_cidrlist__contains_text(&cfg->limit_exempt_nets, s->address)) return NULL;
	nabz_netaddr__limit_key(s->address, key, sizeof(key));
	a = address_bucket(chat, key, now_ms);
	if(a == NULL || !nabz_chat_bucket__take(&a->bucket, cfg->chat_address_rate, cfg->chat_address_burst,
				now_ms, retry_ms)){
		if(a == NULL) *retry_ms = 1000;
		s->chat_bucket.tokens += 1.0;
		return NABZ_ERR_CHAT_ADDRESS_RATE;
	}
	return NULL;
}

const char *nabz_chat__post(struct nabz_chat *chat, struct nabz_session *s, const char *room,
		const char *text, int64_t now_ms, int64_t wall_ms, cJSON **data, int64_t *retry_ms)
{
	struct nabz_chat_room *r;
	struct nabz_chat_message m = {0}, *dst;
	char name[128], ts[NABZ_RFC3339_LEN], id[NABZ_UUID_STR_LEN];
	const char *error;
	cJSON *event, *answer;

	*retry_ms = 0;
	if(!chat->cfg->chat_enabled) return NABZ_ERR_CHAT_DISABLED;
	if(room == NULL || (r = nabz_chat__room(chat, room)) == NULL) return NABZ_ERR_CHAT_ROOM;
	if(text == NULL) return NABZ_ERR_CHAT_TEXT;
	if((error = check_text(chat->cfg, text)) != NULL) return error;
	if(nabz_chat__muted(chat, s->session_id, now_ms)) return NABZ_ERR_CHAT_MUTED;
	if((error = take_tokens(chat, s, now_ms, retry_ms)) != NULL) return error;

	if(nabz_uuid__v4(m.id) != 0) return NABZ_ERR_CHAT_NOMEM;
	memcpy(id, m.id, sizeof(id));
	memcpy(m.session_id, s->session_id, sizeof(m.session_id));
	nabz_chat__display_name(s, chat->cfg->chat_name_max, name, sizeof(name));
	m.text = strdup(text);
	m.name = strdup(name);
	m.client_type = nabz_client_type__name(s->type);
	m.ts_ms = wall_ms;
	if(m.text == NULL || m.name == NULL) goto nomem;

	event = message_json(r, &m);
	if(event == NULL || queue_envelope(chat, r->topic, false, NABZ_TYPE_CHAT_MESSAGE, event, wall_ms) != 0){
		goto nomem;
	}
	if(chat->history){
		if(r->count == chat->history){
			message_clear(slot(chat, r, 0));
			r->first = (r->first + 1) % chat->history;
			r->count--;
		}
		dst = slot(chat, r, r->count);
		*dst = m;
		r->count++;
	}else{
		message_clear(&m);
	}
	/* The message went out: a recent that cannot be built now (out of
	 * memory) is brought up to date by the next change. */
	(void)queue_recent(chat, r, wall_ms);
	chat->posted++;
	nabz_time__rfc3339(wall_ms, ts, sizeof(ts));
	answer = cJSON_CreateObject();
	if(answer == NULL || cJSON_AddStringToObject(answer, "id", id) == NULL
			|| cJSON_AddStringToObject(answer, "room", r->name) == NULL
			|| cJSON_AddStringToObject(answer, "ts", ts) == NULL){
		/* Posted all the same: say so rather than invite a second post. */
		cJSON_Delete(answer);
		answer = NULL;
	}
	*data = answer ? answer : cJSON_CreateObject();
	return NULL;

nomem:
	message_clear(&m);
	return NABZ_ERR_CHAT_NOMEM;
}

const char *nabz_chat__remove(struct nabz_chat *chat, const char *room, const char *id, int64_t wall_ms)
{
	struct nabz_chat_room *r = nabz_chat__room(chat, room);
	cJSON *event;
	size_t i;

	if(r == NULL) return NABZ_ERR_CHAT_ROOM;
	for(i = 0; i < r->count; i++){
		if(strcmp(slot(chat, r, i)->id, id) == 0) break;
	}
	if(i == r->count) return NABZ_ERR_CHAT_NOT_FOUND;
	event = cJSON_CreateObject();
	if(event == NULL || cJSON_AddStringToObject(event, "room", r->name) == NULL
			|| cJSON_AddStringToObject(event, "id", id) == NULL){
		cJSON_Delete(event);
		return NABZ_ERR_CHAT_NOMEM;
	}
	if(queue_envelope(chat, r->topic, false, NABZ_TYPE_CHAT_REMOVED, event, wall_ms) != 0){
		return NABZ_ERR_CHAT_NOMEM;
	}
	/* Close the gap: every later message moves one slot towards the oldest. */
	message_clear(slot(chat, r, i));
	for(; i + 1 < r->count; i++){
		*slot(chat, r, i) = *slot(chat, r, i + 1);
	}
	memset(slot(chat, r, r->count - 1), 0, sizeof(struct nabz_chat_message));
	r->count--;
	(void)queue_recent(chat, r, wall_ms);
	return NULL;
}

int nabz_chat__mute(struct nabz_chat *chat, const char *session_id, long seconds, int64_t now_ms)
{
	struct nabz_chat_mute *m, *tmp;

	HASH_FIND_STR(chat->mutes, session_id, m);
	if(seconds <= 0){
		if(m){
			HASH_DEL(chat->mutes, m);
			free(m);
		}
		return 0;
	}
	if(m == NULL){
		/* Expired mutes go first: the table holds live ones only. */
		HASH_ITER(hh, chat->mutes, m, tmp){
			if(m->until_ms > now_ms) continue;
			HASH_DEL(chat->mutes, m);
			free(m);
		}
		m = calloc(1, sizeof(*m));
		if(m == NULL) return -1;
		snprintf(m->session_id, sizeof(m->session_id), "%s", session_id);
		HASH_ADD_STR(chat->mutes, session_id, m);
		if(chat->mutes == NULL){
			free(m);
			return -1;
		}
	}
	m->until_ms = now_ms + (int64_t)seconds * 1000;
	return 0;
}

bool nabz_chat__muted(struct nabz_chat *chat, const char *session_id, int64_t now_ms)
{
	struct nabz_chat_mute *m;

	HASH_FIND_STR(chat->mutes, session_id, m);
	return m && m->until_ms > now_ms;
}

/* The rooms filter reaches, bit i for rooms[i]. */
static unsigned room_mask(const struct nabz_chat *chat, const char *filter, char topics[][2][160])
{
	unsigned in = 0;

	if(strncmp(filter, "$share/", 7) == 0){
		const char *slash = strchr(filter + 7, '/');
		if(slash) filter = slash + 1;
	}
	for(size_t i = 0; i < chat->room_count; i++){
		if(nabz_filters__intersect(filter, topics[i][0]) || nabz_filters__intersect(filter, topics[i][1])){
			in |= 1u << i;
		}
	}
	return in;
}

bool nabz_chat__add_audience(const struct nabz_chat *chat, struct nabz_registry *reg,
		const char *prefix, cJSON *stats)
{
	uint64_t counts[NABZ_CHAT_ROOMS_MAX] = {0};
	char topics[NABZ_CHAT_ROOMS_MAX][2][160];
	struct nabz_session *s, *tmp;
	cJSON *rooms;

	if(chat->room_count == 0) return true;
	for(size_t i = 0; i < chat->room_count; i++){
		snprintf(topics[i][0], sizeof(topics[i][0]), "%s/" NABZ_SUBTOPIC_CHAT "/%s", prefix, chat->rooms[i].name);
		snprintf(topics[i][1], sizeof(topics[i][1]), "%s/" NABZ_SUBTOPIC_CHAT "/%s/recent", prefix,
				chat->rooms[i].name);
	}
	/* Only sessions in the chat group can be in a room: the walk is over
	 * the chat audience, and only when someone is in it. Each filter's
	 * rooms are worked out once and kept with it (the rooms never change
	 * while the broker runs), so a walk costs a few bit operations per
	 * chat reader. */
	if(reg->counts.groups[NABZ_GROUP_CHAT]){
		HASH_ITER(hh, reg->by_client, s, tmp){
			struct nabz_filter *f, *ftmp;
			unsigned in = 0;

			if(!s->confirmed || s->service || !s->group_refs[NABZ_GROUP_CHAT]) continue;
			HASH_ITER(hh, s->filters, f, ftmp){
				if(!(f->mask & (1u << NABZ_GROUP_CHAT))) continue;
				if(!f->room_mask_known){
					f->room_mask = room_mask(chat, f->filter, topics);
					f->room_mask_known = true;
				}
				in |= f->room_mask;
			}
			for(size_t i = 0; i < chat->room_count; i++){
				if(in & (1u << i)) counts[i]++;
			}
		}
	}
	rooms = cJSON_AddObjectToObject(stats, "chat_rooms");
	if(rooms == NULL) return false;
	for(size_t i = 0; i < chat->room_count; i++){
		if(cJSON_AddNumberToObject(rooms, chat->rooms[i].name, (double)counts[i]) == NULL) return false;
	}
	return true;
}
