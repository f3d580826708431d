/* Unit tests for plugin/config.c: the option table and its parsers. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "nabz_test.h"

#include "config.h"

#define ERRLEN 512

/* An option as mosquitto.conf hands it over: plugin_opt_<key> <value>. */
struct kv {
	const char *key;
	const char *value;
};

/* Parses up to 8 options given as key/value pairs. */
static int parse_kv(struct nabz_config *cfg, const struct kv *kv, size_t n, char *err, size_t errlen)
{
	struct mosquitto_opt opts[8];

	assert_true(n <= N_ELEMS(opts));
	for(size_t i = 0; i < n; i++){
		opts[i].key = (char *)kv[i].key;
		opts[i].value = (char *)kv[i].value;
	}
	err[0] = '\0';
	return nabz_config__parse(cfg, n ? opts : NULL, (int)n, err, errlen);
}

static int parse_one(struct nabz_config *cfg, const char *key, const char *value, char *err)
{
	struct kv kv = {key, value};
	return parse_kv(cfg, &kv, 1, err, ERRLEN);
}

/* A config that nabz_config__parse left freed is all zero. */
static void assert_cfg_zeroed(const struct nabz_config *cfg)
{
	static const struct nabz_config zero;
	assert_memory_equal(cfg, &zero, sizeof(zero));
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_defaults(void **state)
{
	struct nabz_config cfg;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(nabz_config__parse(&cfg, NULL, 0, err, sizeof(err)), 0);
	assert_string_equal(cfg.topic_prefix, "crypto");
	assert_string_equal(cfg.state_file, "/var/lib/nabz/state.json");
	assert_int_equal(cfg.stats_debounce_ms, 50);
	assert_int_equal(cfg.state_save_interval_ms, 1000);
	assert_true(cfg.allow_anonymous);
	assert_int_equal(cfg.services.count, 0);
	assert_int_equal(cfg.publishers.count, 0);
	assert_int_equal(cfg.admins.count, 0);
	assert_int_equal(cfg.max_control_payload, 16384);
	assert_int_equal(cfg.max_metadata_bytes, 2048);
	assert_int_equal(cfg.max_commands, 16);
	assert_int_equal(cfg.ws_listeners.count, 1);
	assert_string_equal(cfg.ws_listeners.names[0], "0.0.0.0:8000");
	assert_false(cfg.ws_reuseport_shared);
	assert_int_equal(cfg.ws_tls_listeners.count, 0);
	assert_string_equal(cfg.ws_broker_socket, "/run/nabz/mqtt.sock");
	assert_int_equal(cfg.ws_max_message_bytes, 262144);
	assert_int_equal(cfg.ws_ping_interval_s, 30);
	assert_int_equal(cfg.ws_batch_us, 500);
	assert_int_equal(cfg.ws_pong_timeout_s, 20);
	assert_true(cfg.ws_allow_missing_origin);
	assert_int_equal(cfg.ws_max_connections_per_ip, 1000);
	assert_int_equal(cfg.tcp_max_connections, 20000);
	assert_int_equal(cfg.tcp_max_connections_per_ip, 1000);
	assert_int_equal(cfg.tcp_connect_timeout_s, 10);
	/* not clustered unless a node id is given */
	assert_string_equal(cfg.cluster_node, "");
	assert_string_equal(cfg.cluster_role, "edge");
	assert_int_equal(cfg.cluster_peers.count, 0);
	assert_int_equal(cfg.cluster_heartbeat_ms, 1000);
	assert_int_equal(cfg.cluster_deadline_ms, 5000);
	/* loopback is exempt by default: local tools, a same-host proxy */
	assert_int_equal(cfg.limit_exempt_nets.count, 2);
	assert_true(nabz_cidrlist__contains_text(&cfg.limit_exempt_nets, "127.0.0.1"));
	assert_true(nabz_cidrlist__contains_text(&cfg.limit_exempt_nets, "127.8.9.10"));
	assert_true(nabz_cidrlist__contains_text(&cfg.limit_exempt_nets, "::1"));
	assert_false(nabz_cidrlist__contains_text(&cfg.limit_exempt_nets, "203.0.113.1"));
	nabz_config__free(&cfg);
	assert_cfg_zeroed(&cfg);
	/* Freeing twice is harmless: free leaves a zeroed config. */
	nabz_config__free(&cfg);
}

static void test_option_names(void **state)
{
	static const char *const expected[] = {
		"topic_prefix", "state_file", "stats_debounce_ms", "state_save_interval_ms",
		"allow_anonymous", "services", "publishers", "admins", "bots", "max_control_payload",
		"max_metadata_bytes", "max_commands", "control_rate", "control_burst", "client_id_owners",
		"tcp_nodelay", "reclaim_dropped_messages", "ws_listeners", "ws_reuseport_shared", "ws_tls_listeners", "ws_tls_cert",
		"ws_tls_key", "ws_broker_socket", "web_root", "ws_threads", "ws_batch_us", "ws_max_connections",
		"ws_max_connections_per_ip", "ws_handshake_timeout_s", "ws_ping_interval_s", "ws_pong_timeout_s",
		"ws_max_message_bytes",
		"ws_buffer_bytes", "ws_origins", "ws_allow_missing_origin", "ws_trusted_proxies",
		"limit_exempt", "tcp_max_connections", "tcp_max_connections_per_ip", "tcp_connect_timeout_s",
		"cluster_node", "cluster_role", "cluster_peers", "cluster_heartbeat_ms", "cluster_deadline_ms",
		"chat_enabled", "chat_rooms", "chat_max_bytes", "chat_history", "chat_session_rate",
		"chat_session_burst", "chat_address_rate", "chat_address_burst", "chat_name_max",
	};

	(void)state;
	assert_int_equal(nabz_config__option_count(), N_ELEMS(expected));
	for(size_t i = 0; i < N_ELEMS(expected); i++){
		check_row(nabz_config__option_name(i) != NULL
				&& strcmp(nabz_config__option_name(i), expected[i]) == 0,
				"option %zu: want %s", i, expected[i]);
	}
	assert_null(nabz_config__option_name(N_ELEMS(expected)));
	assert_null(nabz_config__option_name(SIZE_MAX));
}

/* ---- whole numbers ---------------------------------------------------- */

struct long_opt {
	const char *name;
	size_t offset;
	long min;
	long max;
};

#define LONG_OPT(field, lo, hi) {#field, offsetof(struct nabz_config, field), lo, hi}

static const struct long_opt long_opts[] = {
	LONG_OPT(stats_debounce_ms, 0, 60000),
	LONG_OPT(state_save_interval_ms, 0, 3600000),
	LONG_OPT(max_control_payload, 64, 1048576),
	LONG_OPT(max_metadata_bytes, 16, 65536),
	LONG_OPT(max_commands, 1, 1000),
	LONG_OPT(control_rate, 1, 100000),
	LONG_OPT(control_burst, 1, 100000),
	LONG_OPT(ws_max_connections_per_ip, 1, 1000000),
	LONG_OPT(tcp_max_connections, 1, 1000000),
	LONG_OPT(tcp_max_connections_per_ip, 1, 1000000),
	LONG_OPT(tcp_connect_timeout_s, 0, 3600),
};

static long long_field(const struct nabz_config *cfg, const struct long_opt *o)
{
	long v;
	memcpy(&v, (const char *)cfg + o->offset, sizeof(v));
	return v;
}

static void test_long_bounds(void **state)
{
	(void)state;
	for(size_t i = 0; i < N_ELEMS(long_opts); i++){
		const struct long_opt *o = &long_opts[i];
		const long good[] = {o->min, o->min + 1, o->max - 1, o->max, (o->min + o->max) / 2};
		const long bad[] = {o->min - 1, o->max + 1, LONG_MIN, LONG_MAX, -1000000000L};

		for(size_t j = 0; j < N_ELEMS(good); j++){
			struct nabz_config cfg;
			char err[ERRLEN], value[32];

			snprintf(value, sizeof(value), "%ld", good[j]);
			check_row(parse_one(&cfg, o->name, value, err) == 0, "%s=%s: %s", o->name, value, err);
			check_row(long_field(&cfg, o) == good[j], "%s=%s read as %ld", o->name, value, long_field(&cfg, o));
			nabz_config__free(&cfg);
		}
		for(size_t j = 0; j < N_ELEMS(bad); j++){
			struct nabz_config cfg;
			char err[ERRLEN], value[32];

			if(bad[j] >= o->min && bad[j] <= o->max) continue;
			snprintf(value, sizeof(value), "%ld", bad[j]);
			check_row(parse_one(&cfg, o->name, value, err) == -1, "%s=%s accepted", o->name, value);
			check_row(strstr(err, o->name) != NULL && strstr(err, value) != NULL,
					"%s=%s: message \"%s\" names neither", o->name, value, err);
			assert_cfg_zeroed(&cfg);
		}
	}
}

static void test_long_junk(void **state)
{
	static const char *const junk[] = {
		"", " ", "12x", "x12", "1 2", "12 ", "0x10", "1e3", "1.5", "1,000", "--5", "+-5",
		"99999999999999999999", "-99999999999999999999", "18446744073709551616",
		"ten", "\t", "5\n",
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(long_opts); i++){
		for(size_t j = 0; j < N_ELEMS(junk); j++){
			struct nabz_config cfg;
			char err[ERRLEN];

			check_row(parse_one(&cfg, long_opts[i].name, junk[j], err) == -1,
					"%s=\"%s\" accepted", long_opts[i].name, junk[j]);
			check_row(strstr(err, long_opts[i].name) != NULL, "message \"%s\"", err);
			assert_cfg_zeroed(&cfg);
		}
		/* A NULL value (plugin_opt_x with nothing after it) is "". */
		{
			struct nabz_config cfg;
			char err[ERRLEN];
			check_row(parse_one(&cfg, long_opts[i].name, NULL, err) == -1,
					"%s=NULL accepted", long_opts[i].name);
		}
	}
}

static void test_long_spellings(void **state)
{
	static const struct {
		const char *value;
		long want;
	} rows[] = {
		{"100", 100}, {"+100", 100}, {"0100", 100}, {"00000000000000000000100", 100},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_config cfg;
		char err[ERRLEN];

		check_row(parse_one(&cfg, "stats_debounce_ms", rows[i].value, err) == 0,
				"\"%s\": %s", rows[i].value, err);
		check_row(cfg.stats_debounce_ms == rows[i].want, "\"%s\" read as %ld",
				rows[i].value, cfg.stats_debounce_ms);
		nabz_config__free(&cfg);
	}
}

/* ---- strings ---------------------------------------------------------- */

static void test_string_lengths(void **state)
{
	static const struct {
		const char *name;
		size_t len;
		bool ok;
	} rows[] = {
		{"topic_prefix", 0, false},
		{"topic_prefix", 1, true},
		{"topic_prefix", 64, true},
		{"topic_prefix", 65, false},
		{"topic_prefix", 1000, false},
		{"state_file", 0, true},
		{"state_file", 1, true},
		{"state_file", 4096, true},
		{"state_file", 4097, false},
		{"state_file", 100000, false},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_config cfg;
		char err[ERRLEN];
		char *value = repeat('a', rows[i].len);
		int rc = parse_one(&cfg, rows[i].name, value, err);

		if(rows[i].ok){
			check_row(rc == 0, "%s of %zu chars: %s", rows[i].name, rows[i].len, err);
			if(strcmp(rows[i].name, "topic_prefix") == 0){
				check_row(strcmp(cfg.topic_prefix, value) == 0, "topic_prefix not kept");
			}else{
				check_row(strcmp(cfg.state_file, value) == 0, "state_file not kept");
			}
			nabz_config__free(&cfg);
		}else{
			check_row(rc == -1, "%s of %zu chars accepted", rows[i].name, rows[i].len);
			check_row(strstr(err, rows[i].name) != NULL, "message \"%s\"", err);
			assert_cfg_zeroed(&cfg);
		}
		free(value);
	}
}

static void test_string_null_value(void **state)
{
	struct nabz_config cfg;
	char err[ERRLEN];

	(void)state;
	/* NULL counts as "": allowed for state_file (disables persistence)... */
	assert_int_equal(parse_one(&cfg, "state_file", NULL, err), 0);
	assert_string_equal(cfg.state_file, "");
	nabz_config__free(&cfg);
	/* ...refused for topic_prefix. */
	assert_int_equal(parse_one(&cfg, "topic_prefix", NULL, err), -1);
	assert_non_null(strstr(err, "topic_prefix"));
	assert_cfg_zeroed(&cfg);
}

static void test_topic_prefix(void **state)
{
	static const struct {
		const char *value;
		bool ok;
	} rows[] = {
		{"crypto", true}, {"a/b", true}, {"x-y_z.1", true}, {"a b", true},
		{"a/#", false}, {"#", false}, {"+", false}, {"a/+/b", false}, {"a+", false},
		{"b#", false}, {"/x", false}, {"x/", false}, {"/", false}, {"//", false},
		{"$SYS", false}, {"$share", false}, {"$CONTROL/x", false},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_config cfg;
		char err[ERRLEN];
		int rc = parse_one(&cfg, "topic_prefix", rows[i].value, err);

		if(rows[i].ok){
			check_row(rc == 0, "\"%s\" refused: %s", rows[i].value, err);
			check_row(strcmp(cfg.topic_prefix, rows[i].value) == 0, "\"%s\" not kept", rows[i].value);
			nabz_config__free(&cfg);
		}else{
			check_row(rc == -1, "\"%s\" accepted", rows[i].value);
			check_row(strstr(err, "topic_prefix") != NULL && strstr(err, rows[i].value) != NULL,
					"\"%s\": message \"%s\"", rows[i].value, err);
			assert_cfg_zeroed(&cfg);
		}
	}
}

/* ---- booleans --------------------------------------------------------- */

static void test_bool_spellings(void **state)
{
	static const struct {
		const char *value;
		int want; /* 1 true, 0 false, -1 refused */
	} rows[] = {
		{"true", 1}, {"TRUE", 1}, {"True", 1}, {"yes", 1}, {"YES", 1}, {"on", 1}, {"On", 1}, {"1", 1},
		{"false", 0}, {"FALSE", 0}, {"no", 0}, {"No", 0}, {"off", 0}, {"OFF", 0}, {"0", 0},
		{"", -1}, {"2", -1}, {"-1", -1}, {"truee", -1}, {"tru", -1}, {"y", -1}, {"n", -1},
		{"nope", -1}, {" true", -1}, {"true ", -1}, {"01", -1}, {"enabled", -1},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		/* Start from the opposite of the expected value so a no-op parse fails. */
		struct kv kv[2] = {
			{"allow_anonymous", rows[i].want == 1 ? "false" : "true"},
			{"allow_anonymous", rows[i].value},
		};
		struct nabz_config cfg;
		char err[ERRLEN];
		int rc = parse_kv(&cfg, kv, 2, err, sizeof(err));

		if(rows[i].want < 0){
			check_row(rc == -1, "\"%s\" accepted", rows[i].value);
			check_row(strstr(err, "allow_anonymous") != NULL, "message \"%s\"", err);
			assert_cfg_zeroed(&cfg);
		}else{
			check_row(rc == 0, "\"%s\": %s", rows[i].value, err);
			check_row(cfg.allow_anonymous == (rows[i].want == 1), "\"%s\" read wrong", rows[i].value);
			nabz_config__free(&cfg);
		}
	}
	{
		struct nabz_config cfg;
		char err[ERRLEN];
		assert_int_equal(parse_one(&cfg, "allow_anonymous", NULL, err), -1);
		assert_cfg_zeroed(&cfg);
	}
}

/* ---- name lists ------------------------------------------------------- */

static void test_name_lists(void **state)
{
	static const struct {
		const char *value;
		size_t count;
		const char *names[4];
	} rows[] = {
		{"a, b c", 3, {"a", "b", "c"}},
		{"bridge", 1, {"bridge"}},
		{"", 0, {NULL}},
		{NULL, 0, {NULL}},
		{" ", 0, {NULL}},
		{",,, \t ,", 0, {NULL}},
		{"  x  ", 1, {"x"}},
		{",x,", 1, {"x"}},
		{"a\tb,,c  d", 4, {"a", "b", "c", "d"}},
		{"user-1,user.2", 2, {"user-1", "user.2"}},
		{"a,a", 2, {"a", "a"}},
	};
	static const char *const lists[] = {"services", "publishers", "admins"};

	(void)state;
	for(size_t l = 0; l < N_ELEMS(lists); l++){
		for(size_t i = 0; i < N_ELEMS(rows); i++){
			struct nabz_config cfg;
			const struct nabz_namelist *list;
			char err[ERRLEN];

			check_row(parse_one(&cfg, lists[l], rows[i].value, err) == 0,
					"%s=\"%s\": %s", lists[l], rows[i].value ? rows[i].value : "(null)", err);
			list = l == 0 ? &cfg.services : l == 1 ? &cfg.publishers : &cfg.admins;
			check_row(list->count == rows[i].count, "%s=\"%s\": %zu names, want %zu", lists[l],
					rows[i].value ? rows[i].value : "(null)", list->count, rows[i].count);
			for(size_t n = 0; n < rows[i].count; n++){
				check_row(strcmp(list->names[n], rows[i].names[n]) == 0, "name %zu is \"%s\", want \"%s\"",
						n, list->names[n], rows[i].names[n]);
				check_row(nabz_namelist__contains(list, rows[i].names[n]), "contains(%s)", rows[i].names[n]);
			}
			/* The other lists stay empty. */
			check_row(cfg.services.count + cfg.publishers.count + cfg.admins.count == rows[i].count,
					"%s leaked into another list", lists[l]);
			nabz_config__free(&cfg);
		}
	}
}

static void test_namelist_contains(void **state)
{
	struct nabz_config cfg;
	char err[ERRLEN];
	static const struct {
		const char *name;
		bool in;
	} rows[] = {
		{"a", true}, {"b", true}, {"c", true}, {"bridge-1", true},
		{"", false}, {"A", false}, {"a,", false}, {"a ", false}, {"ab", false},
		{"bridge", false}, {"d", false}, {NULL, false},
	};

	(void)state;
	assert_int_equal(parse_one(&cfg, "services", "a, b c,bridge-1", err), 0);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_namelist__contains(&cfg.services, rows[i].name) == rows[i].in,
				"contains(%s)", rows[i].name ? rows[i].name : "(null)");
	}
	check_row(!nabz_namelist__contains(&cfg.admins, "a"), "empty list contains a");
	nabz_config__free(&cfg);
}

static void test_limit_exempt(void **state)
{
	static const struct {
		const char *value;
		int rc;
		size_t count;
		const char *err;
	} rows[] = {
		{"none", 0, 0, NULL},                              /* no exemption at all */
		{"10.0.0.0/8", 0, 1, NULL},
		{"10.0.0.0/8, 2001:db8::/32 192.0.2.1", 0, 3, NULL},
		{"none 10.0.0.0/8", -1, 0, "\"none\" is not an address"},
		{"10.0.0.0/33", -1, 0, "option limit_exempt: \"10.0.0.0/33\""},
		{"localhost", -1, 0, "option limit_exempt: \"localhost\""},
		{"127.0.0.1/", -1, 0, "option limit_exempt"},
		{"::1/129", -1, 0, "option limit_exempt"},
		{"\xff\xfe", -1, 0, "option limit_exempt"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_config cfg;
		char err[ERRLEN] = "";
		int rc = parse_one(&cfg, "limit_exempt", rows[i].value, err);

		check_row(rc == rows[i].rc, "limit_exempt=%s: rc %d (%s)", rows[i].value, rc, err);
		if(rc == 0){
			check_row(cfg.limit_exempt_nets.count == rows[i].count, "limit_exempt=%s: %zu networks",
					rows[i].value, cfg.limit_exempt_nets.count);
		}else{
			check_row(strstr(err, rows[i].err) != NULL, "limit_exempt=%s: error %s", rows[i].value, err);
			assert_cfg_zeroed(&cfg);
		}
		nabz_config__free(&cfg);
	}
}

static void test_repeated_options(void **state)
{
	/* The last value wins, earlier ones are freed (ASan checks). */
	static const struct kv kv[] = {
		{"services", "a b c"}, {"services", "d"},
		{"topic_prefix", "one"}, {"topic_prefix", "two"},
		{"state_file", "/x"}, {"state_file", ""},
		{"max_commands", "5"}, {"max_commands", "6"},
	};
	struct nabz_config cfg;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(parse_kv(&cfg, kv, N_ELEMS(kv), err, sizeof(err)), 0);
	assert_int_equal(cfg.services.count, 1);
	assert_string_equal(cfg.services.names[0], "d");
	assert_string_equal(cfg.topic_prefix, "two");
	assert_string_equal(cfg.state_file, "");
	assert_int_equal(cfg.max_commands, 6);
	nabz_config__free(&cfg);
}

static void test_all_options_together(void **state)
{
	static const struct kv kv[] = {
		{"topic_prefix", "market/data"}, {"state_file", "/tmp/s.json"},
		{"stats_debounce_ms", "0"}, {"state_save_interval_ms", "3600000"},
		{"allow_anonymous", "off"}, {"services", "bridge"}, {"publishers", "bridge,pub"},
		{"admins", "root"},
	};
	struct nabz_config cfg;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(parse_kv(&cfg, kv, N_ELEMS(kv), err, sizeof(err)), 0);
	assert_string_equal(cfg.topic_prefix, "market/data");
	assert_string_equal(cfg.state_file, "/tmp/s.json");
	assert_int_equal(cfg.stats_debounce_ms, 0);
	assert_int_equal(cfg.state_save_interval_ms, 3600000);
	assert_false(cfg.allow_anonymous);
	assert_true(nabz_namelist__contains(&cfg.services, "bridge"));
	assert_true(nabz_namelist__contains(&cfg.publishers, "pub"));
	assert_true(nabz_namelist__contains(&cfg.admins, "root"));
	/* Untouched options keep their defaults. */
	assert_int_equal(cfg.max_control_payload, 16384);
	assert_int_equal(cfg.max_metadata_bytes, 2048);
	assert_int_equal(cfg.max_commands, 16);
	assert_int_equal(cfg.ws_listeners.count, 1);
	assert_string_equal(cfg.ws_listeners.names[0], "0.0.0.0:8000");
	assert_int_equal(cfg.ws_tls_listeners.count, 0);
	assert_string_equal(cfg.ws_broker_socket, "/run/nabz/mqtt.sock");
	assert_int_equal(cfg.ws_max_message_bytes, 262144);
	assert_true(cfg.ws_allow_missing_origin);
	nabz_config__free(&cfg);
}

/* The cluster's options: the id is one topic level, the role one of two,
 * the deadline at least two heartbeats. */
static void test_cluster_options(void **state)
{
	static const struct {
		struct kv kv[2];
		size_t n;
		int rc;
		const char *err_has;
	} rows[] = {
		{{{"cluster_node", "e1"}}, 1, 0, NULL},
		{{{"cluster_node", "core_1-A"}, {"cluster_role", "core"}}, 2, 0, NULL},
		{{{"cluster_node", "e/1"}}, 1, -1, "cluster_node"},
		{{{"cluster_node", "e+"}}, 1, -1, "cluster_node"},
		{{{"cluster_node", "#"}}, 1, -1, "cluster_node"},
		{{{"cluster_node", "abcdefghijklmnopqrstuvwxyz0123456"}}, 1, -1, "cluster_node"},
		{{{"cluster_role", "hub"}}, 1, -1, "cluster_role"},
		{{{"cluster_role", "Edge"}}, 1, -1, "cluster_role"},
		{{{"cluster_heartbeat_ms", "1000"}, {"cluster_deadline_ms", "1999"}}, 2, -1, "cluster_deadline_ms"},
		{{{"cluster_heartbeat_ms", "1000"}, {"cluster_deadline_ms", "2000"}}, 2, 0, NULL},
		{{{"cluster_deadline_ms", "10001"}}, 1, -1, "cluster_deadline_ms"},
		{{{"cluster_peers", "nabz-edge other"}}, 1, 0, NULL},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_config cfg;
		char err[ERRLEN];
		int rc = parse_kv(&cfg, rows[i].kv, rows[i].n, err, sizeof(err));

		check_row(rc == rows[i].rc, "row %zu: rc %d, err \"%s\"", i, rc, err);
		if(rows[i].err_has) check_row(strstr(err, rows[i].err_has) != NULL, "row %zu: err \"%s\"", i, err);
		nabz_config__free(&cfg);
	}
}

static void test_unknown_option(void **state)
{
	static const char *const names[] = {
		"topic_prefixx", "TOPIC_PREFIX", "prefix", "", "plugin_opt_topic_prefix",
		" topic_prefix", "max_command", "allow-anonymous", "services ",
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(names); i++){
		struct nabz_config cfg;
		char err[ERRLEN], want[128];

		check_row(parse_one(&cfg, names[i], "1", err) == -1, "\"%s\" accepted", names[i]);
		snprintf(want, sizeof(want), "plugin_opt_%s", names[i]);
		check_row(strstr(err, want) != NULL, "\"%s\": message \"%s\" lacks %s", names[i], err, want);
		check_row(strstr(err, "unknown") != NULL, "message \"%s\"", err);
		assert_cfg_zeroed(&cfg);
	}
}

/* A failure after options that allocated frees everything (ASan checks
 * for leaks) and leaves the config zeroed. */
static void test_error_frees(void **state)
{
	static const struct kv cases[][5] = {
		{{"services", "a b c"}, {"publishers", "p q"}, {"admins", "r"}, {"state_file", "/x"},
			{"topic_prefix", "$SYS"}},
		{{"services", "a b c"}, {"publishers", "p q"}, {"admins", "r"}, {"topic_prefix", "ok"},
			{"nope", "1"}},
		{{"services", "a b c"}, {"publishers", "p q"}, {"admins", "r"}, {"topic_prefix", "ok"},
			{"max_commands", "0"}},
		{{"services", "a b c"}, {"publishers", "p q"}, {"admins", "r"}, {"topic_prefix", "ok"},
			{"allow_anonymous", "maybe"}},
		{{"services", "a b c"}, {"publishers", "p q"}, {"admins", "r"}, {"state_file", "/x"},
			{"topic_prefix", ""}},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(cases); i++){
		struct nabz_config cfg;
		char err[ERRLEN];

		check_row(parse_kv(&cfg, cases[i], N_ELEMS(cases[i]), err, sizeof(err)) == -1, "case %zu accepted", i);
		check_row(err[0] != '\0', "case %zu: no message", i);
		assert_cfg_zeroed(&cfg);
	}
}

/* The message is cut to fit errlen, never overflows it. */
static void test_small_error_buffer(void **state)
{
	struct nabz_config cfg;
	char err[16];
	struct kv kv = {"a_very_long_unknown_option_name", "1"};

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(parse_kv(&cfg, &kv, 1, err, 8), -1);
	assert_true(strlen(err) < 8);
	assert_int_equal(err[8], 'x');
	assert_cfg_zeroed(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_option_names),
		cmocka_unit_test(test_long_bounds),
		cmocka_unit_test(test_long_junk),
		cmocka_unit_test(test_long_spellings),
		cmocka_unit_test(test_string_lengths),
		cmocka_unit_test(test_string_null_value),
		cmocka_unit_test(test_topic_prefix),
		cmocka_unit_test(test_bool_spellings),
		cmocka_unit_test(test_limit_exempt),
		cmocka_unit_test(test_name_lists),
		cmocka_unit_test(test_namelist_contains),
		cmocka_unit_test(test_repeated_options),
		cmocka_unit_test(test_all_options_together),
		cmocka_unit_test(test_cluster_options),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_error_frees),
		cmocka_unit_test(test_small_error_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
