#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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

struct reader {
	char *err;
	size_t errlen;
	int failed;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct reader *r, const char *path, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if(r->failed) return -1;   /* the first error is the one reported */
	r->failed = 1;
	n = (size_t)snprintf(r->err, r->errlen, "%s: ", path);
	if(n < r->errlen){
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void join(char *out, size_t outlen, const char *path, const char *key)
{
	snprintf(out, outlen, "%s%s%s", path, path[0] ? "." : "", key);
}

static int check_keys(struct reader *r, const cJSON *obj, const char *path, const char *const *allowed)
{
	char p[256];

	for(const cJSON *it = obj ? obj->child : NULL; it; it = it->next){
		bool known = false;
		for(size_t i = 0; allowed[i]; i++){
			if(strcmp(it->string, allowed[i]) == 0) known = true;
		}
		if(!known){
			join(p, sizeof(p), path, it->string);
			return fail(r, p, "unknown key");
		}
	}
	return 0;
}

static const cJSON *object_at(struct reader *r, const cJSON *obj, const char *path, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	if(v == NULL) return NULL;
	if(!cJSON_IsObject(v)){
		join(p, sizeof(p), path, key);
		fail(r, p, "must be an object");
		return NULL;
	}
	return v;
}

static int read_string(struct reader *r, const cJSON *obj, const char *path, const char *key,
		const char *def, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];
	const char *s = def;

	if(v){
		if(!cJSON_IsString(v)){
			join(p, sizeof(p), path, key);
			return fail(r, p, "must be a string");
		}
		s = v->valuestring;
	}
	free(*out);
	*out = strdup(s ? s : "");
	if(*out == NULL) return fail(r, path, "out of memory");
	return 0;
}

static int read_long(struct reader *r, const cJSON *obj, const char *path, const char *key,
		long min, long max, long def, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	*out = def;
	if(v == NULL) return 0;
	join(p, sizeof(p), path, key);
	if(!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)
			|| v->valuedouble < (double)min || v->valuedouble > (double)max){
		return fail(r, p, "must be a whole number in %ld..%ld", min, max);
	}
	*out = (long)v->valuedouble;
	return 0;
}

static int read_double(struct reader *r, const cJSON *obj, const char *path, const char *key,
		double min, double max, double def, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	*out = def;
	if(v == NULL) return 0;
	join(p, sizeof(p), path, key);
	if(!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max){
		return fail(r, p, "must be a number in %g..%g", min, max);
	}
	*out = v->valuedouble;
	return 0;
}

static int read_bool(struct reader *r, const cJSON *obj, const char *path, const char *key,
		bool def, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	*out = def;
	if(v == NULL) return 0;
	if(!cJSON_IsBool(v)){
		join(p, sizeof(p), path, key);
		return fail(r, p, "must be true or false");
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static void free_strings(char **list, size_t n)
{
	for(size_t i = 0; i < n; i++) free(list[i]);
	free(list);
}

/* An array of strings; symbols are checked and upper-cased. */
static int read_strings(struct reader *r, const cJSON *obj, const char *path, const char *key,
		bool symbols, char ***out, size_t *count)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];
	size_t n, i = 0;

	if(v == NULL) return 0;
	join(p, sizeof(p), path, key);
	if(!cJSON_IsArray(v)) return fail(r, p, "must be an array of strings");
	n = (size_t)cJSON_GetArraySize(v);
	free_strings(*out, *count);
	*out = calloc(n ? n : 1, sizeof(char *));
	*count = 0;
	if(*out == NULL) return fail(r, p, "out of memory");
	for(const cJSON *it = v->child; it; it = it->next, i++){
		char ip[280];
		snprintf(ip, sizeof(ip), "%s[%zu]", p, i);
		if(!cJSON_IsString(it) || it->valuestring[0] == '\0') return fail(r, ip, "must be a non-empty string");
		if(symbols){
			struct nabz_quote q;
			if(nabz_quote__init(&q, it->valuestring) != 0){
				return fail(r, ip, "\"%s\" is not a symbol (letters and digits, at most %d)",
						it->valuestring, NABZ_SYMBOL_MAX - 1);
			}
			(*out)[i] = strdup(q.symbol);
		}else{
			(*out)[i] = strdup(it->valuestring);
		}
		if((*out)[i] == NULL) return fail(r, ip, "out of memory");
		(*count)++;
	}
	return 0;
}

static int read_password_file(struct reader *r, const char *path, const char *file, char **out)
{
	char buf[512];
	size_t n;
	FILE *f = fopen(file, "r");

	if(f == NULL) return fail(r, path, "cannot read %s: %s", file, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	free(*out);
	*out = strdup(buf);
	return *out ? 0 : fail(r, path, "out of memory");
}

static int read_mqtt(struct reader *r, const cJSON *root, struct nabz_bridge_cfg *cfg)
{
	static const char *const keys[] = {"host", "port", "username", "password", "password_file",
		"client_id", "topic_prefix", "keepalive_s", NULL};
	const cJSON *m = object_at(r, root, "", "mqtt");
	char *password_file = NULL;
	int rc;

	check_keys(r, m, "mqtt", keys);
	read_string(r, m, "mqtt", "host", "127.0.0.1", &cfg->mqtt_host);
	read_long(r, m, "mqtt", "port", 1, 65535, 1883, &cfg->mqtt_port);
	read_string(r, m, "mqtt", "username", "nabz-bridge", &cfg->mqtt_username);
	read_string(r, m, "mqtt", "password", "", &cfg->mqtt_password);
	read_string(r, m, "mqtt", "password_file", "", &password_file);
	read_string(r, m, "mqtt", "client_id", "nabz-bridge", &cfg->mqtt_client_id);
	read_string(r, m, "mqtt", "topic_prefix", "crypto", &cfg->topic_prefix);
	read_long(r, m, "mqtt", "keepalive_s", 5, 3600, 30, &cfg->mqtt_keepalive_s);
	rc = 0;
	if(!r->failed && password_file && password_file[0]){
		rc = read_password_file(r, "mqtt.password_file", password_file, &cfg->mqtt_password);
	}
	free(password_file);
	return rc;
}

static int read_sources(struct reader *r, const cJSON *root, struct nabz_bridge_cfg *cfg)
{
	static const char *const keys[] = {"enabled", "base_url", "stream_url", "interval_s",
		"budget_per_min", "feeds", NULL};
	const cJSON *all = object_at(r, root, "", "sources");

	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		struct nabz_source_cfg *s = &cfg->sources[i];
		char path[64];
		const cJSON *o;

		snprintf(path, sizeof(path), "sources.%s", source_names[i]);
		o = object_at(r, all, "sources", source_names[i]);
		check_keys(r, o, path, keys);
		read_bool(r, o, path, "enabled", i != NABZ_SRC_RSS, &s->enabled);
		read_string(r, o, path, "base_url", source_defaults[i].base_url, &s->base_url);
		read_string(r, o, path, "stream_url",
				i == NABZ_SRC_BINANCE ? "wss://stream.binance.com:9443/ws/!miniTicker@arr" : "",
				&s->stream_url);
		read_long(r, o, path, "interval_s", 1, 86400, source_defaults[i].interval_s, &s->interval_s);
		read_long(r, o, path, "budget_per_min", 1, 6000, source_defaults[i].budget_per_min, &s->budget_per_min);
		read_strings(r, o, path, "feeds", false, &s->feeds, &s->feed_count);
	}
	if(all){
		static const char *const names[] = {"coingecko", "binance", "kraken", "coinbase", "nobitex",
			"wallex", "news", "rss", NULL};
		check_keys(r, all, "sources", names);
	}
	return r->failed ? -1 : 0;
}

static int read_rules(struct reader *r, const cJSON *root, struct nabz_bridge_cfg *cfg)
{
	static const char *const keys[] = {"symbol", "above", "below", "move_pct", "window_s", NULL};
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "alerts");
	size_t i = 0;

	if(list == NULL) return 0;
	if(!cJSON_IsArray(list)) return fail(r, "alerts", "must be an array of rules");
	cfg->rules = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*cfg->rules));
	if(cfg->rules == NULL) return fail(r, "alerts", "out of memory");
	for(const cJSON *it = list->child; it; it = it->next, i++){
		struct nabz_rule *rule = &cfg->rules[i];
		char path[32], *symbol = NULL, name[96];
		struct nabz_quote q;
		int kinds = 0;
		double v;

		snprintf(path, sizeof(path), "alerts[%zu]", i);
		if(!cJSON_IsObject(it)) return fail(r, path, "must be an object");
		cfg->rule_count++;
		check_keys(r, it, path, keys);
		if(!cJSON_GetObjectItemCaseSensitive(it, "symbol")){
			char p[48];
			snprintf(p, sizeof(p), "%s.symbol", path);
			return fail(r, p, "is required");
		}
		read_string(r, it, path, "symbol", "", &symbol);
		if(!r->failed && nabz_quote__init(&q, symbol) != 0){
			char p[48];
			snprintf(p, sizeof(p), "%s.symbol", path);
			free(symbol);
			return fail(r, p, "is not a symbol");
		}
		free(symbol);
		if(r->failed) return -1;
		memcpy(rule->symbol, q.symbol, sizeof(rule->symbol));
		if(cJSON_GetObjectItemCaseSensitive(it, "above")){
			kinds++;
			rule->kind = NABZ_RULE_ABOVE;
			read_double(r, it, path, "above", 1e-12, 1e12, 0, &rule->threshold);
		}
		if(cJSON_GetObjectItemCaseSensitive(it, "below")){
			kinds++;
			rule->kind = NABZ_RULE_BELOW;
			read_double(r, it, path, "below", 1e-12, 1e12, 0, &rule->threshold);
		}
		if(cJSON_GetObjectItemCaseSensitive(it, "move_pct")){
			kinds++;
			rule->kind = NABZ_RULE_MOVE;
			read_double(r, it, path, "move_pct", 0.01, 1000, 0, &rule->threshold);
			read_long(r, it, path, "window_s", 10, 7 * 86400, 3600, &rule->window_s);
		}
		if(r->failed) return -1;
		if(kinds != 1) return fail(r, path, "needs exactly one of above, below, move_pct");
		v = rule->threshold;
		if(rule->kind == NABZ_RULE_MOVE){
			snprintf(name, sizeof(name), "%s moves %g%% within %lds", rule->symbol, v, rule->window_s);
		}else{
			snprintf(name, sizeof(name), "%s %s %g", rule->symbol,
					rule->kind == NABZ_RULE_ABOVE ? "above" : "below", v);
		}
		rule->name = strdup(name);
		if(rule->name == NULL) return fail(r, path, "out of memory");
	}
	return 0;
}

int nabz_bridge_cfg__parse(struct nabz_bridge_cfg *cfg, const char *json, size_t len,
		const char *base_dir, char *err, size_t errlen)
{
	static const char *const keys[] = {"mqtt", "symbols", "discovery", "sources", "consensus",
		"http", "state_dir", "outbox_max", "news_seen_max", "alerts", "alert_hysteresis_pct",
		"alert_cooldown_s", "demo", "demo_dir", NULL};
	static const char *const discovery_keys[] = {"top_n", "interval_s", NULL};
	static const char *const consensus_keys[] = {"divergence_pct", "stale_after_s", NULL};
	static const char *const http_keys[] = {"connect_timeout_ms", "timeout_ms", "max_body_bytes", NULL};
	struct reader r = {err, errlen, 0};
	const char *end = NULL;
	cJSON *root;
	const cJSON *o;

	(void)base_dir;
	memset(cfg, 0, sizeof(*cfg));
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if(root == NULL || !cJSON_IsObject(root)){
		snprintf(err, errlen, "(top): not a JSON object%s", root ? "" : " (syntax error)");
		cJSON_Delete(root);
		return -1;
	}
	check_keys(&r, root, "", keys);
	read_mqtt(&r, root, cfg);
	read_strings(&r, root, "", "symbols", true, &cfg->symbols, &cfg->symbol_count);
	if(!r.failed && !cJSON_GetObjectItemCaseSensitive(root, "symbols")){
		static const char *const defaults[] = {"BTC", "ETH", "USDT", "BNB", "SOL", "XRP", "DOGE",
			"ADA", "TRX", "TON"};
		cfg->symbols = calloc(10, sizeof(char *));
		for(size_t i = 0; cfg->symbols && i < 10; i++){
			cfg->symbols[i] = strdup(defaults[i]);
			if(cfg->symbols[i]) cfg->symbol_count++;
		}
	}
	o = object_at(&r, root, "", "discovery");
	check_keys(&r, o, "discovery", discovery_keys);
	read_long(&r, o, "discovery", "top_n", 0, 250, 0, &cfg->discovery_top_n);
	read_long(&r, o, "discovery", "interval_s", 60, 86400, 3600, &cfg->discovery_interval_s);
	read_sources(&r, root, cfg);
	o = object_at(&r, root, "", "consensus");
	check_keys(&r, o, "consensus", consensus_keys);
	read_double(&r, o, "consensus", "divergence_pct", 0.01, 100, 2.0, &cfg->divergence_pct);
	read_long(&r, o, "consensus", "stale_after_s", 5, 86400, 120, &cfg->stale_after_s);
	o = object_at(&r, root, "", "http");
	check_keys(&r, o, "http", http_keys);
	read_long(&r, o, "http", "connect_timeout_ms", 100, 60000, 5000, &cfg->connect_timeout_ms);
	read_long(&r, o, "http", "timeout_ms", 100, 300000, 15000, &cfg->timeout_ms);
	read_long(&r, o, "http", "max_body_bytes", 1024, 67108864, 4194304, &cfg->max_body_bytes);
	read_string(&r, root, "", "state_dir", "/var/lib/nabz/bridge", &cfg->state_dir);
	read_long(&r, root, "", "outbox_max", 10, 1000000, 10000, &cfg->outbox_max);
	read_long(&r, root, "", "news_seen_max", 100, 1000000, 5000, &cfg->news_seen_max);
	read_rules(&r, root, cfg);
	read_double(&r, root, "", "alert_hysteresis_pct", 0, 50, 0.5, &cfg->hysteresis_pct);
	read_long(&r, root, "", "alert_cooldown_s", 0, 86400, 300, &cfg->cooldown_s);
	read_bool(&r, root, "", "demo", false, &cfg->demo);
	read_string(&r, root, "", "demo_dir", "/usr/local/share/nabz/demo", &cfg->demo_dir);
	cJSON_Delete(root);
	if(r.failed){
		nabz_bridge_cfg__free(cfg);
		return -1;
	}
	return 0;
}

int nabz_bridge_cfg__load(struct nabz_bridge_cfg *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if(f == NULL){
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if(fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 4 * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0){
		fclose(f);
		snprintf(err, errlen, "%s: unreadable or larger than 4 MiB", path);
		return -1;
	}
	buf = malloc((size_t)n + 1);
	if(buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n){
		fclose(f);
		free(buf);
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	rc = nabz_bridge_cfg__parse(cfg, buf, (size_t)n, NULL, err, errlen);
	free(buf);
	return rc;
}

void nabz_bridge_cfg__free(struct nabz_bridge_cfg *cfg)
{
	free(cfg->mqtt_host);
	free(cfg->mqtt_username);
	free(cfg->mqtt_password);
	free(cfg->mqtt_client_id);
	free(cfg->topic_prefix);
	free_strings(cfg->symbols, cfg->symbol_count);
	for(int i = 0; i < NABZ_SRC_COUNT; i++){
		free(cfg->sources[i].base_url);
		free(cfg->sources[i].stream_url);
		free_strings(cfg->sources[i].feeds, cfg->sources[i].feed_count);
	}
	free(cfg->state_dir);
	free(cfg->demo_dir);
	for(size_t i = 0; i < cfg->rule_count; i++) free(cfg->rules[i].name);
	free(cfg->rules);
	memset(cfg, 0, sizeof(*cfg));
}
