/* The bridge's side of the trading signals (see signals_feed.h). */
#include "signals_feed.h"

#include "contract.h"
#include "log.h"

static void emit_signal(void *ctx, const struct nabz_signal_event *ev)
{
	struct nabz_bridge *b = ctx;
	cJSON *d = nabz_signals__event_json(ev, b->cfg->demo);

	if(d == NULL){
		nabz_log(LOG_ERR, "signals: %s not published (out of memory)", ev->state->key);
		return;
	}
	nabz_log(LOG_NOTICE, "signal: %s %s (was %s), value %g", ev->state->key, ev->state->direction,
			ev->previous ? ev->previous : "none", ev->state->value);
	/* QoS 1 through the outbox: a change is said once and must not be lost. */
	nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_SIGNALS, NABZ_TYPE_SIGNAL, d, false, b->signals_wall_ms);
}

static void publish_recent(struct nabz_bridge *b, int64_t wall_ms)
{
	cJSON *d = nabz_signals__recent_json(&b->signals, b->cfg->demo);

	/* Retained; the publisher sends it only when it differs, and again
	 * after every reconnect. */
	if(d) nabz_publisher__send(&b->pub, NABZ_SUBTOPIC_SIGNALS_RECENT, NABZ_TYPE_SIGNALS_RECENT, d, true, wall_ms);
}

static void evaluate_all(struct nabz_bridge *b, int64_t wall_ms)
{
	int changed = 0;

	b->signals_wall_ms = wall_ms;
	b->signals_minute_ms = wall_ms - wall_ms % 60000;
	for(size_t i = 0; i < b->watch_count; i++){
		const struct nabz_history_series *s = nabz_history__get(&b->history, b->watch[i]);
		int rc;

		/* No history yet is too few candles too: said once. */
		rc = nabz_signals__evaluate(&b->signals, b->watch[i], s ? s->points : NULL, s ? s->count : 0, wall_ms,
				emit_signal, b);
		if(rc > 0) changed += rc;
	}
	/* Saved before the next turn sends anything: a crash now repeats at
	 * most these changes, never loses a state. */
	if(changed) nabz_signals__save(&b->signals);
	if(changed || !b->signals_recent_sent){
		publish_recent(b, wall_ms);
		b->signals_recent_sent = true;
	}
}

int nabz_signals_feed__start(struct nabz_bridge *b, int64_t wall_ms)
{
	size_t max_symbols = b->cfg->symbol_count + (size_t)b->cfg->discovery_top_n;
	const char *dir = b->once || b->cfg->demo ? "" : b->cfg->state_dir;

	if(nabz_signals__open(&b->signals, &b->cfg->signals, dir, max_symbols) != 0) return -1;
	if(b->once || !b->cfg->signals.enabled) return 0;
	evaluate_all(b, wall_ms);
	return 0;
}

void nabz_signals_feed__turn(struct nabz_bridge *b, int64_t wall_ms)
{
	if(b->once || !b->cfg->signals.enabled) return;
	if(wall_ms - wall_ms % 60000 == b->signals_minute_ms) return;
	evaluate_all(b, wall_ms);
}

void nabz_signals_feed__stop(struct nabz_bridge *b)
{
	nabz_signals__save(&b->signals);
	nabz_signals__close(&b->signals);
}
