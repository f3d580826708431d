/* Trading signals (see signals.h). The state file:
 *
 *   {"version": 1, "states": [{"symbol", "indicator", "timeframe",
 *                               "direction", "value", "t_ms"}, ...]}
 */
#include "signals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "indicators.h"
#include "log.h"
#include "parse_json.h"
#include "timeutil.h"

/* The largest state file read back: far more than max_states rows. */
#define BYTES_PER_STATE 256

static const char *const indicator_names[NABZ_IND_COUNT] = {
	[NABZ_IND_MA_CROSS] = "ma_cross",
	[NABZ_IND_RSI] = "rsi",
};

const char *nabz_indicator__name(enum nabz_indicator ind)
{
	return (unsigned)ind < NABZ_IND_COUNT ? indicator_names[ind] : "unknown";
}

static int indicator_parse(const char *name)
{
	for(int i = 0; i < NABZ_IND_COUNT; i++){
		if(name && strcmp(name, indicator_names[i]) == 0) return i;
	}
	return -1;
}

static void make_key(char *key, size_t len, const char *symbol, enum nabz_indicator ind, enum nabz_timeframe tf)
{
	snprintf(key, len, "%s/%s/%s", symbol, nabz_indicator__name(ind), nabz_timeframe__name(tf));
}

static int by_key(const struct nabz_signal_state *a, const struct nabz_signal_state *b)
{
	return strcmp(a->key, b->key);
}

static void clear(struct nabz_signals *s)
{
	struct nabz_signal_state *st, *tmp;

	HASH_ITER(hh, s->states, st, tmp){
		HASH_DEL(s->states, st);
		free(st);
	}
	s->count = 0;
}

/* The state of (symbol, ind, tf), made when missing. At max_states the
 * one read longest ago (a symbol no longer watched) makes room. NULL when
 * out of memory. */
static struct nabz_signal_state *state_of(struct nabz_signals *s, const char *symbol, enum nabz_indicator ind,
		enum nabz_timeframe tf)
{
	struct nabz_signal_state *st;
	char key[sizeof(st->key)];

	make_key(key, sizeof(key), symbol, ind, tf);
	HASH_FIND_STR(s->states, key, st);
	if(st) return st;
	if(s->count >= s->max_states){
		struct nabz_signal_state *it, *tmp, *oldest = NULL;
		HASH_ITER(hh, s->states, it, tmp){
			if(oldest == NULL || it->t_ms < oldest->t_ms) oldest = it;
		}
		if(oldest){
			HASH_DEL(s->states, oldest);
			free(oldest);
			s->count--;
		}
	}
	st = calloc(1, sizeof(*st));
	if(st == NULL) return NULL;
	memcpy(st->key, key, sizeof(key));
	snprintf(st->symbol, sizeof(st->symbol), "%s", symbol);
	st->indicator = ind;
	st->timeframe = tf;
	HASH_ADD_STR(s->states, key, st);
	if(s->states == NULL){                           /* no memory for the table */
		free(st);
		return NULL;
	}
	s->sorted = false;
	s->count++;
	return st;
}

static bool known_direction(enum nabz_indicator ind, const char *d)
{
	if(ind == NABZ_IND_MA_CROSS) return strcmp(d, "bullish") == 0 || strcmp(d, "bearish") == 0;
	return strcmp(d, "overbought") == 0 || strcmp(d, "oversold") == 0 || strcmp(d, "neutral") == 0;
}

int nabz_signals__read(struct nabz_signals *s, const char *text, size_t len, char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *states, *it;
	size_t i = 0;
	int rc = 0;

	clear(s);
	if(root == NULL) return nabz_parse__err(err, errlen, "not JSON");
	states = cJSON_GetObjectItemCaseSensitive(root, "states");
	if(!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "version")) || !cJSON_IsArray(states)){
		cJSON_Delete(root);
		return nabz_parse__err(err, errlen, "not a signals file (no \"version\" and \"states\")");
	}
	cJSON_ArrayForEach(it, states){
		const cJSON *sym = cJSON_GetObjectItemCaseSensitive(it, "symbol");
		const cJSON *ind = cJSON_GetObjectItemCaseSensitive(it, "indicator");
		const cJSON *tf = cJSON_GetObjectItemCaseSensitive(it, "timeframe");
		const cJSON *dir = cJSON_GetObjectItemCaseSensitive(it, "direction");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(it, "value");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "t_ms");
		struct nabz_signal_state *st;
		struct nabz_quote q;
		int ii, tt;

		if(!cJSON_IsString(sym) || nabz_quote__init(&q, sym->valuestring) != 0
				|| strcmp(q.symbol, sym->valuestring) != 0){
			rc = nabz_parse__err(err, errlen, "states[%zu].symbol: not a symbol", i);
			break;
		}
		ii = cJSON_IsString(ind) ? indicator_parse(ind->valuestring) : -1;
		tt = cJSON_IsString(tf) ? nabz_timeframe__parse(tf->valuestring) : -1;
		if(ii < 0 || tt < 0){
			rc = nabz_parse__err(err, errlen, "states[%zu]: unknown indicator or time frame", i);
			break;
		}
		if(!cJSON_IsString(dir) || !known_direction((enum nabz_indicator)ii, dir->valuestring)
				|| !cJSON_IsNumber(val) || !cJSON_IsNumber(t) || !isfinite(val->valuedouble)){
			rc = nabz_parse__err(err, errlen, "states[%zu]: not a direction, value and t_ms", i);
			break;
		}
		if(s->count >= s->max_states) break;         /* more than can be watched now */
		st = state_of(s, q.symbol, (enum nabz_indicator)ii, (enum nabz_timeframe)tt);
		if(st == NULL){
			rc = nabz_parse__err(err, errlen, "out of memory");
			break;
		}
		snprintf(st->direction, sizeof(st->direction), "%s", dir->valuestring);
		st->value = val->valuedouble;
		st->t_ms = (int64_t)t->valuedouble;
		i++;
	}
	cJSON_Delete(root);
	if(rc != 0) clear(s);
	return rc;
}

static int read_file(void *ud, const char *text, size_t len, char *err, size_t errlen)
{
	return nabz_signals__read(ud, text, len, err, errlen);
}

static void load(struct nabz_signals *s)
{
	if(nabz_file__load_logged(s->path, s->max_states * BYTES_PER_STATE + 4096, "signals",
				"starting without states (each is published anew), it is replaced at the next change",
				read_file, s) == 0 && s->count){
		nabz_log(LOG_NOTICE, "signals: %zu states read back from %s", s->count, s->path);
	}
}

int nabz_signals__open(struct nabz_signals *s, const struct nabz_signals_cfg *cfg, const char *dir,
		size_t max_symbols)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->max_states = (max_symbols ? max_symbols : 1) * NABZ_IND_COUNT * NABZ_TF_COUNT;
	s->candles = malloc(NABZ_CANDLES_MAX * sizeof(*s->candles));
	if(s->candles == NULL) return -1;
	if(dir == NULL || dir[0] == '\0') return 0;
	s->path = malloc(strlen(dir) + sizeof(NABZ_SIGNALS_FILE) + 1);
	if(s->path == NULL){
		free(s->candles);
		s->candles = NULL;
		return -1;
	}
	sprintf(s->path, "%s/%s", dir, NABZ_SIGNALS_FILE);
	load(s);
	return 0;
}

void nabz_signals__close(struct nabz_signals *s)
{
	clear(s);
	free(s->candles);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* How many candles an indicator needs at least, and reads at most. */
static size_t needed(const struct nabz_signals_cfg *cfg, enum nabz_indicator ind)
{
	return ind == NABZ_IND_MA_CROSS ? (size_t)cfg->ma_slow : (size_t)cfg->rsi_period + 1;
}

static size_t reads(const struct nabz_signals_cfg *cfg, enum nabz_indicator ind)
{
	return ind == NABZ_IND_MA_CROSS ? (size_t)cfg->ma_slow : (size_t)cfg->rsi_candles;
}

/* The most candles any configured indicator reads (config bounds keep it
 * within NABZ_CANDLES_MAX). */
static size_t reads_most(const struct nabz_signals_cfg *cfg)
{
	size_t most = reads(cfg, NABZ_IND_MA_CROSS) > reads(cfg, NABZ_IND_RSI) ? reads(cfg, NABZ_IND_MA_CROSS)
		: reads(cfg, NABZ_IND_RSI);
	return most < NABZ_CANDLES_MAX ? most : NABZ_CANDLES_MAX;
}

static bool indicator_on(const struct nabz_signals_cfg *cfg, enum nabz_indicator ind)
{
	return ind == NABZ_IND_MA_CROSS ? cfg->ma_cross : cfg->rsi;
}

static bool timeframe_on(const struct nabz_signals_cfg *cfg, enum nabz_timeframe tf)
{
	return tf == NABZ_TF_1M ? cfg->timeframe_1m : cfg->timeframe_1h;
}

/* One indicator on one run of candles; 1 when its state changed. */
static int evaluate_one(struct nabz_signals *s, const char *symbol, enum nabz_indicator ind, enum nabz_timeframe tf,
		const struct nabz_candle *run, size_t n, void (*emit)(void *ctx, const struct nabz_signal_event *ev),
		void *ctx)
{
	const struct nabz_signals_cfg *cfg = s->cfg;
	struct nabz_signal_event ev = {.cfg = cfg, .fast = NAN, .slow = NAN};
	struct nabz_signal_state *st;
	double closes[NABZ_CANDLES_MAX];
	const char *direction = NULL;
	char previous[sizeof(st->direction)];
	size_t use = reads(cfg, ind);
	double value;

	st = state_of(s, symbol, ind, tf);
	if(st == NULL) return -1;
	if(n < needed(cfg, ind)){
		if(!st->short_logged){
			nabz_log(LOG_NOTICE, "signals: %s %s %s: %zu unbroken finished candles, %zu needed; no signal until there are",
					symbol, nabz_indicator__name(ind), nabz_timeframe__name(tf), n, needed(cfg, ind));
			st->short_logged = true;
		}
		return 0;
	}
	st->short_logged = false;
	if(use > n) use = n;
	run += n - use;
	for(size_t i = 0; i < use; i++) closes[i] = run[i].close;
	if(ind == NABZ_IND_MA_CROSS){
		ev.fast = nabz_indicator__sma(closes, use, (size_t)cfg->ma_fast);
		ev.slow = nabz_indicator__sma(closes, use, (size_t)cfg->ma_slow);
		value = ev.fast - ev.slow;
		if(ev.fast > ev.slow) direction = "bullish";
		else if(ev.fast < ev.slow) direction = "bearish";
	}else{
		value = nabz_indicator__rsi(closes, use, (size_t)cfg->rsi_period);
		if(value > cfg->rsi_overbought) direction = "overbought";
		else if(value < cfg->rsi_oversold) direction = "oversold";
		else if(isfinite(value)) direction = "neutral";
	}
	/* Equality (a touch, not a cross) or no value: the state stands. */
	if(direction == NULL || strcmp(direction, st->direction) == 0) return 0;
	memcpy(previous, st->direction, sizeof(previous));
	snprintf(st->direction, sizeof(st->direction), "%s", direction);
	st->value = value;
	st->t_ms = run[use - 1].t_ms;
	s->dirty = true;
	ev.state = st;
	ev.previous = previous[0] ? previous : NULL;
	ev.candles = run;
	ev.candle_count = use;
	if(emit) emit(ctx, &ev);
	return 1;
}

int nabz_signals__evaluate(struct nabz_signals *s, const char *symbol, const struct nabz_history_point *points,
		size_t count, int64_t now_ms, void (*emit)(void *ctx, const struct nabz_signal_event *ev), void *ctx)
{
	int changed = 0;

	if(s->cfg == NULL || !s->cfg->enabled) return 0;
	for(int tf = 0; tf < NABZ_TF_COUNT; tf++){
		size_t n;

		if(!timeframe_on(s->cfg, (enum nabz_timeframe)tf)) continue;
		/* Only as many as the indicators read: the newest of the run. */
		n = nabz_candles__build(points, count, (enum nabz_timeframe)tf, now_ms, s->candles, reads_most(s->cfg));
		for(int ind = 0; ind < NABZ_IND_COUNT; ind++){
			int rc;
			if(!indicator_on(s->cfg, (enum nabz_indicator)ind)) continue;
			rc = evaluate_one(s, symbol, (enum nabz_indicator)ind, (enum nabz_timeframe)tf, s->candles, n, emit, ctx);
			if(rc < 0) return -1;
			changed += rc;
		}
	}
	return changed;
}

/* Rounded for the wire: enough digits for any price, none of the noise. */
static double round_to(double v, int digits)
{
	double f = pow(10, digits);
	return round(v * f) / f;
}

static cJSON *params_json(const struct nabz_signals_cfg *cfg, enum nabz_indicator ind)
{
	cJSON *p = cJSON_CreateObject();

	if(p == NULL) return NULL;
	if(ind == NABZ_IND_MA_CROSS){
		cJSON_AddStringToObject(p, "ma", "sma");
		cJSON_AddNumberToObject(p, "fast", (double)cfg->ma_fast);
		cJSON_AddNumberToObject(p, "slow", (double)cfg->ma_slow);
	}else{
		cJSON_AddNumberToObject(p, "period", (double)cfg->rsi_period);
		cJSON_AddStringToObject(p, "smoothing", "wilder");
		cJSON_AddNumberToObject(p, "overbought", cfg->rsi_overbought);
		cJSON_AddNumberToObject(p, "oversold", cfg->rsi_oversold);
	}
	return p;
}

/* The fields a signal and a recent entry share. */
static bool add_state(cJSON *d, const struct nabz_signal_state *st, const struct nabz_signals_cfg *cfg, bool demo)
{
	char ts[40];

	nabz_time__rfc3339(st->t_ms, ts, sizeof(ts));
	return cJSON_AddStringToObject(d, "symbol", st->symbol)
		&& cJSON_AddStringToObject(d, "indicator", nabz_indicator__name(st->indicator))
		&& cJSON_AddStringToObject(d, "timeframe", nabz_timeframe__name(st->timeframe))
		&& cJSON_AddNumberToObject(d, "value", round_to(st->value, st->indicator == NABZ_IND_RSI ? 2 : 8))
		&& cJSON_AddStringToObject(d, "direction", st->direction)
		&& cJSON_AddNumberToObject(d, "candle_t_ms", (double)st->t_ms)
		&& cJSON_AddStringToObject(d, "candle_ts", ts)
		&& cJSON_AddItemToObject(d, "params", params_json(cfg, st->indicator))
		&& cJSON_AddStringToObject(d, "source", demo ? "demo" : "history")
		&& cJSON_AddStringToObject(d, "note", NABZ_SIGNALS_NOTE);
}

cJSON *nabz_signals__event_json(const struct nabz_signal_event *ev, bool demo)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *candles;

	if(d == NULL || !add_state(d, ev->state, ev->cfg, demo)){
		cJSON_Delete(d);
		return NULL;
	}
	if(ev->previous) cJSON_AddStringToObject(d, "previous", ev->previous);
	else cJSON_AddNullToObject(d, "previous");
	if(ev->state->indicator == NABZ_IND_MA_CROSS){
		cJSON_AddNumberToObject(d, "fast", round_to(ev->fast, 8));
		cJSON_AddNumberToObject(d, "slow", round_to(ev->slow, 8));
	}
	candles = cJSON_AddArrayToObject(d, "candles");
	for(size_t i = 0; candles && i < ev->candle_count; i++){
		cJSON *c = cJSON_CreateArray();
		if(c == NULL || !cJSON_AddItemToArray(candles, c)){
			cJSON_Delete(c);
			candles = NULL;
			break;
		}
		cJSON_AddItemToArray(c, cJSON_CreateNumber((double)ev->candles[i].t_ms));
		cJSON_AddItemToArray(c, cJSON_CreateNumber(ev->candles[i].close));
	}
	if(candles == NULL){
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* The states in key order (symbol, indicator, time frame), sorted once
 * after states were added rather than on each insert. */
static void sort_states(struct nabz_signals *s)
{
	if(s->sorted) return;
	HASH_SRT(hh, s->states, by_key);
	s->sorted = true;
}

cJSON *nabz_signals__recent_json(struct nabz_signals *s, bool demo)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *list = d ? cJSON_AddArrayToObject(d, "signals") : NULL;
	const struct nabz_signal_state *st;

	if(list == NULL){
		cJSON_Delete(d);
		return NULL;
	}
	sort_states(s);
	for(st = s->states; st; st = st->hh.next){
		cJSON *e;
		if(st->direction[0] == '\0') continue;
		e = cJSON_CreateObject();
		if(e == NULL || !cJSON_AddItemToArray(list, e)){
			cJSON_Delete(e);
			cJSON_Delete(d);
			return NULL;
		}
		if(!add_state(e, st, s->cfg, demo)){           /* e is d's now */
			cJSON_Delete(d);
			return NULL;
		}
	}
	cJSON_AddStringToObject(d, "source", demo ? "demo" : "history");
	cJSON_AddStringToObject(d, "note", NABZ_SIGNALS_NOTE);
	return d;
}

int nabz_signals__save(struct nabz_signals *s)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list = root ? cJSON_AddArrayToObject(root, "states") : NULL;
	const struct nabz_signal_state *st;
	char *text = NULL;
	int rc = -1;

	if(s->path == NULL || !s->dirty){
		cJSON_Delete(root);
		return 0;
	}
	if(list && cJSON_AddNumberToObject(root, "version", 1)){
		sort_states(s);
		for(st = s->states; st; st = st->hh.next){
			cJSON *e;
			if(st->direction[0] == '\0') continue;
			e = cJSON_CreateObject();
			if(e == NULL || !cJSON_AddItemToArray(list, e)){
				cJSON_Delete(e);
				list = NULL;
				break;
			}
			cJSON_AddStringToObject(e, "symbol", st->symbol);
			cJSON_AddStringToObject(e, "indicator", nabz_indicator__name(st->indicator));
			cJSON_AddStringToObject(e, "timeframe", nabz_timeframe__name(st->timeframe));
			cJSON_AddStringToObject(e, "direction", st->direction);
			cJSON_AddNumberToObject(e, "value", st->value);
			cJSON_AddNumberToObject(e, "t_ms", (double)st->t_ms);
		}
		if(list) text = cJSON_PrintUnformatted(root);
	}
	cJSON_Delete(root);
	rc = nabz_file__replace_logged(s->path, text, "signals", "a restart may publish the changes since again",
			&s->save_failed);
	if(rc == 0) s->dirty = false;
	cJSON_free(text);
	return rc;
}
