/* Unit tests for plugin/client_type.c: the contract's client type rules. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "client_type.h"

#define WS NABZ_TRANSPORT_WEBSOCKET
#define TCP NABZ_TRANSPORT_TCP

static void test_infer(void **state)
{
	static const struct {
		const char *client_id;
		enum nabz_transport transport;
		enum nabz_client_type want;
	} rows[] = {
		/* Each prefix, over both transports: the prefix wins. */
		{"browser-1", TCP, NABZ_CT_BROWSER}, {"browser-1", WS, NABZ_CT_BROWSER},
		{"web-abc", TCP, NABZ_CT_BROWSER}, {"web-abc", WS, NABZ_CT_BROWSER},
		{"mobile-x", WS, NABZ_CT_MOBILE}, {"mobile-x", TCP, NABZ_CT_MOBILE},
		{"api-x", WS, NABZ_CT_API}, {"api-x", TCP, NABZ_CT_API},
		{"bot-x", WS, NABZ_CT_BOT}, {"bot-x", TCP, NABZ_CT_BOT},
		{"iot-x", WS, NABZ_CT_IOT}, {"iot-x", TCP, NABZ_CT_IOT},
		/* The bare prefix, dash included, is enough. */
		{"browser-", TCP, NABZ_CT_BROWSER}, {"iot-", WS, NABZ_CT_IOT},
		{"mobile-api-1", TCP, NABZ_CT_MOBILE}, {"bot-mobile-1", WS, NABZ_CT_BOT},
		/* Not prefixes: the transport decides. */
		{"browserx", TCP, NABZ_CT_API}, {"browserx", WS, NABZ_CT_BROWSER},
		{"browser", TCP, NABZ_CT_API}, {"mobile", WS, NABZ_CT_BROWSER},
		{"mobilex-1", WS, NABZ_CT_BROWSER}, {"iot_1", WS, NABZ_CT_BROWSER},
		{"Browser-1", TCP, NABZ_CT_API}, {"MOBILE-1", TCP, NABZ_CT_API},
		{"IOT-1", WS, NABZ_CT_BROWSER}, {"Bot-1", TCP, NABZ_CT_API},
		{"x-mobile-1", TCP, NABZ_CT_API}, {" mobile-1", TCP, NABZ_CT_API},
		{"mobile_1", TCP, NABZ_CT_API}, {"api", WS, NABZ_CT_BROWSER},
		{"", TCP, NABZ_CT_API}, {"", WS, NABZ_CT_BROWSER},
		{"mosq-abcdef", TCP, NABZ_CT_API}, {"mosq-abcdef", WS, NABZ_CT_BROWSER},
		{NULL, TCP, NABZ_CT_API}, {NULL, WS, NABZ_CT_BROWSER},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		enum nabz_client_type got = nabz_client_type__infer(rows[i].client_id, rows[i].transport);
		check_row(got == rows[i].want, "infer(\"%s\", %s) = %s, want %s",
				rows[i].client_id ? rows[i].client_id : "(null)",
				rows[i].transport == WS ? "websocket" : "tcp",
				nabz_client_type__name(got), nabz_client_type__name(rows[i].want));
	}
}

static void test_names(void **state)
{
	static const struct {
		enum nabz_client_type type;
		const char *name;
	} rows[] = {
		{NABZ_CT_BROWSER, "browser"}, {NABZ_CT_API, "api"}, {NABZ_CT_MOBILE, "mobile"},
		{NABZ_CT_BOT, "bot"}, {NABZ_CT_IOT, "iot"},
		{NABZ_CT_COUNT, "unknown"}, {(enum nabz_client_type)99, "unknown"},
		{(enum nabz_client_type)-1, "unknown"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(strcmp(nabz_client_type__name(rows[i].type), rows[i].name) == 0,
				"name(%d) = %s", (int)rows[i].type, nabz_client_type__name(rows[i].type));
	}
}

static void test_parse(void **state)
{
	static const struct {
		const char *name;
		int want; /* the type, or -1 when refused */
	} rows[] = {
		{"browser", NABZ_CT_BROWSER}, {"api", NABZ_CT_API}, {"mobile", NABZ_CT_MOBILE},
		{"bot", NABZ_CT_BOT}, {"iot", NABZ_CT_IOT},
		{"", -1}, {"Browser", -1}, {"BROWSER", -1}, {"web", -1}, {"browser ", -1},
		{" api", -1}, {"browser-", -1}, {"unknown", -1}, {"desktop", -1}, {"ap", -1},
		{"apix", -1}, {"iot\n", -1}, {NULL, -1},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		enum nabz_client_type out = (enum nabz_client_type)77;
		int rc = nabz_client_type__parse(rows[i].name, &out);

		if(rows[i].want < 0){
			check_row(rc == -1, "parse(\"%s\") accepted", rows[i].name ? rows[i].name : "(null)");
			check_row((int)out == 77, "parse(\"%s\") wrote out on failure", rows[i].name ? rows[i].name : "(null)");
		}else{
			check_row(rc == 0 && (int)out == rows[i].want, "parse(\"%s\") = %d, %d",
					rows[i].name, rc, (int)out);
		}
	}
	/* Every name round-trips. */
	for(int t = 0; t < NABZ_CT_COUNT; t++){
		enum nabz_client_type out;
		assert_int_equal(nabz_client_type__parse(nabz_client_type__name((enum nabz_client_type)t), &out), 0);
		assert_int_equal(out, t);
	}
}

static void test_transport_from_address(void **state)
{
	static const struct {
		const char *address;
		enum nabz_transport want;
	} rows[] = {
		{"/run/nabz/mqtt.sock", WS}, {"/tmp/x", WS}, {"/", WS}, {"unix-socket", WS},
		{"127.0.0.1", TCP}, {"::1", TCP}, {"10.0.0.7", TCP}, {"fe80::1%eth0", TCP},
		{"", TCP}, {NULL, TCP}, {"unix-socket2", TCP}, {"unix-sock", TCP},
		{"Unix-Socket", TCP}, {"run/nabz/mqtt.sock", TCP}, {" /run/x", TCP},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_transport__from_address(rows[i].address) == rows[i].want,
				"from_address(\"%s\")", rows[i].address ? rows[i].address : "(null)");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_infer),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_transport_from_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
