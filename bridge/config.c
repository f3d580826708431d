#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cfgread.h"
#include "progcfg.h"
#include "quote.h"

static const char *const source_names[NABZ_SRC_COUNT] = {
	[NABZ_SRC_COINGECKO] = "coingecko",
	[NABZ_SRC_BINANCE] = "binance",
	[NABZ_SRC_KRAKEN] = "kraken",
	[NABZ_SRC_COINBASE] = "coinbase",
	[NABZ_SRC_NOBITEX] = "nobitex",
	[NABZ_SRC_WALLEX] = "wallex",
	[NABZ_SRC_NEWS] = "news",
	[NABZ_SRC_RSS] = "rss",
};

/* Defaults: the real public APIs. */
static const struct {
	const char *base_url;
	long interval_s;
	long budget_per_min;
} source_defaults[NABZ_SRC_COUNT] = {
	[NABZ_SRC_COINGECKO] = {"https://api.coingecko.com", 60, 10},
	[NABZ_SRC_BINANCE] = {"https://api.binance.com", 10, 60},
	[NABZ_SRC_KRAKEN] = {"https://api.kraken.com", 15, 30},
	[NABZ_SRC_COINBASE] = {"https://api.exchange.coinbase.com", 15, 60},
	[NABZ_SRC_NOBITEX] = {"https://api.nobitex.ir", 15, 30},
	[NABZ_SRC_WALLEX] = {"https://api.wallex.ir", 15, 30},
	[NABZ_SRC_NEWS] = {"https://min-api.cryptocompare.com", 300, 4},
	[NABZ_SRC_RSS] = {"", 300, 10},
};

const char *nabz_source__name(enum nabz_source_id id)
{
	return (unsigned)id < NABZ_SRC_COUNT ? source_names[id] : "unknown";
}

static int read_sources(struct nabz_cfg_reader *r, const cJSON *root, struct nabz_bridge_cfg *cfg)
{
	static const char *const keys[] = {"enabled", "base_url", "stream_url", "interval_s",
		"budget_per_min", "feeds", NULL};
	const cJSON *all = nabz_cfg__object(r, root, "", "sources");

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		struct nabz_source_cfg *s = &cfg->sources[i];
		char path[64];
		const cJSON *o;

		snprintf(path, sizeof(path), "sources.%s", source_names[i]);
		o = nabz_cfg__object(r, all, "sources", source_names[i]);
		nabz_cfg__check_keys(r, o, path, keys);
		nabz_cfg__bool(r, o, path, "enabled", i != NABZ_SRC_RSS, &s->enabled);
		nabz_cfg__string(r, o, path, "base_url", source_defaults[i].base_url, &s->base_url);
		nabz_cfg__string(r, o, path, "stream_url",
				i == NABZ_SRC_BINANCE ? "wss://stream.binance.com:9443/ws/!miniTicker@arr" : "",
				&s->stream_url);
		nabz_cfg__long(r, o, path, "interval_s", 1, 86400, source_defaults[i].interval_s, &s->interval_s);
		nabz_cfg__long(r, o, path, "budget_per_min", 1, 6000, source_defaults[i].budget_per_min, &s->budget_per_min);
		nabz_cfg__strings(r, o, path, "feeds", false, &s->feeds, &s->feed_count);
	}
	if(all){
		static const char *const names[] = {"coingecko", "binance", "kraken", "coinbase", "nobitex",
			"wallex", "news", "rss", NULL};
		nabz_cfg__check_keys(r, all, "sources", names);
	}
	return r->failed ? -1 : 0;
}

int nabz_bridge_cfg__add_rules(struct nabz_bridge_cfg *cfg, struct nabz_rule *rules, size_t n)
{
	struct nabz_rule *all = realloc(cfg->rules, (cfg->rule_count + n + 1) * sizeof(*all));

	if(all == NULL){
		for(size_t i = 0; i < n; i++) free(rules[i].name);
		return -1;
	}
	memcpy(all + cfg->rule_count, rules, n * sizeof(*all));
	cfg->rules = all;
	cfg->rule_count += n;
	return 0;
}

static int read_rules(struct nabz_cfg_reader *r, const cJSON *root, struct nabz_bridge_cfg *cfg)
{
	static const char *const keys[] = {"symbol", "above", "below", "move_pct", "window_s", NULL};
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "alerts");
	size_t i = 0;

	if(list == NULL) return 0;
	if(!cJSON_IsArray(list)) return nabz_cfg__fail(r, "alerts", "must be an array of rules");
	cfg->rules = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*cfg->rules));
	if(cfg->rules == NULL) return nabz_cfg__fail(r, "alerts", "out of memory");
	for(const cJSON *it = list->child; it; it = it->next, i++){
		struct nabz_rule *rule = &cfg->rules[i];
		char path[32], *symbol = NULL, name[96];
		struct nabz_quote q;
		int kinds = 0;
		double v;

		snprintf(path, sizeof(path), "alerts[%zu]", i);
		if(!cJSON_IsObject(it)) return nabz_cfg__fail(r, path, "must be an object");
		cfg->rule_count++;
		nabz_cfg__check_keys(r, it, path, keys);
		if(!cJSON_GetObjectItemCaseSensitive(it, "symbol")){
			char p[48];
			snprintf(p, sizeof(p), "%s.symbol", path);
			return nabz_cfg__fail(r, p, "is required");
		}
		nabz_cfg__string(r, it, path, "symbol", "", &symbol);
		if(!r->failed && nabz_quote__init(&q, symbol) != 0){
			char p[48];
			snprintf(p, sizeof(p), "%s.symbol", path);
			free(symbol);
			return nabz_cfg__fail(r, p, "is not a symbol");
		}
		free(symbol);
		if(r->failed) return -1;
		memcpy(rule->symbol, q.symbol, sizeof(rule->symbol));
		if(cJSON_GetObjectItemCaseSensitive(it, "above")){
			kinds++;
			rule->kind = NABZ_RULE_ABOVE;
			nabz_cfg__double(r, it, path, "above", 1e-12, 1e12, 0, &rule->threshold);
		}
		if(cJSON_GetObjectItemCaseSensitive(it, "below")){
			kinds++;
			rule->kind = NABZ_RULE_BELOW;
			nabz_cfg__double(r, it, path, "below", 1e-12, 1e12, 0, &rule->threshold);
		}
		if(cJSON_GetObjectItemCaseSensitive(it, "move_pct")){
			kinds++;
			rule->kind = NABZ_RULE_MOVE;
			nabz_cfg__double(r, it, path, "move_pct", 0.01, 1000, 0, &rule->threshold);
			nabz_cfg__long(r, it, path, "window_s", 10, 7 * 86400, 3600, &rule->window_s);
		}
		if(r->failed) return -1;
		if(kinds != 1) return nabz_cfg__fail(r, path, "needs exactly one of above, below, move_pct");
		v = rule->threshold;
		if(rule->kind == NABZ_RULE_MOVE){
			snprintf(name, sizeof(name), "%s moves %g%% within %lds", rule->symbol, v, rule->window_s);
		}else{
			snprintf(name, sizeof(name), "%s %s %g", rule->symbol,
					rule->kind == NABZ_RULE_ABOVE ? "above" : "below", v);
		}
		rule->name = strdup(name);
		if(rule->name == NULL) return nabz_cfg__fail(r, path, "out of memory");
	}
	return 0;
}

/* The "signals" block: defaults a 9/21 SMA crossover and RSI 14 (70/30)
 * on both time frames. */
static int read_signals(struct nabz_cfg_reader *r, const cJSON *root, struct nabz_signals_cfg *sc)
{
	static const char *const keys[] = {"enabled", "timeframes", "ma_cross", "rsi", NULL};
	static const char *const ma_keys[] = {"enabled", "fast", "slow", NULL};
	static const char *const rsi_keys[] = {"enabled", "period", "candles", "overbought", "oversold", NULL};
	const cJSON *o = nabz_cfg__object(r, root, "", "signals");
	const cJSON *ma = nabz_cfg__object(r, o, "signals", "ma_cross");
	const cJSON *rsi = nabz_cfg__object(r, o, "signals", "rsi");
	const cJSON *tfs = o ? cJSON_GetObjectItemCaseSensitive(o, "timeframes") : NULL;

	nabz_cfg__check_keys(r, o, "signals", keys);
	nabz_cfg__check_keys(r, ma, "signals.ma_cross", ma_keys);
	nabz_cfg__check_keys(r, rsi, "signals.rsi", rsi_keys);
	nabz_cfg__bool(r, o, "signals", "enabled", true, &sc->enabled);
	sc->timeframe_1m = sc->timeframe_1h = true;
	if(tfs){
		const cJSON *it;
		if(!cJSON_IsArray(tfs) || cJSON_GetArraySize(tfs) == 0){
			return nabz_cfg__fail(r, "signals.timeframes", "must be a non-empty array of \"1m\", \"1h\"");
		}
		sc->timeframe_1m = sc->timeframe_1h = false;
		cJSON_ArrayForEach(it, tfs){
			if(cJSON_IsString(it) && strcmp(it->valuestring, "1m") == 0) sc->timeframe_1m = true;
			else if(cJSON_IsString(it) && strcmp(it->valuestring, "1h") == 0) sc->timeframe_1h = true;
			else return nabz_cfg__fail(r, "signals.timeframes", "must hold only \"1m\" and \"1h\"");
		}
	}
	nabz_cfg__bool(r, ma, "signals.ma_cross", "enabled", true, &sc->ma_cross);
	nabz_cfg__long(r, ma, "signals.ma_cross", "fast", 2, 200, 9, &sc->ma_fast);
	nabz_cfg__long(r, ma, "signals.ma_cross", "slow", 3, 500, 21, &sc->ma_slow);
	nabz_cfg__bool(r, rsi, "signals.rsi", "enabled", true, &sc->rsi);
	nabz_cfg__long(r, rsi, "signals.rsi", "period", 2, 100, 14, &sc->rsi_period);
	nabz_cfg__long(r, rsi, "signals.rsi", "candles", 3, 1440, 43, &sc->rsi_candles);
	nabz_cfg__double(r, rsi, "signals.rsi", "overbought", 50, 100, 70, &sc->rsi_overbought);
	nabz_cfg__double(r, rsi, "signals.rsi", "oversold", 0, 50, 30, &sc->rsi_oversold);
	if(r->failed) return -1;
	if(sc->ma_fast >= sc->ma_slow) return nabz_cfg__fail(r, "signals.ma_cross.fast", "must be less than slow");
	if(sc->rsi_candles < sc->rsi_period + 1){
		return nabz_cfg__fail(r, "signals.rsi.candles", "must be at least period + 1");
	}
	if(sc->rsi_oversold >= sc->rsi_overbought){
		return nabz_cfg__fail(r, "signals.rsi.oversold", "must be less than overbought");
	}
	return 0;
}

/* The bridge's own blocks (progcfg.h reads the mqtt block first). */
static int read_own(struct nabz_cfg_reader *r, const cJSON *root, void *own)
{
	static const char *const discovery_keys[] = {"top_n", "interval_s", NULL};
	static const char *const consensus_keys[] = {"divergence_pct", "stale_after_s", NULL};
	struct nabz_bridge_cfg *cfg = own;
	const cJSON *o;

	nabz_cfg__strings(r, root, "", "symbols", true, &cfg->symbols, &cfg->symbol_count);
	if(!r->failed && !cJSON_GetObjectItemCaseSensitive(root, "symbols")){
		static const char *const defaults[] = {"BTC", "ETH", "USDT", "BNB", "SOL", "XRP", "DOGE",
			"ADA", "TRX", "TON"};
		cfg->symbols = calloc(10, sizeof(char *));
		for(size_t i = 0; cfg->symbols && i < 10; i++){
			cfg->symbols[i] = strdup(defaults[i]);
			if(cfg->symbols[i]) cfg->symbol_count++;
		}
	}
	o = nabz_cfg__object(r, root, "", "discovery");
	nabz_cfg__check_keys(r, o, "discovery", discovery_keys);
	nabz_cfg__long(r, o, "discovery", "top_n", 0, 250, 0, &cfg->discovery_top_n);
	nabz_cfg__long(r, o, "discovery", "interval_s", 60, 86400, 3600, &cfg->discovery_interval_s);
	read_sources(r, root, cfg);
	o = nabz_cfg__object(r, root, "", "consensus");
	nabz_cfg__check_keys(r, o, "consensus", consensus_keys);
	nabz_cfg__double(r, o, "consensus", "divergence_pct", 0.01, 100, 2.0, &cfg->divergence_pct);
	nabz_cfg__long(r, o, "consensus", "stale_after_s", 5, 86400, 120, &cfg->stale_after_s);
	nabz_progcfg__http(r, root, &cfg->connect_timeout_ms, &cfg->timeout_ms, &cfg->max_body_bytes);
	nabz_cfg__string(r, root, "", "state_dir", "/var/lib/nabz/bridge", &cfg->state_dir);
	nabz_cfg__long(r, root, "", "outbox_max", 10, 1000000, 10000, &cfg->outbox_max);
	nabz_cfg__long(r, root, "", "news_seen_max", 100, 1000000, 5000, &cfg->news_seen_max);
	read_rules(r, root, cfg);
	nabz_cfg__double(r, root, "", "alert_hysteresis_pct", 0, 50, 0.5, &cfg->hysteresis_pct);
	nabz_cfg__long(r, root, "", "alert_cooldown_s", 0, 86400, 300, &cfg->cooldown_s);
	read_signals(r, root, &cfg->signals);
	nabz_cfg__bool(r, root, "", "demo", false, &cfg->demo);
	nabz_cfg__string(r, root, "", "demo_dir", NABZ_DATADIR "/demo", &cfg->demo_dir);
	return r->failed ? -1 : 0;
}

/* Reads root (taken: deleted here; NULL: already failed) into cfg. */
static int read_root(struct nabz_bridge_cfg *cfg, cJSON *root, char *err, size_t errlen)
{
	static const char *const keys[] = {"mqtt", "symbols", "discovery", "sources", "consensus",
		"http", "state_dir", "outbox_max", "news_seen_max", "alerts", "alert_hysteresis_pct",
		"alert_cooldown_s", "signals", "demo", "demo_dir", NULL};
	static const struct nabz_mqtt_cfg_defaults mqtt_defaults = {"nabz-bridge", "nabz-bridge", false};

	memset(cfg, 0, sizeof(*cfg));
	if(nabz_progcfg__read(root, err, errlen, keys, &mqtt_defaults, &cfg->mqtt, read_own, cfg) != 0){
		nabz_bridge_cfg__free(cfg);
		return -1;
	}
	return 0;
}

int nabz_bridge_cfg__parse(struct nabz_bridge_cfg *cfg, const char *json, size_t len,
		const char *base_dir, char *err, size_t errlen)
{
	(void)base_dir;
	return read_root(cfg, nabz_cfg__parse_root(json, len, err, errlen), err, errlen);
}

int nabz_bridge_cfg__load(struct nabz_bridge_cfg *cfg, const char *path, char *err, size_t errlen)
{
	return read_root(cfg, nabz_cfg__load_root(path, err, errlen), err, errlen);
}

void nabz_bridge_cfg__free(struct nabz_bridge_cfg *cfg)
{
	nabz_mqttcfg__free(&cfg->mqtt);
	nabz_cfg__free_strings(cfg->symbols, cfg->symbol_count);
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		free(cfg->sources[i].base_url);
		free(cfg->sources[i].stream_url);
		nabz_cfg__free_strings(cfg->sources[i].feeds, cfg->sources[i].feed_count);
	}
	free(cfg->state_dir);
	free(cfg->demo_dir);
	for(size_t i = 0; i < cfg->rule_count; i++) free(cfg->rules[i].name);
	free(cfg->rules);
	memset(cfg, 0, sizeof(*cfg));
}
