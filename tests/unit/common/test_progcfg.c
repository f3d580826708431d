/* progcfg.c: the frame both programs read their config file in (top
 * keys, the mqtt block, the program's own blocks, the first error kept)
 * and the http block's bounds and defaults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"
#include "progcfg.h"

static const struct nabz_mqtt_cfg_defaults defaults = {"prog", "prog", false};
static const char *const keys[] = {"mqtt", "http", "own", NULL};

struct own {
	long value;
	long connect_ms, timeout_ms, max_body;
	bool with_body;
	int calls;
};

static int read_own(struct nabz_cfg_reader *r, const cJSON *root, void *ud)
{
	struct own *o = ud;

	o->calls++;
	nabz_cfg__long(r, root, "", "own", 1, 10, 5, &o->value);
	nabz_progcfg__http(r, root, &o->connect_ms, &o->timeout_ms, o->with_body ? &o->max_body : NULL);
	return r->failed ? -1 : 0;
}

static int read_text(const char *json, bool with_body, struct own *o, struct nabz_mqtt_cfg *mqtt, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	memset(mqtt, 0, sizeof(*mqtt));
	o->with_body = with_body;
	err[0] = '\0';
	return nabz_progcfg__read(nabz_cfg__parse_root(json, strlen(json), err, errlen), err, errlen, keys, &defaults,
			mqtt, read_own, o);
}

static void test_defaults(void **state)
{
	struct own o;
	struct nabz_mqtt_cfg mqtt;
	char err[256];

	(void)state;
	assert_int_equal(read_text("{}", true, &o, &mqtt, err, sizeof(err)), 0);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.value, 5);
	assert_int_equal(o.connect_ms, 5000);
	assert_int_equal(o.timeout_ms, 15000);
	assert_int_equal(o.max_body, 4194304);
	assert_string_equal(mqtt.client_id, "prog");
	nabz_mqttcfg__free(&mqtt);
}

static void test_errors(void **state)
{
	static const struct {
		const char *json;
		bool with_body;
		const char *err;          /* NULL: valid */
	} rows[] = {
		{"[]", true, "(top): not a JSON object"},
		{"{\"bogus\":1}", true, "bogus: unknown key"},
		{"{\"own\":11}", true, "own: must be a whole number in 1..10"},
		{"{\"http\":{\"timeout_ms\":99}}", true, "http.timeout_ms: must be a whole number in 100..300000"},
		{"{\"http\":{\"connect_timeout_ms\":60001}}", false, "http.connect_timeout_ms: must be a whole number in 100..60000"},
		{"{\"http\":{\"max_body_bytes\":2048}}", true, NULL},
		{"{\"http\":{\"max_body_bytes\":2048}}", false, "http.max_body_bytes: unknown key"},
		{"{\"http\":{\"max_body_bytes\":1023}}", true, "http.max_body_bytes: must be a whole number in 1024..67108864"},
		{"{\"http\":3}", true, "http: must be an object"},
		/* the first error is the one reported: mqtt is read before the program's blocks */
		{"{\"own\":0,\"mqtt\":{\"port\":0}}", true, "mqtt.port"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct own o;
		struct nabz_mqtt_cfg mqtt;
		char err[256];
		int rc = read_text(rows[i].json, rows[i].with_body, &o, &mqtt, err, sizeof(err));

		if(rows[i].err == NULL){
			check_row(rc == 0, "row %zu: %s", i, err);
		}else{
			check_row(rc == -1 && strstr(err, rows[i].err) != NULL, "row %zu: got \"%s\"", i, err);
		}
		nabz_mqttcfg__free(&mqtt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
