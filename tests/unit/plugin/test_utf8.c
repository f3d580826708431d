/* Unit tests for plugin/utf8.c: strict UTF-8, table-driven, each row an
 * exact-size heap copy so ASan sees any read past the end. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "utf8.h"

static void test_rows(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		bool ok;
		const char *why;
	} rows[] = {
		{"", 0, true, "empty"},
		{"plain ascii", 11, true, "ascii"},
		{"\x7f", 1, true, "DEL is a character"},
		{"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", 8, true, "Persian, 2-byte"},
		{"\xdb\xb4\xdb\xb2", 4, true, "Persian digits"},
		{"\xe2\x82\xac", 3, true, "euro sign, 3-byte"},
		{"\xef\xbf\xbf", 3, true, "U+FFFF (a noncharacter, still UTF-8)"},
		{"\xf0\x9f\x9a\x80", 4, true, "rocket, 4-byte"},
		{"\xf4\x8f\xbf\xbf", 4, true, "U+10FFFF, the last"},
		{"\xed\x9f\xbf", 3, true, "U+D7FF, just below the surrogates"},
		{"\xee\x80\x80", 3, true, "U+E000, just above"},
		{"a\0b", 3, false, "NUL"},
		{"\0", 1, false, "NUL alone"},
		{"\xff", 1, false, "FF"},
		{"\xfe\xff", 2, false, "FE FF"},
		{"\x80", 1, false, "lone continuation"},
		{"\xbf", 1, false, "lone continuation BF"},
		{"\xc0\xaf", 2, false, "overlong '/'"},
		{"\xc1\xbf", 2, false, "overlong 2-byte"},
		{"\xe0\x80\xaf", 3, false, "overlong 3-byte"},
		{"\xe0\x9f\xbf", 3, false, "overlong 3-byte, top"},
		{"\xf0\x80\x80\xaf", 4, false, "overlong 4-byte"},
		{"\xf0\x8f\xbf\xbf", 4, false, "overlong 4-byte, top"},
		{"\xed\xa0\x80", 3, false, "surrogate D800"},
		{"\xed\xbf\xbf", 3, false, "surrogate DFFF"},
		{"\xf4\x90\x80\x80", 4, false, "U+110000"},
		{"\xf5\x80\x80\x80", 4, false, "F5 lead"},
		{"\xc3", 1, false, "cut after the lead"},
		{"\xe2\x82", 2, false, "cut 3-byte"},
		{"\xf0\x9f\x9a", 3, false, "cut 4-byte"},
		{"\xc3\x28", 2, false, "bad continuation"},
		{"\xe2\x28\xa1", 3, false, "bad second byte"},
		{"\xe2\x82\x28", 3, false, "bad third byte"},
		{"\xf0\x9f\x9a\x28", 4, false, "bad fourth byte"},
		{"ok\xc3\xa9ok\xff", 8, false, "bad at the end"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *copy = malloc(rows[i].len ? rows[i].len : 1);
		assert_non_null(copy);
		memcpy(copy, rows[i].bytes, rows[i].len);
		check_row(nabz_utf8__valid(copy, rows[i].len) == rows[i].ok, "row %zu: %s", i, rows[i].why);
		free(copy);
	}
}

/* The stricter rules mosquitto applies to client ids (and what the
 * listener checks before it keeps a WebSocket client's details). */
static void test_mqtt_rows(void **state)
{
	static const struct { const char *s; size_t len; bool ok; } rows[] = {
		{"", 0, true}, {"web-1", 5, true}, {"\xc3\xa9", 2, true}, {"\xe2\x82\xac", 3, true},
		{"\xf0\x9f\x98\x80", 4, true}, {"\xf4\x8f\xbf\xbd", 4, true},
		{"\0", 1, false}, {"\x1f", 1, false}, {"\x7f", 1, false}, {"\xc2\x80", 2, false},
		{"\xc0\x80", 2, false}, {"\xc1\xbf", 2, false}, {"\xe0\x80\xaf", 3, false},
		{"\xf0\x80\x80\xaf", 4, false}, {"\xed\xa0\x80", 3, false}, {"\xed\xbf\xbf", 3, false},
		{"\xf4\x90\x80\x80", 4, false}, {"\xf5\x80\x80\x80", 4, false}, {"\x80", 1, false},
		{"\xc3", 1, false}, {"\xe2\x82", 2, false}, {"\xc3\x28", 2, false},
		{"\xef\xbf\xbe", 3, false}, {"\xef\xb7\x90", 3, false}, {"\xf0\x9f\xbf\xbf", 4, false},
	};

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		check_row(nabz_utf8__valid_mqtt((const uint8_t *)rows[r].s, rows[r].len) == rows[r].ok, "row %zu", r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_mqtt_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
