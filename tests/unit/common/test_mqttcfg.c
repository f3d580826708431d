/* mqttcfg.c: the "mqtt" block both configurations share; defaults per
 * program, errors by JSON path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mqttcfg.h"
#include "nabz_test.h"

static const struct nabz_mqtt_cfg_defaults bridge = {"nabz-bridge", "nabz-bridge", false};
static const struct nabz_mqtt_cfg_defaults bot = {"nabz-telegram", "bot-nabz-telegram", true};

static int read_json(const char *json, const struct nabz_mqtt_cfg_defaults *def, struct nabz_mqtt_cfg *cfg,
		char *err, size_t errlen)
{
	struct nabz_cfg_reader r = {err, errlen, 0};
	cJSON *root = cJSON_Parse(json);
	int rc;

	assert_non_null(root);
	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	rc = nabz_mqttcfg__read(&r, root, def, cfg);
	cJSON_Delete(root);
	return rc;
}

static void test_defaults(void **state)
{
	struct nabz_mqtt_cfg cfg;
	char err[256];

	(void)state;
	assert_int_equal(read_json("{}", &bridge, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_int_equal(cfg.port, 1883);
	assert_string_equal(cfg.username, "nabz-bridge");
	assert_string_equal(cfg.password, "");
	assert_string_equal(cfg.client_id, "nabz-bridge");
	assert_string_equal(cfg.topic_prefix, "crypto");
	assert_int_equal(cfg.keepalive_s, 30);
	nabz_mqttcfg__free(&cfg);
	assert_null(cfg.host);

	assert_int_equal(read_json("{\"mqtt\":{\"host\":\"h\",\"port\":1884}}", &bot, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.host, "h");
	assert_int_equal(cfg.port, 1884);
	assert_string_equal(cfg.username, "nabz-telegram");
	assert_string_equal(cfg.client_id, "bot-nabz-telegram");
	nabz_mqttcfg__free(&cfg);
}

static void test_errors(void **state)
{
	static const struct {
		const char *json;
		const struct nabz_mqtt_cfg_defaults *def;
		const char *err;            /* NULL: accepted */
	} rows[] = {
		{"{\"mqtt\":1}", &bridge, "mqtt: must be an object"},
		{"{\"mqtt\":{\"hots\":\"x\"}}", &bridge, "mqtt.hots: unknown key"},
		{"{\"mqtt\":{\"port\":0}}", &bridge, "mqtt.port: must be a whole number in 1..65535"},
		{"{\"mqtt\":{\"port\":1883.5}}", &bot, "mqtt.port: must be a whole number in 1..65535"},
		{"{\"mqtt\":{\"keepalive_s\":4}}", &bot, "mqtt.keepalive_s: must be a whole number in 5..3600"},
		{"{\"mqtt\":{\"username\":7}}", &bot, "mqtt.username: must be a string"},
		{"{\"mqtt\":{\"client_id\":\"\"}}", &bridge, NULL},
		{"{\"mqtt\":{\"client_id\":\"\"}}", &bot,
			"mqtt.client_id: must not be empty (the broker keeps the session under it)"},
		{"{\"mqtt\":{\"password_file\":\"/nonexistent/nabz\"}}", &bridge,
			"mqtt.password_file: cannot read /nonexistent/nabz: No such file or directory"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_mqtt_cfg cfg;
		char err[256];
		int rc = read_json(rows[i].json, rows[i].def, &cfg, err, sizeof(err));

		if(rows[i].err){
			check_row(rc == -1 && strcmp(err, rows[i].err) == 0, "row %zu: %d \"%s\"", i, rc, err);
		}else{
			check_row(rc == 0, "row %zu: %s", i, err);
		}
		nabz_mqttcfg__free(&cfg);
	}
}

static void test_password_file(void **state)
{
	char path[] = "/tmp/nabz-mqttcfg-XXXXXX", json[128], err[256];
	struct nabz_mqtt_cfg cfg;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("s3cret\nsecond line\n", f);
	fclose(f);
	snprintf(json, sizeof(json), "{\"mqtt\":{\"password\":\"inline\",\"password_file\":\"%s\"}}", path);
	assert_int_equal(read_json(json, &bridge, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.password, "s3cret");     /* the file wins, first line only */
	nabz_mqttcfg__free(&cfg);
	unlink(path);
}

/* The packaged configs name secrets "$CREDENTIALS_DIRECTORY/NAME": NAME in
 * the directory systemd's LoadCredential= fills; unset, a clear error. */
static void test_password_credential(void **state)
{
	char dir[] = "/tmp/nabz-cred-XXXXXX", path[256], err[256];
	const char *json = "{\"mqtt\":{\"password_file\":\"$CREDENTIALS_DIRECTORY/mqtt-password\"}}";
	struct nabz_mqtt_cfg cfg;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mqtt-password", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("from-systemd\n", f);
	fclose(f);

	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(read_json(json, &bridge, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mqtt.password_file: $CREDENTIALS_DIRECTORY/mqtt-password: "
			"$CREDENTIALS_DIRECTORY is not set"));
	nabz_mqttcfg__free(&cfg);

	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	assert_int_equal(read_json(json, &bridge, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.password, "from-systemd");
	nabz_mqttcfg__free(&cfg);
	unsetenv("CREDENTIALS_DIRECTORY");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_password_file),
		cmocka_unit_test(test_password_credential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
