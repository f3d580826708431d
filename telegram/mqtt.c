#include "mqtt.h"

#include <stdio.h>
#include <string.h>

#include <mosquitto.h>

#include "contract.h"

static void on_connected(void *ctx, struct mosquitto *mosq)
{
	struct nabz_tg_mqtt *m = ctx;

	/* The session keeps the subscriptions; asking again costs nothing and
	 * covers a broker that lost them (restarted without persistence). */
	mosquitto_subscribe(mosq, NULL, m->alerts_topic, 1);
	mosquitto_subscribe(mosq, NULL, m->prices_filter, 0);
	if(m->hooks.signal) mosquitto_subscribe(mosq, NULL, m->signals_topic, 1);
	/* QoS 0: a relay is live talk; what was said while the bot was away
	 * is not worth replaying (and the session would queue it). */
	if(m->chat_topic[0]) mosquitto_subscribe(mosq, NULL, m->chat_topic, 0);
}

static void on_message(void *ctx, const struct mosquitto_message *msg)
{
	struct nabz_tg_mqtt *m = ctx;
	size_t plen = strlen(m->prices_filter) - 1;          /* "<prefix>/prices/" */

	if(msg->payloadlen < 0) return;
	if(strcmp(msg->topic, m->alerts_topic) == 0){
		m->alerts_received++;
		m->hooks.alert(m->hooks.ctx, msg->payload ? msg->payload : "", (size_t)msg->payloadlen);
	}else if(m->hooks.signal && strcmp(msg->topic, m->signals_topic) == 0){
		m->hooks.signal(m->hooks.ctx, msg->payload ? msg->payload : "", (size_t)msg->payloadlen);
	}else if(m->chat_topic[0] && strcmp(msg->topic, m->chat_topic) == 0 && msg->payload){
		if(m->hooks.chat) m->hooks.chat(m->hooks.ctx, msg->payload, (size_t)msg->payloadlen);
	}else if(strncmp(msg->topic, m->prices_filter, plen) == 0 && msg->payload){
		m->hooks.price(m->hooks.ctx, msg->topic + plen, msg->payload, (size_t)msg->payloadlen);
	}
}

static void on_flush(void *ctx)
{
	struct nabz_tg_mqtt *m = ctx;

	m->hooks.flush(m->hooks.ctx);
}

int nabz_tg_mqtt__init(struct nabz_tg_mqtt *m, const struct nabz_tg_cfg *cfg, const struct nabz_tg_mqtt_hooks *hooks)
{
	/* clean_session false: the broker keeps our subscription and queues
	 * QoS 1 alerts while we are away. */
	const struct nabz_mqtt_link_opts opts = {.clean_session = false, .queue_writes = true, .backoff_min_ms = 200};
	const struct nabz_mqtt_link_hooks link_hooks = {.connected = on_connected, .message = on_message,
		.flush = on_flush, .ctx = m};
	int a, b;

	memset(m, 0, sizeof(*m));
	m->hooks = *hooks;
	a = snprintf(m->alerts_topic, sizeof(m->alerts_topic), "%s/" NABZ_SUBTOPIC_ALERTS, cfg->mqtt.topic_prefix);
	b = snprintf(m->prices_filter, sizeof(m->prices_filter), "%s/" NABZ_SUBTOPIC_PRICES "/+", cfg->mqtt.topic_prefix);
	if(a < 0 || (size_t)a >= sizeof(m->alerts_topic) || b < 0 || (size_t)b >= sizeof(m->prices_filter)) return -1;
	a = snprintf(m->signals_topic, sizeof(m->signals_topic), "%s/" NABZ_SUBTOPIC_SIGNALS, cfg->mqtt.topic_prefix);
	if(a < 0 || (size_t)a >= sizeof(m->signals_topic)) return -1;
	if(cfg->relay_room){
		a = snprintf(m->chat_topic, sizeof(m->chat_topic), "%s/" NABZ_SUBTOPIC_CHAT "/%s",
				cfg->mqtt.topic_prefix, cfg->relay_room);
		if(a < 0 || (size_t)a >= sizeof(m->chat_topic)) return -1;
	}
	return nabz_mqtt_link__init(&m->link, &cfg->mqtt, &opts, &link_hooks);
}

void nabz_tg_mqtt__cleanup(struct nabz_tg_mqtt *m)
{
	nabz_mqtt_link__cleanup(&m->link);
}
