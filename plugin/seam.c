#include "seam.h"

#include "uuid.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

int nabz_seam__init(struct nabz_seam *seam, int64_t started_ms)
{
	memset(seam, 0, sizeof(*seam));
	seam->started_ms = started_ms;
	atomic_init(&seam->wake_at_ms, 0);
	atomic_init(&seam->deliveries, 0);
	if(nabz_random__hex(seam->wake_password, 16) != 0) return -1;
	return pthread_mutex_init(&seam->lock, NULL) == 0 ? 0 : -1;
}

static void pending_free(struct nabz_seam *seam, struct nabz_ws_pending *p)
{
	HASH_DEL(seam->pending, p);
	seam->pending_bytes -= p->bytes;
	free(p->client_id);
	free(p);
}

void nabz_seam__cleanup(struct nabz_seam *seam)
{
	struct nabz_ws_pending *p, *tmp;

	HASH_ITER(hh, seam->pending, p, tmp){
		pending_free(seam, p);
	}
	pthread_mutex_destroy(&seam->lock);
}

void nabz_seam__request_wake(struct nabz_seam *seam, int64_t at_ms)
{
	atomic_store(&seam->wake_at_ms, at_ms);
}

void nabz_seam__publish_figures(struct nabz_seam *seam, const struct nabz_counts *c,
		const struct nabz_tcp_metrics *tcp, int64_t now_ms)
{
	pthread_mutex_lock(&seam->lock);
	seam->counts = *c;
	seam->tcp = *tcp;
	seam->last_tick_ms = now_ms;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__read_figures(struct nabz_seam *seam, struct nabz_counts *c, int64_t *started_ms,
		int64_t *last_tick_ms)
{
	pthread_mutex_lock(&seam->lock);
	*c = seam->counts;
	*started_ms = seam->started_ms;
	*last_tick_ms = seam->last_tick_ms;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__read_tcp(struct nabz_seam *seam, struct nabz_tcp_metrics *tcp)
{
	pthread_mutex_lock(&seam->lock);
	*tcp = seam->tcp;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__publish_cluster(struct nabz_seam *seam, const struct nabz_cluster_summary *cl)
{
	pthread_mutex_lock(&seam->lock);
	seam->cluster = *cl;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__set_data_mode(struct nabz_seam *seam, int mode)
{
	atomic_store_explicit(&seam->data_mode, mode, memory_order_relaxed);
}

int nabz_seam__data_mode(struct nabz_seam *seam)
{
	return atomic_load_explicit(&seam->data_mode, memory_order_relaxed);
}

void nabz_seam__publish_feed(struct nabz_seam *seam, const struct nabz_feed *feed)
{
	pthread_mutex_lock(&seam->lock);
	seam->feed = *feed;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__read_feed(struct nabz_seam *seam, struct nabz_feed *feed)
{
	pthread_mutex_lock(&seam->lock);
	*feed = seam->feed;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__set_deliveries(struct nabz_seam *seam, uint64_t deliveries)
{
	atomic_store_explicit(&seam->deliveries, deliveries, memory_order_relaxed);
}

uint64_t nabz_seam__deliveries(struct nabz_seam *seam)
{
	return atomic_load_explicit(&seam->deliveries, memory_order_relaxed);
}

void nabz_seam__read_cluster(struct nabz_seam *seam, struct nabz_cluster_summary *cl)
{
	pthread_mutex_lock(&seam->lock);
	*cl = seam->cluster;
	pthread_mutex_unlock(&seam->lock);
}

bool nabz_seam__take_details(struct nabz_seam *seam, const char *client_id, struct nabz_ws_details *out)
{
	struct nabz_ws_pending *p;
	bool found = false;

	pthread_mutex_lock(&seam->lock);
	HASH_FIND_STR(seam->pending, client_id, p);
	if(p){
		*out = p->details;
		pending_free(seam, p);
		found = true;
	}
	pthread_mutex_unlock(&seam->lock);
	return found;
}

/* {lock} held. Insertion order is age order: expire from the head, and
 * make room for an entry of `adding` bytes. */
static void expire_pending(struct nabz_seam *seam, int64_t now_ms, size_t adding)
{
	while(seam->pending && (now_ms - seam->pending->added_ms > NABZ_PENDING_TTL_MS
				|| HASH_COUNT(seam->pending) >= NABZ_PENDING_MAX
				|| seam->pending_bytes + adding > NABZ_PENDING_MAX_BYTES)){
		pending_free(seam, seam->pending);
	}
}

void nabz_seam__drop_details(struct nabz_seam *seam, const char *client_id, uint64_t seq)
{
	struct nabz_ws_pending *p;

	pthread_mutex_lock(&seam->lock);
	HASH_FIND_STR(seam->pending, client_id, p);
	if(p && p->seq == seq) pending_free(seam, p);
	pthread_mutex_unlock(&seam->lock);
}

int nabz_seam__put_details(struct nabz_seam *seam, const char *client_id,
		const struct nabz_ws_details *details, int64_t now_ms, uint64_t *seq)
{
	struct nabz_ws_pending *p, *old;
	int rc = 0;

	p = calloc(1, sizeof(*p));
	if(p == NULL) return -1;
	p->client_id = strdup(client_id);
	if(p->client_id == NULL){
		free(p);
		return -1;
	}
	p->details = *details;
	p->added_ms = now_ms;
	p->bytes = sizeof(*p) + strlen(client_id) + 1;

	pthread_mutex_lock(&seam->lock);
	HASH_FIND_STR(seam->pending, client_id, old);
	if(old) pending_free(seam, old);
	expire_pending(seam, now_ms, p->bytes);
	p->seq = *seq = ++seam->pending_seq;
	HASH_ADD_KEYPTR(hh, seam->pending, p->client_id, strlen(p->client_id), p);
	if(seam->pending == NULL){
		free(p->client_id);
		free(p);
		rc = -1;
	}else{
		seam->pending_bytes += p->bytes;
	}
	pthread_mutex_unlock(&seam->lock);
	return rc;
}

void nabz_seam__pending_size(struct nabz_seam *seam, uint64_t *count, uint64_t *bytes)
{
	pthread_mutex_lock(&seam->lock);
	*count = HASH_COUNT(seam->pending);
	*bytes = seam->pending_bytes;
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__log(struct nabz_seam *seam, int level, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&seam->lock);
	if(seam->log_len < NABZ_LOG_QUEUE){
		struct nabz_log_line *line = &seam->log[seam->log_len++];
		line->level = level;
		va_start(ap, fmt);
		vsnprintf(line->text, sizeof(line->text), fmt, ap);
		va_end(ap);
	}else{
		seam->log_dropped++;
	}
	pthread_mutex_unlock(&seam->lock);
}

void nabz_seam__drain_log(struct nabz_seam *seam, void (*log_fn)(int level, const char *text))
{
	struct nabz_log_line lines[NABZ_LOG_QUEUE];
	size_t n;
	uint64_t dropped;
	char note[96];

	pthread_mutex_lock(&seam->lock);
	n = seam->log_len;
	if(n == 0 && seam->log_dropped == 0){
		pthread_mutex_unlock(&seam->lock);
		return;
	}
	memcpy(lines, seam->log, n * sizeof(lines[0]));
	seam->log_len = 0;
	dropped = seam->log_dropped;
	seam->log_dropped = 0;
	pthread_mutex_unlock(&seam->lock);

	for(size_t i = 0; i < n; i++){
		log_fn(lines[i].level, lines[i].text);
	}
	if(dropped){
		snprintf(note, sizeof(note), "%llu WebSocket log lines dropped (queue full)",
				(unsigned long long)dropped);
		log_fn(MOSQ_LOG_WARNING, note);
	}
}
