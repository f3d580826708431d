#include "sessions.h"

#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool counted(const struct nabz_session *s)
{
	return s->confirmed && !s->service;
}

/* Adds (sign +1) or removes (sign -1) a counted session's part in the
 * figures. Returns -1 only when adding a user id runs out of memory. */
static int account(struct nabz_registry *reg, struct nabz_session *s, int sign)
{
	struct nabz_counts *c = &reg->counts;

	if(!counted(s)) return 0;
	if(sign > 0){
		if(s->user_id){
			struct nabz_user_ref *ref;
			HASH_FIND_STR(reg->user_ids, s->user_id, ref);
			if(ref == NULL){
				ref = calloc(1, sizeof(*ref));
				if(ref == NULL) return -1;
				ref->user_id = strdup(s->user_id);
				if(ref->user_id == NULL){
					free(ref);
					return -1;
				}
				HASH_ADD_KEYPTR(hh, reg->user_ids, ref->user_id, strlen(ref->user_id), ref);
				if(reg->user_ids == NULL){
					free(ref->user_id);
					free(ref);
					return -1;
				}
				c->unique_users++;
			}
			ref->refs++;
		}else{
			reg->anonymous_users++;
			c->unique_users++;
		}
		c->active++;
		c->by_type[s->type]++;
		for(int g = 0; g < NABZ_GROUP_COUNT; g++){
			if(s->group_refs[g]) c->groups[g]++;
		}
		if(c->active > c->peak) c->peak = c->active;
	}else{
		if(s->user_id){
			struct nabz_user_ref *ref;
			HASH_FIND_STR(reg->user_ids, s->user_id, ref);
			if(ref && --ref->refs == 0){
				HASH_DEL(reg->user_ids, ref);
				free(ref->user_id);
				free(ref);
				c->unique_users--;
			}
		}else{
			reg->anonymous_users--;
			c->unique_users--;
		}
		c->active--;
		c->by_type[s->type]--;
		for(int g = 0; g < NABZ_GROUP_COUNT; g++){
			if(s->group_refs[g]) c->groups[g]--;
		}
	}
	return 0;
}

/* Marks the registry dirty when a published figure differs from before. */
static void note_change(struct nabz_registry *reg, const struct nabz_counts *before)
{
	if(memcmp(before, &reg->counts, sizeof(*before)) != 0){
		reg->dirty = true;
	}
}

int nabz_registry__init(struct nabz_registry *reg, const char *prefix)
{
	memset(reg, 0, sizeof(*reg));
	reg->prefix = strdup(prefix);
	return reg->prefix ? 0 : -1;
}

static void filters_free(struct nabz_filter **head)
{
	struct nabz_filter *f, *tmp;

	HASH_ITER(hh, *head, f, tmp){
		HASH_DEL(*head, f);
		free(f->filter);
		free(f);
	}
}

static void dormant_free(struct nabz_registry *reg, struct nabz_dormant *d)
{
	HASH_DEL(reg->dormant, d);
	filters_free(&d->filters);
	free(d->client_id);
	free(d);
}

static void session_free(struct nabz_session *s)
{
	filters_free(&s->filters);
	filters_free(&s->carried);
	free(s->client_id);
	free(s->username);
	free(s->address);
	free(s->origin);
	free(s->user_agent);
	free(s->user_id);
	cJSON_Delete(s->metadata);
	free(s);
}

void nabz_registry__cleanup(struct nabz_registry *reg)
{
	struct nabz_session *s, *stmp;
	struct nabz_user_ref *u, *utmp;
	struct nabz_dormant *d, *dtmp;

	HASH_ITER(hh, reg->dormant, d, dtmp){
		dormant_free(reg, d);
	}
	HASH_ITER(hh, reg->by_client, s, stmp){
		HASH_DEL(reg->by_client, s);
		session_free(s);
	}
	HASH_ITER(hh, reg->user_ids, u, utmp){
		HASH_DEL(reg->user_ids, u);
		free(u->user_id);
		free(u);
	}
	free(reg->prefix);
	memset(reg, 0, sizeof(*reg));
}

struct nabz_session *nabz_sessions__find(struct nabz_registry *reg, const void *client)
{
	struct nabz_session *s;

	HASH_FIND_PTR(reg->by_client, &client, s);
	return s;
}

/* Gives s the filters its client left behind, if any. */
static void attach_dormant(struct nabz_registry *reg, struct nabz_session *s)
{
	struct nabz_dormant *d;

	HASH_FIND_STR(reg->dormant, s->client_id, d);
	if(d == NULL) return;
	s->carried = d->filters;
	d->filters = NULL;
	dormant_free(reg, d);
	reg->carries_pending++;
}

/* Keeps the filters of a departing persistent session by client id,
 * dropping the oldest entry beyond the bound. */
static void stash_dormant(struct nabz_registry *reg, struct nabz_session *s)
{
	struct nabz_dormant *d;

	HASH_FIND_STR(reg->dormant, s->client_id, d);
	if(d) dormant_free(reg, d);
	if(HASH_COUNT(reg->dormant) >= NABZ_DORMANT_MAX){
		dormant_free(reg, reg->dormant);
	}
	d = calloc(1, sizeof(*d));
	if(d == NULL) return;
	d->client_id = strdup(s->client_id);
	if(d->client_id == NULL){
		free(d);
		return;
	}
	HASH_ADD_KEYPTR(hh, reg->dormant, d->client_id, strlen(d->client_id), d);
	if(reg->dormant == NULL){
		free(d->client_id);
		free(d);
		return;
	}
	d->filters = s->filters;
	s->filters = NULL;
}

/* Moves filters from a departing session to where they may live on. */
static void hand_on_filters(struct nabz_registry *reg, struct nabz_session *s, bool persistent)
{
	struct nabz_session *heir = reg->just_added;

	if(s->filters == NULL) return;
	if(heir && heir != s && strcmp(heir->client_id, s->client_id) == 0){
		/* A takeover: the broker moves the subscriptions to the new
		 * connection when its session continues. */
		if(heir->carried == NULL) reg->carries_pending++;
		filters_free(&heir->carried);
		heir->carried = s->filters;
		s->filters = NULL;
	}else if(persistent){
		stash_dormant(reg, s);
	}
}

struct nabz_session *nabz_sessions__add(struct nabz_registry *reg, const struct nabz_session_info *info)
{
	struct nabz_session *s;

	nabz_sessions__remove(reg, info->client);

	s = calloc(1, sizeof(*s));
	if(s == NULL) return NULL;
	s->client = info->client;
	s->client_id = dup_or_null(info->client_id ? info->client_id : "");
	s->username = dup_or_null(info->username);
	s->address = dup_or_null(info->address);
	s->origin = dup_or_null(info->origin);
	s->user_agent = dup_or_null(info->user_agent);
	if(s->client_id == NULL || (info->username && s->username == NULL)
			|| (info->address && s->address == NULL)
			|| (info->origin && s->origin == NULL)
			|| (info->user_agent && s->user_agent == NULL)
			|| nabz_uuid__v4(s->session_id) != 0){
		session_free(s);
		return NULL;
	}
	s->connected_at_ms = info->connected_at_ms;
	s->transport = info->transport;
	s->service = info->service || info->internal;
	s->internal = info->internal;
	s->publisher = info->publisher;
	s->admin = info->admin;
	s->cluster_peer = info->cluster_peer;
	s->named_account = info->named_account;
	s->type = nabz_client_type__infer(s->client_id, s->transport);
	HASH_ADD_PTR(reg->by_client, client, s);
	if(reg->by_client == NULL){
		session_free(s);
		return NULL;
	}
	reg->pending++;
	attach_dormant(reg, s);
	reg->just_added = s;
	return s;
}

void nabz_sessions__confirm(struct nabz_registry *reg, struct nabz_session *s)
{
	struct nabz_counts before = reg->counts;

	if(s->confirmed) return;
	s->confirmed = true;
	reg->pending--;
	if(s->service){
		reg->services++;
	}else if(account(reg, s, +1) == 0){
		reg->counts.total_sessions++;
	}else{
		/* Out of memory for its user id: count it as anonymous. */
		free(s->user_id);
		s->user_id = NULL;
		account(reg, s, +1);
		reg->counts.total_sessions++;
	}
	note_change(reg, &before);
}

size_t nabz_sessions__confirm_all(struct nabz_registry *reg)
{
	struct nabz_session *s, *tmp;
	size_t n = 0;

	if(reg->pending == 0) return 0;
	HASH_ITER(hh, reg->by_client, s, tmp){
		if(!s->confirmed){
			nabz_sessions__confirm(reg, s);
			n++;
		}
	}
	return n;
}

void nabz_sessions__remove(struct nabz_registry *reg, const void *client)
{
	nabz_sessions__depart(reg, client, false);
}

void nabz_sessions__depart(struct nabz_registry *reg, const void *client, bool persistent)
{
	struct nabz_counts before = reg->counts;
	struct nabz_session *s = nabz_sessions__find(reg, client);

	if(s == NULL) return;
	if(reg->just_added == s) reg->just_added = NULL;
	if(s->carried) reg->carries_pending--;
	if(s->confirmed) hand_on_filters(reg, s, persistent);
	if(!s->confirmed){
		reg->pending--;
	}else if(s->service){
		reg->services--;
	}else{
		account(reg, s, -1);
	}
	HASH_DEL(reg->by_client, s);
	session_free(s);
	note_change(reg, &before);
}

int nabz_sessions__subscribe(struct nabz_registry *reg, struct nabz_session *s, const char *filter)
{
	struct nabz_counts before = reg->counts;
	struct nabz_filter *f;
	unsigned mask = nabz_groups__mask(reg->prefix, filter);

	/* Filters that reach no group change no figure: not worth storing. */
	if(mask == 0) return 0;
	HASH_FIND_STR(s->filters, filter, f);
	if(f) return 0;
	f = calloc(1, sizeof(*f));
	if(f == NULL) return -1;
	f->filter = strdup(filter);
	if(f->filter == NULL){
		free(f);
		return -1;
	}
	f->mask = mask;
	HASH_ADD_KEYPTR(hh, s->filters, f->filter, strlen(f->filter), f);
	if(s->filters == NULL){
		free(f->filter);
		free(f);
		return -1;
	}
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		if((mask & (1u << g)) && s->group_refs[g]++ == 0 && counted(s)){
			reg->counts.groups[g]++;
		}
	}
	note_change(reg, &before);
	/* A room's audience (chat.c, counted when the stats are built) may
	 * change while the chat group's does not. */
	if((mask & (1u << NABZ_GROUP_CHAT)) && counted(s)) reg->dirty = true;
	return 0;
}

void nabz_sessions__unsubscribe(struct nabz_registry *reg, struct nabz_session *s, const char *filter)
{
	struct nabz_counts before = reg->counts;
	struct nabz_filter *f;

	HASH_FIND_STR(s->filters, filter, f);
	if(f == NULL) return;
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		if((f->mask & (1u << g)) && --s->group_refs[g] == 0 && counted(s)){
			reg->counts.groups[g]--;
		}
	}
	if((f->mask & (1u << NABZ_GROUP_CHAT)) && counted(s)) reg->dirty = true;   /* as in subscribe */
	HASH_DEL(s->filters, f);
	free(f->filter);
	free(f);
	note_change(reg, &before);
}

int nabz_sessions__hello(struct nabz_registry *reg, struct nabz_session *s,
		const enum nabz_client_type *type, const char *user_id, cJSON *metadata)
{
	struct nabz_counts before = reg->counts;
	char *new_user_id = s->user_id;
	bool user_changed = false;

	if(user_id && (s->user_id == NULL || strcmp(user_id, s->user_id) != 0)){
		new_user_id = user_id[0] ? strdup(user_id) : NULL;
		if(user_id[0] && new_user_id == NULL){
			cJSON_Delete(metadata);
			return -1;
		}
		user_changed = true;
	}

	account(reg, s, -1);
	if(type) s->type = *type;
	if(user_changed){
		free(s->user_id);
		s->user_id = new_user_id;
	}
	if(metadata){
		cJSON_Delete(s->metadata);
		s->metadata = metadata;
	}
	if(account(reg, s, +1) != 0){
		free(s->user_id);
		s->user_id = NULL;
		account(reg, s, +1);
		note_change(reg, &before);
		return -1;
	}
	note_change(reg, &before);
	return 0;
}

void nabz_counts__restore(struct nabz_registry *reg, uint64_t total_sessions, uint64_t peak)
{
	reg->counts.total_sessions = total_sessions;
	reg->counts.peak = peak > reg->counts.peak ? peak : reg->counts.peak;
}

void nabz_sessions__settle_carried(struct nabz_registry *reg, int (*sub_count)(const void *client))
{
	struct nabz_session *s, *tmp;

	reg->just_added = NULL;
	if(reg->carries_pending == 0) return;
	HASH_ITER(hh, reg->by_client, s, tmp){
		struct nabz_filter *f, *ftmp;

		if(s->carried == NULL) continue;
		if(sub_count(s->client) > 0){
			HASH_ITER(hh, s->carried, f, ftmp){
				nabz_sessions__subscribe(reg, s, f->filter);
			}
		}
		filters_free(&s->carried);
		reg->carries_pending--;
	}
}
