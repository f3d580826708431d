/*
 * MOSQ_EVT_TICK: confirms sessions the broker let in, publishes
 * crypto/stats when a figure changed (debounced), saves the state file,
 * sweeps for TCP connections without CONNECT (tcp_sweep.c).
 *
 * 2.0.11 runs TICK once per main-loop pass: every 100 ms on an idle broker,
 * thousands of times a second under load; every check here is O(1) unless
 * there is work to do, and the sweep is paced by the clock, not the ticks.
 */
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>

#include <cjson/cJSON.h>

#include "broker_listeners.h"
#include "chat_publish.h"
#include "cluster_link.h"
#include "cluster_view.h"
#include "contract.h"
#include "events.h"
#include "log.h"
#include "nabz.h"
#include "stats.h"
#include "tcp_sweep.h"
#include "timeutil.h"
#include "ws/ws.h"

static void publish_stats(struct nabz *nabz, int64_t now_ms)
{
	cJSON *data = nabz_cluster_view__stats_json(nabz, now_ms);
	char *payload;
	int rc;

	if(data == NULL){
		nabz_log_err("out of memory building the stats");
		return;
	}
	payload = nabz_stats__envelope(NABZ_TYPE_STATS_UPDATE, data, nabz_time__wall_ms());
	if(payload == NULL){
		nabz_log_err("out of memory building the stats");
		return;
	}
	rc = mosquitto_broker_publish_copy(NULL, nabz->stats_topic, (int)strlen(payload),
			payload, 0, true, NULL);
	free(payload);
	if(rc != MOSQ_ERR_SUCCESS){
		nabz_log_err("cannot publish %s: %s", nabz->stats_topic, mosquitto_strerror(rc));
		return;
	}
	nabz->reg.dirty = false;
	nabz->last_stats_publish_ms = now_ms;
	nabz->stats_published_once = true;
}

void nabz_tick__save_state(struct nabz *nabz, int64_t now_ms)
{
	struct nabz_persisted p = {
		.total_sessions = nabz->reg.counts.total_sessions,
		.peak_connections = nabz->reg.counts.peak,
		.cluster_peak_connections = nabz->cluster.enabled ? nabz->cluster.peak : 0,
	};

	if(nabz->cfg.state_file[0] == '\0') return;
	nabz->last_state_save_ms = now_ms;
	/* Unchanged figures write nothing; changed ones are written on the
	 * saver's thread (which retries a failed write), or here before it
	 * starts and after it stops. */
	nabz_state_saver__request(&nabz->saver, &p);
}

static int client_sub_count(const void *client)
{
	return mosquitto_client_sub_count(client);
}

static void log_from_ws(int level, const char *text)
{
	nabz_log(level, "%s", text);
}

/* Hands the WebSocket thread fresh figures: when they changed, and at
 * least every 500 ms so /health sees the broker loop alive. */
static void feed_seam(struct nabz *nabz, int64_t now_ms)
{
	if(memcmp(&nabz->seam_counts, &nabz->reg.counts, sizeof(nabz->seam_counts)) != 0
			|| now_ms - nabz->last_seam_ms >= 500){
		nabz->seam_counts = nabz->reg.counts;
		nabz->last_seam_ms = now_ms;
		nabz_seam__publish_figures(&nabz->seam, &nabz->reg.counts, &nabz->tcp.m, now_ms);
	}
	if(nabz->cluster.enabled && (nabz->summary.linked != nabz->cluster.linked
				|| memcmp(&nabz->seam_summary, &nabz->summary, sizeof(nabz->summary)) != 0)){
		nabz->summary.linked = nabz->cluster.linked;
		nabz->seam_summary = nabz->summary;
		nabz_seam__publish_cluster(&nabz->seam, &nabz->summary);
	}
	if(nabz->feed_dirty){
		nabz->feed_dirty = false;
		nabz_seam__publish_feed(&nabz->seam, &nabz->feed);
	}
	nabz_seam__set_deliveries(&nabz->seam, nabz->deliveries);
	nabz_seam__drain_log(&nabz->seam, log_from_ws);
}

/* Once, at the first tick (the broker has opened its listeners by then):
 * find them, for TCP_NODELAY here and the sweep's ports. */
static void find_listeners(struct nabz *nabz)
{
	struct nabz_broker_listeners *l = &nabz->listeners;
	char ports[NABZ_BROKER_LISTENERS_MAX * 7];
	size_t done;

	nabz->listeners_found = true;
	if(nabz_broker_listeners__find(&nabz->cfg, l) != 0) memset(l, 0, sizeof(*l));
	if(!nabz->cfg.tcp_nodelay) return;
	if(l->fd_count == 0){
		nabz_log_warn("no TCP listener of the broker found to set TCP_NODELAY on");
		return;
	}
	done = nabz_broker_listeners__set_nodelay(l);
	nabz_broker_listeners__ports_text(l, ports, sizeof(ports));
	if(done < l->fd_count){
		nabz_log_warn("TCP_NODELAY set on %zu of %zu TCP listeners (port(s) %s)", done, l->fd_count, ports);
	}else{
		nabz_log_info("TCP_NODELAY set on the broker's TCP listener(s), port(s) %s: every client "
				"accepted there has it", ports);
	}
}

int nabz_events__tick(int event, void *event_data, void *userdata)
{
	struct nabz *nabz = userdata;
	int64_t now_ms = nabz_time__mono_ms();

	(void)event;
	(void)event_data;
	if(!nabz->listeners_found) find_listeners(nabz);
	nabz_sessions__confirm_all(&nabz->reg);
	nabz_sessions__settle_carried(&nabz->reg, client_sub_count);
	if(nabz->chat.out) nabz_chat_publish__flush(nabz);   /* the rooms' recent at start */
	if(nabz->cluster.enabled && nabz_cluster_link__tick(nabz, now_ms)){
		/* Another node's figures changed, or one left: ours show it. */
		nabz->reg.dirty = true;
	}
	if(nabz_stats__publish_due(nabz->reg.dirty, nabz->stats_published_once,
				nabz->last_stats_publish_ms, now_ms, nabz->cfg.stats_debounce_ms)){
		publish_stats(nabz, now_ms);
	}else if(nabz->reg.dirty && nabz->ws){
		/* Due later: have the listener's thread 0 wake the loop then, or an
		 * idle broker would not tick again for up to 100 ms. */
		int64_t due = nabz->last_stats_publish_ms + nabz->cfg.stats_debounce_ms;
		if(due != nabz->wake_requested_ms){
			nabz->wake_requested_ms = due;
			nabz_seam__request_wake(&nabz->seam, due);
			nabz_ws__poke(nabz->ws);
		}
	}
	if(now_ms - nabz->last_state_save_ms >= nabz->cfg.state_save_interval_ms){
		nabz_tick__save_state(nabz, now_ms);
	}
	nabz_reclaim__tick(&nabz->reclaim, now_ms);
	if(nabz->sweep) nabz_tcp_sweep__tick(nabz->sweep, &nabz->tcp, &nabz->listeners, now_ms);
	feed_seam(nabz, now_ms);
	return MOSQ_ERR_SUCCESS;
}
