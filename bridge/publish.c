#include "publish.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#define HASH_NONFATAL_OOM 1
#include <uthash.h>
#include <utlist.h>

#include "backoff.h"
#include "envelope.h"
#include "log.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

struct nabz_retained {
	char *topic;                        /* key */
	char *data;                         /* the data object's text: what "changed" compares */
	char *payload;                      /* the full payload last sent or due */
	bool sent;
	UT_hash_handle hh;
};

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct nabz_publisher *p = userdata;
	struct nabz_retained *r, *tmp;
	struct nabz_spool_msg *m;

	(void)mosq;
	p->connecting = false;
	if(rc != 0){
		snprintf(p->last_error, sizeof(p->last_error), "broker refused the connection: %s",
				mosquitto_connack_string(rc));
		nabz_log(LOG_ERR, "mqtt: %s", p->last_error);
		return;
	}
	p->connected = true;
	p->retries = 0;
	nabz_log(LOG_NOTICE, "mqtt: connected to %s:%ld as %s", p->cfg->mqtt.host, p->cfg->mqtt.port,
			p->cfg->mqtt.username);
	/* Everything retained goes out again: the broker may have restarted
	 * without persistence. QoS 1 messages not yet acknowledged too. */
	HASH_ITER(hh, p->retained, r, tmp){
		if(mosquitto_publish(p->mosq, NULL, r->topic, (int)strlen(r->payload), r->payload, 0, true) == MOSQ_ERR_SUCCESS){
			r->sent = true;
		}
	}
	DL_FOREACH(p->spool.head, m){
		m->mid = 0;
		mosquitto_publish(p->mosq, &m->mid, m->topic, (int)strlen(m->payload), m->payload, 1, false);
	}
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct nabz_publisher *p = userdata;

	(void)mosq;
	if(p->connected){
		/* rc 0: our own mosquitto_disconnect(), at shutdown */
		if(rc == 0) nabz_log(LOG_NOTICE, "mqtt: disconnected");
		else nabz_log(LOG_WARNING, "mqtt: disconnected (%s); reconnecting", mosquitto_strerror(rc));
	}
	p->connected = false;
	p->connecting = false;
}

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct nabz_publisher *p = userdata;
	struct nabz_spool_msg *m;

	(void)mosq;
	DL_FOREACH(p->spool.head, m){
		if(m->mid == mid){
			nabz_spool__done(&p->spool, m);
			p->published++;
			return;
		}
	}
}

static void setup_client(struct nabz_publisher *p)
{
	const struct nabz_bridge_cfg *cfg = p->cfg;

	mosquitto_int_option(p->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	/* Without it Nagle and delayed ACKs hold small publishes ~40 ms
	 * (measured: p99 50 ms -> 10 ms with this and the broker's
	 * set_tcp_nodelay). */
	mosquitto_int_option(p->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if(cfg->mqtt.username[0]){
		mosquitto_username_pw_set(p->mosq, cfg->mqtt.username, cfg->mqtt.password[0] ? cfg->mqtt.password : NULL);
	}
	/* libmosquitto's own queue may hold the whole outbox in flight. */
	mosquitto_max_inflight_messages_set(p->mosq, 100);
	mosquitto_connect_callback_set(p->mosq, on_connect);
	mosquitto_disconnect_callback_set(p->mosq, on_disconnect);
	mosquitto_publish_callback_set(p->mosq, on_publish);
}

int nabz_publisher__init(struct nabz_publisher *p, const struct nabz_bridge_cfg *cfg, bool once)
{
	char err[256];

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->once = once;
	if(once) return 0;
	if(nabz_spool__open(&p->spool, cfg->state_dir, (size_t)cfg->outbox_max, err, sizeof(err)) != 0){
		nabz_log(LOG_ERR, "spool: %s; QoS 1 messages are kept in memory only", err);
	}
	mosquitto_lib_init();
	p->mosq = mosquitto_new(cfg->mqtt.client_id, true, p);
	if(p->mosq == NULL) return -1;
	setup_client(p);
	return 0;
}

void nabz_publisher__cleanup(struct nabz_publisher *p)
{
	struct nabz_retained *r, *tmp;

	if(p->mosq){
		if(p->connected) mosquitto_disconnect(p->mosq);
		mosquitto_destroy(p->mosq);
		mosquitto_lib_cleanup();
	}
	HASH_ITER(hh, p->retained, r, tmp){
		HASH_DEL(p->retained, r);
		free(r->topic);
		free(r->data);
		free(r->payload);
		free(r);
	}
	nabz_spool__close(&p->spool);
}

/* The data object's text, printed once: it is what "changed" compares and
 * what the envelope wraps. Takes data. */
static char *print_data(cJSON *data)
{
	char *text = cJSON_PrintUnformatted(data);

	cJSON_Delete(data);
	return text;
}

static int send_retained(struct nabz_publisher *p, const char *topic, const char *type, cJSON *data, int64_t wall_ms)
{
	struct nabz_retained *r;
	char *text = print_data(data);
	char *payload;

	if(text == NULL) return -1;
	HASH_FIND_STR(p->retained, topic, r);
	if(r && strcmp(r->data, text) == 0){
		/* Unchanged: nothing goes out. */
		free(text);
		return 0;
	}
	payload = nabz_envelope__wrap(type, text, wall_ms);
	if(payload == NULL){
		free(text);
		return -1;
	}
	if(r == NULL){
		r = calloc(1, sizeof(*r));
		if(r == NULL || (r->topic = strdup(topic)) == NULL){
			free(r);
			free(text);
			free(payload);
			return -1;
		}
		HASH_ADD_KEYPTR(hh, p->retained, r->topic, strlen(r->topic), r);
	}
	free(r->data);
	free(r->payload);
	r->data = text;
	r->payload = payload;
	r->sent = false;
	if(p->once){
		printf("%s %s\n", topic, payload);
		r->sent = true;
	}else if(p->connected && mosquitto_publish(p->mosq, NULL, topic, (int)strlen(payload), payload, 0, true) == MOSQ_ERR_SUCCESS){
		r->sent = true;
		p->published++;
	}
	return 0;
}

static int send_qos1(struct nabz_publisher *p, const char *topic, const char *type, cJSON *data, int64_t wall_ms)
{
	struct nabz_spool_msg *m;
	char *text = print_data(data);
	char *payload = text ? nabz_envelope__wrap(type, text, wall_ms) : NULL;

	free(text);
	if(payload == NULL) return -1;
	if(p->once){
		printf("%s %s\n", topic, payload);
		free(payload);
		return 0;
	}
	/* On disk before anything else: from here on it survives a crash. */
	m = nabz_spool__add(&p->spool, topic, payload);
	free(payload);
	if(m == NULL) return -1;
	if(p->connected){
		mosquitto_publish(p->mosq, &m->mid, m->topic, (int)strlen(m->payload), m->payload, 1, false);
	}
	return 0;
}

int nabz_publisher__send(struct nabz_publisher *p, const char *subtopic, const char *type,
		cJSON *data, bool retained, int64_t wall_ms)
{
	char topic[256];

	snprintf(topic, sizeof(topic), "%s/%s", p->cfg->mqtt.topic_prefix, subtopic);
	return retained ? send_retained(p, topic, type, data, wall_ms) : send_qos1(p, topic, type, data, wall_ms);
}

static void schedule_reconnect(struct nabz_publisher *p, int64_t now_ms)
{
	/* Full jitter: many bridges must not come back in lock-step. */
	p->next_connect_ms = now_ms + nabz_backoff__delay(p->retries, BACKOFF_MIN_MS, BACKOFF_MAX_MS,
			NABZ_JITTER_FULL, nabz_backoff__random());
	if(p->retries < UINT_MAX) p->retries++;
}

void nabz_publisher__service(struct nabz_publisher *p, bool readable, bool writable, int64_t now_ms)
{
	int rc;

	if(p->mosq == NULL) return;
	if(!p->connected && !p->connecting){
		if(now_ms < p->next_connect_ms) return;
		/* A fresh client each time: libmosquitto would otherwise resend
		 * its own copies of unacknowledged messages besides the spool's. */
		mosquitto_reinitialise(p->mosq, p->cfg->mqtt.client_id, true, p);
		setup_client(p);
		rc = mosquitto_connect_async(p->mosq, p->cfg->mqtt.host, (int)p->cfg->mqtt.port,
				(int)p->cfg->mqtt.keepalive_s);
		if(rc != MOSQ_ERR_SUCCESS){
			const char *why = rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc);
			if(strcmp(p->last_error, why) != 0){
				snprintf(p->last_error, sizeof(p->last_error), "%s", why);
				nabz_log(LOG_WARNING, "mqtt: cannot connect to %s:%ld: %s; retrying with backoff",
						p->cfg->mqtt.host, p->cfg->mqtt.port, why);
			}
			schedule_reconnect(p, now_ms);
			return;
		}
		p->connecting = true;
		schedule_reconnect(p, now_ms);   /* the next try, should this one fail */
	}
	if(readable) rc = mosquitto_loop_read(p->mosq, 1);
	else rc = MOSQ_ERR_SUCCESS;
	if(rc == MOSQ_ERR_SUCCESS && (writable || mosquitto_want_write(p->mosq))) rc = mosquitto_loop_write(p->mosq, 1);
	if(rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(p->mosq);
	if(rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN){
		/* The socket is gone; callbacks have run. */
		p->connected = false;
		p->connecting = false;
	}else if(rc == MOSQ_ERR_NO_CONN){
		p->connected = false;
		p->connecting = false;
	}
}

int nabz_publisher__socket(struct nabz_publisher *p, bool *want_write)
{
	*want_write = false;
	if(p->mosq == NULL || (!p->connected && !p->connecting)) return -1;
	*want_write = mosquitto_want_write(p->mosq);
	return mosquitto_socket(p->mosq);
}
