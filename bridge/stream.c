#include "stream.h"

#include <libwebsockets.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "thread.h"

#define QUEUE_MAX 64
#define BACKOFF_MIN_US (500 * LWS_US_PER_MS)
#define BACKOFF_MAX_US (30 * LWS_US_PER_SEC)

struct queued {
	char *data;
	size_t len;
};

struct nabz_stream {
	struct lws_context *context;
	pthread_t thread;
	atomic_bool stop;
	CURLM *wake;
	char url_copy[1024];
	const char *prot, *address, *path;
	int port;
	bool tls;
	size_t max_message;
	/* stream thread only */
	struct lws *wsi;
	char *msg;
	size_t msg_len;
	bool msg_too_big;
	unsigned retries;                 /* failed connects in a row */
	lws_sorted_usec_list_t sul_connect;
	/* {lock} */
	pthread_mutex_t lock;
	struct queued queue[QUEUE_MAX];
	size_t head, count;
	bool connected;
	char last_error[160];
};

static void connect_cb(lws_sorted_usec_list_t *sul);

static void schedule_connect(struct nabz_stream *s)
{
	lws_usec_t delay = nabz_backoff__delay(s->retries, BACKOFF_MIN_US, BACKOFF_MAX_US, NABZ_JITTER_FULL,
			nabz_backoff__random());

	if(s->retries < UINT_MAX) s->retries++;
	lws_sul_schedule(s->context, 0, &s->sul_connect, connect_cb, delay);
}

static void set_state(struct nabz_stream *s, bool connected, const char *error)
{
	pthread_mutex_lock(&s->lock);
	s->connected = connected;
	if(error) snprintf(s->last_error, sizeof(s->last_error), "%s", error);
	pthread_mutex_unlock(&s->lock);
}

static void connect_cb(lws_sorted_usec_list_t *sul)
{
	struct nabz_stream *s = lws_container_of(sul, struct nabz_stream, sul_connect);
	struct lws_client_connect_info i;

	if(atomic_load(&s->stop)) return;
	memset(&i, 0, sizeof(i));
	i.context = s->context;
	i.address = s->address;
	i.port = s->port;
	i.path = s->path;
	i.host = s->address;
	i.origin = s->address;
	i.ssl_connection = s->tls ? LCCSCF_USE_SSL : 0;
	i.protocol = NULL;
	i.local_protocol_name = "nabz-stream";
	i.pwsi = &s->wsi;
	if(lws_client_connect_via_info(&i) == NULL){
		set_state(s, false, "cannot start the connection");
		schedule_connect(s);
	}
}

static void enqueue(struct nabz_stream *s)
{
	pthread_mutex_lock(&s->lock);
	if(s->count == QUEUE_MAX){
		/* The main loop is behind: the oldest prices are the least useful. */
		free(s->queue[s->head].data);
		s->head = (s->head + 1) % QUEUE_MAX;
		s->count--;
	}
	s->queue[(s->head + s->count) % QUEUE_MAX] = (struct queued){s->msg, s->msg_len};
	s->count++;
	pthread_mutex_unlock(&s->lock);
	s->msg = NULL;
	s->msg_len = 0;
	curl_multi_wakeup(s->wake);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct nabz_stream *s = lws_context_user(lws_get_context(wsi));
	char why[160];

	(void)user;
	switch(reason){
		case LWS_CALLBACK_CLIENT_ESTABLISHED:
			s->retries = 0;
			set_state(s, true, NULL);
			break;
		case LWS_CALLBACK_CLIENT_RECEIVE:
			if(lws_is_first_fragment(wsi)){
				free(s->msg);
				s->msg = NULL;
				s->msg_len = 0;
				s->msg_too_big = false;
			}
			if(!s->msg_too_big){
				char *grown;
				if(s->msg_len + len > s->max_message){
					s->msg_too_big = true;
				}else if((grown = realloc(s->msg, s->msg_len + len + 1)) != NULL){
					s->msg = grown;
					memcpy(s->msg + s->msg_len, in, len);
					s->msg_len += len;
					s->msg[s->msg_len] = '\0';
				}
			}
			if(lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)){
				if(s->msg_too_big){
					set_state(s, true, "a stream message over the size limit was dropped");
					free(s->msg);
					s->msg = NULL;
				}else if(s->msg){
					enqueue(s);
				}
			}
			break;
		case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
			snprintf(why, sizeof(why), "stream: %s", in ? (const char *)in : "connection failed");
			set_state(s, false, why);
			s->wsi = NULL;
			schedule_connect(s);
			break;
		case LWS_CALLBACK_CLIENT_CLOSED:
			set_state(s, false, "stream closed by the server");
			s->wsi = NULL;
			schedule_connect(s);
			break;
		default:
			break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{"nabz-stream", callback, 0, 65536, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

static void *run(void *arg)
{
	struct nabz_stream *s = arg;

	while(!atomic_load(&s->stop)){
		if(lws_service(s->context, 0) < 0) break;
	}
	return NULL;
}

struct nabz_stream *nabz_stream__start(const char *url, size_t max_message, CURLM *wake,
		char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	struct nabz_stream *s = calloc(1, sizeof(*s));

	if(s == NULL) return NULL;
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->stop, false);
	s->wake = wake;
	s->max_message = max_message;
	snprintf(s->url_copy, sizeof(s->url_copy), "%s", url);
	if(lws_parse_uri(s->url_copy, &s->prot, &s->address, &s->port, &s->path)
			|| (strcmp(s->prot, "ws") != 0 && strcmp(s->prot, "wss") != 0)){
		snprintf(err, errlen, "sources.binance.stream_url: \"%s\" is not a ws:// or wss:// URL", url);
		free(s);
		return NULL;
	}
	s->tls = strcmp(s->prot, "wss") == 0;
	/* lws_parse_uri drops the leading '/' */
	memmove((char *)s->path + 1, s->path, strlen(s->path) + 1);
	*(char *)s->path = '/';
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = s;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	s->context = lws_create_context(&info);
	if(s->context == NULL){
		snprintf(err, errlen, "cannot create the stream's context");
		free(s);
		return NULL;
	}
	lws_sul_schedule(s->context, 0, &s->sul_connect, connect_cb, 1);
	if(nabz_thread__start(&s->thread, run, s, "nabz-stream") != 0){
		lws_context_destroy(s->context);
		free(s);
		snprintf(err, errlen, "cannot start the stream thread");
		return NULL;
	}
	return s;
}

void nabz_stream__stop(struct nabz_stream *s)
{
	if(s == NULL) return;
	atomic_store(&s->stop, true);
	lws_cancel_service(s->context);
	pthread_join(s->thread, NULL);
	lws_context_destroy(s->context);
	while(s->count){
		free(s->queue[s->head].data);
		s->head = (s->head + 1) % QUEUE_MAX;
		s->count--;
	}
	free(s->msg);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

char *nabz_stream__take(struct nabz_stream *s, size_t *len)
{
	char *data = NULL;

	pthread_mutex_lock(&s->lock);
	if(s->count){
		data = s->queue[s->head].data;
		*len = s->queue[s->head].len;
		s->head = (s->head + 1) % QUEUE_MAX;
		s->count--;
	}
	pthread_mutex_unlock(&s->lock);
	return data;
}

bool nabz_stream__connected(struct nabz_stream *s, char *last_error, size_t errlen)
{
	bool c;

	pthread_mutex_lock(&s->lock);
	c = s->connected;
	snprintf(last_error, errlen, "%s", s->last_error);
	pthread_mutex_unlock(&s->lock);
	return c;
}
