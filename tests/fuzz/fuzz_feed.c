/*
 * The data feed (plugin/feed.c) and /metrics (plugin/metrics.c): any
 * payload on crypto/prices/<SYM> and crypto/sources, under any symbol. The
 * input is split at NUL bytes: the first part is a symbol, each later part
 * a price payload for it (odd parts) or a sources payload (even parts).
 * Whatever came, the tables stay within their caps, /metrics renders
 * within NABZ_METRICS_MAX_BYTES, and every sample line is a name, labels
 * of plain characters only (no escaping needed) and a number.
 */
#include <ctype.h>
#include <string.h>

#include "data_mode.h"
#include "feed.h"
#include "fuzz.h"
#include "metrics.h"

static void check_sample(const char *line, size_t len)
{
	size_t i = 0;
	bool in_value = false;

	FUZZ_CHECK(len > 0 && (isalpha((unsigned char)line[0]) || line[0] == '_'));
	for(; i < len && line[i] != ' ' && line[i] != '{'; i++){
		FUZZ_CHECK(isalnum((unsigned char)line[i]) || line[i] == '_' || line[i] == ':');
	}
	if(i < len && line[i] == '{'){
		for(i++; i < len && line[i] != '}'; i++){
			char c = line[i];
			if(c == '"'){
				in_value = !in_value;
				continue;
			}
			FUZZ_CHECK(c != '\\' && c != '\n' && (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f);
			if(in_value) FUZZ_CHECK(isalnum((unsigned char)c) || c == '_' || c == '-');
		}
		FUZZ_CHECK(i < len && !in_value);
		i++;
	}
	FUZZ_CHECK(i < len && line[i] == ' ');
	for(i++; i < len; i++) FUZZ_CHECK(isdigit((unsigned char)line[i]) || line[i] == '.');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nabz_feed feed;
	static char out[NABZ_METRICS_MAX_BYTES];
	struct nabz_counts c = {0};
	struct nabz_ws_metrics ws = {0};
	struct nabz_tcp_metrics tcp = {0};
	struct nabz_cluster_summary cl = {.enabled = true};
	struct nabz_data_metrics d = {.feed = &feed, .data_mode = NABZ_DATA_DEMO};
	char symbol[64] = "";
	size_t start = 0, part = 0, len;

	memset(&feed, 0, sizeof(feed));
	for(size_t i = 0; i <= size; i++){
		if(i < size && data[i] != 0) continue;
		len = i - start;
		if(part == 0){
			if(len >= sizeof(symbol)) len = sizeof(symbol) - 1;
			memcpy(symbol, data + start, len);
			symbol[len] = '\0';
		}else if(part % 2){
			nabz_feed__on_price(&feed, symbol, data + start, len, (int64_t)part * 1000);
			/* the next symbol: this one with its last character moved on */
			if(symbol[0]) symbol[strlen(symbol) - 1]++;
		}else{
			nabz_feed__on_sources(&feed, data + start, len, (int64_t)part * 1000);
		}
		part++;
		start = i + 1;
	}
	FUZZ_CHECK(feed.price_count <= NABZ_FEED_SYMBOLS_MAX);
	FUZZ_CHECK(feed.source_count <= NABZ_FEED_SOURCES_MAX);
	FUZZ_CHECK(feed.price_untracked <= feed.price_updates);
	len = nabz_metrics__render(out, sizeof(out), &c, 0, &ws, &tcp, &cl, &d);
	FUZZ_CHECK(len > 0 && strlen(out) == len && out[len - 1] == '\n');
	for(const char *p = out, *nl; *p; p = nl + 1){
		nl = strchr(p, '\n');
		FUZZ_CHECK(nl != NULL);
		if(*p != '#') check_sample(p, (size_t)(nl - p));
	}
	return 0;
}
