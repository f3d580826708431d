#include "mqtt_link.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mosquitto.h>

#include "backoff.h"
#include "log.h"

#define BACKOFF_MAX_MS 30000

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct nabz_mqtt_link *l = userdata;
	const struct nabz_mqtt_cfg *cfg = l->cfg;

	l->connecting = false;
	if(rc != 0){
		snprintf(l->last_error, sizeof(l->last_error), "broker refused the connection: %s",
				mosquitto_connack_string(rc));
		nabz_log(LOG_ERR, "mqtt: %s", l->last_error);
		return;
	}
	l->connected = true;
	l->retries = 0;
	l->last_error[0] = '\0';             /* the next failure is news again */
	if(l->opts.clean_session){
		nabz_log(LOG_NOTICE, "mqtt: connected to %s:%ld as %s", cfg->host, cfg->port, cfg->username);
	}else{
		nabz_log(LOG_NOTICE, "mqtt: connected to %s:%ld as %s (client id %s, persistent session)",
				cfg->host, cfg->port, cfg->username, cfg->client_id);
	}
	if(l->hooks.connected) l->hooks.connected(l->hooks.ctx, mosq);
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct nabz_mqtt_link *l = userdata;

	(void)mosq;
	if(l->connected){
		/* rc 0: our own mosquitto_disconnect(), at shutdown */
		if(rc == 0) nabz_log(LOG_NOTICE, "mqtt: disconnected");
		else nabz_log(LOG_WARNING, "mqtt: disconnected (%s); reconnecting", mosquitto_strerror(rc));
	}
	l->connected = false;
	l->connecting = false;
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct nabz_mqtt_link *l = userdata;

	(void)mosq;
	l->hooks.message(l->hooks.ctx, msg);
}

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct nabz_mqtt_link *l = userdata;

	(void)mosq;
	l->hooks.published(l->hooks.ctx, mid);
}

static void setup_client(struct nabz_mqtt_link *l)
{
	const struct nabz_mqtt_cfg *cfg = l->cfg;

	mosquitto_int_option(l->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	/* Without it Nagle and delayed ACKs hold small publishes ~40 ms
	 * (measured: p99 50 ms -> 10 ms with this and the broker's
	 * set_tcp_nodelay). */
	mosquitto_int_option(l->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	/* Packets are queued, never written from inside a read: see the header. */
	if(l->opts.queue_writes) mosquitto_threaded_set(l->mosq, true);
	if(cfg->username[0]){
		mosquitto_username_pw_set(l->mosq, cfg->username, cfg->password[0] ? cfg->password : NULL);
	}
	if(l->opts.max_inflight > 0) mosquitto_max_inflight_messages_set(l->mosq, (unsigned)l->opts.max_inflight);
	mosquitto_connect_callback_set(l->mosq, on_connect);
	mosquitto_disconnect_callback_set(l->mosq, on_disconnect);
	if(l->hooks.message) mosquitto_message_callback_set(l->mosq, on_message);
	if(l->hooks.published) mosquitto_publish_callback_set(l->mosq, on_publish);
}

int nabz_mqtt_link__init(struct nabz_mqtt_link *l, const struct nabz_mqtt_cfg *cfg,
		const struct nabz_mqtt_link_opts *opts, const struct nabz_mqtt_link_hooks *hooks)
{
	memset(l, 0, sizeof(*l));
	l->cfg = cfg;
	l->opts = *opts;
	l->hooks = *hooks;
	mosquitto_lib_init();
	l->mosq = mosquitto_new(cfg->client_id, opts->clean_session, l);
	if(l->mosq == NULL){
		mosquitto_lib_cleanup();
		return -1;
	}
	setup_client(l);
	return 0;
}

void nabz_mqtt_link__cleanup(struct nabz_mqtt_link *l)
{
	if(l->mosq == NULL) return;
	if(l->connected){
		if(l->hooks.flush) l->hooks.flush(l->hooks.ctx);
		mosquitto_disconnect(l->mosq);
		/* Queued only, with queue_writes: it leaves now. */
		mosquitto_loop_write(l->mosq, 1);
	}
	mosquitto_destroy(l->mosq);
	mosquitto_lib_cleanup();
	l->mosq = NULL;
}

static void schedule_reconnect(struct nabz_mqtt_link *l, int64_t now_ms)
{
	/* Full jitter: many clients must not come back in lock-step. */
	l->next_connect_ms = now_ms + nabz_backoff__delay(l->retries, l->opts.backoff_min_ms, BACKOFF_MAX_MS,
			NABZ_JITTER_FULL, nabz_backoff__random());
	if(l->retries < UINT_MAX) l->retries++;
}

static void try_connect(struct nabz_mqtt_link *l, int64_t now_ms)
{
	const struct nabz_mqtt_cfg *cfg = l->cfg;
	int rc;

	if(now_ms < l->next_connect_ms) return;
	mosquitto_reinitialise(l->mosq, cfg->client_id, l->opts.clean_session, l);
	setup_client(l);
	rc = mosquitto_connect_async(l->mosq, cfg->host, (int)cfg->port, (int)cfg->keepalive_s);
	if(rc != MOSQ_ERR_SUCCESS){
		const char *why = rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc);
		if(strcmp(l->last_error, why) != 0){
			snprintf(l->last_error, sizeof(l->last_error), "%s", why);
			nabz_log(LOG_WARNING, "mqtt: cannot connect to %s:%ld: %s; retrying with backoff",
					cfg->host, cfg->port, why);
		}
		schedule_reconnect(l, now_ms);
		return;
	}
	l->connecting = true;
	schedule_reconnect(l, now_ms);    /* the next try, should this one fail */
}

void nabz_mqtt_link__service(struct nabz_mqtt_link *l, bool readable, bool writable, int64_t now_ms)
{
	int rc = MOSQ_ERR_SUCCESS;

	if(l->mosq == NULL) return;
	if(!l->connected && !l->connecting){
		try_connect(l, now_ms);
		if(!l->connecting) return;
	}
	/* max_packets is unused by libmosquitto 2.0: 1, as its header asks. */
	if(readable) rc = mosquitto_loop_read(l->mosq, 1);
	if(l->hooks.flush) l->hooks.flush(l->hooks.ctx);
	if(rc == MOSQ_ERR_SUCCESS && (writable || mosquitto_want_write(l->mosq))) rc = mosquitto_loop_write(l->mosq, 1);
	if(rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(l->mosq);
	if(rc != MOSQ_ERR_SUCCESS){
		/* The socket is gone (or never was); on_disconnect has run if
		 * it was connected. */
		l->connected = false;
		l->connecting = false;
	}
}

int nabz_mqtt_link__socket(struct nabz_mqtt_link *l, bool *want_write)
{
	*want_write = false;
	if(l->mosq == NULL || (!l->connected && !l->connecting)) return -1;
	*want_write = mosquitto_want_write(l->mosq);
	return mosquitto_socket(l->mosq);
}
