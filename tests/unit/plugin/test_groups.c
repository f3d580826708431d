/* Unit tests for plugin/groups.c: filter intersection and audience groups. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "groups.h"

#define P (1u << NABZ_GROUP_PRICES)
#define M (1u << NABZ_GROUP_MARKET)
#define N (1u << NABZ_GROUP_NEWS)
#define A (1u << NABZ_GROUP_ALERTS)
#define S (1u << NABZ_GROUP_SIGNALS)
#define C (1u << NABZ_GROUP_CHAT)
#define ALL (P | M | N | A | S | C)

static void test_intersect(void **state)
{
	static const struct {
		const char *a;
		const char *b;
		bool want;
	} rows[] = {
		/* identical and different topics */
		{"a", "a", true}, {"a/b", "a/b", true}, {"a/b", "a/c", false}, {"a", "b", false},
		{"a/b", "a/bc", false}, {"ab", "a", false}, {"crypto", "cryptox", false},
		/* '#' */
		{"#", "a", true}, {"#", "a/b/c", true}, {"#", "#", true}, {"#", "+", true},
		{"a/#", "a/b", true}, {"a/#", "a/b/c/d", true}, {"a/#", "b/c", false},
		{"a/#", "a", true},   /* '#' matches its parent level too */
		{"a/b/#", "a/b", true}, {"a/b/#", "a", false}, {"a/b/#", "a/c/#", false},
		{"a/#", "a/#", true}, {"a/#", "+/#", true}, {"a/b/#", "a/+/c", true},
		/* '+' */
		{"+", "a", true}, {"+", "a/b", false}, {"+/+", "a/b", true}, {"+/+", "a", false},
		{"+/b", "a/b", true}, {"+/b", "a/c", false}, {"a/+", "a/b", true}, {"a/+", "a", false},
		{"a/+", "a/b/c", false}, {"+", "+", true}, {"+/#", "a", true}, {"+/#", "a/b/c", true},
		{"+", "a/#", true}, {"a/+/c", "a/b/c", true}, {"a/+/c", "a/b/d", false},
		{"+/prices/+", "crypto/prices/+", true}, {"+/prices/+", "crypto/market", false},
		/* level count mismatch */
		{"a/b/c", "a/b", false}, {"a/b", "a/b/c", false}, {"a/b/c/d", "a/+/c", false},
		/* empty levels */
		{"", "", true}, {"", "a", false}, {"a/", "a", false}, {"a/", "a/", true},
		{"a/", "a/+", true}, {"a/", "a/#", true}, {"/a", "+/a", true}, {"/a", "a", false},
		{"a//b", "a/+/b", true}, {"a//b", "a/b", false}, {"a//b", "a//b", true},
		{"/", "+/+", true}, {"/", "+", false}, {"//", "#", true}, {"+", "", true},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_filters__intersect(rows[i].a, rows[i].b) == rows[i].want,
				"intersect(\"%s\", \"%s\") != %d", rows[i].a, rows[i].b, rows[i].want);
		check_row(nabz_filters__intersect(rows[i].b, rows[i].a) == rows[i].want,
				"intersect(\"%s\", \"%s\") != %d", rows[i].b, rows[i].a, rows[i].want);
	}
}

static void test_mask(void **state)
{
	static const struct {
		const char *prefix;
		const char *filter;
		unsigned want;
	} rows[] = {
		{"crypto", "crypto/#", ALL},
		{"crypto", "#", ALL},
		{"crypto", "+/#", ALL},
		{"crypto", "+/prices/+", P},
		{"crypto", "+/prices/#", P},
		{"crypto", "crypto/prices/BTC", P},
		{"crypto", "crypto/prices/+", P},
		{"crypto", "crypto/prices/#", P},
		{"crypto", "crypto/prices", 0},
		{"crypto", "crypto/prices/BTC/x", 0},
		/* the prices' history counts in prices too */
		{"crypto", "crypto/history/BTC", P},
		{"crypto", "crypto/history/#", P},
		{"crypto", "crypto/history/+", P},
		{"crypto", "+/history/ETH", P},
		{"crypto", "$share/g/crypto/history/BTC", P},
		{"crypto", "crypto/history", 0},
		{"crypto", "crypto/history/BTC/x", 0},
		{"crypto", "crypto/historyx/BTC", 0},
		{"other", "other/history/BTC", P},
		{"other", "crypto/history/BTC", 0},
		{"crypto", "crypto/market", M},
		{"crypto", "crypto/news", N},
		{"crypto", "crypto/alerts", A},
		{"crypto", "crypto/market/#", M},
		{"crypto", "crypto/stats", 0},
		{"crypto", "crypto/sources", 0},
		{"crypto", "crypto/+", M | N | A | S},
		{"crypto", "crypto/+/+", P | S | C},
		{"crypto", "+/+", M | N | A | S},
		/* the trading signals: each change and the current states */
		{"crypto", "crypto/signals", S},
		{"crypto", "crypto/signals/recent", S},
		{"crypto", "crypto/signals/#", S},
		{"crypto", "crypto/signals/+", S},
		{"crypto", "$share/g/crypto/signals", S},
		{"crypto", "crypto/signals/recent/x", 0},
		{"crypto", "crypto/signalsx", 0},
		{"other", "crypto/signals", 0},
		/* chat: any room, its messages or its recent */
		{"crypto", "crypto/chat/general", C},
		{"crypto", "crypto/chat/general/recent", C},
		{"crypto", "crypto/chat/+", C},
		{"crypto", "crypto/chat/#", C},
		{"crypto", "$share/g/crypto/chat/fa", C},
		{"crypto", "crypto/chat", 0},
		{"crypto", "crypto/chat/general/x", 0},
		{"crypto", "crypto/+/general", P | C},
		{"other", "crypto/chat/general", 0},
		{"crypto", "+", 0},
		{"crypto", "crypto", 0},
		{"crypto", "crypto/", 0},
		{"crypto", "Crypto/#", 0},
		{"crypto", "cryptox/#", 0},
		{"crypto", "other/#", 0},
		{"crypto", "$share/g/crypto/news", N},
		{"crypto", "$share/g/crypto/#", ALL},
		{"crypto", "$share/g/#", ALL},
		{"crypto", "$share/g/crypto/prices/ETH", P},
		{"crypto", "$share/g", 0},
		{"crypto", "$SYS/#", 0},
		{"crypto", "$CONTROL/nabz/v1", 0},
		{"crypto", "", 0},
		/* another prefix, one or two levels */
		{"other", "crypto/#", 0},
		{"other", "other/prices/ETH", P},
		{"other", "other/#", ALL},
		{"a/b", "a/b/market", M},
		{"a/b", "a/+/prices/X", P},
		{"a/b", "a/#", ALL},
		{"a/b", "a/b", 0},
		{"a/b", "crypto/#", 0},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		unsigned got = nabz_groups__mask(rows[i].prefix, rows[i].filter);
		check_row(got == rows[i].want, "mask(\"%s\", \"%s\") = %#x, want %#x",
				rows[i].prefix, rows[i].filter, got, rows[i].want);
	}
}

static void test_reaches_prefix(void **state)
{
	static const struct {
		const char *prefix;
		const char *filter;
		bool want;
	} rows[] = {
		{"crypto", "crypto/#", true}, {"crypto", "crypto/prices/BTC", true},
		{"crypto", "crypto/stats", true}, {"crypto", "crypto/sources", true},
		{"crypto", "crypto/anything/at/all", true}, {"crypto", "#", true},
		{"crypto", "+/stats", true}, {"crypto", "+/+/+", true},
		{"crypto", "$share/g/crypto/#", true}, {"crypto", "$share/g/#", true},
		{"crypto", "cryptox/a", false}, {"crypto", "cryptox/#", false},
		{"crypto", "crypt/#", false}, {"crypto", "other/topic", false},
		{"crypto", "$SYS/#", false},
		/* The prefix's own level is no topic under "<prefix>/". */
		{"crypto", "crypto", false}, {"crypto", "+", false},
		{"crypto", "$CONTROL/nabz/v1", false}, {"crypto", "$share/g/other/#", false},
		{"crypto", "$share/g", false}, {"crypto", "x/crypto/#", false},
		{"a/b", "a/b/c", true}, {"a/b", "a/+/c", true}, {"a/b", "a/c/d", false},
		{"a/b", "+/#", true},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_filter__reaches_prefix(rows[i].prefix, rows[i].filter) == rows[i].want,
				"reaches_prefix(\"%s\", \"%s\") != %d", rows[i].prefix, rows[i].filter, rows[i].want);
	}
}

static void test_group_names(void **state)
{
	(void)state;
	assert_string_equal(nabz_group__name(NABZ_GROUP_PRICES), "prices");
	assert_string_equal(nabz_group__name(NABZ_GROUP_MARKET), "market");
	assert_string_equal(nabz_group__name(NABZ_GROUP_NEWS), "news");
	assert_string_equal(nabz_group__name(NABZ_GROUP_ALERTS), "alerts");
	assert_string_equal(nabz_group__name(NABZ_GROUP_SIGNALS), "signals");
	assert_string_equal(nabz_group__name(NABZ_GROUP_CHAT), "chat");
	assert_string_equal(nabz_group__name(NABZ_GROUP_COUNT), "unknown");
	assert_string_equal(nabz_group__name((enum nabz_group)-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intersect),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_reaches_prefix),
		cmocka_unit_test(test_group_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
