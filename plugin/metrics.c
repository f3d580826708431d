#include "metrics.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "client_type.h"
#include "data_mode.h"
#include "groups.h"

static const char *const refusal_names[NABZ_REFUSAL_COUNT] = {
	[NABZ_REFUSED_ORIGIN] = "origin",
	[NABZ_REFUSED_CAPACITY] = "capacity",
	[NABZ_REFUSED_PER_IP] = "per_ip",
	[NABZ_REFUSED_SUBPROTOCOL] = "subprotocol",
	[NABZ_REFUSED_BAD_CONNECT] = "bad_connect",
	[NABZ_REFUSED_TIMEOUT] = "timeout",
	[NABZ_REFUSED_TOO_LARGE] = "too_large",
	[NABZ_REFUSED_BROKER_DOWN] = "broker_down",
	[NABZ_REFUSED_PATH] = "path",
	[NABZ_REFUSED_PROTOCOL] = "protocol",
};

const char *nabz_ws_refusal__name(enum nabz_ws_refusal reason)
{
	return (unsigned)reason < NABZ_REFUSAL_COUNT ? refusal_names[reason] : "unknown";
}

static const char *const tcp_reason_names[NABZ_TCP_REASON_COUNT] = {
	[NABZ_TCP_CAPACITY] = "capacity",
	[NABZ_TCP_PER_IP] = "per_ip",
	[NABZ_TCP_TIMEOUT] = "connect_timeout",
};

const char *nabz_tcp_reason__name(enum nabz_tcp_reason reason)
{
	return (unsigned)reason < NABZ_TCP_REASON_COUNT ? tcp_reason_names[reason] : "unknown";
}

struct out {
	char *buf;
	size_t cap;
	size_t len;
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if(o->overflow) return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if(n < 0 || (size_t)n >= o->cap - o->len){
		o->overflow = 1;
		return;
	}
	o->len += (size_t)n;
}

static void header(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void metric(struct out *o, const char *name, const char *type, const char *help, uint64_t value)
{
	header(o, name, type, help);
	put(o, "%s %llu\n", name, (unsigned long long)value);
}

/* The audience figures of one node, unlabelled (not clustered). */
static void audience(struct out *o, const struct nabz_counts *c)
{
	metric(o, "nabz_active_connections", "gauge", "User connections now (services excluded).", c->active);
	metric(o, "nabz_unique_users", "gauge", "Distinct users connected now.", c->unique_users);
	metric(o, "nabz_total_sessions", "counter", "User connections accepted since the state was created.",
			c->total_sessions);
	metric(o, "nabz_peak_connections", "gauge", "Most user connections at once.", c->peak);
	header(o, "nabz_connections", "gauge", "User connections now by client type.");
	for(int t = 0; t < NABZ_CT_COUNT; t++){
		put(o, "nabz_connections{client_type=\"%s\"} %llu\n",
				nabz_client_type__name((enum nabz_client_type)t), (unsigned long long)c->by_type[t]);
	}
	header(o, "nabz_group_subscribers", "gauge", "Connections subscribed to each group now.");
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		put(o, "nabz_group_subscribers{group=\"%s\"} %llu\n",
				nabz_group__name((enum nabz_group)g), (unsigned long long)c->groups[g]);
	}
}

/* The same series, each twice: this node's figures and the cluster's.
 * The names stay, so a query on a name still finds it. */
static void audience_scoped(struct out *o, const struct nabz_counts *node, const struct nabz_counts *cluster)
{
	static const char *const scope[2] = {"node", "cluster"};
	const struct nabz_counts *c[2] = {node, cluster};
	static const struct {
		const char *name, *type, *help;
		size_t offset;
	} plain[] = {
		{"nabz_active_connections", "gauge", "User connections now (services excluded).",
			offsetof(struct nabz_counts, active)},
		{"nabz_unique_users", "gauge", "Distinct users connected now.",
			offsetof(struct nabz_counts, unique_users)},
		{"nabz_total_sessions", "counter", "User connections accepted since the state was created.",
			offsetof(struct nabz_counts, total_sessions)},
		{"nabz_peak_connections", "gauge", "Most user connections at once.",
			offsetof(struct nabz_counts, peak)},
	};

	for(size_t m = 0; m < sizeof(plain) / sizeof(plain[0]); m++){
		header(o, plain[m].name, plain[m].type, plain[m].help);
		for(int i = 0; i < 2; i++){
			put(o, "%s{scope=\"%s\"} %llu\n", plain[m].name, scope[i],
					(unsigned long long)*(const uint64_t *)((const char *)c[i] + plain[m].offset));
		}
	}
	header(o, "nabz_connections", "gauge", "User connections now by client type.");
	for(int i = 0; i < 2; i++){
		for(int t = 0; t < NABZ_CT_COUNT; t++){
			put(o, "nabz_connections{scope=\"%s\",client_type=\"%s\"} %llu\n", scope[i],
					nabz_client_type__name((enum nabz_client_type)t), (unsigned long long)c[i]->by_type[t]);
		}
	}
	header(o, "nabz_group_subscribers", "gauge", "Connections subscribed to each group now.");
	for(int i = 0; i < 2; i++){
		for(int g = 0; g < NABZ_GROUP_COUNT; g++){
			put(o, "nabz_group_subscribers{scope=\"%s\",group=\"%s\"} %llu\n", scope[i],
					nabz_group__name((enum nabz_group)g), (unsigned long long)c[i]->groups[g]);
		}
	}
}

/* Wall-clock ms as Prometheus' seconds: the timestamp gauges that
 * time() - x turns into an age. */
static void seconds(struct out *o, int64_t ms)
{
	if(ms < 0) ms = 0;
	put(o, "%lld.%03lld\n", (long long)(ms / 1000), (long long)(ms % 1000));
}

static void data_series(struct out *o, const struct nabz_data_metrics *d)
{
	const struct nabz_feed *f = d->feed;

	metric(o, "nabz_deliveries_total", "counter",
			"Data messages the broker handed to subscribers (one per subscriber, retained ones included).",
			d->deliveries);
	/* The TYPE line always, the sample once the bridge has said: an
	 * unknown mode is no sample rather than a guessed 0. */
	header(o, "nabz_data_demo", "gauge",
			"1 while the bridge replays recorded demo data, 0 while it is live (its sources message).");
	if(d->data_mode != NABZ_DATA_UNKNOWN) put(o, "nabz_data_demo %d\n", d->data_mode == NABZ_DATA_DEMO ? 1 : 0);
	metric(o, "nabz_ws_max_connections", "gauge", "The WebSocket connection limit (ws_max_connections).",
			d->ws_max_connections);
	metric(o, "nabz_tcp_max_connections", "gauge", "The MQTT-over-TCP client limit (tcp_max_connections).",
			d->tcp_max_connections);
	metric(o, "nabz_price_updates_total", "counter", "Price messages the broker received from the bridge.",
			f->price_updates);
	metric(o, "nabz_price_untracked_total", "counter",
			"Price messages whose symbol is not tracked here (not [A-Z0-9]{1,15}, or over the symbol cap).",
			f->price_untracked);
	header(o, "nabz_price_received_timestamp_seconds", "gauge",
			"When the broker last received each symbol's price (unix time).");
	for(size_t i = 0; i < f->price_count; i++){
		put(o, "nabz_price_received_timestamp_seconds{symbol=\"%s\"} ", f->prices[i].symbol);
		seconds(o, f->prices[i].received_ms);
	}
	header(o, "nabz_price_source_timestamp_seconds", "gauge",
			"The source's own time of each symbol's last price (its source_ts, unix time).");
	for(size_t i = 0; i < f->price_count; i++){
		if(f->prices[i].source_ms == 0) continue;
		put(o, "nabz_price_source_timestamp_seconds{symbol=\"%s\"} ", f->prices[i].symbol);
		seconds(o, f->prices[i].source_ms);
	}
	header(o, "nabz_price_stale", "gauge", "1 when each symbol's last price says stale (no source fresh).");
	for(size_t i = 0; i < f->price_count; i++){
		put(o, "nabz_price_stale{symbol=\"%s\"} %d\n", f->prices[i].symbol, f->prices[i].stale ? 1 : 0);
	}
	header(o, "nabz_sources_received_timestamp_seconds", "gauge",
			"When the broker last received the bridge's sources message (unix time).");
	if(f->sources_received_ms){
		put(o, "nabz_sources_received_timestamp_seconds ");
		seconds(o, f->sources_received_ms);
	}
	header(o, "nabz_source_up", "gauge",
			"1 when the bridge's last sources message says the source answered (ok); 0 when down or not yet.");
	for(size_t i = 0; i < f->source_count; i++){
		put(o, "nabz_source_up{source=\"%s\"} %d\n", f->sources[i].name, f->sources[i].up ? 1 : 0);
	}
	header(o, "nabz_source_last_success_timestamp_seconds", "gauge",
			"When each source last answered, as the bridge's sources message says (unix time).");
	for(size_t i = 0; i < f->source_count; i++){
		if(f->sources[i].last_success_ms == 0) continue;
		put(o, "nabz_source_last_success_timestamp_seconds{source=\"%s\"} ", f->sources[i].name);
		seconds(o, f->sources[i].last_success_ms);
	}
}

size_t nabz_metrics__render(char *buf, size_t cap, const struct nabz_counts *c,
		int64_t uptime_s, const struct nabz_ws_metrics *ws, const struct nabz_tcp_metrics *tcp,
		const struct nabz_cluster_summary *cl, const struct nabz_data_metrics *d)
{
	struct out o = {buf, cap, 0, cap == 0};

	if(cl && cl->enabled){
		audience_scoped(&o, c, &cl->counts);
		metric(&o, "nabz_cluster_nodes", "gauge", "Live edges of the cluster.", cl->nodes);
		metric(&o, "nabz_cluster_link_up", "gauge",
				"1 while this node hears the core's heartbeat (always 1 at the core).", cl->linked ? 1 : 0);
	}else{
		audience(&o, c);
	}
	metric(&o, "nabz_uptime_seconds", "gauge", "Seconds since the plugin started.",
			uptime_s > 0 ? (uint64_t)uptime_s : 0);

	metric(&o, "nabz_ws_connections", "gauge", "Open WebSocket connections.", ws->connections);
	metric(&o, "nabz_ws_accepted_total", "counter", "WebSocket connections accepted.", ws->accepted_total);
	header(&o, "nabz_ws_bytes_total", "counter", "WebSocket payload bytes by direction.");
	put(&o, "nabz_ws_bytes_total{direction=\"in\"} %llu\n", (unsigned long long)ws->bytes_in);
	put(&o, "nabz_ws_bytes_total{direction=\"out\"} %llu\n", (unsigned long long)ws->bytes_out);
	header(&o, "nabz_ws_frames_total", "counter", "WebSocket frames by direction.");
	put(&o, "nabz_ws_frames_total{direction=\"in\"} %llu\n", (unsigned long long)ws->frames_in);
	put(&o, "nabz_ws_frames_total{direction=\"out\"} %llu\n", (unsigned long long)ws->frames_out);
	header(&o, "nabz_ws_refused_total", "counter", "WebSocket connections refused or closed, by reason.");
	for(int r = 0; r < NABZ_REFUSAL_COUNT; r++){
		put(&o, "nabz_ws_refused_total{reason=\"%s\"} %llu\n",
				nabz_ws_refusal__name((enum nabz_ws_refusal)r), (unsigned long long)ws->refused[r]);
	}
	metric(&o, "nabz_ws_slow_consumer_disconnects_total", "counter",
			"WebSocket clients cut off because they did not read fast enough.",
			ws->slow_consumer_disconnects);
	metric(&o, "nabz_http_requests_total", "counter", "HTTP requests served.", ws->http_requests);
	metric(&o, "nabz_ws_pending_details", "gauge",
			"WebSocket connection details waiting for the broker to authenticate their client.",
			ws->pending_details);
	metric(&o, "nabz_ws_pending_details_bytes", "gauge", "Memory those waiting details hold.",
			ws->pending_bytes);

	metric(&o, "nabz_tcp_connections", "gauge", "MQTT-over-TCP clients counted against the TCP limits.",
			tcp->sessions);
	metric(&o, "nabz_tcp_preconnect_connections", "gauge",
			"TCP connections without a CONNECT yet, at the last sweep.", tcp->preconnect);
	header(&o, "nabz_tcp_refused_total", "counter", "MQTT-over-TCP CONNECTs refused, by reason.");
	for(int r = 0; r < NABZ_TCP_REASON_COUNT; r++){
		if(r == NABZ_TCP_TIMEOUT) continue;
		put(&o, "nabz_tcp_refused_total{reason=\"%s\"} %llu\n",
				nabz_tcp_reason__name((enum nabz_tcp_reason)r), (unsigned long long)tcp->refused[r]);
	}
	header(&o, "nabz_tcp_closed_total", "counter",
			"TCP connections closed before their CONNECT, by reason.");
	for(int r = 0; r < NABZ_TCP_REASON_COUNT; r++){
		put(&o, "nabz_tcp_closed_total{reason=\"%s\"} %llu\n",
				nabz_tcp_reason__name((enum nabz_tcp_reason)r), (unsigned long long)tcp->closed[r]);
	}
	metric(&o, "nabz_tcp_sweep_descriptors", "gauge",
			"Descriptors of the broker process the last sweep for pre-CONNECT connections looked at.",
			tcp->swept_fds);
	header(&o, "nabz_tcp_sweep_seconds_total", "counter",
			"Time the broker thread spent sweeping for pre-CONNECT connections.");
	put(&o, "nabz_tcp_sweep_seconds_total %llu.%06llu\n", (unsigned long long)(tcp->sweep_cpu_us / 1000000),
			(unsigned long long)(tcp->sweep_cpu_us % 1000000));
	data_series(&o, d);
	return o.overflow ? 0 : o.len;
}
