/*
 * The data of the payloads the bridge publishes, built from its state:
 * market totals, source health, one news item, one alert. (A price
 * update's is prices.c's nabz_prices__to_json.) The envelope around them
 * is the publisher's. Each returns a new object that the caller owns
 * (nabz_publisher__send takes it), or NULL when out of memory.
 */
#ifndef NABZ_BRIDGE_PAYLOAD_H
#define NABZ_BRIDGE_PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "alerts.h"
#include "news_item.h"
#include "quote.h"
#include "sources.h"

/* <prefix>/market: the totals known; "source" is "demo" in demo mode. */
cJSON *nabz_payload__market(const struct nabz_market *m, bool demo);
/* <prefix>/sources: the watch list and each enabled source's health. */
cJSON *nabz_payload__sources(const struct nabz_bridge *b, int64_t now_ms);
/* <prefix>/news: one item, named as coming from source. */
cJSON *nabz_payload__news(const struct nabz_news_item *it, const char *source);
/* <prefix>/alerts: one alert that fired. */
cJSON *nabz_payload__alert(const struct nabz_alert *al, bool demo);

#endif
