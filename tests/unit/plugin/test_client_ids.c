/* Unit tests for plugin/client_ids.c: which account a client id belongs
 * to, and which owner entries are refused at start. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "client_ids.h"
#include "seam.h"

static void test_owner(void **state)
{
	char *names[] = {"nabz-bridge=nabz-bridge", "bot-nabz-telegram=nabz-telegram", "edge-*=edges",
		"x*=ops"};
	struct nabz_namelist owners = {names, N_ELEMS(names)};
	static const struct {
		const char *id;
		const char *owner;
	} rows[] = {
		{"nabz-bridge", "nabz-bridge"},
		{"nabz-bridge2", NULL},                /* exact entries are exact */
		{"nabz-bridg", NULL},
		{"NABZ-BRIDGE", NULL},
		{"bot-nabz-telegram", "nabz-telegram"},
		{"bot-other", NULL},
		{"edge-", "edges"},                    /* a prefix takes itself too */
		{"edge-tehran-1", "edges"},
		{"edge", NULL},
		{"x", "ops"},
		{"xyz", "ops"},
		{"nabz-wake-123", NABZ_WAKE_USERNAME}, /* always the plugin's */
		{"nabz-wake-", NABZ_WAKE_USERNAME},
		{"nabz-wak", NULL},
		{"", NULL},
		{"browser-1", NULL},
	};

	(void)state;
	assert_null(nabz_client_ids__owner(&owners, NULL));
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		const char *got = nabz_client_ids__owner(&owners, rows[i].id);
		check_row(rows[i].owner ? got && strcmp(got, rows[i].owner) == 0 : got == NULL,
				"id \"%s\": got %s", rows[i].id, got ? got : "NULL");
	}
}

static void test_check(void **state)
{
	static const struct {
		const char *entry;
		bool ok;
	} rows[] = {
		{"a=b", true},
		{"prefix-*=acct", true},
		{"a", false},
		{"=b", false},
		{"a=", false},
		{"*=b", false},          /* every client id: refused */
		{"a=b=c", false},
	};
	char err[256];

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *names[] = {(char *)rows[i].entry};
		struct nabz_namelist l = {names, 1};
		err[0] = '\0';
		check_row((nabz_client_ids__check(&l, err, sizeof(err)) == 0) == rows[i].ok, "%s", rows[i].entry);
		check_row(rows[i].ok || strstr(err, rows[i].entry) != NULL, "message names %s: %s",
				rows[i].entry, err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
