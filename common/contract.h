/*
 * The wire contract in code: what crosses between the plugin, nabz-bridge,
 * nabz-telegram and every client. docs/CONTRACT.md is the text (payload
 * fields, the browser API, the meaning of each figure); this header is what
 * the C code spells topics, payload types and the control topics with, so a
 * rename is one change here and one there, and a grep for a topic finds
 * every part that uses it.
 *
 * Topics are "<prefix>/<subtopic>", the prefix configurable
 * (topic_prefix in the plugin's and the programs' configs). Every payload
 * is {"type": T, "data": {...}, "ts": "RFC 3339 UTC"} (common/envelope.h).
 */
#ifndef NABZ_CONTRACT_H
#define NABZ_CONTRACT_H

#define NABZ_TOPIC_PREFIX_DEFAULT "crypto"

/* Subtopics under "<prefix>/", their payload types, QoS and retain. */

/* <prefix>/prices/<SYMBOL> (upper case), one per symbol; QoS 0, retained. */
#define NABZ_SUBTOPIC_PRICES "prices"
#define NABZ_TYPE_PRICE_UPDATE "price_update"

/* <prefix>/history/<SYMBOL> (upper case), one per symbol: the last 24 h
 * of the consensus price, one point a minute, oldest first
 * ({"symbol", "interval_s", "points": [[t_ms, price_usd], ...]}), so a
 * chart opened now has a line at once; QoS 0, retained. Counts in the
 * prices group: it is the same prices, drawn. */
#define NABZ_SUBTOPIC_HISTORY "history"
#define NABZ_TYPE_PRICE_HISTORY "price_history"

/* <prefix>/market: market-wide figures; QoS 0, retained. */
#define NABZ_SUBTOPIC_MARKET "market"
#define NABZ_TYPE_MARKET_UPDATE "market_update"

/* <prefix>/news: each new item once; QoS 1, not retained. */
#define NABZ_SUBTOPIC_NEWS "news"
#define NABZ_TYPE_NEWS "news"

/* <prefix>/news/recent: the last items of <prefix>/news, newest first;
 * QoS 0, retained (a page opened now has news to show). */
#define NABZ_SUBTOPIC_NEWS_RECENT "news/recent"
#define NABZ_TYPE_NEWS_RECENT "news_recent"

/* <prefix>/alerts: a price alert fired; QoS 1, not retained. */
#define NABZ_SUBTOPIC_ALERTS "alerts"
#define NABZ_TYPE_ALERT "alert"

/* <prefix>/signals: a trading signal's state changed (bridge/signals.h:
 * a moving-average crossover or RSI on 1m or 1h candles, with the candles
 * it read); each change once; QoS 1, not retained. An indicator, not
 * advice: every payload carries that note. */
#define NABZ_SUBTOPIC_SIGNALS "signals"
#define NABZ_TYPE_SIGNAL "signal"

/* <prefix>/signals/recent: the current state of every symbol x indicator
 * x time frame ({"signals": [...]}, without candles), so a dashboard
 * opened now shows them at once; QoS 0, retained. */
#define NABZ_SUBTOPIC_SIGNALS_RECENT "signals/recent"
#define NABZ_TYPE_SIGNALS_RECENT "signals_recent"

/* <prefix>/sources: each upstream API's health; QoS 0, retained. */
#define NABZ_SUBTOPIC_SOURCES "sources"
#define NABZ_TYPE_SOURCES_UPDATE "sources_update"

/* <prefix>/stats: the audience figures, published by the plugin alone;
 * QoS 0, retained. */
#define NABZ_SUBTOPIC_STATS "stats"
#define NABZ_TYPE_STATS_UPDATE "stats_update"

/* The audience groups of the stats ("groups": {...}), in the order the
 * plugin counts them; a subscription counts in a group when its filter
 * matches one of the group's patterns (prices: any symbol's price or its
 * history). */
#define NABZ_GROUP_NAME_PRICES "prices"
#define NABZ_GROUP_NAME_MARKET "market"
#define NABZ_GROUP_NAME_NEWS "news"
#define NABZ_GROUP_NAME_ALERTS "alerts"
/* signals: the trading signals and their current states (this release,
 * additive: the four keys above keep their meaning). */
#define NABZ_GROUP_NAME_SIGNALS "signals"
#define NABZ_GROUP_PATTERN_PRICES NABZ_SUBTOPIC_PRICES "/+"
#define NABZ_GROUP_PATTERN_PRICES_HISTORY NABZ_SUBTOPIC_HISTORY "/+"
#define NABZ_GROUP_PATTERN_MARKET NABZ_SUBTOPIC_MARKET
#define NABZ_GROUP_PATTERN_NEWS NABZ_SUBTOPIC_NEWS
#define NABZ_GROUP_PATTERN_ALERTS NABZ_SUBTOPIC_ALERTS
#define NABZ_GROUP_PATTERN_SIGNALS NABZ_SUBTOPIC_SIGNALS
#define NABZ_GROUP_PATTERN_SIGNALS_RECENT NABZ_SUBTOPIC_SIGNALS_RECENT

/* <prefix>/chat/<room>: chat rooms (plugin_opt_chat_rooms), published
 * by the plugin alone (a post is the control command chatPost): each
 * message, and each removal by an admin; QoS 1, not retained.
 * <prefix>/chat/<room>/recent: the room's last messages, oldest first;
 * QoS 1, retained, republished after every change. */
#define NABZ_SUBTOPIC_CHAT "chat"
#define NABZ_TYPE_CHAT_MESSAGE "chat_message"
#define NABZ_TYPE_CHAT_REMOVED "chat_removed"
#define NABZ_TYPE_CHAT_RECENT "chat_recent"
/* The chat group: any room, its messages or its recent. Added after the
 * four above; their meaning is unchanged. */
#define NABZ_GROUP_NAME_CHAT "chat"
#define NABZ_GROUP_PATTERN_CHAT NABZ_SUBTOPIC_CHAT "/+"
#define NABZ_GROUP_PATTERN_CHAT_RECENT NABZ_SUBTOPIC_CHAT "/+/recent"

/* Control: a client publishes {"commands": [...]} here; the plugin answers
 * that client alone on the response topic (no subscription needed). */
#define NABZ_CONTROL_TOPIC "$CONTROL/nabz/v1"
#define NABZ_CONTROL_RESPONSE_TOPIC "$CONTROL/nabz/v1/response"

/* The cluster (docs/CONTRACT.md "Cluster"): not under the data prefix,
 * so "<prefix>/#" subscribers never get them; only the accounts in
 * plugin_opt_cluster_peers (the edges' bridges, at the core) may publish
 * or read them. Each edge's bridge carries nabz/cluster/node/# both ways
 * and nabz/cluster/core from the core. */
#define NABZ_CLUSTER_ROOT "nabz/cluster/"
/* nabz/cluster/node/<id>: an edge's own figures; QoS 0, retained. */
#define NABZ_CLUSTER_NODE_TOPIC NABZ_CLUSTER_ROOT "node/"
/* nabz/cluster/core: the core's heartbeat {"node","ts","ts_ms"}; QoS 0. */
#define NABZ_CLUSTER_CORE_TOPIC NABZ_CLUSTER_ROOT "core"
/* nabz/cluster/link/<id>: the edge's bridge notification "1"/"0" at the
 * core (mosquitto's own; retained, will "0"). */
#define NABZ_CLUSTER_LINK_TOPIC NABZ_CLUSTER_ROOT "link/"

#endif
