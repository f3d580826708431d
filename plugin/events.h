/* Broker event callbacks (registered in plugin.c). Broker thread only. */
#ifndef NABZ_EVENTS_H
#define NABZ_EVENTS_H

#include <stdint.h>

struct nabz;

int nabz_events__basic_auth(int event, void *event_data, void *userdata);
int nabz_events__acl_check(int event, void *event_data, void *userdata);
int nabz_events__disconnect(int event, void *event_data, void *userdata);
int nabz_events__control(int event, void *event_data, void *userdata);
int nabz_events__tick(int event, void *event_data, void *userdata);
/* MOSQ_EVT_MESSAGE: the bridge's sources message (demo or live data, for
 * /health; sources' health, for /metrics), its prices (when each came,
 * for /metrics: feed.h) and, clustered, the nodes' messages
 * (cluster_link.c). */
int nabz_events__message(int event, void *event_data, void *userdata);

/* Writes the state file when the persisted figures changed (tick.c). */
void nabz_tick__save_state(struct nabz *nabz, int64_t now_ms);

#endif
