/* Unit tests for plugin/sessions.c: the session registry and its counts. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"
#include "registry_recount.h"

#include "sessions.h"

#define MANY 10000

/* Stand-ins for the broker's struct mosquitto pointers: distinct addresses. */
static char clients[MANY];
#define C(i) ((const void *)&clients[(i)])

struct fixture {
	struct nabz_registry reg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if(f == NULL) return -1;
	if(nabz_registry__init(&f->reg, "crypto") != 0){
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	nabz_registry__cleanup(&f->reg);
	free(f);
	return 0;
}

static struct nabz_session *add_full(struct nabz_registry *reg, size_t i, const char *client_id,
		enum nabz_transport transport, bool service, const char *username)
{
	struct nabz_session_info info = {
		.client = C(i),
		.client_id = client_id,
		.username = username,
		.address = transport == NABZ_TRANSPORT_WEBSOCKET ? "/run/nabz/mqtt.sock" : "127.0.0.1",
		.transport = transport,
		.service = service,
		.connected_at_ms = 1764231733000 + (int64_t)i,
	};
	struct nabz_session *s = nabz_sessions__add(reg, &info);
	assert_non_null(s);
	return s;
}

static struct nabz_session *add(struct nabz_registry *reg, size_t i, const char *client_id)
{
	return add_full(reg, i, client_id, NABZ_TRANSPORT_TCP, false, NULL);
}

static struct nabz_session *add_confirmed(struct nabz_registry *reg, size_t i, const char *client_id)
{
	struct nabz_session *s = add(reg, i, client_id);
	nabz_sessions__confirm(reg, s);
	return s;
}

/* ---- checks ----------------------------------------------------------- */

#define ASSERT_COUNTS(reg, active, unique, total, peak) \
	assert_counts_at(__LINE__, (reg), (active), (unique), (total), (peak))
static void assert_counts_at(int line, const struct nabz_registry *reg, uint64_t active,
		uint64_t unique, uint64_t total, uint64_t peak)
{
	const struct nabz_counts *c = &reg->counts;
	check_row(c->active == active && c->unique_users == unique && c->total_sessions == total
			&& c->peak == peak,
			"line %d: active/unique/total/peak = %llu/%llu/%llu/%llu, want %llu/%llu/%llu/%llu", line,
			(unsigned long long)c->active, (unsigned long long)c->unique_users,
			(unsigned long long)c->total_sessions, (unsigned long long)c->peak,
			(unsigned long long)active, (unsigned long long)unique,
			(unsigned long long)total, (unsigned long long)peak);
}

#define ASSERT_TYPES(reg, b, a, m, bo, i) assert_types_at(__LINE__, (reg), (b), (a), (m), (bo), (i))
static void assert_types_at(int line, const struct nabz_registry *reg, uint64_t browser, uint64_t api,
		uint64_t mobile, uint64_t bot, uint64_t iot)
{
	const uint64_t *t = reg->counts.by_type;
	check_row(t[NABZ_CT_BROWSER] == browser && t[NABZ_CT_API] == api && t[NABZ_CT_MOBILE] == mobile
			&& t[NABZ_CT_BOT] == bot && t[NABZ_CT_IOT] == iot,
			"line %d: browser/api/mobile/bot/iot = %llu/%llu/%llu/%llu/%llu", line,
			(unsigned long long)t[NABZ_CT_BROWSER], (unsigned long long)t[NABZ_CT_API],
			(unsigned long long)t[NABZ_CT_MOBILE], (unsigned long long)t[NABZ_CT_BOT],
			(unsigned long long)t[NABZ_CT_IOT]);
}

#define ASSERT_GROUPS(reg, p, m, n, a) assert_groups_at(__LINE__, (reg), (p), (m), (n), (a))
static void assert_groups_at(int line, const struct nabz_registry *reg, uint64_t prices, uint64_t market,
		uint64_t news, uint64_t alerts)
{
	const uint64_t *g = reg->counts.groups;
	check_row(g[NABZ_GROUP_PRICES] == prices && g[NABZ_GROUP_MARKET] == market
			&& g[NABZ_GROUP_NEWS] == news && g[NABZ_GROUP_ALERTS] == alerts,
			"line %d: prices/market/news/alerts = %llu/%llu/%llu/%llu, want %llu/%llu/%llu/%llu", line,
			(unsigned long long)g[NABZ_GROUP_PRICES], (unsigned long long)g[NABZ_GROUP_MARKET],
			(unsigned long long)g[NABZ_GROUP_NEWS], (unsigned long long)g[NABZ_GROUP_ALERTS],
			(unsigned long long)prices, (unsigned long long)market,
			(unsigned long long)news, (unsigned long long)alerts);
}

#define ASSERT_DIRTY(reg, want) \
	do { \
		check_row((reg)->dirty == (want), "line %d: dirty is %d", __LINE__, (int)(reg)->dirty); \
		(reg)->dirty = false; \
	} while(0)

/* Recomputes every incrementally kept figure from the sessions themselves. */
static void assert_invariants(const struct nabz_registry *reg)
{
	const char *diff = registry_recount(reg, RECOUNT_ANY_TOTAL);

	check_row(diff == NULL, "%s", diff);
}

static bool is_uuid_v4(const char *s)
{
	if(strlen(s) != 36) return false;
	for(int i = 0; i < 36; i++){
		if(i == 8 || i == 13 || i == 18 || i == 23){
			if(s[i] != '-') return false;
		}else if(!strchr("0123456789abcdef", s[i]) || s[i] == '\0'){
			return false;
		}
	}
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/* ---- lifecycle -------------------------------------------------------- */

static void test_init_cleanup(void **state)
{
	struct nabz_registry reg;

	(void)state;
	assert_int_equal(nabz_registry__init(&reg, "a/b"), 0);
	assert_string_equal(reg.prefix, "a/b");
	ASSERT_COUNTS(&reg, 0, 0, 0, 0);
	assert_false(reg.dirty);
	/* Cleanup frees sessions in every state (ASan checks). */
	add(&reg, 0, "browser-pending");
	add_confirmed(&reg, 1, "mobile-1");
	nabz_sessions__subscribe(&reg, nabz_sessions__find(&reg, C(1)), "a/b/#");
	nabz_sessions__hello(&reg, nabz_sessions__find(&reg, C(1)), NULL, "u1", cJSON_CreateObject());
	add_full(&reg, 2, "svc", NABZ_TRANSPORT_TCP, true, "bridge");
	nabz_registry__cleanup(&reg);
	assert_null(reg.by_client);
	assert_null(reg.user_ids);
	assert_null(reg.prefix);
}

static void test_add_then_confirm(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session_info info = {
		.client = C(0), .client_id = "browser-tab1", .username = "alice",
		.address = "/run/nabz/mqtt.sock", .transport = NABZ_TRANSPORT_WEBSOCKET,
		.connected_at_ms = 1764231733123,
	};
	struct nabz_session *s = nabz_sessions__add(reg, &info);

	assert_non_null(s);
	/* Pending: recorded, counted nowhere, nothing to publish. */
	assert_ptr_equal(nabz_sessions__find(reg, C(0)), s);
	assert_ptr_equal(s->client, C(0));
	assert_string_equal(s->client_id, "browser-tab1");
	assert_ptr_not_equal(s->client_id, info.client_id);
	assert_string_equal(s->username, "alice");
	assert_string_equal(s->address, "/run/nabz/mqtt.sock");
	assert_true(is_uuid_v4(s->session_id));
	assert_int_equal(s->connected_at_ms, 1764231733123);
	assert_int_equal(s->type, NABZ_CT_BROWSER);
	assert_int_equal(s->transport, NABZ_TRANSPORT_WEBSOCKET);
	assert_false(s->confirmed);
	assert_null(s->user_id);
	assert_null(s->metadata);
	assert_int_equal(reg->pending, 1);
	ASSERT_COUNTS(reg, 0, 0, 0, 0);
	ASSERT_TYPES(reg, 0, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, false);

	nabz_sessions__confirm(reg, s);
	assert_true(s->confirmed);
	assert_int_equal(reg->pending, 0);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_TYPES(reg, 1, 0, 0, 0, 0);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, true);

	/* Confirming twice counts once. */
	nabz_sessions__confirm(reg, s);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_DIRTY(reg, false);
	assert_invariants(reg);

	nabz_sessions__remove(reg, C(0));
	assert_null(nabz_sessions__find(reg, C(0)));
	ASSERT_COUNTS(reg, 0, 0, 1, 1);
	ASSERT_TYPES(reg, 0, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, true);
	assert_invariants(reg);
}

static void test_add_null_fields(void **state)
{
	struct fixture *f = *state;
	struct nabz_session_info info = {.client = C(0), .transport = NABZ_TRANSPORT_WEBSOCKET};
	struct nabz_session *s = nabz_sessions__add(&f->reg, &info);

	assert_non_null(s);
	assert_non_null(s->client_id);
	assert_string_equal(s->client_id, "");
	assert_null(s->username);
	assert_null(s->address);
	assert_int_equal(s->type, NABZ_CT_BROWSER);
	info.client = C(1);
	info.transport = NABZ_TRANSPORT_TCP;
	s = nabz_sessions__add(&f->reg, &info);
	assert_int_equal(s->type, NABZ_CT_API);
	/* Two sessions never share a session id. */
	assert_string_not_equal(s->session_id, nabz_sessions__find(&f->reg, C(0))->session_id);
}

static void test_type_from_client_id(void **state)
{
	static const struct {
		const char *client_id;
		enum nabz_transport transport;
		enum nabz_client_type want;
	} rows[] = {
		{"browser-1", NABZ_TRANSPORT_TCP, NABZ_CT_BROWSER},
		{"web-1", NABZ_TRANSPORT_TCP, NABZ_CT_BROWSER},
		{"mobile-1", NABZ_TRANSPORT_WEBSOCKET, NABZ_CT_MOBILE},
		{"api-1", NABZ_TRANSPORT_WEBSOCKET, NABZ_CT_API},
		{"bot-1", NABZ_TRANSPORT_TCP, NABZ_CT_BOT},
		{"iot-1", NABZ_TRANSPORT_TCP, NABZ_CT_IOT},
		{"x", NABZ_TRANSPORT_WEBSOCKET, NABZ_CT_BROWSER},
		{"x", NABZ_TRANSPORT_TCP, NABZ_CT_API},
	};
	struct fixture *f = *state;

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_session *s = add_full(&f->reg, i, rows[i].client_id, rows[i].transport, false, NULL);
		check_row(s->type == rows[i].want, "%s: type %d", rows[i].client_id, (int)s->type);
		nabz_sessions__confirm(&f->reg, s);
	}
	ASSERT_TYPES(&f->reg, 3, 2, 1, 1, 1);
	ASSERT_COUNTS(&f->reg, 8, 8, 8, 8);
	assert_invariants(&f->reg);
}

static void test_remove_pending(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;

	add_confirmed(reg, 0, "browser-a");
	ASSERT_DIRTY(reg, true);
	/* A client the broker refuses after our BASIC_AUTH: removed while
	 * pending, never counted, total unchanged, nothing to publish. */
	nabz_sessions__subscribe(reg, add(reg, 1, "browser-b"), "crypto/#");
	ASSERT_DIRTY(reg, false);
	assert_int_equal(reg->pending, 1);
	nabz_sessions__remove(reg, C(1));
	assert_int_equal(reg->pending, 0);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, false);
	/* confirm_all finds nothing left to confirm. */
	assert_int_equal(nabz_sessions__confirm_all(reg), 0);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	assert_invariants(reg);
}

static void test_remove_unknown(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_counts before;

	nabz_sessions__remove(reg, C(5));
	nabz_sessions__remove(reg, NULL);
	ASSERT_COUNTS(reg, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, false);

	add_confirmed(reg, 0, "a");
	add(reg, 1, "b");
	reg->dirty = false;
	before = reg->counts;
	nabz_sessions__remove(reg, C(5));
	nabz_sessions__remove(reg, NULL);
	assert_memory_equal(&before, &reg->counts, sizeof(before));
	assert_int_equal(reg->pending, 1);
	assert_int_equal(HASH_COUNT(reg->by_client), 2);
	ASSERT_DIRTY(reg, false);
	/* Removing twice is the same as removing once. */
	nabz_sessions__remove(reg, C(0));
	nabz_sessions__remove(reg, C(0));
	ASSERT_COUNTS(reg, 0, 0, 1, 1);
	assert_invariants(reg);
}

static void test_confirm_all(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;

	add_confirmed(reg, 0, "a");
	add(reg, 1, "b");
	add(reg, 2, "c");
	add_full(reg, 3, "svc", NABZ_TRANSPORT_TCP, true, "bridge");
	reg->dirty = false;
	assert_int_equal(nabz_sessions__confirm_all(reg), 3);
	assert_int_equal(reg->pending, 0);
	assert_int_equal(reg->services, 1);
	ASSERT_COUNTS(reg, 3, 3, 3, 3);
	ASSERT_DIRTY(reg, true);
	assert_int_equal(nabz_sessions__confirm_all(reg), 0);
	ASSERT_DIRTY(reg, false);
	assert_invariants(reg);
}

static void test_service_never_counted(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	enum nabz_client_type bot = NABZ_CT_BOT;
	struct nabz_session *s = add_full(reg, 0, "bridge-1", NABZ_TRANSPORT_TCP, true, "bridge");

	ASSERT_DIRTY(reg, false);
	nabz_sessions__confirm(reg, s);
	assert_int_equal(reg->services, 1);
	assert_int_equal(reg->pending, 0);
	ASSERT_COUNTS(reg, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, false);
	assert_int_equal(nabz_sessions__subscribe(reg, s, "crypto/#"), 0);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	assert_int_equal(nabz_sessions__hello(reg, s, &bot, "svc-user", NULL), 0);
	ASSERT_COUNTS(reg, 0, 0, 0, 0);
	ASSERT_TYPES(reg, 0, 0, 0, 0, 0);
	nabz_sessions__unsubscribe(reg, s, "crypto/#");
	ASSERT_DIRTY(reg, false);
	assert_invariants(reg);
	nabz_sessions__remove(reg, C(0));
	assert_int_equal(reg->services, 0);
	ASSERT_COUNTS(reg, 0, 0, 0, 0);
	ASSERT_DIRTY(reg, false);
	/* A pending service removed: the same. */
	add_full(reg, 1, "bridge-2", NABZ_TRANSPORT_TCP, true, "bridge");
	nabz_sessions__remove(reg, C(1));
	assert_int_equal(reg->services, 0);
	assert_int_equal(reg->pending, 0);
	ASSERT_DIRTY(reg, false);
}

/* Client id takeover: the broker accepts the new connection (a new struct
 * mosquitto) and then disconnects the old one. */
static void test_takeover(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *old_s = add_confirmed(reg, 0, "mobile-1");
	struct nabz_session *new_s;

	nabz_sessions__hello(reg, old_s, NULL, "u1", NULL);
	nabz_sessions__subscribe(reg, old_s, "crypto/prices/BTC");
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_GROUPS(reg, 1, 0, 0, 0);

	/* Order 1: the new one is confirmed before the old one goes. */
	new_s = add(reg, 1, "mobile-1");
	nabz_sessions__confirm(reg, new_s);
	ASSERT_COUNTS(reg, 2, 2, 2, 2);
	nabz_sessions__hello(reg, new_s, NULL, "u1", NULL);
	nabz_sessions__subscribe(reg, new_s, "crypto/prices/BTC");
	ASSERT_COUNTS(reg, 2, 1, 2, 2);
	ASSERT_GROUPS(reg, 2, 0, 0, 0);
	nabz_sessions__remove(reg, C(0));
	ASSERT_COUNTS(reg, 1, 1, 2, 2);
	ASSERT_TYPES(reg, 0, 0, 1, 0, 0);
	ASSERT_GROUPS(reg, 1, 0, 0, 0);
	assert_ptr_equal(nabz_sessions__find(reg, C(1)), new_s);
	assert_string_equal(new_s->user_id, "u1");
	assert_invariants(reg);

	/* Order 2: the old one goes while the new one is still pending. */
	new_s = add(reg, 2, "mobile-1");
	nabz_sessions__remove(reg, C(1));
	ASSERT_COUNTS(reg, 0, 0, 2, 2);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	nabz_sessions__confirm(reg, new_s);
	ASSERT_COUNTS(reg, 1, 1, 3, 2);
	ASSERT_TYPES(reg, 0, 0, 1, 0, 0);
	assert_invariants(reg);
	assert_int_equal(HASH_COUNT(reg->user_ids), 0);
}

/* The broker only reuses a client pointer after freeing it: a second add
 * for the same pointer replaces the stale session. */
static void test_same_pointer_replaced(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *s = add_confirmed(reg, 0, "browser-1");

	nabz_sessions__hello(reg, s, NULL, "u1", cJSON_CreateObject());
	nabz_sessions__subscribe(reg, s, "crypto/#");
	s = add(reg, 0, "api-2");
	assert_int_equal(HASH_COUNT(reg->by_client), 1);
	assert_string_equal(s->client_id, "api-2");
	assert_int_equal(reg->pending, 1);
	ASSERT_COUNTS(reg, 0, 0, 1, 1);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	nabz_sessions__confirm(reg, s);
	ASSERT_COUNTS(reg, 1, 1, 2, 1);
	ASSERT_TYPES(reg, 0, 1, 0, 0, 0);
	assert_invariants(reg);
}

/* ---- subscriptions ---------------------------------------------------- */

enum op { SUB, UNSUB };

static void test_subscribe_sequence(void **state)
{
	static const struct {
		enum op op;
		const char *filter;
		uint64_t groups[NABZ_GROUP_COUNT]; /* prices, market, news, alerts, signals, chat */
		bool dirty;
	} rows[] = {
		{SUB, "crypto/prices/BTC", {1, 0, 0, 0, 0, 0}, true},
		{SUB, "crypto/prices/BTC", {1, 0, 0, 0, 0, 0}, false},   /* duplicate */
		{SUB, "crypto/prices/ETH", {1, 0, 0, 0, 0, 0}, false},   /* same group: counted once */
		{SUB, "crypto/stats", {1, 0, 0, 0, 0, 0}, false},        /* reaches no group */
		{SUB, "other/#", {1, 0, 0, 0, 0, 0}, false},
		{SUB, "crypto/prices", {1, 0, 0, 0, 0, 0}, false},
		{UNSUB, "crypto/prices/BTC", {1, 0, 0, 0, 0, 0}, false}, /* ETH still holds prices */
		{UNSUB, "crypto/prices/BTC", {1, 0, 0, 0, 0, 0}, false}, /* already gone */
		{UNSUB, "nope/#", {1, 0, 0, 0, 0, 0}, false},            /* never subscribed */
		{UNSUB, "crypto/stats", {1, 0, 0, 0, 0, 0}, false},      /* not stored */
		{UNSUB, "", {1, 0, 0, 0, 0, 0}, false},
		{SUB, "crypto/+", {1, 1, 1, 1, 1, 0}, true},
		{SUB, "crypto/#", {1, 1, 1, 1, 1, 1}, true},         /* chat too */
		{UNSUB, "crypto/+", {1, 1, 1, 1, 1, 1}, false},          /* crypto/# still holds them */
		{UNSUB, "crypto/prices/ETH", {1, 1, 1, 1, 1, 1}, false},
		{UNSUB, "crypto/#", {0, 0, 0, 0, 0, 0}, true},           /* the last one goes */
		{SUB, "$share/g/crypto/news", {0, 0, 1, 0, 0, 0}, true},
		{UNSUB, "crypto/news", {0, 0, 1, 0, 0, 0}, false},       /* a different filter */
		{SUB, "crypto/news", {0, 0, 1, 0, 0, 0}, false},
		{UNSUB, "$share/g/crypto/news", {0, 0, 1, 0, 0, 0}, false},
		{UNSUB, "crypto/news", {0, 0, 0, 0, 0, 0}, true},
		{SUB, "#", {1, 1, 1, 1, 1, 1}, true},
		{SUB, "+/prices/+", {1, 1, 1, 1, 1, 1}, false},
		{UNSUB, "#", {1, 0, 0, 0, 0, 0}, true},
		{UNSUB, "+/prices/+", {0, 0, 0, 0, 0, 0}, true},
		/* A filter subscribed twice is stored once: one unsubscribe ends it. */
		{SUB, "crypto/market", {0, 1, 0, 0, 0, 0}, true},
		{SUB, "crypto/market", {0, 1, 0, 0, 0, 0}, false},
		{UNSUB, "crypto/market", {0, 0, 0, 0, 0, 0}, true},
		/* A second room changes no group but a room's audience: dirty. */
		{SUB, "crypto/chat/general", {0, 0, 0, 0, 0, 1}, true},
		{SUB, "crypto/chat/fa/recent", {0, 0, 0, 0, 0, 1}, true},
		{UNSUB, "crypto/chat/fa/recent", {0, 0, 0, 0, 0, 1}, true},
		{UNSUB, "crypto/chat/general", {0, 0, 0, 0, 0, 0}, true},
	};
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *s = add_confirmed(reg, 0, "browser-1");

	reg->dirty = false;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		if(rows[i].op == SUB){
			check_row(nabz_sessions__subscribe(reg, s, rows[i].filter) == 0, "row %zu", i);
		}else{
			nabz_sessions__unsubscribe(reg, s, rows[i].filter);
		}
		check_row(memcmp(reg->counts.groups, rows[i].groups, sizeof(rows[i].groups)) == 0,
				"row %zu (%s %s): groups %llu/%llu/%llu/%llu", i, rows[i].op == SUB ? "sub" : "unsub",
				rows[i].filter, (unsigned long long)reg->counts.groups[0],
				(unsigned long long)reg->counts.groups[1], (unsigned long long)reg->counts.groups[2],
				(unsigned long long)reg->counts.groups[3]);
		check_row(reg->dirty == rows[i].dirty, "row %zu (%s %s): dirty %d", i,
				rows[i].op == SUB ? "sub" : "unsub", rows[i].filter, (int)reg->dirty);
		reg->dirty = false;
		assert_invariants(reg);
	}
	assert_int_equal(HASH_COUNT(s->filters), 0);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
}

static void test_groups_across_sessions(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *a = add_confirmed(reg, 0, "browser-a");
	struct nabz_session *b = add_confirmed(reg, 1, "mobile-b");
	struct nabz_session *c;

	nabz_sessions__subscribe(reg, a, "crypto/#");
	nabz_sessions__subscribe(reg, a, "crypto/market");
	nabz_sessions__subscribe(reg, b, "crypto/market");
	nabz_sessions__subscribe(reg, b, "crypto/prices/+");
	ASSERT_GROUPS(reg, 2, 2, 1, 1);

	/* A pending session's subscriptions count once it is confirmed. */
	c = add(reg, 2, "bot-c");
	reg->dirty = false;
	nabz_sessions__subscribe(reg, c, "crypto/alerts");
	ASSERT_GROUPS(reg, 2, 2, 1, 1);
	ASSERT_DIRTY(reg, false);
	nabz_sessions__confirm(reg, c);
	ASSERT_GROUPS(reg, 2, 2, 1, 2);
	ASSERT_DIRTY(reg, true);
	assert_invariants(reg);

	/* Removal releases every group the session was in. */
	nabz_sessions__remove(reg, C(0));
	ASSERT_GROUPS(reg, 1, 1, 0, 1);
	nabz_sessions__remove(reg, C(2));
	ASSERT_GROUPS(reg, 1, 1, 0, 0);
	nabz_sessions__unsubscribe(reg, b, "crypto/market");
	ASSERT_GROUPS(reg, 1, 0, 0, 0);
	nabz_sessions__remove(reg, C(1));
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	ASSERT_COUNTS(reg, 0, 0, 3, 3);
	assert_invariants(reg);
}

/* ---- hello ------------------------------------------------------------ */

static void test_hello_type(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *s = add_confirmed(reg, 0, "browser-1");
	enum nabz_client_type mobile = NABZ_CT_MOBILE, iot = NABZ_CT_IOT;

	reg->dirty = false;
	assert_int_equal(nabz_sessions__hello(reg, s, &mobile, NULL, NULL), 0);
	assert_int_equal(s->type, NABZ_CT_MOBILE);
	ASSERT_TYPES(reg, 0, 0, 1, 0, 0);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_DIRTY(reg, true);
	/* The same type again changes nothing. */
	assert_int_equal(nabz_sessions__hello(reg, s, &mobile, NULL, NULL), 0);
	ASSERT_DIRTY(reg, false);
	/* A hello with nothing in it changes nothing. */
	assert_int_equal(nabz_sessions__hello(reg, s, NULL, NULL, NULL), 0);
	ASSERT_TYPES(reg, 0, 0, 1, 0, 0);
	ASSERT_DIRTY(reg, false);

	/* On a pending session: counted with its new type when confirmed. */
	s = add(reg, 1, "api-2");
	assert_int_equal(nabz_sessions__hello(reg, s, &iot, "u9", NULL), 0);
	ASSERT_TYPES(reg, 0, 0, 1, 0, 0);
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_DIRTY(reg, false);
	nabz_sessions__confirm(reg, s);
	ASSERT_TYPES(reg, 0, 0, 1, 0, 1);
	ASSERT_COUNTS(reg, 2, 2, 2, 2);
	assert_invariants(reg);
	nabz_sessions__remove(reg, C(0));
	nabz_sessions__remove(reg, C(1));
	ASSERT_TYPES(reg, 0, 0, 0, 0, 0);
	assert_invariants(reg);
}

static void test_hello_user_ids(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *a = add_confirmed(reg, 0, "browser-a");
	struct nabz_session *b = add_confirmed(reg, 1, "browser-b");
	struct nabz_session *c = add_confirmed(reg, 2, "browser-c");
	const char *uid = "device-1234";

	ASSERT_COUNTS(reg, 3, 3, 3, 3);
	/* Three tabs of one device: one user. */
	nabz_sessions__hello(reg, a, NULL, uid, NULL);
	assert_string_equal(a->user_id, uid);
	assert_ptr_not_equal(a->user_id, uid);
	ASSERT_COUNTS(reg, 3, 3, 3, 3);
	reg->dirty = false;
	nabz_sessions__hello(reg, b, NULL, uid, NULL);
	ASSERT_COUNTS(reg, 3, 2, 3, 3);
	ASSERT_DIRTY(reg, true);
	nabz_sessions__hello(reg, c, NULL, uid, NULL);
	ASSERT_COUNTS(reg, 3, 1, 3, 3);
	assert_int_equal(HASH_COUNT(reg->user_ids), 1);
	assert_invariants(reg);
	/* The same user id again: nothing changes. */
	reg->dirty = false;
	nabz_sessions__hello(reg, c, NULL, uid, NULL);
	ASSERT_COUNTS(reg, 3, 1, 3, 3);
	ASSERT_DIRTY(reg, false);
	/* Switching one to another id. */
	nabz_sessions__hello(reg, c, NULL, "other", NULL);
	ASSERT_COUNTS(reg, 3, 2, 3, 3);
	assert_invariants(reg);
	/* "" clears it: anonymous again, one user of its own. */
	nabz_sessions__hello(reg, c, NULL, "", NULL);
	assert_null(c->user_id);
	ASSERT_COUNTS(reg, 3, 2, 3, 3);
	assert_int_equal(HASH_COUNT(reg->user_ids), 1);
	nabz_sessions__hello(reg, b, NULL, "", NULL);
	ASSERT_COUNTS(reg, 3, 3, 3, 3);
	/* Clearing an already anonymous session changes nothing. */
	reg->dirty = false;
	nabz_sessions__hello(reg, b, NULL, "", NULL);
	ASSERT_DIRTY(reg, false);
	assert_invariants(reg);
	/* The last holder of an id leaves: the id is forgotten. */
	nabz_sessions__remove(reg, C(0));
	ASSERT_COUNTS(reg, 2, 2, 3, 3);
	assert_int_equal(HASH_COUNT(reg->user_ids), 0);
	nabz_sessions__remove(reg, C(1));
	nabz_sessions__remove(reg, C(2));
	ASSERT_COUNTS(reg, 0, 0, 3, 3);
	assert_invariants(reg);
}

static void test_hello_user_id_shared_then_disconnect(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;

	for(size_t i = 0; i < 4; i++){
		nabz_sessions__hello(reg, add_confirmed(reg, i, "web-x"), NULL, i < 2 ? "u1" : "u2", NULL);
	}
	ASSERT_COUNTS(reg, 4, 2, 4, 4);
	nabz_sessions__remove(reg, C(0));
	ASSERT_COUNTS(reg, 3, 2, 4, 4);
	nabz_sessions__remove(reg, C(1));
	ASSERT_COUNTS(reg, 2, 1, 4, 4);
	assert_invariants(reg);
}

static void test_hello_metadata_ownership(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *s = add_confirmed(reg, 0, "browser-1");
	cJSON *m1 = cJSON_Parse("{\"app\":\"one\"}");
	cJSON *m2 = cJSON_Parse("{\"app\":\"two\"}");

	assert_non_null(m1);
	assert_non_null(m2);
	reg->dirty = false;
	assert_int_equal(nabz_sessions__hello(reg, s, NULL, NULL, m1), 0);
	assert_ptr_equal(s->metadata, m1);
	/* Metadata is no published figure. */
	ASSERT_DIRTY(reg, false);
	/* Replaced: m1 freed by the registry (ASan would see a leak). */
	assert_int_equal(nabz_sessions__hello(reg, s, NULL, NULL, m2), 0);
	assert_ptr_equal(s->metadata, m2);
	/* NULL keeps it. */
	assert_int_equal(nabz_sessions__hello(reg, s, NULL, "u", NULL), 0);
	assert_ptr_equal(s->metadata, m2);
	/* On a pending session, and on a service: kept too. */
	s = add(reg, 1, "x");
	nabz_sessions__hello(reg, s, NULL, NULL, cJSON_CreateObject());
	assert_non_null(s->metadata);
	s = add_full(reg, 2, "svc", NABZ_TRANSPORT_TCP, true, "bridge");
	nabz_sessions__hello(reg, s, NULL, NULL, cJSON_CreateObject());
	assert_non_null(s->metadata);
	/* Removal and cleanup free it. */
	nabz_sessions__remove(reg, C(0));
	nabz_sessions__remove(reg, C(1));
}

/* ---- figures over time ------------------------------------------------ */

static void test_dirty_only_on_change(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *s;

	s = add(reg, 0, "browser-1");
	ASSERT_DIRTY(reg, false);               /* pending */
	nabz_sessions__confirm(reg, s);
	ASSERT_DIRTY(reg, true);                /* active, total, peak */
	nabz_sessions__subscribe(reg, s, "crypto/market");
	ASSERT_DIRTY(reg, true);
	nabz_sessions__subscribe(reg, s, "crypto/market");
	ASSERT_DIRTY(reg, false);               /* the same filter twice */
	nabz_sessions__subscribe(reg, s, "crypto/stats");
	ASSERT_DIRTY(reg, false);
	nabz_sessions__unsubscribe(reg, s, "crypto/stats");
	ASSERT_DIRTY(reg, false);
	add(reg, 1, "browser-2");
	ASSERT_DIRTY(reg, false);
	nabz_sessions__remove(reg, C(1));
	ASSERT_DIRTY(reg, false);               /* pending removed */
	nabz_sessions__remove(reg, C(7));
	ASSERT_DIRTY(reg, false);               /* unknown */
	nabz_sessions__remove(reg, C(0));
	ASSERT_DIRTY(reg, true);
	nabz_counts__restore(reg, 10, 20);
	ASSERT_DIRTY(reg, false);               /* restoring is not a change to publish */
}

/* An anonymous session that names its user, where no other session has
 * that user id: active and unique_users stay as they were, so nothing
 * published changes. */
static void test_dirty_anonymous_to_named(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	struct nabz_session *s = add_confirmed(reg, 0, "browser-1");
	struct nabz_counts before;

	reg->dirty = false;
	assert_int_equal(nabz_sessions__hello(reg, s, NULL, "u1", NULL), 0);
	before = reg->counts;
	ASSERT_COUNTS(reg, 1, 1, 1, 1);
	ASSERT_DIRTY(reg, false);
	assert_int_equal(before.unique_users, 1);
}

static void test_peak_kept(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;

	for(size_t i = 0; i < 3; i++) add_confirmed(reg, i, "x");
	ASSERT_COUNTS(reg, 3, 3, 3, 3);
	nabz_sessions__remove(reg, C(0));
	nabz_sessions__remove(reg, C(1));
	ASSERT_COUNTS(reg, 1, 1, 3, 3);
	add_confirmed(reg, 3, "x");
	ASSERT_COUNTS(reg, 2, 2, 4, 3);
	add_confirmed(reg, 4, "x");
	add_confirmed(reg, 5, "x");
	ASSERT_COUNTS(reg, 4, 4, 6, 4);
	for(size_t i = 2; i < 6; i++) nabz_sessions__remove(reg, C(i));
	ASSERT_COUNTS(reg, 0, 0, 6, 4);
	/* Pending sessions never raise the peak. */
	for(size_t i = 0; i < 10; i++) add(reg, i, "x");
	ASSERT_COUNTS(reg, 0, 0, 6, 4);
}

static void test_restore(void **state)
{
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;

	nabz_counts__restore(reg, 100, 50);
	ASSERT_COUNTS(reg, 0, 0, 100, 50);
	add_confirmed(reg, 0, "x");
	ASSERT_COUNTS(reg, 1, 1, 101, 50);
	/* A restored peak below the live one does not lower it. */
	for(size_t i = 1; i < 60; i++) add_confirmed(reg, i, "x");
	ASSERT_COUNTS(reg, 60, 60, 160, 60);
	nabz_counts__restore(reg, 5, 1);
	ASSERT_COUNTS(reg, 60, 60, 5, 60);
	nabz_counts__restore(reg, UINT64_C(9007199254740992), 1000);
	ASSERT_COUNTS(reg, 60, 60, UINT64_C(9007199254740992), 1000);
	nabz_counts__restore(reg, 0, 0);
	ASSERT_COUNTS(reg, 60, 60, 0, 1000);
	assert_invariants(reg);
}

static void test_many_sessions(void **state)
{
	static const char *const ids[] = {"browser-", "web-", "mobile-", "api-", "bot-", "iot-", "x-"};
	static const char *const filters[] = {"crypto/#", "crypto/prices/BTC", "crypto/+", "other/#", "#"};
	struct fixture *f = *state;
	struct nabz_registry *reg = &f->reg;
	char cid[32], uid[32];

	/* All at once. */
	for(size_t i = 0; i < MANY; i++){
		struct nabz_session *s;

		snprintf(cid, sizeof(cid), "%s%zu", ids[i % N_ELEMS(ids)], i);
		s = add_full(reg, i, cid, i % 2 ? NABZ_TRANSPORT_WEBSOCKET : NABZ_TRANSPORT_TCP, i % 97 == 0, NULL);
		if(i % 3){
			snprintf(uid, sizeof(uid), "u%zu", i % 1000);
			nabz_sessions__hello(reg, s, NULL, uid, NULL);
		}
		assert_int_equal(nabz_sessions__subscribe(reg, s, filters[i % N_ELEMS(filters)]), 0);
		if(i % 5 != 4) nabz_sessions__confirm(reg, s);
	}
	assert_invariants(reg);
	nabz_sessions__confirm_all(reg);
	assert_invariants(reg);
	assert_int_equal(reg->counts.active, MANY - (MANY + 96) / 97);
	assert_int_equal(reg->counts.total_sessions, reg->counts.active);
	assert_int_equal(reg->counts.peak, reg->counts.active);
	/* Remove in an order different from insertion. */
	for(size_t i = 0; i < MANY; i++){
		nabz_sessions__remove(reg, C((i * 7919) % MANY));
		if(i % 2500 == 0) assert_invariants(reg);
	}
	assert_int_equal(HASH_COUNT(reg->by_client), 0);
	assert_int_equal(HASH_COUNT(reg->user_ids), 0);
	ASSERT_COUNTS(reg, 0, 0, MANY - (MANY + 96) / 97, MANY - (MANY + 96) / 97);
	ASSERT_TYPES(reg, 0, 0, 0, 0, 0);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	assert_int_equal(reg->anonymous_users, 0);
	assert_int_equal(reg->services, 0);
	assert_int_equal(reg->pending, 0);

	/* One after another: add, confirm, subscribe, remove. */
	for(size_t i = 0; i < MANY; i++){
		struct nabz_session *s = add_confirmed(reg, i, "browser-x");
		nabz_sessions__hello(reg, s, NULL, "same-user", NULL);
		nabz_sessions__subscribe(reg, s, "crypto/#");
		nabz_sessions__remove(reg, C(i));
	}
	ASSERT_COUNTS(reg, 0, 0, 2 * MANY - (MANY + 96) / 97, MANY - (MANY + 96) / 97);
	ASSERT_GROUPS(reg, 0, 0, 0, 0);
	assert_int_equal(HASH_COUNT(reg->user_ids), 0);
	assert_invariants(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_cleanup),
		cmocka_unit_test_setup_teardown(test_add_then_confirm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_null_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_from_client_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_never_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_takeover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_pointer_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subscribe_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_across_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_user_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_user_id_shared_then_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_metadata_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_only_on_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_anonymous_to_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peak_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_sessions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
