/* feed.c: prices' times and sources' health, from the bridge's messages. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "feed.h"

#define T0 INT64_C(1764892800000)   /* 2025-12-05T00:00:00.000Z */

static void price(struct nabz_feed *f, const char *symbol, const char *payload, int64_t wall_ms)
{
	nabz_feed__on_price(f, symbol, payload, payload ? strlen(payload) : 0, wall_ms);
}

static const struct nabz_feed_price *find(const struct nabz_feed *f, const char *symbol)
{
	for(size_t i = 0; i < f->price_count; i++){
		if(strcmp(f->prices[i].symbol, symbol) == 0) return &f->prices[i];
	}
	return NULL;
}

static void test_price_times_and_stale(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));
	const struct nabz_feed_price *p;

	(void)state;
	price(f, "BTC", "{\"type\":\"price_update\",\"data\":{\"symbol\":\"BTC\",\"price_usd\":1,"
			"\"stale\":false,\"source_ts\":\"2025-12-05T00:00:00.000Z\"},\"ts\":\"x\"}", T0 + 2500);
	p = find(f, "BTC");
	assert_non_null(p);
	assert_int_equal(p->received_ms, T0 + 2500);
	assert_int_equal(p->source_ms, T0);
	assert_false(p->stale);
	/* the same symbol again: updated in place, marked stale */
	price(f, "BTC", "{\"data\":{\"stale\":true,\"source_ts\":\"2025-12-05T00:00:01.000Z\"}}", T0 + 9000);
	assert_int_equal(f->price_count, 1);
	assert_int_equal(p->received_ms, T0 + 9000);
	assert_int_equal(p->source_ms, T0 + 1000);
	assert_true(p->stale);
	/* junk: the receipt counts, no source time is guessed */
	price(f, "BTC", "not json", T0 + 10000);
	assert_int_equal(p->received_ms, T0 + 10000);
	assert_int_equal(p->source_ms, 0);
	assert_false(p->stale);
	price(f, "ETH", "{\"data\":{\"source_ts\":\"yesterday\"}}", T0);
	assert_int_equal(find(f, "ETH")->source_ms, 0);
	assert_int_equal(f->price_updates, 4);
	assert_int_equal(f->price_untracked, 0);
	free(f);
}

static void test_symbols_checked_and_capped(void **state)
{
	static const char *const bad[] = {"btc", "", "BTC-USD", "ABCDEFGHIJKLMNOP", "B\"C", "B\\C"};
	struct nabz_feed *f = calloc(1, sizeof(*f));
	char sym[8];

	(void)state;
	for(size_t i = 0; i < N_ELEMS(bad); i++) price(f, bad[i], "{}", T0);
	assert_int_equal(f->price_count, 0);
	assert_int_equal(f->price_updates, N_ELEMS(bad));
	assert_int_equal(f->price_untracked, N_ELEMS(bad));
	price(f, "ABCDEFGHIJKLMNO", "{}", T0);     /* 15 characters: the longest */
	assert_int_equal(f->price_count, 1);
	for(int i = 0; i < NABZ_FEED_SYMBOLS_MAX + 10; i++){
		snprintf(sym, sizeof(sym), "S%d", i);
		price(f, sym, "{}", T0 + i);
	}
	assert_int_equal(f->price_count, NABZ_FEED_SYMBOLS_MAX);
	assert_int_equal(f->price_untracked, N_ELEMS(bad) + 11);
	/* a tracked symbol still updates at the cap */
	price(f, "S0", "{}", T0 + 99999);
	assert_int_equal(find(f, "S0")->received_ms, T0 + 99999);
	free(f);
}

static void test_cleared_price_forgotten(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));

	(void)state;
	price(f, "BTC", "{}", T0);
	price(f, "ETH", "{}", T0 + 1);
	price(f, "SOL", "{}", T0 + 2);
	price(f, "BTC", NULL, T0 + 3);        /* retained price cleared */
	assert_int_equal(f->price_count, 2);
	assert_null(find(f, "BTC"));
	assert_int_equal(find(f, "SOL")->received_ms, T0 + 2);
	assert_int_equal(find(f, "ETH")->received_ms, T0 + 1);
	price(f, "DOGE", NULL, T0);           /* never seen: nothing to forget */
	price(f, "bad", NULL, T0);
	assert_int_equal(f->price_count, 2);
	assert_int_equal(f->price_updates, 3); /* empty payloads are not prices */
	free(f);
}

static void test_sources(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));
	const char *msg = "{\"type\":\"sources_update\",\"data\":{\"demo\":false,\"sources\":{"
		"\"coingecko\":{\"status\":\"ok\",\"last_success\":\"2025-12-05T00:00:00.000Z\"},"
		"\"binance\":{\"status\":\"down\",\"last_error\":\"HTTP 451\"},"
		"\"kraken\":{\"status\":\"unknown\"},"
		"\"Bad Name\":{\"status\":\"ok\"},"
		"\"wallex\":\"not an object\"}},\"ts\":\"x\"}";

	(void)state;
	assert_true(nabz_feed__on_sources(f, msg, strlen(msg), T0 + 5));
	assert_int_equal(f->source_count, 3);
	assert_int_equal(f->sources_received_ms, T0 + 5);
	assert_string_equal(f->sources[0].name, "coingecko");
	assert_true(f->sources[0].up);
	assert_int_equal(f->sources[0].last_success_ms, T0);
	assert_string_equal(f->sources[1].name, "binance");
	assert_false(f->sources[1].up);
	assert_int_equal(f->sources[1].last_success_ms, 0);
	assert_string_equal(f->sources[2].name, "kraken");
	assert_false(f->sources[2].up);
	/* a later message replaces the table */
	msg = "{\"data\":{\"sources\":{\"binance\":{\"status\":\"ok\"}}}}";
	assert_true(nabz_feed__on_sources(f, msg, strlen(msg), T0 + 6));
	assert_int_equal(f->source_count, 1);
	assert_true(f->sources[0].up);
	assert_string_equal(f->sources[1].name, "");
	/* not a sources message: nothing changes */
	static const char *const junk[] = {"", "x", "{\"data\":{}}", "{\"data\":{\"sources\":[]}}", "[]",
		"{\"sources\":{}}"};
	for(size_t i = 0; i < N_ELEMS(junk); i++){
		check_row(!nabz_feed__on_sources(f, junk[i], strlen(junk[i]), T0 + 7), "junk %zu", i);
	}
	assert_false(nabz_feed__on_sources(f, NULL, 0, T0 + 7));
	assert_int_equal(f->source_count, 1);
	assert_int_equal(f->sources_received_ms, T0 + 6);
	free(f);
}

static void test_sources_capped(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));
	char msg[4096];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(msg + n, sizeof(msg) - n, "{\"data\":{\"sources\":{");
	for(int i = 0; i < NABZ_FEED_SOURCES_MAX + 5; i++){
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s\"s%d\":{\"status\":\"ok\"}", i ? "," : "", i);
	}
	n += (size_t)snprintf(msg + n, sizeof(msg) - n, "}}}");
	assert_true(n < sizeof(msg));
	assert_true(nabz_feed__on_sources(f, msg, n, T0));
	assert_int_equal(f->source_count, NABZ_FEED_SOURCES_MAX);
	/* a 31-character name is kept, a 32-character one is not */
	const char *names = "{\"data\":{\"sources\":{\"abcdefghijklmnopqrstuvwxyz01234\":{},"
		"\"abcdefghijklmnopqrstuvwxyz012345\":{}}}}";
	assert_true(nabz_feed__on_sources(f, names, strlen(names), T0));
	assert_int_equal(f->source_count, 1);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_price_times_and_stale),
		cmocka_unit_test(test_symbols_checked_and_capped),
		cmocka_unit_test(test_cleared_price_forgotten),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_sources_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
