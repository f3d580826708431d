#include "registry_recount.h"

#include <stdio.h>
#include <string.h>

static char g_diff[160];

/* Is s the first counted session with its user id? Quadratic: the tests
 * keep a handful of sessions. */
static int first_with_user_id(const struct nabz_registry *reg, const struct nabz_session *s)
{
	for(const struct nabz_session *t = reg->by_client; t != s; t = t->hh.next){
		if(t->confirmed && !t->service && t->user_id && strcmp(t->user_id, s->user_id) == 0) return 0;
	}
	return 1;
}

#define DIFF(cond, ...) \
	do { \
		if(!(cond)){ \
			(void)snprintf(g_diff, sizeof(g_diff), __VA_ARGS__); \
			return g_diff; \
		} \
	} while(0)

const char *registry_recount(const struct nabz_registry *reg, uint64_t total_sessions)
{
	struct nabz_counts want;
	uint64_t pending = 0, services = 0, anonymous = 0, carries = 0, distinct = 0;

	memset(&want, 0, sizeof(want));
	for(const struct nabz_session *s = reg->by_client; s; s = s->hh.next){
		unsigned refs[NABZ_GROUP_COUNT] = {0};

		for(const struct nabz_filter *f = s->filters; f; f = f->hh.next){
			DIFF(f->mask != 0, "%s: filter %s reaches no group but is kept", s->client_id, f->filter);
			for(int g = 0; g < NABZ_GROUP_COUNT; g++) refs[g] += (f->mask >> g) & 1u;
		}
		DIFF(memcmp(refs, s->group_refs, sizeof(refs)) == 0, "%s: group_refs differ from its filters", s->client_id);
		DIFF((int)s->type >= 0 && s->type < NABZ_CT_COUNT, "%s: type %d", s->client_id, (int)s->type);
		if(s->carried) carries++;
		if(!s->confirmed){
			pending++;
			continue;
		}
		if(s->service){
			services++;
			continue;
		}
		want.active++;
		want.by_type[s->type]++;
		for(int g = 0; g < NABZ_GROUP_COUNT; g++) want.groups[g] += refs[g] > 0;
		if(s->user_id == NULL){
			anonymous++;
		}else{
			DIFF(s->user_id[0] != '\0', "%s: empty user id kept", s->client_id);
			distinct += (uint64_t)first_with_user_id(reg, s);
		}
	}
	want.unique_users = distinct + anonymous;

#define FIGURE(have, wanted, name) \
	DIFF((have) == (wanted), "%s %llu, want %llu", name, (unsigned long long)(have), (unsigned long long)(wanted))
	FIGURE(reg->pending, pending, "pending");
	FIGURE(reg->services, services, "services");
	FIGURE(reg->carries_pending, carries, "carries_pending");
	FIGURE(reg->counts.active, want.active, "active");
	FIGURE(reg->counts.unique_users, want.unique_users, "unique_users");
	FIGURE(reg->anonymous_users, anonymous, "anonymous");
	FIGURE(HASH_COUNT(reg->user_ids), distinct, "user id refs");
	for(int t = 0; t < NABZ_CT_COUNT; t++) FIGURE(reg->counts.by_type[t], want.by_type[t], nabz_client_type__name((enum nabz_client_type)t));
	for(int g = 0; g < NABZ_GROUP_COUNT; g++) FIGURE(reg->counts.groups[g], want.groups[g], nabz_group__name((enum nabz_group)g));
	if(total_sessions != RECOUNT_ANY_TOTAL) FIGURE(reg->counts.total_sessions, total_sessions, "total_sessions");
#undef FIGURE
	DIFF(reg->counts.peak >= reg->counts.active, "peak %llu below active %llu",
			(unsigned long long)reg->counts.peak, (unsigned long long)reg->counts.active);
	DIFF(HASH_COUNT(reg->dormant) <= NABZ_DORMANT_MAX, "%u dormant entries", HASH_COUNT(reg->dormant));
	return NULL;
}
