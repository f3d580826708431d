/* Unit tests for plugin/control.c: the $CONTROL/nabz/v1 dispatcher. Every
 * request goes in as an exact-size heap buffer without a terminator, as a
 * broker payload may, so ASan sees any read past its end. */
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include <cjson/cJSON.h>

#include "nabz_test.h"

#include "config.h"
#include "control.h"
#include "nabz.h"
#include "stats.h"
#include "timeutil.h"

#define UUID_V4_RE "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
#define RFC3339_MS_RE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"

static char clients[64];
#define C(i) ((const void *)&clients[(i)])

/* ---- fixture ---------------------------------------------------------- */

static int setup_opts(void **state, const struct mosquitto_opt *opts, int n)
{
	struct nabz *nabz = calloc(1, sizeof(*nabz));
	char err[256];

	if(nabz == NULL) return -1;
	if(nabz_config__parse(&nabz->cfg, opts, n, err, sizeof(err)) != 0){
		print_error("config: %s\n", err);
		free(nabz);
		return -1;
	}
	if(nabz_registry__init(&nabz->reg, nabz->cfg.topic_prefix) != 0){
		nabz_config__free(&nabz->cfg);
		free(nabz);
		return -1;
	}
	nabz->prefix_len = strlen(nabz->cfg.topic_prefix);
	nabz->started_ms = nabz_time__mono_ms();
	*state = nabz;
	return 0;
}

static int setup(void **state)
{
	return setup_opts(state, NULL, 0);
}

/* Requests up to 1 MiB, so the JSON parser itself meets deep nesting. */
static int setup_big(void **state)
{
	struct mosquitto_opt opt = {(char *)"max_control_payload", (char *)"1048576"};
	return setup_opts(state, &opt, 1);
}

static int setup_small(void **state)
{
	struct mosquitto_opt opts[] = {
		{(char *)"max_control_payload", (char *)"64"},
		{(char *)"max_commands", (char *)"2"},
		{(char *)"max_metadata_bytes", (char *)"16"},
	};
	return setup_opts(state, opts, (int)N_ELEMS(opts));
}

static int teardown(void **state)
{
	struct nabz *nabz = *state;

	nabz_registry__cleanup(&nabz->reg);
	nabz_config__free(&nabz->cfg);
	free(nabz);
	return 0;
}

static struct nabz_session *add_session(struct nabz *nabz, size_t i, const char *client_id,
		bool admin, bool service)
{
	struct nabz_session_info info = {
		.client = C(i),
		.client_id = client_id,
		.username = admin ? "root" : service ? "bridge" : NULL,
		.address = "/run/nabz/mqtt.sock",
		.transport = NABZ_TRANSPORT_WEBSOCKET,
		.admin = admin,
		.service = service,
		.connected_at_ms = nabz_time__wall_ms(),
	};
	struct nabz_session *s = nabz_sessions__add(&nabz->reg, &info);

	assert_non_null(s);
	nabz_sessions__confirm(&nabz->reg, s);
	return s;
}

/* ---- helpers ---------------------------------------------------------- */

static bool matches(const char *re, const char *s)
{
	regex_t r;
	int rc;

	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	return rc == 0;
}

/* Sends len bytes and returns the parsed answer, checked to be exactly
 * {"responses": [...]}. */
static cJSON *request_len(struct nabz *nabz, struct nabz_session *s, const void *payload, size_t len)
{
	void *copy = len ? malloc(len) : NULL;
	char *out;
	cJSON *root;
	const cJSON *responses;

	if(len){
		assert_non_null(copy);
		memcpy(copy, payload, len);
	}
	out = nabz_control__process(nabz, s, copy, len);
	free(copy);
	assert_non_null(out);
	root = cJSON_Parse(out);
	check_row(root != NULL, "answer is not JSON: %s", out);
	cJSON_free(out);
	responses = cJSON_GetObjectItemCaseSensitive(root, "responses");
	check_row(cJSON_IsObject(root) && cJSON_GetArraySize(root) == 1 && cJSON_IsArray(responses),
			"answer is not {\"responses\": [...]}");
	return root;
}

static cJSON *request(struct nabz *nabz, struct nabz_session *s, const char *payload)
{
	return request_len(nabz, s, payload, strlen(payload));
}

static int response_count(const cJSON *root)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "responses"));
}

static const cJSON *response_at(const cJSON *root, int i)
{
	const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "responses"), i);
	check_row(cJSON_IsObject(r), "no response %d", i);
	return r;
}

static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static double number_of(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	check_row(cJSON_IsNumber(item), "\"%s\" is not a number", key);
	return item->valuedouble;
}

/* Response i is an error answer for command with exactly that error. */
#define ASSERT_ERROR(root, i, command, error) assert_error_at(__LINE__, (root), (i), (command), (error))
static void assert_error_at(int line, const cJSON *root, int i, const char *command, const char *error)
{
	const cJSON *r = response_at(root, i);
	const char *c = string_of(r, "command"), *e = string_of(r, "error");

	check_row(c && strcmp(c, command) == 0, "line %d: response %d command \"%s\", want \"%s\"",
			line, i, c ? c : "(none)", command);
	check_row(e && strcmp(e, error) == 0, "line %d: response %d error \"%s\", want \"%s\"",
			line, i, e ? e : "(none)", error);
	check_row(cJSON_GetObjectItemCaseSensitive(r, "data") == NULL, "line %d: error with data", line);
}

/* Response i is a data answer for command; returns the data. */
#define DATA(root, i, command) data_at(__LINE__, (root), (i), (command))
static const cJSON *data_at(int line, const cJSON *root, int i, const char *command)
{
	const cJSON *r = response_at(root, i);
	const char *c = string_of(r, "command"), *e = string_of(r, "error");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(r, "data");

	check_row(c && strcmp(c, command) == 0, "line %d: response %d command \"%s\", want \"%s\"",
			line, i, c ? c : "(none)", command);
	check_row(e == NULL, "line %d: response %d error \"%s\"", line, i, e);
	check_row(data != NULL, "line %d: response %d has no data", line, i);
	return data;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- getStats --------------------------------------------------------- */

static void test_get_stats(void **state)
{
	struct nabz *nabz = *state;
	struct nabz_session *a = add_session(nabz, 0, "browser-1", false, false);
	struct nabz_session *b = add_session(nabz, 1, "mobile-1", false, false);
	cJSON *root, *want;
	const cJSON *data;

	add_session(nabz, 2, "bridge", false, true);
	nabz_sessions__subscribe(&nabz->reg, a, "crypto/#");
	nabz_sessions__subscribe(&nabz->reg, b, "crypto/prices/BTC");
	nabz->started_ms -= 5000;

	root = request(nabz, a, "{\"commands\":[{\"command\":\"getStats\"}]}");
	assert_int_equal(response_count(root), 1);
	data = DATA(root, 0, "getStats");
	assert_in_range((uint64_t)number_of(data, "uptime_s"), 5, 6);
	want = cJSON_Parse("{\"active_connections\":2,\"unique_users\":2,\"total_sessions\":2,"
			"\"peak_connections\":2,\"client_types\":{\"browser\":1,\"mobile\":1},"
			"\"groups\":{\"prices\":2,\"market\":1,\"news\":1,\"alerts\":1,\"signals\":1,\"chat\":1},\"nodes\":1}");
	cJSON_AddNumberToObject(want, "uptime_s", number_of(data, "uptime_s"));
	assert_true(cJSON_Compare(want, data, true));
	cJSON_Delete(want);
	cJSON_Delete(root);

	/* Anyone may ask, a client the registry does not know too. */
	root = request(nabz, NULL, "{\"commands\":[{\"command\":\"getStats\",\"extra\":[1,2]}]}");
	data = DATA(root, 0, "getStats");
	assert_int_equal((int)number_of(data, "active_connections"), 2);
	cJSON_Delete(root);
}

/* ---- hello ------------------------------------------------------------ */

static void test_hello_valid(void **state)
{
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "browser-1", false, false);
	struct nabz_session *t = add_session(nabz, 1, "browser-2", false, false);
	cJSON *root, *meta_want;
	const cJSON *data;
	char ts[NABZ_RFC3339_LEN];

	assert_int_equal(nabz->reg.counts.by_type[NABZ_CT_BROWSER], 2);
	root = request(nabz, s, "{\"commands\":[{\"command\":\"hello\",\"client_type\":\"mobile\","
			"\"user_id\":\"device-1\",\"metadata\":{\"app\":\"web\",\"v\":2,\"n\":{\"a\":[1,2,null]}}}]}");
	data = DATA(root, 0, "hello");
	check_row(string_of(data, "session_id") && matches(UUID_V4_RE, string_of(data, "session_id")),
			"session_id %s", string_of(data, "session_id"));
	assert_string_equal(string_of(data, "session_id"), s->session_id);
	assert_string_equal(string_of(data, "client_type"), "mobile");
	nabz_time__rfc3339(s->connected_at_ms, ts, sizeof(ts));
	assert_string_equal(string_of(data, "connected_at"), ts);
	assert_true(matches(RFC3339_MS_RE, string_of(data, "connected_at")));
	meta_want = cJSON_Parse("{\"app\":\"web\",\"v\":2,\"n\":{\"a\":[1,2,null]}}");
	assert_true(cJSON_Compare(meta_want, cJSON_GetObjectItemCaseSensitive(data, "metadata"), true));
	assert_true(cJSON_Compare(meta_want, s->metadata, true));
	cJSON_Delete(meta_want);
	/* Admin-only fields stay out of a client's own answer. */
	assert_null(cJSON_GetObjectItemCaseSensitive(data, "client_id"));
	assert_null(cJSON_GetObjectItemCaseSensitive(data, "address"));
	cJSON_Delete(root);

	/* The counts follow. */
	assert_int_equal(s->type, NABZ_CT_MOBILE);
	assert_string_equal(s->user_id, "device-1");
	assert_int_equal(nabz->reg.counts.by_type[NABZ_CT_BROWSER], 1);
	assert_int_equal(nabz->reg.counts.by_type[NABZ_CT_MOBILE], 1);
	assert_int_equal(nabz->reg.counts.unique_users, 2);

	/* A second tab of the same device: one user. No metadata: {}. */
	root = request(nabz, t, "{\"commands\":[{\"command\":\"hello\",\"client_type\":\"browser\","
			"\"user_id\":\"device-1\"}]}");
	data = DATA(root, 0, "hello");
	assert_string_equal(string_of(data, "client_type"), "browser");
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(data, "metadata")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data, "metadata")), 0);
	assert_int_equal(nabz->reg.counts.unique_users, 1);
	assert_int_equal(nabz->reg.counts.active, 2);
	cJSON_Delete(root);

	/* An empty hello changes nothing and still answers the session. */
	root = request(nabz, s, "{\"commands\":[{\"command\":\"hello\"}]}");
	data = DATA(root, 0, "hello");
	assert_string_equal(string_of(data, "client_type"), "mobile");
	assert_string_equal(string_of(data, "session_id"), s->session_id);
	assert_non_null(s->metadata);
	cJSON_Delete(root);
}

static void test_hello_no_session(void **state)
{
	struct nabz *nabz = *state;
	cJSON *root = request(nabz, NULL, "{\"commands\":[{\"command\":\"hello\",\"client_type\":\"api\"}]}");

	ASSERT_ERROR(root, 0, "hello", NABZ_ERR_NO_SESSION);
	cJSON_Delete(root);
}

static void test_hello_invalid(void **state)
{
	char *long_id = repeat('a', NABZ_USER_ID_MAX + 1);
	char *long_meta = repeat('x', 2041); /* {"k":"..."} prints to 2049 bytes */
	char *big_meta = repeat('x', 15000); /* under the 16 KiB request limit */
	char args_long_id[256], args_long_meta[2100];
	char *args_big_meta = malloc(100100);
	const struct {
		const char *args;
		const char *error;
	} rows[] = {
		{"\"client_type\":\"desktop\"", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":\"\"", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":\"Browser\"", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":\"web\"", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":\"api \"", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":5", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":null", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":true", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":[\"api\"]", NABZ_ERR_CLIENT_TYPE},
		{"\"client_type\":{\"api\":1}", NABZ_ERR_CLIENT_TYPE},
		{"\"user_id\":\"\"", NABZ_ERR_USER_ID},
		{"\"user_id\":5", NABZ_ERR_USER_ID},
		{"\"user_id\":null", NABZ_ERR_USER_ID},
		{"\"user_id\":false", NABZ_ERR_USER_ID},
		{"\"user_id\":[\"u\"]", NABZ_ERR_USER_ID},
		{"\"user_id\":{}", NABZ_ERR_USER_ID},
		{args_long_id, NABZ_ERR_USER_ID},
		{"\"metadata\":\"x\"", NABZ_ERR_METADATA},
		{"\"metadata\":[]", NABZ_ERR_METADATA},
		{"\"metadata\":[{}]", NABZ_ERR_METADATA},
		{"\"metadata\":5", NABZ_ERR_METADATA},
		{"\"metadata\":null", NABZ_ERR_METADATA},
		{"\"metadata\":true", NABZ_ERR_METADATA},
		{args_long_meta, NABZ_ERR_METADATA_SIZE},
		{args_big_meta, NABZ_ERR_METADATA_SIZE},
		/* One bad argument spoils the whole hello: nothing is applied. */
		{"\"client_type\":\"iot\",\"user_id\":\"\"", NABZ_ERR_USER_ID},
		{"\"client_type\":\"iot\",\"user_id\":\"new\",\"metadata\":[]", NABZ_ERR_METADATA},
		{"\"user_id\":\"new\",\"metadata\":{\"a\":1},\"client_type\":\"x\"", NABZ_ERR_CLIENT_TYPE},
		{args_long_meta, NABZ_ERR_METADATA_SIZE},
	};
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "browser-1", false, false);
	cJSON *keep_meta;

	assert_non_null(args_big_meta);
	snprintf(args_long_id, sizeof(args_long_id), "\"user_id\":\"%s\"", long_id);
	snprintf(args_long_meta, sizeof(args_long_meta), "\"client_type\":\"bot\",\"metadata\":{\"k\":\"%s\"}", long_meta);
	snprintf(args_big_meta, 100100, "\"metadata\":{\"k\":\"%s\"}", big_meta);
	/* The session's state before: type browser, user "keep", metadata {"k":1}. */
	assert_int_equal(nabz_sessions__hello(&nabz->reg, s, NULL, "keep", cJSON_Parse("{\"k\":1}")), 0);
	keep_meta = cJSON_Parse("{\"k\":1}");

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_counts before = nabz->reg.counts;
		size_t len = strlen(rows[i].args) + 64;
		char *payload = malloc(len);
		cJSON *root;

		assert_non_null(payload);
		snprintf(payload, len, "{\"commands\":[{\"command\":\"hello\",%s}]}", rows[i].args);
		root = request(nabz, s, payload);
		check_row(response_count(root) == 1, "row %zu", i);
		{
			const cJSON *r = response_at(root, 0);
			const char *e = string_of(r, "error");
			check_row(e && strcmp(e, rows[i].error) == 0 && strcmp(string_of(r, "command"), "hello") == 0
					&& cJSON_GetObjectItemCaseSensitive(r, "data") == NULL,
					"row %zu (%.80s): error \"%s\", want \"%s\"", i, rows[i].args, e ? e : "(none)", rows[i].error);
		}
		check_row(memcmp(&before, &nabz->reg.counts, sizeof(before)) == 0, "row %zu changed the counts", i);
		check_row(s->type == NABZ_CT_BROWSER, "row %zu changed the type", i);
		check_row(s->user_id && strcmp(s->user_id, "keep") == 0, "row %zu changed the user id", i);
		check_row(cJSON_Compare(s->metadata, keep_meta, true), "row %zu changed the metadata", i);
		cJSON_Delete(root);
		free(payload);
	}
	cJSON_Delete(keep_meta);
	free(long_id);
	free(long_meta);
	free(big_meta);
	free(args_big_meta);
}

/* The limits themselves are allowed. */
static void test_hello_limits(void **state)
{
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "api-1", false, false);
	char *id = repeat('u', NABZ_USER_ID_MAX);
	char *meta = repeat('m', 2040); /* {"k":"..."} prints to exactly 2048 bytes */
	char payload[4096];
	cJSON *root;

	snprintf(payload, sizeof(payload), "{\"commands\":[{\"command\":\"hello\",\"user_id\":\"%s\","
			"\"metadata\":{\"k\":\"%s\"}}]}", id, meta);
	root = request(nabz, s, payload);
	DATA(root, 0, "hello");
	assert_string_equal(s->user_id, id);
	cJSON_Delete(root);

	/* Size is that of the metadata printed compactly: spaces in the
	 * request do not count. */
	snprintf(payload, sizeof(payload), "{\"commands\":[{\"command\":\"hello\","
			"\"metadata\":{   \"k\"   :   \"%s\"   }}]}", meta);
	root = request(nabz, s, payload);
	DATA(root, 0, "hello");
	cJSON_Delete(root);

	/* 128 bytes of two-byte characters: allowed; one more: refused. */
	{
		char utf8[300] = "";
		for(int i = 0; i < 64; i++) strcat(utf8, "\xc3\xa9");
		snprintf(payload, sizeof(payload), "{\"commands\":[{\"command\":\"hello\",\"user_id\":\"%s\"}]}", utf8);
		root = request(nabz, s, payload);
		DATA(root, 0, "hello");
		cJSON_Delete(root);
		strcat(utf8, "\xc3\xa9");
		snprintf(payload, sizeof(payload), "{\"commands\":[{\"command\":\"hello\",\"user_id\":\"%s\"}]}", utf8);
		root = request(nabz, s, payload);
		ASSERT_ERROR(root, 0, "hello", NABZ_ERR_USER_ID);
		cJSON_Delete(root);
	}
	free(id);
	free(meta);
}

/* ---- listSessions ----------------------------------------------------- */

static void test_list_sessions(void **state)
{
	struct nabz *nabz = *state;
	struct nabz_session *user = add_session(nabz, 0, "browser-1", false, false);
	struct nabz_session *admin = add_session(nabz, 1, "api-admin", true, false);
	struct nabz_session_info pending = {.client = C(3), .client_id = "mobile-pending"};
	cJSON *root;
	const cJSON *data, *list, *item;
	int seen_service = 0, seen_user = 0;

	add_session(nabz, 2, "bridge-1", false, true);
	assert_non_null(nabz_sessions__add(&nabz->reg, &pending));
	nabz_sessions__subscribe(&nabz->reg, user, "crypto/prices/+");
	nabz_sessions__hello(&nabz->reg, user, NULL, "dev-1", cJSON_Parse("{\"ua\":\"x\"}"));

	/* Not for ordinary clients, nor for unknown ones. */
	root = request(nabz, user, "{\"commands\":[{\"command\":\"listSessions\"}]}");
	assert_int_equal(response_count(root), 1);
	ASSERT_ERROR(root, 0, "listSessions", NABZ_ERR_NOT_AUTHORISED);
	cJSON_Delete(root);
	root = request(nabz, NULL, "{\"commands\":[{\"command\":\"listSessions\"}]}");
	ASSERT_ERROR(root, 0, "listSessions", NABZ_ERR_NOT_AUTHORISED);
	cJSON_Delete(root);

	/* An admin gets every confirmed session, services included. */
	root = request(nabz, admin, "{\"commands\":[{\"command\":\"listSessions\"}]}");
	data = DATA(root, 0, "listSessions");
	list = cJSON_GetObjectItemCaseSensitive(data, "sessions");
	assert_true(cJSON_IsArray(list));
	assert_int_equal(cJSON_GetArraySize(list), 3);
	assert_int_equal((int)number_of(data, "count"), 3);
	cJSON_ArrayForEach(item, list){
		const char *cid = string_of(item, "client_id");
		const cJSON *service = cJSON_GetObjectItemCaseSensitive(item, "service");

		assert_non_null(cid);
		assert_string_not_equal(cid, "mobile-pending");
		assert_true(matches(UUID_V4_RE, string_of(item, "session_id")));
		assert_non_null(string_of(item, "client_type"));
		assert_true(matches(RFC3339_MS_RE, string_of(item, "connected_at")));
		assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(item, "metadata")));
		assert_string_equal(string_of(item, "transport"), "websocket");
		assert_true(cJSON_IsBool(service));
		assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(item, "groups")));
		if(strcmp(cid, "bridge-1") == 0){
			assert_true(cJSON_IsTrue(service));
			assert_string_equal(string_of(item, "username"), "bridge");
			seen_service++;
		}
		if(strcmp(cid, "browser-1") == 0){
			const cJSON *groups = cJSON_GetObjectItemCaseSensitive(item, "groups");
			assert_string_equal(string_of(item, "session_id"), user->session_id);
			assert_string_equal(string_of(item, "user_id"), "dev-1");
			assert_string_equal(string_of(item, "address"), "/run/nabz/mqtt.sock");
			assert_int_equal(cJSON_GetArraySize(groups), 1);
			assert_string_equal(cJSON_GetArrayItem(groups, 0)->valuestring, "prices");
			assert_string_equal(string_of(cJSON_GetObjectItemCaseSensitive(item, "metadata"), "ua"), "x");
			seen_user++;
		}
	}
	assert_int_equal(seen_service, 1);
	assert_int_equal(seen_user, 1);
	cJSON_Delete(root);
}

/* ---- junk ------------------------------------------------------------- */

static void test_junk_payloads(void **state)
{
	static const struct {
		const char *payload;
		size_t len; /* 0: strlen */
		const char *command;
		const char *error;
	} rows[] = {
		{"", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"not json", 0, "unknown", NABZ_ERR_NOT_JSON},
		{" ", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"{", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"}", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"{\"commands\":[{\"command\":\"getStats\"}]", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"{\"commands\":[{\"command\":\"getStats\"}}", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"{'commands':[]}", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"\xff\xfe\xfd", 0, "unknown", NABZ_ERR_NOT_UTF8},
		{"{\"commands\":[{\"command\":\"\xff\xfe\"}]}", 0, "unknown", NABZ_ERR_NOT_UTF8},
		{"{\"commands\":[{\"command\":\"\xc0\xaf\"}]}", 0, "unknown", NABZ_ERR_NOT_UTF8},
		{"{\"commands\":[{\"command\":\"\xed\xa0\x80\"}]}", 0, "unknown", NABZ_ERR_NOT_UTF8},
		{"{\"commands\":[{\"command\":\"getStats\"}]}\xe2", 0, "unknown", NABZ_ERR_NOT_UTF8},
		{"\0", 1, "unknown", NABZ_ERR_NUL},
		{"nu\0ll", 5, "unknown", NABZ_ERR_NUL},
		{"{\"commands\":[\0]}", 16, "unknown", NABZ_ERR_NUL},
		{"{\"commands\":[{\"command\":\"hello\",\"user_id\":\"\\u0000\"}]}", 0, "unknown", NABZ_ERR_NUL},
		{"{\"commands\":[{\"command\":\"hello\",\"user_id\":\"ab\\u0000cd\"}]}", 0, "unknown", NABZ_ERR_NUL},
		{"{\"commands\":[{\"command\":\"x\\\\\\u0000\"}]}", 0, "unknown", NABZ_ERR_NUL},
		{"{\"commands\":[{\"command\":\"getStats\"}]} junk", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"{\"commands\":[{\"command\":\"getStats\"}]}{}", 0, "unknown", NABZ_ERR_NOT_JSON},
		{"{\"commands\":[{\"command\":\"getStats\"}]}]", 0, "unknown", NABZ_ERR_NOT_JSON},
		/* a backslash then u0000 is text: only the escape is a NUL */
		{"{\"commands\":[{\"command\":\"a\\\\u0000\"}]}", 0, "a\\u0000", NABZ_ERR_UNKNOWN_COMMAND},
		/* the valid request cut one byte short */
		{"{\"commands\":[{\"command\":\"getStats\"}]}", 36, "unknown", NABZ_ERR_NOT_JSON},
		{"null", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"true", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"0", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"\"commands\"", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"[]", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"[{\"commands\":[{\"command\":\"getStats\"}]}]", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":[]}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":{}}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":{\"command\":\"getStats\"}}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":null}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":\"getStats\"}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":1}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"Commands\":[{\"command\":\"getStats\"}]}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"command\":\"getStats\"}", 0, "unknown", NABZ_ERR_NO_COMMANDS},
		{"{\"commands\":[1]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[null]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[\"getStats\"]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[[{\"command\":\"getStats\"}]]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":5}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":null}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":true}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":[\"getStats\"]}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":{\"name\":\"getStats\"}}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":\"\"}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"Command\":\"getStats\"}]}", 0, "unknown", NABZ_ERR_INVALID_COMMAND},
		{"{\"commands\":[{\"command\":\"nope\"}]}", 0, "nope", NABZ_ERR_UNKNOWN_COMMAND},
		{"{\"commands\":[{\"command\":\"getstats\"}]}", 0, "getstats", NABZ_ERR_UNKNOWN_COMMAND},
		{"{\"commands\":[{\"command\":\"GETSTATS\"}]}", 0, "GETSTATS", NABZ_ERR_UNKNOWN_COMMAND},
		{"{\"commands\":[{\"command\":\"getStats \"}]}", 0, "getStats ", NABZ_ERR_UNKNOWN_COMMAND},
		{"{\"commands\":[{\"command\":\"list\\\"Sessions\"}]}", 0, "list\"Sessions", NABZ_ERR_UNKNOWN_COMMAND},
		{"{\"commands\":[{\"command\":\"\\u00e9t\\u00e9\"}]}", 0, "\xc3\xa9t\xc3\xa9", NABZ_ERR_UNKNOWN_COMMAND},
		{"{\"commands\":[{\"command\":\"createClient\"}]}", 0, "createClient", NABZ_ERR_UNKNOWN_COMMAND},
	};
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "browser-1", false, false);

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].payload);
		struct nabz_counts before = nabz->reg.counts;
		cJSON *root = request_len(nabz, s, rows[i].payload, len);
		const cJSON *r;
		const char *c, *e;

		check_row(response_count(root) == 1, "row %zu (%s): %d responses", i, rows[i].payload,
				response_count(root));
		r = response_at(root, 0);
		c = string_of(r, "command");
		e = string_of(r, "error");
		check_row(c && strcmp(c, rows[i].command) == 0, "row %zu (%s): command \"%s\", want \"%s\"",
				i, rows[i].payload, c ? c : "(none)", rows[i].command);
		check_row(e && strcmp(e, rows[i].error) == 0, "row %zu (%s): error \"%s\", want \"%s\"",
				i, rows[i].payload, e ? e : "(none)", rows[i].error);
		check_row(cJSON_GetObjectItemCaseSensitive(r, "data") == NULL, "row %zu: data in an error", i);
		check_row(memcmp(&before, &nabz->reg.counts, sizeof(before)) == 0, "row %zu changed the counts", i);
		cJSON_Delete(root);
	}

	/* No payload at all. */
	{
		char *out = nabz_control__process(nabz, s, NULL, 0);
		cJSON *root = cJSON_Parse(out);
		ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_NOT_JSON);
		cJSON_Delete(root);
		cJSON_free(out);
	}
}

/* Random bytes, and random cuts and flips of a valid request: always one
 * answer, never a crash (ASan/UBSan watch). */
static void test_fuzz_payloads(void **state)
{
	static const char valid[] = "{\"commands\":[{\"command\":\"hello\",\"client_type\":\"mobile\","
		"\"user_id\":\"u\",\"metadata\":{\"a\":[1,{\"b\":null}]},\"correlationData\":\"c\"},"
		"{\"command\":\"getStats\"},{\"command\":\"listSessions\"}]}";
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "browser-1", false, false);
	unsigned seed = 1;
	char buf[sizeof(valid)];

	for(int round = 0; round < 3000; round++){
		size_t len;
		cJSON *root;

		memcpy(buf, valid, sizeof(valid));
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(valid);
		for(int flips = 0; flips < round % 4; flips++){
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % sizeof(valid)] = (char)(seed >> 20);
		}
		root = request_len(nabz, s, buf, len);
		check_row(response_count(root) >= 1, "round %d: no answer", round);
		cJSON_Delete(root);
	}
}

static void test_max_commands(void **state)
{
	struct nabz *nabz = *state;
	char payload[4096];
	cJSON *root;

	for(long n = 1; n <= nabz->cfg.max_commands + 1; n++){
		size_t off = (size_t)snprintf(payload, sizeof(payload), "{\"commands\":[");
		for(long i = 0; i < n; i++){
			off += (size_t)snprintf(payload + off, sizeof(payload) - off, "%s{\"command\":\"getStats\"}",
					i ? "," : "");
		}
		snprintf(payload + off, sizeof(payload) - off, "]}");
		root = request(nabz, NULL, payload);
		if(n <= nabz->cfg.max_commands){
			check_row(response_count(root) == (int)n, "%ld commands: %d answers", n, response_count(root));
			for(int i = 0; i < (int)n; i++) DATA(root, i, "getStats");
		}else{
			assert_int_equal(response_count(root), 1);
			ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_MANY);
		}
		cJSON_Delete(root);
	}
	/* Junk elements count as commands too. */
	root = request(nabz, NULL, "{\"commands\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}");
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_MANY);
	cJSON_Delete(root);
}

static void test_payload_size(void **state)
{
	static const char body[] = "{\"commands\":[{\"command\":\"getStats\"}]}";
	struct nabz *nabz = *state;
	size_t max = (size_t)nabz->cfg.max_control_payload;
	char *buf = malloc(max + 2);
	cJSON *root;

	assert_int_equal(max, 16384);
	assert_non_null(buf);
	/* Exactly the limit: answered. */
	memset(buf, ' ', max + 1);
	memcpy(buf, body, sizeof(body) - 1);
	root = request_len(nabz, NULL, buf, max);
	DATA(root, 0, "getStats");
	cJSON_Delete(root);
	/* One byte more: refused before parsing. */
	root = request_len(nabz, NULL, buf, max + 1);
	assert_int_equal(response_count(root), 1);
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_LARGE);
	cJSON_Delete(root);
	free(buf);
}

static void test_small_limits(void **state)
{
	struct nabz *nabz = *state;
	static const char body[] = "{\"commands\":[{\"command\":\"getStats\"}]}";
	char buf[128];
	cJSON *root;

	/* 64 bytes allowed, 65 not. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, body, sizeof(body) - 1);
	root = request_len(nabz, NULL, buf, 64);
	DATA(root, 0, "getStats");
	cJSON_Delete(root);
	root = request_len(nabz, NULL, buf, 65);
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_LARGE);
	cJSON_Delete(root);
	/* Two commands allowed, three not. */
	root = request(nabz, NULL, "{\"commands\":[{\"command\":\"getStats\"},{\"command\":\"x\"}]}");
	assert_int_equal(response_count(root), 2);
	cJSON_Delete(root);
	root = request(nabz, NULL, "{\"commands\":[{\"command\":\"a\"},{\"command\":\"b\"},{\"command\":\"c\"}]}");
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_MANY);
	cJSON_Delete(root);
	/* 16 bytes of metadata allowed, 17 not. */
	{
		struct nabz_session *s = add_session(nabz, 0, "api-1", false, false);
		root = request(nabz, s, "{\"commands\":[{\"command\":\"hello\",\"metadata\":{\"a\":\"12345678\"}}]}");
		DATA(root, 0, "hello");
		cJSON_Delete(root);
		root = request(nabz, s, "{\"commands\":[{\"command\":\"hello\",\"metadata\":{\"a\":\"123456789\"}}]}");
		ASSERT_ERROR(root, 0, "hello", NABZ_ERR_METADATA_SIZE);
		cJSON_Delete(root);
	}
}

/* With the default 16 KiB limit deep nesting never reaches the parser. */
static void test_deep_nesting_default(void **state)
{
	struct nabz *nabz = *state;
	char *deep = repeat('[', 100000);
	cJSON *root = request(nabz, NULL, deep);

	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_LARGE);
	cJSON_Delete(root);
	free(deep);
	/* 16000 '[' fit: the parser's own depth limit refuses them. */
	deep = repeat('[', 16000);
	root = request(nabz, NULL, deep);
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_NOT_JSON);
	cJSON_Delete(root);
	free(deep);
}

static void test_deep_nesting_big(void **state)
{
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "api-1", false, false);
	size_t depth = 100000;
	char *buf = malloc(5 * depth + 256);
	cJSON *root;

	assert_non_null(buf);
	/* Unbalanced. */
	memset(buf, '[', depth);
	root = request_len(nabz, s, buf, depth);
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_NOT_JSON);
	cJSON_Delete(root);
	/* Balanced. */
	memset(buf + depth, ']', depth);
	root = request_len(nabz, s, buf, 2 * depth);
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_NOT_JSON);
	cJSON_Delete(root);
	/* Objects. */
	for(size_t i = 0; i < depth; i++) memcpy(buf + 5 * i, "{\"a\":", 5);
	root = request_len(nabz, s, buf, 5 * depth);
	ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_NOT_JSON);
	cJSON_Delete(root);
	/* Inside a command's metadata, too deep to parse. */
	{
		size_t off = (size_t)sprintf(buf, "{\"commands\":[{\"command\":\"hello\",\"metadata\":");
		for(size_t i = 0; i < 2000; i++) off += (size_t)sprintf(buf + off, "{\"a\":");
		off += (size_t)sprintf(buf + off, "1");
		for(size_t i = 0; i < 2000; i++) buf[off++] = '}';
		off += (size_t)sprintf(buf + off, "}]}");
		root = request_len(nabz, s, buf, off);
		ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_NOT_JSON);
		cJSON_Delete(root);
	}
	/* Deep but parseable metadata: refused by size, session untouched. */
	{
		size_t off = (size_t)sprintf(buf, "{\"commands\":[{\"command\":\"hello\",\"metadata\":");
		for(size_t i = 0; i < 900; i++) off += (size_t)sprintf(buf + off, "{\"a\":");
		off += (size_t)sprintf(buf + off, "1");
		for(size_t i = 0; i < 900; i++) buf[off++] = '}';
		off += (size_t)sprintf(buf + off, "}]}");
		root = request_len(nabz, s, buf, off);
		ASSERT_ERROR(root, 0, "hello", NABZ_ERR_METADATA_SIZE);
		assert_null(s->metadata);
		cJSON_Delete(root);
	}
	/* A huge array of commands is refused by count. */
	{
		size_t off = (size_t)sprintf(buf, "{\"commands\":[");
		for(size_t i = 0; i < 20000; i++) off += (size_t)sprintf(buf + off, "%s{}", i ? "," : "");
		off += (size_t)sprintf(buf + off, "]}");
		root = request_len(nabz, s, buf, off);
		ASSERT_ERROR(root, 0, "unknown", NABZ_ERR_TOO_MANY);
		cJSON_Delete(root);
	}
	free(buf);
}

/* ---- correlation and order -------------------------------------------- */

static void test_correlation_data(void **state)
{
	static const struct {
		const char *command; /* the JSON of one command */
		const char *echo;    /* NULL: none expected */
	} rows[] = {
		{"{\"command\":\"getStats\",\"correlationData\":\"abc\"}", "abc"},
		{"{\"correlationData\":\"first\",\"command\":\"getStats\"}", "first"},
		{"{\"command\":\"getStats\",\"correlationData\":\"\"}", ""},
		{"{\"command\":\"getStats\",\"correlationData\":\"q\\\"u\\u00e9\"}", "q\"u\xc3\xa9"},
		{"{\"command\":\"hello\",\"client_type\":\"bad\",\"correlationData\":\"h1\"}", "h1"},
		{"{\"command\":\"listSessions\",\"correlationData\":\"l1\"}", "l1"},
		{"{\"command\":\"nope\",\"correlationData\":\"n1\"}", "n1"},
		{"{\"command\":5,\"correlationData\":\"i1\"}", "i1"},
		{"{\"correlationData\":\"i2\"}", "i2"},
		{"{\"command\":\"getStats\",\"correlationData\":5}", NULL},
		{"{\"command\":\"getStats\",\"correlationData\":null}", NULL},
		{"{\"command\":\"getStats\",\"correlationData\":{\"a\":\"b\"}}", NULL},
		{"{\"command\":\"getStats\",\"correlationData\":[\"x\"]}", NULL},
		{"{\"command\":\"getStats\"}", NULL},
		{"[\"correlationData\",\"x\"]", NULL},
	};
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "browser-1", false, false);

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char payload[512];
		cJSON *root;
		const char *got;

		snprintf(payload, sizeof(payload), "{\"commands\":[%s]}", rows[i].command);
		root = request(nabz, s, payload);
		assert_int_equal(response_count(root), 1);
		got = string_of(response_at(root, 0), "correlationData");
		if(rows[i].echo){
			check_row(got && strcmp(got, rows[i].echo) == 0, "row %zu (%s): echoed \"%s\"", i,
					rows[i].command, got ? got : "(none)");
		}else{
			check_row(cJSON_GetObjectItemCaseSensitive(response_at(root, 0), "correlationData") == NULL,
					"row %zu (%s): echoed something", i, rows[i].command);
		}
		cJSON_Delete(root);
	}
}

static void test_several_in_order(void **state)
{
	struct nabz *nabz = *state;
	struct nabz_session *s = add_session(nabz, 0, "browser-1", false, false);
	cJSON *root = request(nabz, s, "{\"commands\":["
			"{\"command\":\"getStats\",\"correlationData\":\"1\"},"
			"{\"command\":\"hello\",\"client_type\":\"iot\",\"correlationData\":\"2\"},"
			"{\"command\":\"nope\",\"correlationData\":\"3\"},"
			"{\"command\":\"listSessions\",\"correlationData\":\"4\"},"
			"{\"command\":5,\"correlationData\":\"5\"},"
			"{\"command\":\"hello\",\"client_type\":\"nope\",\"correlationData\":\"6\"},"
			"{\"command\":\"getStats\",\"correlationData\":\"7\"}]}");
	const cJSON *data;

	assert_int_equal(response_count(root), 7);
	for(int i = 0; i < 7; i++){
		char want[4];
		snprintf(want, sizeof(want), "%d", i + 1);
		check_row(strcmp(string_of(response_at(root, i), "correlationData"), want) == 0, "response %d", i);
	}
	data = DATA(root, 0, "getStats");
	assert_int_equal((int)number_of(cJSON_GetObjectItemCaseSensitive(data, "client_types"), "browser"), 1);
	data = DATA(root, 1, "hello");
	assert_string_equal(string_of(data, "client_type"), "iot");
	ASSERT_ERROR(root, 2, "nope", NABZ_ERR_UNKNOWN_COMMAND);
	ASSERT_ERROR(root, 3, "listSessions", NABZ_ERR_NOT_AUTHORISED);
	ASSERT_ERROR(root, 4, "unknown", NABZ_ERR_INVALID_COMMAND);
	ASSERT_ERROR(root, 5, "hello", NABZ_ERR_CLIENT_TYPE);
	/* The later getStats sees the earlier hello. */
	data = DATA(root, 6, "getStats");
	assert_int_equal((int)number_of(cJSON_GetObjectItemCaseSensitive(data, "client_types"), "iot"), 1);
	assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "client_types"), "browser"));
	cJSON_Delete(root);
}

/* An unknown command's name comes back as sent, however long or odd. */
static void test_unknown_name_echo(void **state)
{
	struct nabz *nabz = *state;
	char *name = repeat('z', 10000);
	char *payload = malloc(10100);
	cJSON *root;

	assert_non_null(payload);
	snprintf(payload, 10100, "{\"commands\":[{\"command\":\"%s\"}]}", name);
	root = request(nabz, NULL, payload);
	ASSERT_ERROR(root, 0, name, NABZ_ERR_UNKNOWN_COMMAND);
	cJSON_Delete(root);
	free(payload);
	free(name);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_get_stats),
		T(test_hello_valid),
		T(test_hello_no_session),
		T(test_hello_invalid),
		T(test_hello_limits),
		T(test_list_sessions),
		T(test_junk_payloads),
		T(test_fuzz_payloads),
		T(test_max_commands),
		T(test_payload_size),
		cmocka_unit_test_setup_teardown(test_small_limits, setup_small, teardown),
		T(test_deep_nesting_default),
		cmocka_unit_test_setup_teardown(test_deep_nesting_big, setup_big, teardown),
		T(test_correlation_data),
		T(test_several_in_order),
		T(test_unknown_name_echo),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
