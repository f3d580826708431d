#include "publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#define HASH_NONFATAL_OOM 1
#include <uthash.h>
#include <utlist.h>

#include "envelope.h"
#include "log.h"

struct nabz_retained {
	char *topic;                        /* key */
	char *data;                         /* the data object's text: what "changed" compares */
	char *payload;                      /* the full payload last sent or due */
	bool sent;
	UT_hash_handle hh;
};

/* The link is up: everything retained goes out again (the broker may
 * have restarted without persistence), and the QoS 1 messages not yet
 * acknowledged. */
static void on_connected(void *ctx, struct mosquitto *mosq)
{
	struct nabz_publisher *p = ctx;
	struct nabz_retained *r, *tmp;
	struct nabz_spool_msg *m;

	HASH_ITER(hh, p->retained, r, tmp){
		if(mosquitto_publish(mosq, NULL, r->topic, (int)strlen(r->payload), r->payload, 0, true) == MOSQ_ERR_SUCCESS){
			r->sent = true;
		}
	}
	DL_FOREACH(p->spool.head, m){
		m->mid = 0;
		mosquitto_publish(mosq, &m->mid, m->topic, (int)strlen(m->payload), m->payload, 1, false);
	}
}

static void on_published(void *ctx, int mid)
{
	struct nabz_publisher *p = ctx;
	struct nabz_spool_msg *m;

	DL_FOREACH(p->spool.head, m){
		if(m->mid == mid){
			nabz_spool__done(&p->spool, m);
			p->published++;
			return;
		}
	}
}

int nabz_publisher__init(struct nabz_publisher *p, const struct nabz_bridge_cfg *cfg, bool once)
{
	/* libmosquitto's own queue may hold the whole outbox in flight. */
	const struct nabz_mqtt_link_opts opts = {.clean_session = true, .max_inflight = 100, .backoff_min_ms = 500};
	const struct nabz_mqtt_link_hooks hooks = {.connected = on_connected, .published = on_published, .ctx = p};
	char err[256];

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->once = once;
	if(once) return 0;
	if(nabz_spool__open(&p->spool, cfg->state_dir, (size_t)cfg->outbox_max, err, sizeof(err)) != 0){
		nabz_log(LOG_ERR, "spool: %s; QoS 1 messages are kept in memory only", err);
	}
	return nabz_mqtt_link__init(&p->link, &cfg->mqtt, &opts, &hooks);
}

void nabz_publisher__cleanup(struct nabz_publisher *p)
{
	struct nabz_retained *r, *tmp;

	nabz_mqtt_link__cleanup(&p->link);
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
	}else if(p->link.connected && mosquitto_publish(p->link.mosq, NULL, topic, (int)strlen(payload), payload, 0, true) == MOSQ_ERR_SUCCESS){
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
	if(p->link.connected){
		mosquitto_publish(p->link.mosq, &m->mid, m->topic, (int)strlen(m->payload), m->payload, 1, false);
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
