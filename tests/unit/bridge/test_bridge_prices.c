/* Consensus: median of the fresh sources, divergence, stale, absurd
 * values refused, change detection. */
#include <math.h>
#include <string.h>

#include "nabz_test.h"
#include "prices.h"

static struct nabz_quote quote(const char *sym, double usd, double irt)
{
	struct nabz_quote q;
	nabz_quote__init(&q, sym);
	q.price_usd = usd;
	q.price_irt = irt;
	return q;
}

static void test_median_and_sources(void **state)
{
	struct nabz_prices p;
	struct nabz_consensus c;
	struct nabz_quote q;

	(void)state;
	nabz_prices__init(&p, 2.0, 60000);
	q = quote("BTC", 100.0, NAN);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 1000), 0);
	q = quote("BTC", 101.0, NAN);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_COINGECKO, &q, 1000), 0);
	q = quote("BTC", 99.0, NAN);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_KRAKEN, &q, 1000), 0);
	q = quote("BTC", NAN, 5800000.0);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_NOBITEX, &q, 1000), 0);
	nabz_prices__consensus(&p, nabz_prices__get(&p, "BTC", false), 2000, &c);
	assert_true(c.price_usd == 100.0);
	assert_int_equal(c.sources, 3);
	assert_true(c.price_irt == 5800000.0);
	assert_false(c.divergent);
	assert_false(c.stale);
	/* even count: the mean of the middle two */
	q = quote("BTC", 103.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_COINBASE, &q, 1500);
	nabz_prices__consensus(&p, nabz_prices__get(&p, "BTC", false), 2000, &c);
	assert_true(c.price_usd == 100.5);
	assert_true(c.divergent);      /* 103 is 2.5 % above the median 100.5 */
	nabz_prices__cleanup(&p);
}

static void test_stale_and_failover(void **state)
{
	struct nabz_prices p;
	struct nabz_consensus c;
	struct nabz_symbol *s;
	struct nabz_quote q;

	(void)state;
	nabz_prices__init(&p, 2.0, 60000);
	q = quote("ETH", 3000.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 0);
	q = quote("ETH", 3010.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_COINGECKO, &q, 50000);
	s = nabz_prices__get(&p, "ETH", false);
	nabz_prices__consensus(&p, s, 70000, &c);    /* binance quiet for 70 s */
	assert_int_equal(c.sources, 1);
	assert_true(c.price_usd == 3010.0);          /* failover: the other source */
	assert_true(nabz_prices__changed(s, &c));
	s->published = c;
	s->ever_published = true;
	assert_false(nabz_prices__changed(s, &c));   /* nothing new: no publish */
	nabz_prices__consensus(&p, s, 200000, &c);   /* everyone quiet */
	assert_true(c.stale);
	assert_true(c.price_usd == 3010.0);          /* the last value, marked stale */
	assert_true(nabz_prices__changed(s, &c));    /* published once more, stale */
	s->published = c;
	nabz_prices__consensus(&p, s, 300000, &c);
	assert_false(nabz_prices__changed(s, &c));   /* and only once */
	nabz_prices__cleanup(&p);
}

/* USD sources quiet while an Iranian market still quotes: the USD figure
 * keeps its last value (agreeing 0) instead of turning null, and when the
 * market goes quiet too, the stale payload still carries both. */
static void test_a_quiet_currency_keeps_its_last_figure(void **state)
{
	struct nabz_prices p;
	struct nabz_consensus c;
	struct nabz_symbol *s;
	struct nabz_quote q;

	(void)state;
	nabz_prices__init(&p, 2.0, 60000);
	q = quote("SOL", 238.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 1000);
	q = quote("SOL", NAN, 16000000.0);
	nabz_prices__update(&p, NABZ_SRC_WALLEX, &q, 1000);
	s = nabz_prices__get(&p, "SOL", false);
	nabz_prices__consensus(&p, s, 2000, &c);
	assert_true(c.price_usd == 238.0 && c.price_irt == 16000000.0);
	s->published = c;
	s->ever_published = true;
	q = quote("SOL", NAN, 16100000.0);
	nabz_prices__update(&p, NABZ_SRC_WALLEX, &q, 51000);
	nabz_prices__consensus(&p, s, 71000, &c);    /* binance quiet, wallex not */
	assert_false(c.stale);
	assert_int_equal(c.sources, 0);
	assert_true(c.price_usd == 238.0);           /* carried, not null */
	assert_true(c.price_irt == 16100000.0);
	s->published = c;
	nabz_prices__consensus(&p, s, 200000, &c);   /* everyone quiet */
	assert_true(c.stale);
	assert_true(c.price_usd == 238.0 && c.price_irt == 16100000.0);
	nabz_prices__cleanup(&p);
}

static void test_absurd_values_are_refused(void **state)
{
	struct nabz_prices p;
	struct nabz_consensus c;
	struct nabz_quote q;

	(void)state;
	nabz_prices__init(&p, 2.0, 60000);
	q = quote("BTC", 97000.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 1000);
	q = quote("BTC", 97000.0 * 1500, NAN);       /* another source, 1500x off */
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_KRAKEN, &q, 1000), 1);
	q = quote("BTC", 97.0 / 1000 / 2, NAN);      /* its own last value, 2000x lower */
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 2000), 1);
	q = quote("BTC", NAN, 5.8e9);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_NOBITEX, &q, 1000), 0);
	q = quote("BTC", NAN, 5.8e13);                /* rials taken for toman x 10000 */
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_WALLEX, &q, 1000), 1);
	assert_int_equal(p.refused_absurd, 3);
	nabz_prices__consensus(&p, nabz_prices__get(&p, "BTC", false), 3000, &c);
	assert_true(c.price_usd == 97000.0);
	assert_int_equal(c.sources, 1);
	nabz_prices__cleanup(&p);
}

static void test_payload(void **state)
{
	struct nabz_prices p;
	struct nabz_consensus c;
	struct nabz_quote q;
	struct nabz_symbol *s;
	cJSON *d;
	char *txt;

	(void)state;
	nabz_prices__init(&p, 2.0, 60000);
	q = quote("SOL", 200.0, NAN);
	q.change_24h_pct = -1.5;
	q.source_ts_ms = 1795770000000;
	nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 10000);
	s = nabz_prices__get(&p, "SOL", false);
	nabz_prices__consensus(&p, s, 15000, &c);
	d = nabz_prices__to_json(&p, s, &c, 15000, 1795770005000, false);
	assert_non_null(d);
	txt = cJSON_PrintUnformatted(d);
	assert_non_null(strstr(txt, "\"symbol\":\"SOL\""));
	assert_non_null(strstr(txt, "\"price_usd\":200"));
	assert_non_null(strstr(txt, "\"change_24h_pct\":-1.5"));
	assert_non_null(strstr(txt, "\"source\":\"binance\""));
	assert_non_null(strstr(txt, "\"stale\":false"));
	assert_non_null(strstr(txt, "\"age_s\":5"));
	assert_non_null(strstr(txt, "\"source_ts\":\"2026-11-27T"));
	assert_null(strstr(txt, "price_irt"));       /* no Iranian market lists it */
	cJSON_free(txt);
	cJSON_Delete(d);
	d = nabz_prices__to_json(&p, s, &c, 15000, 1795770005000, true);
	txt = cJSON_PrintUnformatted(d);
	assert_non_null(strstr(txt, "\"source\":\"demo\""));
	cJSON_free(txt);
	cJSON_Delete(d);
	nabz_prices__cleanup(&p);
}

/* A symbol is looked at again only when a source spoke of it or one of
 * its values ages out (the moment the consensus can change by itself). */
static void test_due(void **state)
{
	struct nabz_prices p;
	struct nabz_symbol *s;
	struct nabz_consensus c;
	struct nabz_quote q;

	(void)state;
	nabz_prices__init(&p, 2.0, 60000);
	s = nabz_prices__get(&p, "BTC", true);
	assert_true(nabz_prices__due(s, 0));            /* never checked */
	nabz_prices__checked(&p, s, 0);
	assert_false(nabz_prices__due(s, 1000000));     /* nothing can age out */
	q = quote("BTC", 100.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 1000);
	assert_true(nabz_prices__due(s, 1000));
	nabz_prices__checked(&p, s, 1000);
	assert_false(nabz_prices__due(s, 1001));
	q = quote("BTC", 101.0, NAN);
	nabz_prices__update(&p, NABZ_SRC_KRAKEN, &q, 5000);
	assert_true(nabz_prices__due(s, 5000));
	nabz_prices__checked(&p, s, 5000);
	/* binance is fresh up to 61000 included; at 61001 it drops out */
	assert_false(nabz_prices__due(s, 61000));
	nabz_prices__consensus(&p, s, 61000, &c);
	assert_int_equal(c.sources, 2);
	assert_true(nabz_prices__due(s, 61001));
	nabz_prices__consensus(&p, s, 61001, &c);
	assert_int_equal(c.sources, 1);
	nabz_prices__checked(&p, s, 61001);
	assert_false(nabz_prices__due(s, 65000));
	assert_true(nabz_prices__due(s, 65001));        /* kraken ages out: stale */
	nabz_prices__consensus(&p, s, 65001, &c);
	assert_true(c.stale);
	nabz_prices__checked(&p, s, 65001);
	assert_false(nabz_prices__due(s, INT64_MAX - 1));
	/* a refused value is not news */
	q = quote("BTC", 102.0, NAN);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_KRAKEN, &q, 70000), 0);
	assert_true(nabz_prices__due(s, 70000));
	nabz_prices__checked(&p, s, 70000);
	q = quote("BTC", 1e6, NAN);
	assert_int_equal(nabz_prices__update(&p, NABZ_SRC_BINANCE, &q, 70001), 1);
	assert_false(nabz_prices__due(s, 70001));
	nabz_prices__cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_and_sources),
		cmocka_unit_test(test_stale_and_failover),
		cmocka_unit_test(test_a_quiet_currency_keeps_its_last_figure),
		cmocka_unit_test(test_absurd_values_are_refused),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_due),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
