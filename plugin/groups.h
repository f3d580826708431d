/*
 * Audience groups: which of prices, market, news, alerts, signals and chat
 * a subscription filter can receive. A filter counts in a group when it
 * intersects one of the group's topic patterns ("crypto/#" and "#" count
 * in all of them, "crypto/prices/BTC" and "crypto/history/BTC" in prices,
 * "crypto/signals/#" in signals, "crypto/chat/general" in chat).
 */
#ifndef NABZ_GROUPS_H
#define NABZ_GROUPS_H

#include <stdbool.h>

enum nabz_group {
	NABZ_GROUP_PRICES,
	NABZ_GROUP_MARKET,
	NABZ_GROUP_NEWS,
	NABZ_GROUP_ALERTS,
	NABZ_GROUP_SIGNALS,          /* this release; the four above keep their meaning */
	NABZ_GROUP_CHAT,            /* any chat room (chat.h) */
	NABZ_GROUP_COUNT
};

const char *nabz_group__name(enum nabz_group group);

/* Bit (1 << group) set for each group the filter can receive. A shared
 * subscription ("$share/<name>/<filter>") is judged by its filter. */
unsigned nabz_groups__mask(const char *prefix, const char *filter);

/* True when some topic matches both MQTT filters a and b. */
bool nabz_filters__intersect(const char *a, const char *b);

/* True when filter can match some topic under "<prefix>/". */
bool nabz_filter__reaches_prefix(const char *prefix, const char *filter);

#endif
