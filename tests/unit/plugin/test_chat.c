/* Unit tests for plugin/chat.c: room names, the per-minute bucket, the
 * checks of a post and what it queues, the history ring, removal, mutes,
 * display names; junk included. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "nabz_test.h"

#include "chat.h"
#include "config.h"
#include "sessions.h"
#include "utf8.h"

struct fixture {
	struct nabz_config cfg;
	struct nabz_chat chat;
	struct nabz_session s;
};

static int setup_with(void **state, const char *history, const char *exempt)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct mosquitto_opt opts[] = {
		{(char *)"chat_history", (char *)history},
		{(char *)"chat_session_burst", (char *)"3"},
		{(char *)"chat_session_rate", (char *)"60"},
		{(char *)"chat_address_burst", (char *)"4"},
		{(char *)"chat_address_rate", (char *)"60"},
		{(char *)"limit_exempt", (char *)exempt},
	};
	char err[256];

	assert_non_null(f);
	assert_int_equal(nabz_config__parse(&f->cfg, opts, (int)N_ELEMS(opts), err, sizeof(err)), 0);
	assert_int_equal(nabz_chat__init(&f->chat, &f->cfg), 0);
	strcpy(f->s.session_id, "5e55a1d0-0000-4000-8000-000000000001");
	f->s.address = (char *)"203.0.113.7";
	f->s.type = NABZ_CT_BROWSER;
	*state = f;
	return 0;
}

static int setup(void **state) { return setup_with(state, "3", "none"); }

static int teardown(void **state)
{
	struct fixture *f = *state;

	nabz_chat__cleanup(&f->chat);
	nabz_config__free(&f->cfg);
	cJSON_Delete(f->s.metadata);
	free(f);
	return 0;
}

/* Takes the outbox; returns how many publishes it held and checks each
 * payload is a JSON envelope of the wanted type on the wanted topic. */
static size_t drain(struct nabz_chat *chat, const char *want_topics[], const char *want_types[], bool want_retain[])
{
	struct nabz_chat_out *o = nabz_chat__take_out(chat);
	size_t n = 0;

	while(o){
		struct nabz_chat_out *next = o->next;
		cJSON *env = cJSON_Parse(o->payload);
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(env, "type");

		assert_non_null(env);
		if(want_topics){
			check_row(strcmp(o->topic, want_topics[n]) == 0, "publish %zu: topic %s, want %s", n, o->topic, want_topics[n]);
			check_row(cJSON_IsString(type) && strcmp(type->valuestring, want_types[n]) == 0, "publish %zu: type", n);
			check_row(o->retain == want_retain[n], "publish %zu: retain", n);
		}
		cJSON_Delete(env);
		nabz_chat__out_free(o);
		o = next;
		n++;
	}
	return n;
}

static void test_room_names(void **state)
{
	static const struct { const char *name; bool want; } rows[] = {
		{"general", true}, {"BTC", true}, {"fa", true}, {"a-b_c9", true},
		{"12345678901234567890123456789012", true},
		{"123456789012345678901234567890123", false},
		{"", false}, {"a/b", false}, {"+", false}, {"#", false}, {"a b", false},
		{"\xd9\x81\xd8\xa7", false}, {"$SYS", false}, {"a.b", false},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_chat__valid_room_name(rows[i].name) == rows[i].want, "room \"%s\"", rows[i].name);
	}
}

static void test_chat_text_utf8(void **state)
{
	static const struct { const char *text; bool want; } rows[] = {
		{"hello", true}, {"line\nline", true}, {"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 BTC", true},
		{"\xe2\x80\x8f" "rlm", true},            /* U+200F RLM: a mark, no override */
		{"tab\t", false}, {"cr\r", false}, {"esc\x1b", false}, {"del\x7f", false},
		{"c1\xc2\x85", false},                   /* U+0085 */
		{"lre\xe2\x80\xaa", false}, {"rlo\xe2\x80\xae", false},   /* U+202A, U+202E */
		{"lri\xe2\x81\xa6", false}, {"pdi\xe2\x81\xa9", false},   /* U+2066, U+2069 */
		{"\xc3\x28", false}, {"\xed\xa0\x80", false}, {"\xc0\xaf", false},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_utf8__valid_chat(rows[i].text, strlen(rows[i].text)) == rows[i].want, "row %zu", i);
	}
}

static void test_bucket(void **state)
{
	struct nabz_chat_bucket b = {0};
	int64_t retry = 0;

	(void)state;
	/* 3 at once, then one a second at 60 a minute. */
	for(int i = 0; i < 3; i++) assert_true(nabz_chat_bucket__take(&b, 60, 3, 1000, &retry));
	assert_false(nabz_chat_bucket__take(&b, 60, 3, 1000, &retry));
	assert_int_equal(retry, 1001);
	assert_false(nabz_chat_bucket__take(&b, 60, 3, 1500, &retry));
	assert_true(nabz_chat_bucket__take(&b, 60, 3, 2000, &retry));
	/* A clock going back gives nothing; a long silence gives the burst only. */
	assert_false(nabz_chat_bucket__take(&b, 60, 3, 500, &retry));
	for(int i = 0; i < 3; i++) assert_true(nabz_chat_bucket__take(&b, 60, 3, 100000, &retry));
	assert_false(nabz_chat_bucket__take(&b, 60, 3, 100000, &retry));
}

static void test_post_checks(void **state)
{
	struct fixture *f = *state;
	char big[502];
	static const struct { const char *room; const char *text; const char *want; } rows[] = {
		{NULL, "x", NABZ_ERR_CHAT_ROOM}, {"nope", "x", NABZ_ERR_CHAT_ROOM}, {"General", "x", NABZ_ERR_CHAT_ROOM},
		{"general", NULL, NABZ_ERR_CHAT_TEXT}, {"general", "", NABZ_ERR_CHAT_TEXT},
		{"general", " \n\t", NABZ_ERR_CHAT_TEXT},
		{"general", "a\x01", NABZ_ERR_CHAT_CONTROL}, {"general", "\xe2\x80\xae", NABZ_ERR_CHAT_CONTROL},
		{"general", "\xff", NABZ_ERR_CHAT_CONTROL},
	};
	cJSON *data = NULL;
	int64_t retry;

	memset(big, 'x', sizeof(big) - 1);
	big[501] = '\0';
	drain(&f->chat, NULL, NULL, NULL);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		const char *got = nabz_chat__post(&f->chat, &f->s, rows[i].room, rows[i].text, 1000, 1, &data, &retry);
		check_row(got && strcmp(got, rows[i].want) == 0, "row %zu: got %s, want %s", i, got ? got : "NULL", rows[i].want);
	}
	assert_string_equal(nabz_chat__post(&f->chat, &f->s, "general", big, 1000, 1, &data, &retry), NABZ_ERR_CHAT_TOO_LONG);
	big[500] = '\0';
	assert_null(nabz_chat__post(&f->chat, &f->s, "general", big, 1000, 1, &data, &retry));
	cJSON_Delete(data);
	/* Nothing refused was queued or spent: one post, two publishes. */
	assert_int_equal(drain(&f->chat, NULL, NULL, NULL), 2);
	assert_int_equal(f->chat.posted, 1);
}

static void test_post_queues_message_then_recent(void **state)
{
	struct fixture *f = *state;
	const char *topics[] = {"crypto/chat/BTC", "crypto/chat/BTC/recent"};
	const char *types[] = {"chat_message", "chat_recent"};
	bool retain[] = {false, true};
	cJSON *data = NULL, *recent;
	int64_t retry;

	/* init queued each room's (empty) recent, retained */
	assert_int_equal(drain(&f->chat, NULL, NULL, NULL), 4);
	f->s.metadata = cJSON_Parse("{\"display_name\": \"  Sara \\u0633\\u0627\\u0631\\u0627  \"}");
	assert_null(nabz_chat__post(&f->chat, &f->s, "BTC", "to the moon", 1000, 1700000000000, &data, &retry));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(data, "id"));
	cJSON_Delete(data);
	assert_int_equal(drain(&f->chat, topics, types, retain), 2);
	recent = nabz_chat__recent_json(&f->chat, nabz_chat__room(&f->chat, "BTC"));
	{
		const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(recent, "messages"), 0);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "text")->valuestring, "to the moon");
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "name")->valuestring, "Sara \xd8\xb3\xd8\xa7\xd8\xb1\xd8\xa7");
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "session_id")->valuestring, f->s.session_id);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "client_type")->valuestring, "browser");
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "ts")->valuestring, "2023-11-14T22:13:20.000Z");
	}
	cJSON_Delete(recent);
}

static int count_recent(struct fixture *f, const char *room, char ids[][NABZ_UUID_STR_LEN])
{
	cJSON *recent = nabz_chat__recent_json(&f->chat, nabz_chat__room(&f->chat, room));
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(recent, "messages");
	int n = cJSON_GetArraySize(list);

	for(int i = 0; ids && i < n; i++){
		strcpy(ids[i], cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, i), "text")->valuestring);
	}
	cJSON_Delete(recent);
	return n;
}

static void test_history_ring_and_remove(void **state)
{
	struct fixture *f = *state;
	char id[6][NABZ_UUID_STR_LEN], texts[3][NABZ_UUID_STR_LEN];
	int64_t retry;

	f->s.address = (char *)"127.0.0.1";   /* not exempt here ("none"): 4 at once */
	for(int i = 0; i < 6; i++){
		cJSON *data = NULL;
		char text[8];
		snprintf(text, sizeof(text), "m%d", i);
		/* a fresh bucket for each: the ring is under test, not the limits */
		memset(&f->s.chat_bucket, 0, sizeof(f->s.chat_bucket));
		assert_null(nabz_chat__post(&f->chat, &f->s, "fa", text, 1000 + i * 60000, 1, &data, &retry));
		strcpy(id[i], cJSON_GetObjectItemCaseSensitive(data, "id")->valuestring);
		cJSON_Delete(data);
	}
	/* History 3: the last three, oldest first. */
	assert_int_equal(count_recent(f, "fa", texts), 3);
	assert_string_equal(texts[0], "m3");
	assert_string_equal(texts[2], "m5");
	drain(&f->chat, NULL, NULL, NULL);
	assert_string_equal(nabz_chat__remove(&f->chat, "fa", id[0], 1), NABZ_ERR_CHAT_NOT_FOUND);   /* pushed out */
	assert_string_equal(nabz_chat__remove(&f->chat, "nope", id[4], 1), NABZ_ERR_CHAT_ROOM);
	assert_string_equal(nabz_chat__remove(&f->chat, "en", id[4], 1), NABZ_ERR_CHAT_NOT_FOUND);
	{
		const char *topics[] = {"crypto/chat/fa", "crypto/chat/fa/recent"};
		const char *types[] = {"chat_removed", "chat_recent"};
		bool retain[] = {false, true};
		assert_null(nabz_chat__remove(&f->chat, "fa", id[4], 1));
		assert_int_equal(drain(&f->chat, topics, types, retain), 2);
	}
	assert_int_equal(count_recent(f, "fa", texts), 2);
	assert_string_equal(texts[0], "m3");
	assert_string_equal(texts[1], "m5");
	/* The ring goes on correctly after a hole. */
	memset(&f->s.chat_bucket, 0, sizeof(f->s.chat_bucket));
	{
		cJSON *data = NULL;
		assert_null(nabz_chat__post(&f->chat, &f->s, "fa", "m6", 900000, 1, &data, &retry));
		cJSON_Delete(data);
	}
	assert_int_equal(count_recent(f, "fa", texts), 3);
	assert_string_equal(texts[0], "m3");
	assert_string_equal(texts[2], "m6");
}

static void test_limits_session_then_address(void **state)
{
	struct fixture *f = *state;
	struct nabz_session other = f->s;
	cJSON *data = NULL;
	int64_t retry = 0;

	strcpy(other.session_id, "5e55a1d0-0000-4000-8000-000000000002");
	for(int i = 0; i < 3; i++){
		assert_null(nabz_chat__post(&f->chat, &f->s, "general", "x", 1000, 1, &data, &retry));
		cJSON_Delete(data);
	}
	assert_string_equal(nabz_chat__post(&f->chat, &f->s, "general", "x", 1000, 1, &data, &retry), NABZ_ERR_CHAT_RATE);
	assert_true(retry > 0 && retry <= 1001);
	/* The same address, another session: one left of the address's 4. */
	assert_null(nabz_chat__post(&f->chat, &other, "general", "y", 1000, 1, &data, &retry));
	cJSON_Delete(data);
	assert_string_equal(nabz_chat__post(&f->chat, &other, "general", "y", 1000, 1, &data, &retry),
			NABZ_ERR_CHAT_ADDRESS_RATE);
	/* The refusal by the address did not cost the session its token. */
	assert_true(other.chat_bucket.tokens >= 1.0);
	/* An IPv6 /64 is one address. */
	other.address = (char *)"2001:db8:1:2::1";
	f->s.address = (char *)"2001:db8:1:2:ffff::9";
	memset(&other.chat_bucket, 0, sizeof(other.chat_bucket));
	memset(&f->s.chat_bucket, 0, sizeof(f->s.chat_bucket));
	for(int i = 0; i < 4; i++){
		assert_null(nabz_chat__post(&f->chat, i % 2 ? &other : &f->s, "general", "z", 5000, 1, &data, &retry));
		cJSON_Delete(data);
	}
	assert_string_equal(nabz_chat__post(&f->chat, &other, "general", "z", 5000, 1, &data, &retry),
			NABZ_ERR_CHAT_ADDRESS_RATE);
}

static void test_mute(void **state)
{
	struct fixture *f = *state;
	cJSON *data = NULL;
	int64_t retry;

	assert_int_equal(nabz_chat__mute(&f->chat, f->s.session_id, 10, 1000), 0);
	assert_string_equal(nabz_chat__post(&f->chat, &f->s, "general", "x", 5000, 1, &data, &retry), NABZ_ERR_CHAT_MUTED);
	assert_null(nabz_chat__post(&f->chat, &f->s, "general", "x", 11000, 1, &data, &retry));   /* ran out */
	cJSON_Delete(data);
	assert_int_equal(nabz_chat__mute(&f->chat, f->s.session_id, 60, 20000), 0);
	assert_true(nabz_chat__muted(&f->chat, f->s.session_id, 20001));
	assert_int_equal(nabz_chat__mute(&f->chat, f->s.session_id, 0, 20002), 0);
	assert_false(nabz_chat__muted(&f->chat, f->s.session_id, 20003));
	assert_false(nabz_chat__muted(&f->chat, "nobody", 0));
}

static void test_display_names(void **state)
{
	struct fixture *f = *state;
	static const struct { const char *meta; const char *want; } rows[] = {
		{NULL, "guest-5e55"},
		{"{}", "guest-5e55"},
		{"{\"display_name\": 7}", "guest-5e55"},
		{"{\"display_name\": \"   \"}", "guest-5e55"},
		{"{\"display_name\": \"a\\u0007b\"}", "guest-5e55"},
		{"{\"display_name\": \"\\u202eevil\"}", "guest-5e55"},
		{"{\"display_name\": \" Bob \"}", "Bob"},
		{"{\"display_name\": \"<b>x</b>\"}", "<b>x</b>"},        /* text; the page never renders it */
		{"{\"display_name\": \"0123456789012345678901234567890123456789\"}", "01234567890123456789012345678901"},
		/* 40 two-byte letters: cut to 16 whole ones, never half of one */
		{"{\"display_name\": \"\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628\\u0628x\"}",
			"\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8\xd8\xa8"},
	};
	char name[128];

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		cJSON_Delete(f->s.metadata);
		f->s.metadata = rows[i].meta ? cJSON_Parse(rows[i].meta) : NULL;
		nabz_chat__display_name(&f->s, 32, name, sizeof(name));
		check_row(strcmp(name, rows[i].want) == 0, "row %zu: got \"%s\", want \"%s\"", i, name, rows[i].want);
	}
}

static void test_disabled_and_config(void **state)
{
	struct nabz_config cfg;
	struct nabz_chat chat;
	struct nabz_session s = {0};
	struct mosquitto_opt off = {(char *)"chat_enabled", (char *)"false"};
	static const char *const bad[] = {"a/b", "general general", "x+", "a b c d e f g h i j k l m n o p q"};
	char err[256];
	cJSON *data = NULL;
	int64_t retry;

	(void)state;
	assert_int_equal(nabz_config__parse(&cfg, &off, 1, err, sizeof(err)), 0);
	assert_int_equal(nabz_chat__init(&chat, &cfg), 0);
	assert_null(chat.out);                      /* no rooms, nothing to publish */
	assert_string_equal(nabz_chat__post(&chat, &s, "general", "x", 0, 0, &data, &retry), NABZ_ERR_CHAT_DISABLED);
	nabz_chat__cleanup(&chat);
	nabz_config__free(&cfg);
	for(size_t i = 0; i < N_ELEMS(bad); i++){
		struct mosquitto_opt o = {(char *)"chat_rooms", (char *)bad[i]};
		check_row(nabz_config__parse(&cfg, &o, 1, err, sizeof(err)) == -1 && strstr(err, "chat_rooms"),
				"rooms \"%s\" accepted", bad[i]);
	}
}

/* The rooms' audiences: a connection counts once per room it can read,
 * services never; a filter's rooms are kept once worked out. */
static void test_audience(void **state)
{
	struct fixture *f = *state;
	static char ids[6][8];
	static const struct { const char *filters[2]; bool service; } rows[] = {
		{{"crypto/chat/general", NULL}, false},
		{{"crypto/chat/general/#", "crypto/chat/fa"}, false},      /* general once, fa */
		{{"crypto/#", NULL}, false},                               /* every room */
		{{"crypto/chat/+/recent", NULL}, false},                   /* every room's recent */
		{{"$share/g/crypto/chat/BTC", NULL}, false},
		{{"crypto/chat/#", NULL}, true},                           /* a service: nowhere */
	};
	struct nabz_registry reg;
	cJSON *stats = cJSON_CreateObject(), *want;

	assert_int_equal(nabz_registry__init(&reg, "crypto"), 0);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_session_info info = {.client = &ids[i], .client_id = "c", .service = rows[i].service};
		struct nabz_session *s = nabz_sessions__add(&reg, &info);
		assert_non_null(s);
		nabz_sessions__confirm(&reg, s);
		for(size_t k = 0; k < 2 && rows[i].filters[k]; k++){
			assert_int_equal(nabz_sessions__subscribe(&reg, s, rows[i].filters[k]), 0);
		}
	}
	assert_true(nabz_chat__add_audience(&f->chat, &reg, "crypto", stats));
	want = cJSON_Parse("{\"chat_rooms\": {\"general\": 4, \"BTC\": 3, \"fa\": 3, \"en\": 2}}");
	assert_true(cJSON_Compare(want, stats, true));
	/* Asked again (the masks now kept): the same. */
	cJSON_Delete(stats);
	stats = cJSON_CreateObject();
	assert_true(nabz_chat__add_audience(&f->chat, &reg, "crypto", stats));
	assert_true(cJSON_Compare(want, stats, true));
	cJSON_Delete(want);
	cJSON_Delete(stats);
	nabz_registry__cleanup(&reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_room_names),
		cmocka_unit_test(test_chat_text_utf8),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test_setup_teardown(test_post_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_queues_message_then_recent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_ring_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_session_then_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_display_names, setup, teardown),
		cmocka_unit_test(test_disabled_and_config),
		cmocka_unit_test_setup_teardown(test_audience, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
