/*
 * nabz-bridge: fetches prices and market figures from public APIs and
 * publishes them to the broker. One thread, one poll loop: the curl multi
 * handle's sockets and the MQTT socket are waited on together
 * (curl_multi_poll with the MQTT socket as an extra descriptor).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "cli.h"
#include "config.h"
#include "demo.h"
#include "log.h"
#include "loop.h"
#include "sources.h"
#include "stream.h"
#include "timeutil.h"

/* Demo mode: adds the rules that fire on the recorded data (demo.h). */
static void add_demo_rules(struct nabz_bridge_cfg *cfg, const char *demo_dir, bool say)
{
	struct nabz_rule rules[NABZ_DEMO_RULES_MAX];
	size_t n = nabz_demo__rules(demo_dir, nabz_demo__rounds(demo_dir), rules);

	if(nabz_bridge_cfg__add_rules(cfg, rules, n) != 0){
		nabz_log(LOG_ERR, "demo: no demo alert rules (out of memory)");
		return;
	}
	for(size_t i = 0; say && i < n; i++) nabz_log(LOG_NOTICE, "demo: alert rule \"%s\"", rules[i].name);
}

/* SIGHUP: the alert rules are read again; a bad file keeps the old ones. */
static void reload_rules(struct nabz_bridge *b, const char *path, struct nabz_bridge_cfg *rules_cfg)
{
	struct nabz_bridge_cfg fresh;
	struct nabz_alerts alerts;
	char err[512];

	if(nabz_bridge_cfg__load(&fresh, path, err, sizeof(err)) != 0){
		nabz_log(LOG_ERR, "reload: keeping the current rules: %s", err);
		return;
	}
	if(b->cfg->demo) add_demo_rules(&fresh, b->cfg->demo_dir, false);
	if(nabz_alerts__init(&alerts, fresh.rules, fresh.rule_count, fresh.hysteresis_pct, fresh.cooldown_s * 1000) != 0){
		nabz_bridge_cfg__free(&fresh);
		return;
	}
	nabz_alerts__adopt(&alerts, &b->alerts);
	nabz_alerts__cleanup(&b->alerts);
	b->alerts = alerts;
	nabz_bridge_cfg__free(rules_cfg);
	*rules_cfg = fresh;          /* owns the rules the alerts point into */
	nabz_log(LOG_NOTICE, "reload: %zu alert rules", b->alerts.count);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nabz-bridge -c FILE [--check-config] [--once] [-v]\n"
		"  -c, --config FILE   the JSON configuration\n"
		"      --check-config  validate the configuration and exit (0: valid)\n"
		"      --once          one fetch round; print what would be published; exit\n"
		"      --demo          replay the recorded responses in demo_dir (no internet)\n"
		"  -v, --verbose       more log lines (twice: debug)\n");
}

int main(int argc, char **argv)
{
	struct nabz_bridge_cfg cfg;
	struct nabz_bridge_cfg rules_cfg;
	struct nabz_bridge b;
	struct nabz_stream *stream = NULL;
	const char *config_path;
	bool check_only, once = false, demo = false;
	const struct nabz_cli_flag flags[] = {{"once", &once}, {"demo", &demo}, {NULL, NULL}};
	char err[512];
	int rc = 0;

	rc = nabz_cli__parse(argc, argv, flags, usage, &config_path, &check_only);
	if(rc >= 0) return rc;
	rc = 0;
	if(nabz_bridge_cfg__load(&cfg, config_path, err, sizeof(err)) != 0){
		fprintf(stderr, "nabz-bridge: bad configuration: %s\n", err);
		return 1;
	}
	if(demo){
		cfg.demo = true;
		cfg.sources[NABZ_SRC_RSS].enabled = true;
	}
	if(cfg.demo && !check_only) add_demo_rules(&cfg, cfg.demo_dir, true);
	if(check_only){
		printf("nabz-bridge: configuration %s is valid\n", config_path);
		nabz_bridge_cfg__free(&cfg);
		return 0;
	}

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	memset(&b, 0, sizeof(b));
	memset(&rules_cfg, 0, sizeof(rules_cfg));
	b.cfg = &cfg;
	b.once = once;
	nabz_prices__init(&b.prices, cfg.divergence_pct, cfg.stale_after_s * 1000);
	if(nabz_http__init(&b.http, cfg.connect_timeout_ms, cfg.timeout_ms, (size_t)cfg.max_body_bytes) != 0
			|| nabz_publisher__init(&b.pub, &cfg, once) != 0
			|| nabz_sources__init(&b) != 0
			|| nabz_alerts__init(&b.alerts, cfg.rules, cfg.rule_count, cfg.hysteresis_pct, cfg.cooldown_s * 1000) != 0){
		fprintf(stderr, "nabz-bridge: cannot start (out of memory)\n");
		rc = 1;
		goto done;
	}
	b.http.user_agent = NABZ_HTTP_USER_AGENT("nabz-bridge");
	nabz_loop__signals(&b.http, true);
	if(!once && !cfg.demo && cfg.sources[NABZ_SRC_BINANCE].enabled && cfg.sources[NABZ_SRC_BINANCE].stream_url[0]){
		stream = nabz_stream__start(cfg.sources[NABZ_SRC_BINANCE].stream_url, (size_t)cfg.max_body_bytes,
				b.http.multi, err, sizeof(err));
		if(stream == NULL) nabz_log(LOG_ERR, "binance stream off: %s", err);
	}
	nabz_log(LOG_NOTICE, "started: %zu symbols, publishing to %s:%ld under %s/", cfg.symbol_count,
			cfg.mqtt.host, cfg.mqtt.port, cfg.mqtt.topic_prefix);

	while(!nabz_loop__stopping()){
		int64_t now = nabz_time__mono_ms();
		int64_t next = nabz_sources__poll(&b, now);

		if(nabz_loop__take_reload()) reload_rules(&b, config_path, &rules_cfg);
		nabz_sources__publish(&b, now);
		if(once && !nabz_sources__busy(&b)) break;
		nabz_mqtt_link__service(&b.pub.link, false, false, now);
		nabz_loop__wait(&b.http, &b.pub.link, next > 1000 ? 1000 : next);
		if(stream){
			char *msg;
			size_t len;
			while((msg = nabz_stream__take(stream, &len)) != NULL){
				nabz_sources__stream_message(&b, msg, len, nabz_time__mono_ms());
				free(msg);
			}
		}
	}
	if(once) nabz_sources__publish(&b, nabz_time__mono_ms());
	nabz_log(LOG_NOTICE, "stopping");

done:
	nabz_loop__signals_off();
	nabz_stream__stop(stream);
	nabz_http__cleanup(&b.http);      /* first: its callbacks use the rest */
	nabz_sources__cleanup(&b);
	nabz_publisher__cleanup(&b.pub);
	nabz_prices__cleanup(&b.prices);
	nabz_alerts__cleanup(&b.alerts);
	nabz_bridge_cfg__free(&rules_cfg);
	nabz_bridge_cfg__free(&cfg);
	xmlCleanupParser();
	curl_global_cleanup();
	return rc;
}
