/* Trading signals: the candles (candles.c) and indicators (indicators.c)
 * against golden files computed by an independent script
 * (golden/make_golden.py, exact fractions), then the state machine
 * (signals.c): each change once, equality no cross, too few candles, gaps,
 * the state file across a restart, a damaged file, and the config block. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "nabz_test.h"
#include "candles.h"
#include "config.h"
#include "fileutil.h"
#include "indicators.h"
#include "signals.h"

#define MIN_MS ((int64_t)60000)
#define T0 ((int64_t)1796428800000)

static cJSON *golden(const char *name)
{
	char path[1024];
	size_t len;
	char *text;
	cJSON *root;

	snprintf(path, sizeof(path), "%s/%s", getenv("NABZ_GOLDEN") ? getenv("NABZ_GOLDEN") : "golden", name);
	text = nabz_file__read_all(path, 1 << 22, &len);
	if(text == NULL) print_error("cannot read %s\n", path);
	assert_non_null(text);
	root = cJSON_ParseWithLength(text, len);
	free(text);
	assert_non_null(root);
	return root;
}

static void check_close(double got, const cJSON *want, const char *what, const char *name)
{
	if(cJSON_IsNull(want)){
		check_row(isnan(got), "%s of \"%s\": want none (too few closes), got %.12g", what, name, got);
		return;
	}
	check_row(cJSON_IsNumber(want), "%s of \"%s\": golden value missing", what, name);
	check_row(fabs(got - want->valuedouble) <= 1e-9 * fmax(1.0, fabs(want->valuedouble)),
			"%s of \"%s\": want %.12g, got %.12g", what, name, want->valuedouble, got);
}

static void test_indicators_golden(void **state)
{
	cJSON *root = golden("indicators.json");
	const cJSON *c;
	int n = 0;

	(void)state;
	cJSON_ArrayForEach(c, root){
		const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
		const cJSON *cl = cJSON_GetObjectItem(c, "closes"), *v;
		double closes[128];
		size_t count = 0;

		cJSON_ArrayForEach(v, cl) closes[count++] = v->valuedouble;
		check_close(nabz_indicator__sma(closes, count, 9), cJSON_GetObjectItem(c, "sma9"), "SMA 9", name);
		check_close(nabz_indicator__sma(closes, count, 21), cJSON_GetObjectItem(c, "sma21"), "SMA 21", name);
		check_close(nabz_indicator__rsi(closes, count, 14), cJSON_GetObjectItem(c, "rsi14"), "RSI 14", name);
		n++;
	}
	assert_true(n >= 8);
	/* junk: no closes, period 0 */
	assert_true(isnan(nabz_indicator__sma(NULL, 0, 9)));
	assert_true(isnan(nabz_indicator__rsi(NULL, 0, 14)));
	assert_true(isnan(nabz_indicator__sma((double[]){1, 2}, 2, 0)));
	cJSON_Delete(root);
}

static void test_candles_golden(void **state)
{
	cJSON *root = golden("candles.json");
	const cJSON *c;
	static struct nabz_history_point points[NABZ_HISTORY_MAX_POINTS];
	static struct nabz_candle out[NABZ_CANDLES_MAX];

	(void)state;
	cJSON_ArrayForEach(c, root){
		const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
		int64_t now = (int64_t)cJSON_GetObjectItem(c, "now_ms")->valuedouble;
		const cJSON *p;
		size_t count = 0;

		cJSON_ArrayForEach(p, cJSON_GetObjectItem(c, "points")){
			points[count].t_ms = (int64_t)cJSON_GetArrayItem(p, 0)->valuedouble;
			points[count].price_usd = cJSON_GetArrayItem(p, 1)->valuedouble;
			count++;
		}
		for(int tf = 0; tf < NABZ_TF_COUNT; tf++){
			const cJSON *want = cJSON_GetObjectItem(c, nabz_timeframe__name((enum nabz_timeframe)tf));
			size_t n = nabz_candles__build(points, count, (enum nabz_timeframe)tf, now, out, NABZ_CANDLES_MAX);

			check_row(n == (size_t)cJSON_GetArraySize(want), "\"%s\" %s: want %d candles, got %zu", name,
					nabz_timeframe__name((enum nabz_timeframe)tf), cJSON_GetArraySize(want), n);
			for(size_t i = 0; i < n; i++){
				const cJSON *w = cJSON_GetArrayItem(want, (int)i);
				double f[5] = {(double)out[i].t_ms, out[i].open, out[i].high, out[i].low, out[i].close};
				for(int k = 0; k < 5; k++){
					check_row(f[k] == cJSON_GetArrayItem(w, k)->valuedouble, "\"%s\" %s candle %zu field %d: want %.10g, got %.10g",
							name, nabz_timeframe__name((enum nabz_timeframe)tf), i, k,
							cJSON_GetArrayItem(w, k)->valuedouble, f[k]);
				}
			}
			/* room for 3: the newest 3 of the same run, whole */
			n = nabz_candles__build(points, count, (enum nabz_timeframe)tf, now, out, 3);
			check_row(n == (size_t)(cJSON_GetArraySize(want) < 3 ? cJSON_GetArraySize(want) : 3), "\"%s\": %zu of 3", name, n);
			for(size_t i = 0; i < n; i++){
				const cJSON *w = cJSON_GetArrayItem(want, cJSON_GetArraySize(want) - (int)n + (int)i);
				double f[5] = {(double)out[i].t_ms, out[i].open, out[i].high, out[i].low, out[i].close};
				for(int k = 0; k < 5; k++){
					check_row(f[k] == cJSON_GetArrayItem(w, k)->valuedouble, "\"%s\" %s newest 3, candle %zu field %d",
							name, nabz_timeframe__name((enum nabz_timeframe)tf), i, k);
				}
			}
		}
	}
	/* the newest max of a longer run */
	assert_int_equal(nabz_candles__build(points, 0, NABZ_TF_1M, T0, out, 10), 0);
	cJSON_Delete(root);
}

static struct nabz_signals_cfg default_cfg(void)
{
	return (struct nabz_signals_cfg){.enabled = true, .timeframe_1m = true, .timeframe_1h = false,
		.ma_cross = true, .ma_fast = 9, .ma_slow = 21, .rsi = true, .rsi_period = 14, .rsi_candles = 43,
		.rsi_overbought = 70, .rsi_oversold = 30};
}

struct seen {
	int n;
	char key[8][48];
	char direction[8][16];
	char previous[8][16];
	size_t candles[8];
	double last_close[8];
	char json[8][8192];
};

static void record(void *ctx, const struct nabz_signal_event *ev)
{
	struct seen *s = ctx;
	cJSON *d = nabz_signals__event_json(ev, false);
	char *text = cJSON_PrintUnformatted(d);

	assert_true(s->n < 8);
	snprintf(s->key[s->n], sizeof(s->key[0]), "%s", ev->state->key);
	snprintf(s->direction[s->n], sizeof(s->direction[0]), "%s", ev->state->direction);
	snprintf(s->previous[s->n], sizeof(s->previous[0]), "%s", ev->previous ? ev->previous : "-");
	s->candles[s->n] = ev->candle_count;
	s->last_close[s->n] = ev->candles[ev->candle_count - 1].close;
	snprintf(s->json[s->n], sizeof(s->json[0]), "%s", text);
	s->n++;
	cJSON_free(text);
	cJSON_Delete(d);
}

/* n minute points from T0, price f(i); "now" the minute after the last. */
static size_t series(struct nabz_history_point *p, size_t n, double (*f)(size_t))
{
	for(size_t i = 0; i < n; i++) p[i] = (struct nabz_history_point){T0 + (int64_t)i * MIN_MS, f(i)};
	return n;
}
static double rising(size_t i) { return 100.0 + (double)i; }
static double falling(size_t i) { return 200.0 - (double)i; }

/* A change is one event; the same state read again is none. */
static void test_signals_change_once(void **state)
{
	struct nabz_signals_cfg cfg = default_cfg();
	struct nabz_signals s;
	static struct nabz_history_point p[64];
	struct seen seen;
	size_t n = series(p, 30, rising);
	int64_t now = T0 + 30 * MIN_MS;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(nabz_signals__open(&s, &cfg, "", 10), 0);
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, n, now, record, &seen), 2);
	assert_string_equal(seen.key[0], "BTC/ma_cross/1m");
	assert_string_equal(seen.direction[0], "bullish");
	assert_string_equal(seen.previous[0], "-");
	assert_int_equal(seen.candles[0], 21);           /* the slow SMA's candles */
	assert_true(seen.last_close[0] == 129.0);
	assert_string_equal(seen.key[1], "BTC/rsi/1m");
	assert_string_equal(seen.direction[1], "overbought");
	assert_int_equal(seen.candles[1], 30);           /* all the run has, < 43 */
	assert_non_null(strstr(seen.json[1], "\"note\":\"indicator, not advice\""));
	assert_non_null(strstr(seen.json[1], "\"previous\":null"));
	assert_non_null(strstr(seen.json[1], "\"value\":100"));
	assert_non_null(strstr(seen.json[0], "\"candles\":[[1796429340000,109]"));
	/* the same again, and the next minute's rise: no change */
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, n, now, record, &seen), 0);
	p[30] = (struct nabz_history_point){T0 + 30 * MIN_MS, 130.0};
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, 31, now + MIN_MS, record, &seen), 0);
	/* a fall: bearish, RSI down to oversold; previous given */
	n = series(p, 40, falling);
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, n, T0 + 40 * MIN_MS, record, &seen), 2);
	assert_string_equal(seen.direction[2], "bearish");
	assert_string_equal(seen.previous[2], "bullish");
	assert_string_equal(seen.direction[3], "oversold");
	assert_string_equal(seen.previous[3], "overbought");
	assert_non_null(strstr(seen.json[2], "\"previous\":\"bullish\""));
	nabz_signals__close(&s);
}

static double eq_series(size_t i) { return i < 12 ? (i % 2 ? 12.0 : 8.0) : 10.0; }

/* Fast SMA exactly equal to slow: a touch, no cross: no state taken, and
 * a state already held stands. */
static void test_signals_equality_is_no_cross(void **state)
{
	struct nabz_signals_cfg cfg = default_cfg();
	struct nabz_signals s;
	static struct nabz_history_point p[64];
	struct seen seen;

	(void)state;
	cfg.rsi = false;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(nabz_signals__open(&s, &cfg, "", 10), 0);
	assert_int_equal(nabz_signals__evaluate(&s, "ETH", p, series(p, 21, eq_series), T0 + 21 * MIN_MS, record, &seen), 0);
	/* bullish first, then back to equality: stays bullish */
	assert_int_equal(nabz_signals__evaluate(&s, "ETH", p, series(p, 30, rising), T0 + 30 * MIN_MS, record, &seen), 1);
	assert_int_equal(nabz_signals__evaluate(&s, "ETH", p, series(p, 21, eq_series), T0 + 21 * MIN_MS, record, &seen), 0);
	assert_int_equal(seen.n, 1);
	nabz_signals__close(&s);
}

/* Too few candles, and a gap that leaves too few: no signal. */
static void test_signals_too_few_and_gaps(void **state)
{
	struct nabz_signals_cfg cfg = default_cfg();
	struct nabz_signals s;
	static struct nabz_history_point p[64];
	struct seen seen;
	size_t n;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(nabz_signals__open(&s, &cfg, "", 10), 0);
	/* 14 finished minutes: RSI 14 needs 15, the crossover 21 */
	n = series(p, 15, rising);
	assert_int_equal(nabz_signals__evaluate(&s, "SOL", p, n, T0 + 14 * MIN_MS + 5, record, &seen), 0);
	/* 40 minutes but a minute missing 10 from the end: a run of 10 */
	n = series(p, 41, rising);
	memmove(&p[30], &p[31], 10 * sizeof(p[0]));
	assert_int_equal(nabz_signals__evaluate(&s, "SOL", p, n - 1, T0 + 41 * MIN_MS, record, &seen), 0);
	assert_int_equal(seen.n, 0);
	/* the 1h frame of a single day's hour: too few as well */
	cfg.timeframe_1h = true;
	cfg.timeframe_1m = false;
	n = series(p, 64, rising);
	assert_int_equal(nabz_signals__evaluate(&s, "SOL", p, n, T0 + 64 * MIN_MS, record, &seen), 0);
	nabz_signals__close(&s);
}

/* The states survive a restart: nothing is published again; a damaged
 * file is refused whole. */
static void test_signals_state_file(void **state)
{
	struct nabz_signals_cfg cfg = default_cfg();
	struct nabz_signals s;
	static struct nabz_history_point p[64];
	struct seen seen;
	char dir[64], path[128], err[160];
	size_t n = series(p, 30, rising);
	int64_t now = T0 + 30 * MIN_MS;
	static const char *const junk[] = {"", "{", "[]", "{\"version\":1}", "{\"version\":1,\"states\":[{}]}",
		"{\"version\":1,\"states\":[{\"symbol\":\"BTC\",\"indicator\":\"macd\",\"timeframe\":\"1m\","
			"\"direction\":\"bullish\",\"value\":1,\"t_ms\":0}]}",
		"{\"version\":1,\"states\":[{\"symbol\":\"BTC\",\"indicator\":\"rsi\",\"timeframe\":\"1m\","
			"\"direction\":\"bullish\",\"value\":1,\"t_ms\":0}]}",
		"{\"version\":1,\"states\":[{\"symbol\":\"b t c\",\"indicator\":\"rsi\",\"timeframe\":\"1m\","
			"\"direction\":\"neutral\",\"value\":1,\"t_ms\":0}]}"};

	(void)state;
	memset(&seen, 0, sizeof(seen));
	nabz_test_tmpdir(dir, sizeof(dir), "nabz-signals");
	assert_int_equal(nabz_signals__open(&s, &cfg, dir, 10), 0);
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, n, now, record, &seen), 2);
	assert_int_equal(nabz_signals__save(&s), 0);
	nabz_signals__close(&s);
	assert_int_equal(nabz_signals__open(&s, &cfg, dir, 10), 0);
	assert_int_equal(s.count, 2);
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, n, now, record, &seen), 0);
	{
		cJSON *r = nabz_signals__recent_json(&s, true);
		char *t = cJSON_PrintUnformatted(r);
		assert_non_null(strstr(t, "\"direction\":\"bullish\""));
		assert_non_null(strstr(t, "\"direction\":\"overbought\""));
		assert_non_null(strstr(t, "\"source\":\"demo\""));
		assert_null(strstr(t, "\"candles\""));
		cJSON_free(t);
		cJSON_Delete(r);
	}
	nabz_signals__close(&s);
	for(size_t i = 0; i < N_ELEMS(junk); i++){
		assert_int_equal(nabz_signals__open(&s, &cfg, "", 10), 0);
		check_row(nabz_signals__read(&s, junk[i], strlen(junk[i]), err, sizeof(err)) == -1 && s.count == 0,
				"junk %zu accepted", i);
		nabz_signals__close(&s);
	}
	/* a damaged file on disk: starts empty, publishes anew */
	snprintf(path, sizeof(path), "%s/%s", dir, NABZ_SIGNALS_FILE);
	assert_int_equal(nabz_file__replace(path, "{garbage", 8), 0);
	assert_int_equal(nabz_signals__open(&s, &cfg, dir, 10), 0);
	assert_int_equal(s.count, 0);
	assert_int_equal(nabz_signals__evaluate(&s, "BTC", p, n, now, record, &seen), 2);
	nabz_signals__close(&s);
	nabz_test_rmtree(dir);
}

/* Flat prices: RSI 50, neutral; SMAs equal, no crossover state. */
static double flat(size_t i) { (void)i; return 42.0; }
static void test_signals_flat(void **state)
{
	struct nabz_signals_cfg cfg = default_cfg();
	struct nabz_signals s;
	static struct nabz_history_point p[64];
	struct seen seen;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(nabz_signals__open(&s, &cfg, "", 10), 0);
	assert_int_equal(nabz_signals__evaluate(&s, "DOGE", p, series(p, 50, flat), T0 + 50 * MIN_MS, record, &seen), 1);
	assert_string_equal(seen.key[0], "DOGE/rsi/1m");
	assert_string_equal(seen.direction[0], "neutral");
	assert_non_null(strstr(seen.json[0], "\"value\":50"));
	nabz_signals__close(&s);
}

/* The "signals" config block: defaults and refusals by path. */
static void test_signals_config(void **state)
{
	static const struct {
		const char *json;
		const char *err;                 /* NULL: accepted */
	} rows[] = {
		{"{}", NULL},
		{"{\"signals\":{\"enabled\":false}}", NULL},
		{"{\"signals\":{\"timeframes\":[\"1h\"],\"ma_cross\":{\"fast\":5,\"slow\":20},\"rsi\":{\"period\":7}}}", NULL},
		{"{\"signals\":{\"colour\":1}}", "signals"},
		{"{\"signals\":{\"timeframes\":[\"5m\"]}}", "signals.timeframes"},
		{"{\"signals\":{\"timeframes\":[]}}", "signals.timeframes"},
		{"{\"signals\":{\"ma_cross\":{\"fast\":21,\"slow\":9}}}", "signals.ma_cross.fast"},
		{"{\"signals\":{\"rsi\":{\"period\":1}}}", "signals.rsi.period"},
		{"{\"signals\":{\"rsi\":{\"period\":30,\"candles\":20}}}", "signals.rsi.candles"},
		{"{\"signals\":{\"rsi\":{\"overbought\":50,\"oversold\":50}}}", "signals.rsi.oversold"},
		{"{\"signals\":[]}", "signals"},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_bridge_cfg cfg;
		char err[512] = "";
		int rc = nabz_bridge_cfg__parse(&cfg, rows[i].json, strlen(rows[i].json), "/", err, sizeof(err));

		if(rows[i].err == NULL){
			check_row(rc == 0, "%s refused: %s", rows[i].json, err);
			if(i == 0){
				assert_true(cfg.signals.enabled && cfg.signals.timeframe_1m && cfg.signals.timeframe_1h);
				assert_true(cfg.signals.ma_fast == 9 && cfg.signals.ma_slow == 21 && cfg.signals.rsi_period == 14);
				assert_true(cfg.signals.rsi_overbought == 70 && cfg.signals.rsi_oversold == 30);
			}
			if(i == 2) assert_true(!cfg.signals.timeframe_1m && cfg.signals.timeframe_1h && cfg.signals.ma_fast == 5);
			nabz_bridge_cfg__free(&cfg);
		}else{
			check_row(rc == -1 && strncmp(err, rows[i].err, strlen(rows[i].err)) == 0,
					"%s: want an error at %s, got \"%s\"", rows[i].json, rows[i].err, err);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_indicators_golden),
		cmocka_unit_test(test_candles_golden),
		cmocka_unit_test(test_signals_change_once),
		cmocka_unit_test(test_signals_equality_is_no_cross),
		cmocka_unit_test(test_signals_too_few_and_gaps),
		cmocka_unit_test(test_signals_state_file),
		cmocka_unit_test(test_signals_flat),
		cmocka_unit_test(test_signals_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
