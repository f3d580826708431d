/* Demo mode's alert rules (bridge/demo.c) fire on the shipped recordings
 * every few minutes, where the shipped thresholds never fire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alerts.h"
#include "demo.h"
#include "nabz_test.h"

static int fired[2];
static char last[200];

static void on_fire(void *ctx, const struct nabz_alert *al)
{
	(void)ctx;
	fired[strcmp(al->rule->symbol, "BTC") == 0 ? 0 : 1]++;
	snprintf(last, sizeof(last), "%s", al->message);
}

static const char *demo_dir(void)
{
	const char *d = getenv("NABZ_DEMO_DIR");
	return d ? d : "bridge/demo";
}

static double price(unsigned i, const char *coin)
{
	char path[512], buf[8192];
	FILE *f;
	size_t n;
	cJSON *root;
	double p;

	snprintf(path, sizeof(path), "%s/coingecko/prices-%u.json", demo_dir(), i);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	root = cJSON_ParseWithLength(buf, n);
	p = cJSON_GetObjectItem(cJSON_GetObjectItem(root, coin), "usd")->valuedouble;
	cJSON_Delete(root);
	return p;
}

static void test_rules_from_the_recordings(void **state)
{
	struct nabz_rule rules[NABZ_DEMO_RULES_MAX];
	unsigned n = nabz_demo__rounds(demo_dir());
	size_t count;

	(void)state;
	assert_true(n >= 2);
	count = nabz_demo__rules(demo_dir(), n, rules);
	assert_int_equal(count, 2);
	assert_string_equal(rules[0].symbol, "BTC");
	assert_int_equal(rules[0].kind, NABZ_RULE_MOVE);
	assert_int_equal(rules[0].window_s, 300);
	assert_true(rules[0].threshold > 0.01 && rules[0].threshold < 5);
	assert_non_null(strstr(rules[0].name, "demo: BTC moves "));
	assert_string_equal(rules[1].symbol, "ETH");
	for(size_t i = 0; i < count; i++) free(rules[i].name);
	/* no recordings: no rules */
	assert_int_equal(nabz_demo__rules("/nonexistent", 5, rules), 0);
}

/* The replay as the bridge does it, a snapshot a minute cycling, for an
 * hour, with the shipped cooldown (300 s): the demo rules fire every few
 * minutes; the shipped ones (BTC above 100000, below 90000) never. */
static void test_they_fire_every_few_minutes_on_the_replay(void **state)
{
	struct nabz_rule rules[NABZ_DEMO_RULES_MAX + 2];
	struct nabz_alerts a;
	unsigned n = nabz_demo__rounds(demo_dir());
	size_t count;

	(void)state;
	count = nabz_demo__rules(demo_dir(), n, rules);
	assert_int_equal(count, 2);
	rules[2] = (struct nabz_rule){.symbol = "BTC", .kind = NABZ_RULE_ABOVE, .threshold = 100000};
	rules[3] = (struct nabz_rule){.symbol = "BTC", .kind = NABZ_RULE_BELOW, .threshold = 90000};
	assert_int_equal(nabz_alerts__init(&a, rules, 4, 0.5, 300 * 1000), 0);
	memset(fired, 0, sizeof(fired));
	for(unsigned minute = 0; minute < 60; minute++){
		int64_t t = (int64_t)minute * 60 * 1000;
		nabz_alerts__feed(&a, "BTC", price(minute % n, "bitcoin"), t, on_fire, NULL);
		nabz_alerts__feed(&a, "ETH", price(minute % n, "ethereum"), t, on_fire, NULL);
	}
	/* at least one alert per coin every 15 minutes, none more than one per 5 */
	assert_true(fired[0] >= 4 && fired[0] <= 12);
	assert_true(fired[1] >= 4 && fired[1] <= 12);
	assert_non_null(strstr(last, " in 300s: "));
	nabz_alerts__cleanup(&a);
	for(size_t i = 0; i < count; i++) free(rules[i].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_from_the_recordings),
		cmocka_unit_test(test_they_fire_every_few_minutes_on_the_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
