/* Unit tests for plugin/access.c: who may connect and who may do what. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "nabz_test.h"

#include "access.h"
#include "config.h"

static const char *decision_name(enum nabz_auth_decision d)
{
	switch(d){
		case NABZ_AUTH_ACCEPT: return "accept";
		case NABZ_AUTH_DEFER: return "defer";
		case NABZ_AUTH_REFUSE: return "refuse";
	}
	return "?";
}

static void parse_cfg(struct nabz_config *cfg, const char *allow_anonymous)
{
	struct mosquitto_opt opts[] = {
		{(char *)"services", (char *)"bridge, telegram"},
		{(char *)"publishers", (char *)"bridge pub"},
		{(char *)"admins", (char *)"root"},
		{(char *)"bots", (char *)"tgbot"},
		{(char *)"allow_anonymous", (char *)allow_anonymous},
	};
	char err[256];

	assert_int_equal(nabz_config__parse(cfg, opts, (int)N_ELEMS(opts), err, sizeof(err)), 0);
}

static void test_authenticate(void **state)
{
	static const struct {
		bool allow_anonymous;
		const char *username;
		enum nabz_auth_decision want;
	} rows[] = {
		/* Named accounts: always the broker's password file. */
		{true, "bridge", NABZ_AUTH_DEFER}, {false, "bridge", NABZ_AUTH_DEFER},
		{true, "tgbot", NABZ_AUTH_DEFER}, {false, "tgbot", NABZ_AUTH_DEFER},
		{true, "telegram", NABZ_AUTH_DEFER}, {false, "telegram", NABZ_AUTH_DEFER},
		{true, "pub", NABZ_AUTH_DEFER}, {false, "pub", NABZ_AUTH_DEFER},
		{true, "root", NABZ_AUTH_DEFER}, {false, "root", NABZ_AUTH_DEFER},
		/* No username: let in only when anonymous readers are allowed. */
		{true, NULL, NABZ_AUTH_ACCEPT}, {false, NULL, NABZ_AUTH_REFUSE},
		/* Any other username is a reader. */
		{true, "alice", NABZ_AUTH_ACCEPT}, {false, "alice", NABZ_AUTH_DEFER},
		{true, "", NABZ_AUTH_ACCEPT}, {false, "", NABZ_AUTH_DEFER},
		/* Near misses of named accounts are not named accounts. */
		{true, "Bridge", NABZ_AUTH_ACCEPT}, {true, "bridge ", NABZ_AUTH_ACCEPT},
		{true, "bridge,", NABZ_AUTH_ACCEPT}, {true, "roo", NABZ_AUTH_ACCEPT},
		{false, "rootx", NABZ_AUTH_DEFER},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_config cfg;
		enum nabz_auth_decision got;

		parse_cfg(&cfg, rows[i].allow_anonymous ? "true" : "false");
		got = nabz_access__authenticate(&cfg, rows[i].username, NULL);
		check_row(got == rows[i].want, "allow_anonymous=%d username=%s: %s, want %s",
				(int)rows[i].allow_anonymous, rows[i].username ? rows[i].username : "(null)",
				decision_name(got), decision_name(rows[i].want));
		nabz_config__free(&cfg);
	}
}

/* With no named accounts at all. */
static void test_authenticate_empty_lists(void **state)
{
	struct nabz_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(nabz_config__parse(&cfg, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(nabz_access__authenticate(&cfg, NULL, NULL), NABZ_AUTH_ACCEPT);
	assert_int_equal(nabz_access__authenticate(&cfg, "bridge", NULL), NABZ_AUTH_ACCEPT);
	cfg.allow_anonymous = false;
	assert_int_equal(nabz_access__authenticate(&cfg, NULL, NULL), NABZ_AUTH_REFUSE);
	assert_int_equal(nabz_access__authenticate(&cfg, "bridge", NULL), NABZ_AUTH_DEFER);
	nabz_config__free(&cfg);
}

enum role { ORDINARY, PUBLISHER, ADMIN, UNKNOWN, ROLE_COUNT };

static const char *const role_names[ROLE_COUNT] = {"ordinary", "publisher", "admin", "NULL session"};

/* For each topic, what each role may do: a string of the allowed accesses,
 * R(ead) W(rite) S(ubscribe) U(nsubscribe), '.' where refused. */
static const struct {
	const char *topic;
	const char *allowed[ROLE_COUNT]; /* ordinary, publisher, admin, NULL */
} access_rows[] = {
	{"crypto/prices/BTC",         {"R.SU", "RWSU", "R.SU", "R.SU"}},
	{"crypto/market",             {"R.SU", "RWSU", "R.SU", "R.SU"}},
	{"crypto/news",               {"R.SU", "RWSU", "R.SU", "R.SU"}},
	{"crypto/alerts",             {"R.SU", "RWSU", "R.SU", "R.SU"}},
	{"crypto/sources",            {"R.SU", "RWSU", "R.SU", "R.SU"}},
	/* Only the plugin itself publishes the stats. */
	{"crypto/stats",              {"R.SU", "R.SU", "R.SU", "R.SU"}},
	/* ...and the chat rooms, stamped with who spoke. */
	{"crypto/chat/general",       {"R.SU", "R.SU", "R.SU", "R.SU"}},
	{"crypto/chat/general/recent", {"R.SU", "R.SU", "R.SU", "R.SU"}},
	{"crypto/chat/",              {"R.SU", "R.SU", "R.SU", "R.SU"}},
	{"crypto/chat",               {"R.SU", "RWSU", "R.SU", "R.SU"}},   /* no room: not a chat topic */
	{"crypto/chatx/a",            {"R.SU", "RWSU", "R.SU", "R.SU"}},
	/* The prefix level alone is no data topic. */
	{"crypto",                    {"...U", "...U", "...U", "...U"}},
	{"crypto/",                   {"R.SU", "RWSU", "R.SU", "R.SU"}},
	{"cryptox/a",                 {"...U", "...U", "...U", "...U"}},
	{"crypt/a",                   {"...U", "...U", "...U", "...U"}},
	{"Crypto/prices/BTC",         {"...U", "...U", "...U", "...U"}},
	{"x/crypto/prices/BTC",       {"...U", "...U", "...U", "...U"}},
	{"$CONTROL/nabz/v1",          {".W.U", ".W.U", ".W.U", ".W.U"}},
	{"$CONTROL/nabz/v1/response", {"R.SU", "R.SU", "R.SU", "R.SU"}},
	{"$CONTROL/nabz/v1/x",        {"...U", "...U", "...U", "...U"}},
	{"$CONTROL/dynamic-security/v1", {"...U", "...U", "...U", "...U"}},
	{"$SYS/broker/uptime",        {"...U", "...U", "R.SU", "...U"}},
	{"$SYS/#",                    {"...U", "...U", "R.SU", "...U"}},
	{"$SYS",                      {"...U", "...U", "..SU", "...U"}},
	{"$SYSX/a",                   {"...U", "...U", "...U", "...U"}},
	{"other/topic",               {"...U", "...U", "...U", "...U"}},
	{"#",                         {"..SU", "..SU", "..SU", "..SU"}},
	{"+/prices/#",                {"..SU", "..SU", "..SU", "..SU"}},
	{"$share/g/crypto/#",         {"..SU", "..SU", "..SU", "..SU"}},
	{"$share/g/other/#",          {"...U", "...U", "...U", "...U"}},
	{"",                          {"...U", "...U", "...U", "...U"}},
};

static const int accesses[] = {MOSQ_ACL_READ, MOSQ_ACL_WRITE, MOSQ_ACL_SUBSCRIBE, MOSQ_ACL_UNSUBSCRIBE};
static const char access_letters[] = "RWSU";

static void test_allowed_table(void **state)
{
	struct nabz_session sessions[ROLE_COUNT - 1];

	(void)state;
	memset(sessions, 0, sizeof(sessions));
	sessions[PUBLISHER].publisher = true;
	sessions[ADMIN].admin = true;
	for(size_t i = 0; i < N_ELEMS(access_rows); i++){
		for(int r = 0; r < ROLE_COUNT; r++){
			const struct nabz_session *s = r == UNKNOWN ? NULL : &sessions[r];

			for(size_t a = 0; a < N_ELEMS(accesses); a++){
				bool want = access_rows[i].allowed[r][a] == access_letters[a];
				bool got = nabz_access__allowed("crypto", 6, s, accesses[a], access_rows[i].topic);

				check_row(got == want, "%s %c \"%s\": %s, want %s", role_names[r], access_letters[a],
						access_rows[i].topic, got ? "allowed" : "refused", want ? "allowed" : "refused");
			}
		}
	}
}

/* A publisher that is also an admin has both rights, and a service flag
 * changes nothing. */
static void test_allowed_combined_roles(void **state)
{
	struct nabz_session s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.publisher = true;
	s.admin = true;
	s.service = true;
	assert_true(nabz_access__allowed("crypto", 6, &s, MOSQ_ACL_WRITE, "crypto/prices/BTC"));
	assert_true(nabz_access__allowed("crypto", 6, &s, MOSQ_ACL_READ, "$SYS/broker/uptime"));
	assert_false(nabz_access__allowed("crypto", 6, &s, MOSQ_ACL_WRITE, "crypto/stats"));
	assert_false(nabz_access__allowed("crypto", 6, &s, MOSQ_ACL_WRITE, "$SYS/broker/uptime"));
	s.publisher = false;
	s.admin = false;
	assert_false(nabz_access__allowed("crypto", 6, &s, MOSQ_ACL_WRITE, "crypto/prices/BTC"));
	assert_false(nabz_access__allowed("crypto", 6, &s, MOSQ_ACL_READ, "$SYS/broker/uptime"));
}

static void test_allowed_unknown_access(void **state)
{
	static const int junk[] = {MOSQ_ACL_NONE, 3, 5, 16, -1, 1000};
	struct nabz_session s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.publisher = true;
	s.admin = true;
	for(size_t i = 0; i < N_ELEMS(junk); i++){
		check_row(!nabz_access__allowed("crypto", 6, &s, junk[i], "crypto/prices/BTC"), "access %d", junk[i]);
		check_row(!nabz_access__allowed("crypto", 6, NULL, junk[i], "$CONTROL/nabz/v1"), "access %d", junk[i]);
	}
}

/* Another prefix, of two levels: the same rules move with it. */
static void test_allowed_other_prefix(void **state)
{
	static const struct {
		const char *topic;
		int access;
		bool publisher;
		bool want;
	} rows[] = {
		{"a/b/prices/BTC", MOSQ_ACL_READ, false, true},
		{"a/b/prices/BTC", MOSQ_ACL_WRITE, true, true},
		{"a/b/prices/BTC", MOSQ_ACL_WRITE, false, false},
		{"a/b/stats", MOSQ_ACL_WRITE, true, false},
		{"a/b/stats/x", MOSQ_ACL_WRITE, true, true},
		{"a/b/stats", MOSQ_ACL_READ, false, true},
		{"a/bc/x", MOSQ_ACL_READ, false, false},
		{"a/x", MOSQ_ACL_READ, false, false},
		{"crypto/prices/BTC", MOSQ_ACL_READ, false, false},
		{"crypto/prices/BTC", MOSQ_ACL_WRITE, true, false},
		{"crypto/#", MOSQ_ACL_SUBSCRIBE, false, false},
		{"a/b/#", MOSQ_ACL_SUBSCRIBE, false, true},
		{"a/+/news", MOSQ_ACL_SUBSCRIBE, false, true},
		{"$CONTROL/nabz/v1", MOSQ_ACL_WRITE, false, true},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_session s;

		memset(&s, 0, sizeof(s));
		s.publisher = rows[i].publisher;
		check_row(nabz_access__allowed("a/b", 3, &s, rows[i].access, rows[i].topic) == rows[i].want,
				"prefix a/b, access %d, \"%s\"", rows[i].access, rows[i].topic);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authenticate),
		cmocka_unit_test(test_authenticate_empty_lists),
		cmocka_unit_test(test_allowed_table),
		cmocka_unit_test(test_allowed_combined_roles),
		cmocka_unit_test(test_allowed_unknown_access),
		cmocka_unit_test(test_allowed_other_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
