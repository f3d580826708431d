/* metrics.c: the /metrics text, the series the alerting rules need, and
 * the bound on its size that ws_http.c allocates. */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "data_mode.h"
#include "metrics.h"

static char *render(const struct nabz_cluster_summary *cl, const struct nabz_data_metrics *d, size_t *len)
{
	static const struct nabz_counts c = {.active = 3, .unique_users = 2, .total_sessions = 9, .peak = 4};
	static const struct nabz_ws_metrics ws = {.connections = 2, .frames_out = 7};
	static const struct nabz_tcp_metrics tcp = {.sessions = 1};
	char *buf = malloc(NABZ_METRICS_MAX_BYTES);

	assert_non_null(buf);
	*len = nabz_metrics__render(buf, NABZ_METRICS_MAX_BYTES, &c, 60, &ws, &tcp, cl, d);
	assert_true(*len > 0);
	assert_int_equal(strlen(buf), *len);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for(const char *p = text; (p = strstr(p, line)) != NULL; p++){
		if((p == text || p[-1] == '\n') && p[n] == '\n') return true;
	}
	return false;
}

static void test_data_series(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));
	struct nabz_data_metrics d = {.feed = f, .deliveries = 1234, .data_mode = NABZ_DATA_LIVE,
		.ws_max_connections = 20000, .tcp_max_connections = 500};
	struct nabz_cluster_summary cl = {0};
	const char *src = "{\"data\":{\"sources\":{\"binance\":{\"status\":\"ok\","
		"\"last_success\":\"2025-12-05T00:00:00.250Z\"},\"kraken\":{\"status\":\"down\"}}}}";
	static const char *const want[] = {
		"nabz_deliveries_total 1234",
		"nabz_data_demo 0",
		"nabz_ws_max_connections 20000",
		"nabz_tcp_max_connections 500",
		"nabz_price_updates_total 2",
		"nabz_price_untracked_total 0",
		"nabz_price_received_timestamp_seconds{symbol=\"BTC\"} 1764892801.500",
		"nabz_price_source_timestamp_seconds{symbol=\"BTC\"} 1764892800.007",
		"nabz_price_stale{symbol=\"BTC\"} 0",
		"nabz_price_received_timestamp_seconds{symbol=\"ETH\"} 1764892802.000",
		"nabz_price_stale{symbol=\"ETH\"} 1",
		"nabz_sources_received_timestamp_seconds 1764892803.000",
		"nabz_source_up{source=\"binance\"} 1",
		"nabz_source_up{source=\"kraken\"} 0",
		"nabz_source_last_success_timestamp_seconds{source=\"binance\"} 1764892800.250",
		"# TYPE nabz_price_received_timestamp_seconds gauge",
		"# TYPE nabz_deliveries_total counter",
		"# TYPE nabz_source_up gauge",
	};
	size_t len;
	char *text;

	(void)state;
	nabz_feed__on_price(f, "BTC", "{\"data\":{\"source_ts\":\"2025-12-05T00:00:00.007Z\"}}", 49,
			INT64_C(1764892801500));
	nabz_feed__on_price(f, "ETH", "{\"data\":{\"stale\":true}}", 23, INT64_C(1764892802000));
	assert_true(nabz_feed__on_sources(f, src, strlen(src), INT64_C(1764892803000)));
	text = render(&cl, &d, &len);
	for(size_t i = 0; i < N_ELEMS(want); i++) check_row(has_line(text, want[i]), "no line \"%s\"", want[i]);
	/* no source time, no sample; kraken never succeeded */
	assert_null(strstr(text, "nabz_price_source_timestamp_seconds{symbol=\"ETH\"}"));
	assert_null(strstr(text, "nabz_source_last_success_timestamp_seconds{source=\"kraken\"}"));
	free(text);

	d.data_mode = NABZ_DATA_DEMO;
	text = render(&cl, &d, &len);
	assert_true(has_line(text, "nabz_data_demo 1"));
	free(text);
	free(f);
}

/* Before the bridge has said anything: every TYPE line, no guessed sample. */
static void test_nothing_heard_yet(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));
	struct nabz_data_metrics d = {.feed = f, .ws_max_connections = 1, .tcp_max_connections = 1};
	struct nabz_cluster_summary cl = {0};
	static const char *const types[] = {
		"nabz_data_demo", "nabz_price_received_timestamp_seconds", "nabz_price_source_timestamp_seconds",
		"nabz_price_stale", "nabz_sources_received_timestamp_seconds", "nabz_source_up",
		"nabz_source_last_success_timestamp_seconds", "nabz_price_updates_total",
	};
	size_t len;
	char *text;
	char line[128];

	(void)state;
	text = render(&cl, &d, &len);
	for(size_t i = 0; i < N_ELEMS(types); i++){
		snprintf(line, sizeof(line), "# TYPE %s ", types[i]);
		check_row(strstr(text, line) != NULL, "no TYPE line for %s", types[i]);
	}
	assert_false(has_line(text, "nabz_data_demo 0"));
	assert_null(strstr(text, "\nnabz_data_demo "));
	assert_null(strstr(text, "{symbol="));
	assert_null(strstr(text, "{source="));
	assert_true(has_line(text, "nabz_price_updates_total 0"));
	free(text);
	free(f);
}

/* Every name the contract's /metrics row promises is still there. */
static void test_existing_names_kept(void **state)
{
	static const char *const names[] = {
		"nabz_active_connections", "nabz_unique_users", "nabz_total_sessions", "nabz_peak_connections",
		"nabz_connections", "nabz_group_subscribers", "nabz_uptime_seconds", "nabz_ws_connections",
		"nabz_ws_bytes_total", "nabz_ws_frames_total", "nabz_ws_refused_total",
		"nabz_ws_slow_consumer_disconnects_total", "nabz_tcp_connections", "nabz_tcp_refused_total",
	};
	struct nabz_feed *f = calloc(1, sizeof(*f));
	struct nabz_data_metrics d = {.feed = f};
	struct nabz_cluster_summary cl = {0};
	char line[128];
	size_t len;
	char *text;

	(void)state;
	text = render(&cl, &d, &len);
	for(size_t i = 0; i < N_ELEMS(names); i++){
		snprintf(line, sizeof(line), "# TYPE %s ", names[i]);
		check_row(strstr(text, line) != NULL, "no TYPE line for %s", names[i]);
	}
	free(text);
	free(f);
}

/* The worst case fits NABZ_METRICS_MAX_BYTES; a buffer too small gives 0. */
static void test_bound(void **state)
{
	struct nabz_feed *f = calloc(1, sizeof(*f));
	struct nabz_data_metrics d = {.feed = f, .deliveries = UINT64_MAX, .data_mode = NABZ_DATA_DEMO,
		.ws_max_connections = 1000000, .tcp_max_connections = 1000000};
	struct nabz_cluster_summary cl = {.enabled = true, .linked = true, .nodes = UINT64_MAX};
	char msg[4096];
	size_t n = 0, len;
	char *text, small[64];
	struct nabz_counts c = {0};
	struct nabz_ws_metrics ws = {0};
	struct nabz_tcp_metrics tcp = {0};

	(void)state;
	memset(&cl.counts, 0xff, sizeof(cl.counts));
	for(int i = 0; i < NABZ_FEED_SYMBOLS_MAX; i++){
		char sym[NABZ_SYMBOL_MAX];
		const char *p = "{\"data\":{\"stale\":true,\"source_ts\":\"2999-12-31T23:59:59.999Z\"}}";
		snprintf(sym, sizeof(sym), "ABCDEFGHIJK%04d", i);
		nabz_feed__on_price(f, sym, p, strlen(p), INT64_C(32503680000000));
	}
	assert_int_equal(f->price_count, NABZ_FEED_SYMBOLS_MAX);
	n += (size_t)snprintf(msg + n, sizeof(msg) - n, "{\"data\":{\"sources\":{");
	for(int i = 0; i < NABZ_FEED_SOURCES_MAX; i++){
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s\"abcdefghijklmnopqrstuvwxyz%05d\":{\"status\":"
				"\"ok\",\"last_success\":\"2999-12-31T23:59:59.999Z\"}", i ? "," : "", i);
	}
	n += (size_t)snprintf(msg + n, sizeof(msg) - n, "}}}");
	assert_true(nabz_feed__on_sources(f, msg, n, INT64_C(32503680000000)));
	assert_int_equal(f->source_count, NABZ_FEED_SOURCES_MAX);
	text = render(&cl, &d, &len);
	print_message("worst-case /metrics: %zu bytes of %d\n", len, NABZ_METRICS_MAX_BYTES);
	assert_true(len < 24 * 1024);
	free(text);
	assert_int_equal(nabz_metrics__render(small, sizeof(small), &c, 0, &ws, &tcp, &cl, &d), 0);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_series),
		cmocka_unit_test(test_nothing_heard_yet),
		cmocka_unit_test(test_existing_names_kept),
		cmocka_unit_test(test_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
