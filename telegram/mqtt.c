#include "mqtt.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mosquitto.h>

#include "backoff.h"
#include "log.h"

#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 30000

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct nabz_tg_mqtt *m = userdata;

	m->connecting = false;
	if(rc != 0){
		snprintf(m->last_error, sizeof(m->last_error), "broker refused the connection: %s",
				mosquitto_connack_string(rc));
		nabz_log(LOG_ERR, "mqtt: %s", m->last_error);
		return;
	}
	m->connected = true;
	m->retries = 0;
	m->last_error[0] = '\0';
	nabz_log(LOG_NOTICE, "mqtt: connected to %s:%ld as %s (client id %s, persistent session)",
			m->cfg->mqtt.host, m->cfg->mqtt.port, m->cfg->mqtt.username, m->cfg->mqtt.client_id);
	/* The session keeps the subscriptions; asking again costs nothing and
	 * covers a broker that lost them (restarted without persistence). */
	mosquitto_subscribe(mosq, NULL, m->alerts_topic, 1);
	mosquitto_subscribe(mosq, NULL, m->prices_filter, 0);
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct nabz_tg_mqtt *m = userdata;

	(void)mosq;
	if(m->connected){
		/* rc 0: our own mosquitto_disconnect(), at shutdown */
		if(rc == 0) nabz_log(LOG_NOTICE, "mqtt: disconnected");
		else nabz_log(LOG_WARNING, "mqtt: disconnected (%s); reconnecting", mosquitto_strerror(rc));
	}
	m->connected = false;
	m->connecting = false;
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct nabz_tg_mqtt *m = userdata;
	size_t plen = strlen(m->prices_filter) - 1;          /* "<prefix>/prices/" */

	(void)mosq;
	if(msg->payloadlen < 0) return;
	if(strcmp(msg->topic, m->alerts_topic) == 0){
		m->alerts_received++;
		m->hooks.alert(m->hooks.ctx, msg->payload ? msg->payload : "", (size_t)msg->payloadlen);
	}else if(strncmp(msg->topic, m->prices_filter, plen) == 0 && msg->payload){
		m->hooks.price(m->hooks.ctx, msg->topic + plen, msg->payload, (size_t)msg->payloadlen);
	}
}

static void setup_client(struct nabz_tg_mqtt *m)
{
	const struct nabz_tg_cfg *cfg = m->cfg;

	mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	mosquitto_int_option(m->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	/* Packets are queued, never written from inside a read: see the header. */
	mosquitto_threaded_set(m->mosq, true);
	if(cfg->mqtt.username[0]){
		mosquitto_username_pw_set(m->mosq, cfg->mqtt.username, cfg->mqtt.password[0] ? cfg->mqtt.password : NULL);
	}
	mosquitto_connect_callback_set(m->mosq, on_connect);
	mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
	mosquitto_message_callback_set(m->mosq, on_message);
}

int nabz_tg_mqtt__init(struct nabz_tg_mqtt *m, const struct nabz_tg_cfg *cfg, const struct nabz_tg_mqtt_hooks *hooks)
{
	int a, b;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->hooks = *hooks;
	a = snprintf(m->alerts_topic, sizeof(m->alerts_topic), "%s/alerts", cfg->mqtt.topic_prefix);
	b = snprintf(m->prices_filter, sizeof(m->prices_filter), "%s/prices/+", cfg->mqtt.topic_prefix);
	if(a < 0 || (size_t)a >= sizeof(m->alerts_topic) || b < 0 || (size_t)b >= sizeof(m->prices_filter)) return -1;
	mosquitto_lib_init();
	/* clean_session false: the broker keeps our subscription and queues
	 * QoS 1 alerts while we are away. */
	m->mosq = mosquitto_new(cfg->mqtt.client_id, false, m);
	if(m->mosq == NULL) return -1;
	setup_client(m);
	return 0;
}

void nabz_tg_mqtt__cleanup(struct nabz_tg_mqtt *m)
{
	if(m->mosq == NULL) return;
	if(m->connected){
		m->hooks.flush(m->hooks.ctx);
		mosquitto_disconnect(m->mosq);
		mosquitto_loop_write(m->mosq, 1);
	}
	mosquitto_destroy(m->mosq);
	mosquitto_lib_cleanup();
	m->mosq = NULL;
}

static void schedule_reconnect(struct nabz_tg_mqtt *m, int64_t now_ms)
{
	m->next_connect_ms = now_ms + nabz_backoff__delay(m->retries, BACKOFF_MIN_MS, BACKOFF_MAX_MS,
			NABZ_JITTER_FULL, nabz_backoff__random());
	if(m->retries < UINT_MAX) m->retries++;
}

static void try_connect(struct nabz_tg_mqtt *m, int64_t now_ms)
{
	int rc;

	if(now_ms < m->next_connect_ms) return;
	mosquitto_reinitialise(m->mosq, m->cfg->mqtt.client_id, false, m);
	setup_client(m);
	rc = mosquitto_connect_async(m->mosq, m->cfg->mqtt.host, (int)m->cfg->mqtt.port, (int)m->cfg->mqtt.keepalive_s);
	if(rc != MOSQ_ERR_SUCCESS){
		const char *why = rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc);
		if(strcmp(m->last_error, why) != 0){
			snprintf(m->last_error, sizeof(m->last_error), "%s", why);
			nabz_log(LOG_WARNING, "mqtt: cannot connect to %s:%ld: %s; retrying with backoff",
					m->cfg->mqtt.host, m->cfg->mqtt.port, why);
		}
		schedule_reconnect(m, now_ms);
		return;
	}
	m->connecting = true;
	schedule_reconnect(m, now_ms);    /* the next try, should this one fail */
}

void nabz_tg_mqtt__service(struct nabz_tg_mqtt *m, bool readable, bool writable, int64_t now_ms)
{
	int rc = MOSQ_ERR_SUCCESS;

	if(m->mosq == NULL) return;
	if(!m->connected && !m->connecting){
		try_connect(m, now_ms);
		if(!m->connecting) return;
	}
	if(readable) rc = mosquitto_loop_read(m->mosq, 100);
	/* Everything on_message recorded is on disk before the PUBACKs leave. */
	m->hooks.flush(m->hooks.ctx);
	if(rc == MOSQ_ERR_SUCCESS && (writable || mosquitto_want_write(m->mosq))) rc = mosquitto_loop_write(m->mosq, 100);
	if(rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(m->mosq);
	if(rc != MOSQ_ERR_SUCCESS){
		m->connected = false;
		m->connecting = false;
	}
}

int nabz_tg_mqtt__socket(struct nabz_tg_mqtt *m, bool *want_write)
{
	*want_write = false;
	if(m->mosq == NULL || (!m->connected && !m->connecting)) return -1;
	*want_write = mosquitto_want_write(m->mosq);
	return mosquitto_socket(m->mosq);
}
