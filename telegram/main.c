/*
 * nabz-telegram: subscribes to <prefix>/alerts and delivers each alert to
 * the Telegram chats that want it. One thread, one poll loop:
 * curl_multi_poll waits on the Bot API transfers and the MQTT socket
 * together; the scheduler's next due time bounds the wait.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"
#include "log.h"
#include "loop.h"
#include "telegram.h"
#include "api.h"
#include "commands.h"
#include "deliver.h"
#include "personal.h"
#include "relay.h"
#include "signals.h"
#include "timeutil.h"

#define DRAIN_MS 5000

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nabz-telegram -c FILE [--check-config] [-v]\n"
		"  -c, --config FILE   the JSON configuration\n"
		"      --check-config  validate the configuration (and that a token is set) and exit (0: valid)\n"
		"  -v, --verbose       more log lines (twice: debug)\n"
		"The bot token: $NABZ_TELEGRAM_TOKEN (telegram.token_env) or telegram.token_file.\n");
}

static void hook_alert(void *ctx, const char *payload, size_t len)
{
	nabz_tg_deliver__alert(ctx, payload, len);
}

static void hook_price(void *ctx, const char *symbol, const char *payload, size_t len)
{
	struct nabz_tg *bot = ctx;

	if(nabz_tg_prices__put(&bot->prices, symbol, payload, len) != 0) return;
	nabz_tg_personal__price(bot, symbol, nabz_tg_prices__usd(&bot->prices, symbol));
}

static void hook_signal(void *ctx, const char *payload, size_t len)
{
	nabz_tg_signals__received(ctx, payload, len);
}

static void hook_chat(void *ctx, const char *payload, size_t len)
{
	nabz_tg_relay__message(ctx, payload, len);
}

static void hook_flush(void *ctx)
{
	struct nabz_tg *bot = ctx;
	nabz_tg_spool__sync(&bot->spool);
}

static int start(struct nabz_tg *bot, const struct nabz_tg_cfg *cfg)
{
	static const struct nabz_tg_mqtt_hooks hooks_template = {
		.alert = hook_alert, .price = hook_price, .chat = hook_chat, .flush = hook_flush, .ctx = NULL,
		.signal = hook_signal,
	};
	struct nabz_tg_mqtt_hooks hooks = hooks_template;
	char err[512];

	memset(bot, 0, sizeof(*bot));
	bot->cfg = cfg;
	if(nabz_tg_api__url(cfg->api_base, cfg->token, "sendMessage", bot->send_url, sizeof(bot->send_url)) != 0
			|| nabz_tg_api__url(cfg->api_base, cfg->token, "getUpdates", bot->updates_url, sizeof(bot->updates_url)) != 0){
		nabz_log(LOG_ERR, "telegram.api_base is too long");
		return -1;
	}
	if(nabz_http__init(&bot->http, cfg->connect_timeout_ms, cfg->timeout_ms, 1024 * 1024) != 0) goto oom;
	bot->http.proxy = cfg->proxy;
	bot->http.user_agent = NABZ_HTTP_USER_AGENT("nabz-telegram");
	/* A connection for every send the rate allows at once, and one for the
	 * getUpdates long poll: a send queued inside curl for a connection
	 * would leave later than the schedule thinks, bunched with the next. */
	curl_multi_setopt(bot->http.multi, CURLMOPT_MAX_HOST_CONNECTIONS, cfg->global_per_s > 62 ? 64L : cfg->global_per_s + 2);
	if(nabz_tg_rate__init(&bot->rate, cfg->per_chat_interval_ms, cfg->group_per_min, cfg->global_per_s) != 0) goto oom;
	if(nabz_tg_spool__open(&bot->spool, cfg->state_dir, (size_t)cfg->spool_max, err, sizeof(err)) != 0){
		if(bot->spool.seen_slots == NULL) goto oom;
		nabz_log(LOG_ERR, "spool: %s; alerts are kept in memory only", err);
	}
	if(nabz_tg_chats__open(&bot->chats, cfg->state_dir, cfg->default_lang) != 0) goto oom;
	nabz_tg_deliver__resume(bot);
	hooks.ctx = bot;
	if(nabz_tg_mqtt__init(&bot->mqtt, cfg, &hooks) != 0) goto oom;
	return 0;
oom:
	nabz_log(LOG_ERR, "cannot start (out of memory)");
	return -1;
}

static void stop(struct nabz_tg *bot)
{
	nabz_http__cleanup(&bot->http);       /* first: its callbacks use the rest */
	nabz_tg_mqtt__cleanup(&bot->mqtt);
	nabz_tg_spool__close(&bot->spool);
	nabz_tg_chats__save(&bot->chats);
	nabz_tg_chats__close(&bot->chats);
	nabz_tg_prices__cleanup(&bot->prices);
	nabz_tg_rate__cleanup(&bot->rate);
	memset(bot->send_url, 0, sizeof(bot->send_url));
	memset(bot->updates_url, 0, sizeof(bot->updates_url));
}

static void run(struct nabz_tg *bot)
{
	int64_t drain_until = 0;

	while(true){
		int64_t now = nabz_time__mono_ms();
		int64_t wait = 1000;

		if(nabz_loop__stopping() && !bot->draining){
			/* No new requests; those out may finish, so that what Telegram
			 * accepted is marked sent and not sent again after a restart. */
			bot->draining = true;
			drain_until = now + DRAIN_MS;
			nabz_log(LOG_NOTICE, "stopping: waiting for %u requests in flight", bot->sends_inflight);
		}
		if(bot->draining && (bot->sends_inflight == 0 || now >= drain_until)) break;
		nabz_mqtt_link__service(&bot->mqtt.link, false, false, now);
		wait = nabz_tg_deliver__run(bot, now, wait);
		wait = nabz_tg_commands__poll(bot, now, wait);
		nabz_tg_spool__sync(&bot->spool);  /* one fsync for this turn's sent marks */
		nabz_loop__wait(&bot->http, &bot->mqtt.link, wait);
	}
}

int main(int argc, char **argv)
{
	struct nabz_tg_cfg cfg;
	struct nabz_tg *bot;
	const char *config_path;
	bool check_only;
	char err[512];
	int rc;

	nabz_log_ident = "nabz-telegram";
	rc = nabz_cli__parse(argc, argv, NULL, usage, &config_path, &check_only);
	if(rc >= 0) return rc;
	rc = 0;
	if(nabz_tg_cfg__load(&cfg, config_path, true, err, sizeof(err)) != 0){
		fprintf(stderr, "nabz-telegram: bad configuration: %s\n", err);
		return 1;
	}
	if(check_only){
		printf("nabz-telegram: configuration %s is valid\n", config_path);
		nabz_tg_cfg__free(&cfg);
		return 0;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	bot = calloc(1, sizeof(*bot));
	if(bot == NULL || start(bot, &cfg) != 0){
		rc = 1;
		goto done;
	}
	nabz_loop__signals(&bot->http, false);
	nabz_log(LOG_NOTICE, "started: %s/alerts from %s:%ld to Telegram at %s%s; %u chats known",
			cfg.mqtt.topic_prefix, cfg.mqtt.host, cfg.mqtt.port, cfg.api_base,
			cfg.proxy[0] ? " through a proxy" : "", HASH_COUNT(bot->chats.by_id));
	run(bot);
	nabz_log(LOG_NOTICE, "stopped: %llu messages sent, %llu given up",
			(unsigned long long)bot->sent_total, (unsigned long long)bot->given_up_total);
done:
	if(bot){
		nabz_loop__signals_off();
		stop(bot);
		free(bot);
	}
	nabz_tg_cfg__free(&cfg);
	curl_global_cleanup();
	return rc;
}
