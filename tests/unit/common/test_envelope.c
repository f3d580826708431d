/* The envelope made around printed data is byte for byte what cJSON
 * printed for the whole object before; unfit types are refused. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "envelope.h"
#include "nabz_test.h"
#include "timeutil.h"

/* The old way: one cJSON tree, printed whole. */
static char *reference(const char *type, const char *data_text, int64_t wall_ms)
{
	cJSON *root = cJSON_CreateObject();
	char ts[40];
	char *out;

	nabz_time__rfc3339(wall_ms, ts, sizeof(ts));
	cJSON_AddStringToObject(root, "type", type);
	cJSON_AddItemToObject(root, "data", cJSON_Parse(data_text));
	cJSON_AddStringToObject(root, "ts", ts);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return out;
}

static void test_same_bytes_as_cjson(void **state)
{
	static const struct {
		const char *type, *data;
		int64_t wall_ms;
	} rows[] = {
		{"price_update", "{\"sources\":{\"binance\":{\"price_usd\":97000.12}},\"symbol\":\"BTC\","
			"\"price_usd\":97000.12,\"change_24h_pct\":null,\"source\":\"binance\",\"agreeing\":1,"
			"\"divergent\":false,\"stale\":false,\"source_ts\":\"2026-11-27T08:00:00.123Z\",\"age_s\":0}",
			1795770005123},
		{"market_update", "{\"total_market_cap_usd\":3.1e+12,\"usdt_irt\":70000}", 0},
		{"news", "{\"title\":\"a \\\"quoted\\\" \\u00e9 title\",\"url\":\"https://x.example/a?b=c&d\"}", 1230940800000},
		{"sources_update", "{\"watching\":[\"BTC\",\"ETH\"],\"discovered\":0}", 4102444799999},
		{"alert", "[]", 1700000000007},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		/* publish.c wraps what cJSON printed of the data object */
		cJSON *d = cJSON_Parse(rows[i].data);
		char *text = cJSON_PrintUnformatted(d);
		char *got = nabz_envelope__wrap(rows[i].type, text, rows[i].wall_ms);
		char *want = reference(rows[i].type, rows[i].data, rows[i].wall_ms);
		check_row(got != NULL && want != NULL && strcmp(got, want) == 0, "row %zu: got %s, want %s", i,
				got ? got : "(null)", want ? want : "(null)");
		free(got);
		cJSON_free(want);
		cJSON_free(text);
		cJSON_Delete(d);
	}
}

static void test_unfit_type_refused(void **state)
{
	static const char *const bad[] = {"", "Price", "a\"b", "a b", "x\\", "ü"};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(bad); i++){
		check_row(nabz_envelope__wrap(bad[i], "{}", 0) == NULL, "type \"%s\"", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_cjson),
		cmocka_unit_test(test_unfit_type_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
