/* Unit tests for plugin/stats.c: the contract's stats object, the topic
 * envelope and the debounce rule. */
#include <regex.h>
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "stats.h"
#include "timeutil.h"

#define RFC3339_MS_RE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"

static bool matches(const char *re, const char *s)
{
	regex_t r;
	int rc;

	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	return rc == 0;
}

/* True when obj has exactly the given keys, each once. */
static bool has_exactly(const cJSON *obj, const char *const *keys, size_t n)
{
	const cJSON *it;
	size_t count = 0;

	if(!cJSON_IsObject(obj)) return false;
	cJSON_ArrayForEach(it, obj){
		bool known = false;
		for(size_t i = 0; i < n; i++){
			if(it->string && strcmp(it->string, keys[i]) == 0) known = true;
		}
		if(!known) return false;
		count++;
	}
	for(size_t i = 0; i < n; i++){
		if(cJSON_GetObjectItemCaseSensitive(obj, keys[i]) == NULL) return false;
	}
	return count == n;
}

static double number(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	check_row(cJSON_IsNumber(item), "\"%s\" is not a number", key);
	return item->valuedouble;
}

static void test_to_json(void **state)
{
	static const char *const top_keys[] = {
		"active_connections", "unique_users", "total_sessions", "peak_connections",
		"client_types", "groups", "uptime_s",
	};
	static const char *const group_keys[] = {"prices", "market", "news", "alerts", "signals", "chat"};
	static const char *const type_keys[] = {"browser", "api", "mobile", "bot", "iot"};
	static const struct nabz_counts rows[] = {
		{0},
		{.active = 15, .unique_users = 11, .total_sessions = 23, .peak = 17,
			.by_type = {[NABZ_CT_BROWSER] = 12, [NABZ_CT_API] = 2, [NABZ_CT_MOBILE] = 1},
			.groups = {[NABZ_GROUP_MARKET] = 9, [NABZ_GROUP_PRICES] = 14,
				[NABZ_GROUP_NEWS] = 3, [NABZ_GROUP_ALERTS] = 2}},
		{.active = 5, .unique_users = 5, .total_sessions = 5, .peak = 5,
			.by_type = {1, 1, 1, 1, 1}, .groups = {0, 5, 0, 0}},
		{.active = 1, .unique_users = 1, .total_sessions = UINT64_C(9007199254740992), .peak = 100000,
			.by_type = {[NABZ_CT_IOT] = 1}},
	};
	static const int64_t uptimes[] = {0, 3600, 86400 * 365};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		const struct nabz_counts *c = &rows[i];
		cJSON *o = nabz_stats__to_json(c, uptimes[i % N_ELEMS(uptimes)]);
		const cJSON *types, *groups;
		size_t nonzero = 0;

		assert_non_null(o);
		check_row(has_exactly(o, top_keys, N_ELEMS(top_keys)), "row %zu: top-level keys", i);
		check_row(number(o, "active_connections") == (double)c->active, "row %zu", i);
		check_row(number(o, "unique_users") == (double)c->unique_users, "row %zu", i);
		check_row(number(o, "total_sessions") == (double)c->total_sessions, "row %zu", i);
		check_row(number(o, "peak_connections") == (double)c->peak, "row %zu", i);
		check_row(number(o, "uptime_s") == (double)uptimes[i % N_ELEMS(uptimes)], "row %zu", i);

		groups = cJSON_GetObjectItemCaseSensitive(o, "groups");
		check_row(has_exactly(groups, group_keys, N_ELEMS(group_keys)), "row %zu: groups keys", i);
		for(int g = 0; g < NABZ_GROUP_COUNT; g++){
			check_row(number(groups, group_keys[g]) == (double)c->groups[g], "row %zu group %s", i, group_keys[g]);
		}

		types = cJSON_GetObjectItemCaseSensitive(o, "client_types");
		assert_true(cJSON_IsObject(types));
		for(int t = 0; t < NABZ_CT_COUNT; t++){
			const cJSON *item = cJSON_GetObjectItemCaseSensitive(types, type_keys[t]);
			if(c->by_type[t] == 0){
				check_row(item == NULL, "row %zu: zero type %s present", i, type_keys[t]);
			}else{
				check_row(cJSON_IsNumber(item) && item->valuedouble == (double)c->by_type[t],
						"row %zu: type %s", i, type_keys[t]);
				nonzero++;
			}
		}
		check_row((size_t)cJSON_GetArraySize(types) == nonzero, "row %zu: extra client_types keys", i);
		cJSON_Delete(o);
	}
}

/* The contract's example, printed and read back as a consumer would. */
static void test_to_json_contract_example(void **state)
{
	struct nabz_counts c = {
		.active = 15, .unique_users = 11, .total_sessions = 23, .peak = 17,
		.by_type = {[NABZ_CT_BROWSER] = 12, [NABZ_CT_API] = 2, [NABZ_CT_MOBILE] = 1},
		.groups = {[NABZ_GROUP_MARKET] = 9, [NABZ_GROUP_PRICES] = 14,
			[NABZ_GROUP_NEWS] = 3, [NABZ_GROUP_ALERTS] = 2, [NABZ_GROUP_SIGNALS] = 4},
	};
	cJSON *want = cJSON_Parse("{\"active_connections\": 15, \"unique_users\": 11, \"total_sessions\": 23,"
			"\"peak_connections\": 17, \"client_types\": {\"browser\": 12, \"api\": 2, \"mobile\": 1},"
			"\"groups\": {\"market\": 9, \"prices\": 14, \"news\": 3, \"alerts\": 2, \"signals\": 4, \"chat\": 0}, \"uptime_s\": 3600}");
	cJSON *got = nabz_stats__to_json(&c, 3600);
	char *text = cJSON_PrintUnformatted(got);
	cJSON *reparsed = cJSON_Parse(text);

	(void)state;
	assert_non_null(want);
	assert_non_null(reparsed);
	assert_true(cJSON_Compare(want, reparsed, true));
	cJSON_free(text);
	cJSON_Delete(reparsed);
	cJSON_Delete(got);
	cJSON_Delete(want);
}

static void test_envelope(void **state)
{
	static const struct {
		int64_t wall_ms;
		const char *ts; /* NULL: only the pattern is checked */
	} rows[] = {
		{0, "1970-01-01T00:00:00.000Z"},
		{1, "1970-01-01T00:00:00.001Z"},
		{999, "1970-01-01T00:00:00.999Z"},
		{1000, "1970-01-01T00:00:01.000Z"},
		{1764231733123, "2025-11-27T08:22:13.123Z"},
		{951782400000, "2000-02-29T00:00:00.000Z"},
		{4102444799999, "2099-12-31T23:59:59.999Z"},
		{-1, NULL}, /* now */
	};
	static const char *const keys[] = {"type", "data", "ts"};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_counts c = {.active = 3};
		int64_t wall = rows[i].wall_ms >= 0 ? rows[i].wall_ms : nabz_time__wall_ms();
		char *text = nabz_stats__envelope("stats_update", nabz_stats__to_json(&c, 7), wall);
		cJSON *o;
		const cJSON *ts, *data, *type;

		assert_non_null(text);
		o = cJSON_Parse(text);
		check_row(o != NULL, "row %zu: not JSON: %s", i, text);
		check_row(has_exactly(o, keys, N_ELEMS(keys)), "row %zu: keys of %s", i, text);
		type = cJSON_GetObjectItemCaseSensitive(o, "type");
		check_row(cJSON_IsString(type) && strcmp(type->valuestring, "stats_update") == 0, "row %zu", i);
		data = cJSON_GetObjectItemCaseSensitive(o, "data");
		check_row(cJSON_IsObject(data) && number(data, "active_connections") == 3
				&& number(data, "uptime_s") == 7, "row %zu: data", i);
		ts = cJSON_GetObjectItemCaseSensitive(o, "ts");
		check_row(cJSON_IsString(ts) && matches(RFC3339_MS_RE, ts->valuestring), "row %zu: ts of %s", i, text);
		if(rows[i].ts){
			check_row(strcmp(ts->valuestring, rows[i].ts) == 0, "row %zu: ts %s, want %s",
					i, ts->valuestring, rows[i].ts);
		}
		cJSON_Delete(o);
		free(text);
	}
}

static void test_envelope_other_types(void **state)
{
	static const char *const types[] = {"price_update", "alert", "market_update"};
	static const char *const unfit[] = {"", "quote\"d", "Stats", "a b"};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(types); i++){
		cJSON *data = cJSON_CreateObject();
		char *text = nabz_stats__envelope(types[i], data, 0);
		cJSON *o = cJSON_Parse(text);
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");

		check_row(cJSON_IsString(type) && strcmp(type->valuestring, types[i]) == 0, "type %s", types[i]);
		cJSON_Delete(o);
		free(text);
	}
	/* Types are constants of the contract: anything else is refused, and
	 * data is freed all the same. */
	for(size_t i = 0; i < N_ELEMS(unfit); i++){
		check_row(nabz_stats__envelope(unfit[i], cJSON_CreateObject(), 0) == NULL, "type \"%s\"", unfit[i]);
	}
}

static void test_publish_due(void **state)
{
	static const struct {
		bool dirty;
		bool published_once;
		int64_t last_ms;
		int64_t now_ms;
		int64_t interval_ms;
		bool want;
	} rows[] = {
		/* nothing changed: never */
		{false, false, 0, 0, 50, false},
		{false, true, 0, 1000000, 50, false},
		{false, false, 0, 1000000, 0, false},
		/* changed, never published: at once */
		{true, false, 0, 0, 50, true},
		{true, false, 1000, 1000, 50, true},
		{true, false, 1000, 1001, 60000, true},
		/* changed, published before: once the interval has passed */
		{true, true, 1000, 1000, 50, false},
		{true, true, 1000, 1049, 50, false},
		{true, true, 1000, 1050, 50, true},
		{true, true, 1000, 1051, 50, true},
		{true, true, 1000, 1000, 0, true},
		{true, true, 1000, 999, 0, false},  /* clock before last: not yet */
		{true, true, 0, 60000, 60000, true},
		{true, true, 0, 59999, 60000, false},
		{true, true, INT64_C(1) << 40, (INT64_C(1) << 40) + 50, 50, true},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		bool got = nabz_stats__publish_due(rows[i].dirty, rows[i].published_once, rows[i].last_ms,
				rows[i].now_ms, rows[i].interval_ms);
		check_row(got == rows[i].want, "row %zu: dirty=%d once=%d last=%lld now=%lld interval=%lld -> %d",
				i, (int)rows[i].dirty, (int)rows[i].published_once, (long long)rows[i].last_ms,
				(long long)rows[i].now_ms, (long long)rows[i].interval_ms, (int)got);
	}
}

/* "nodes" always (1 for a single broker), "node" only when clustered. */
static void test_add_cluster(void **state)
{
	static const struct {
		uint64_t nodes;
		const char *node;
	} rows[] = {{1, NULL}, {3, "e1"}, {0, "core"}};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		static const struct nabz_counts zero;
		cJSON *o = nabz_stats__to_json(&zero, 0);
		const cJSON *node;

		assert_non_null(o);
		check_row(nabz_stats__add_cluster(o, rows[i].nodes, rows[i].node), "row %zu", i);
		check_row(number(o, "nodes") == (double)rows[i].nodes, "row %zu: nodes", i);
		node = cJSON_GetObjectItemCaseSensitive(o, "node");
		if(rows[i].node){
			check_row(cJSON_IsString(node) && strcmp(node->valuestring, rows[i].node) == 0, "row %zu: node", i);
		}else{
			check_row(node == NULL, "row %zu: node present", i);
		}
		cJSON_Delete(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_to_json_contract_example),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_envelope_other_types),
		cmocka_unit_test(test_publish_due),
		cmocka_unit_test(test_add_cluster),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
