/*
 * Binance's !miniTicker@arr WebSocket stream: sub-second prices. Debian's
 * libcurl has no WebSocket support, so the stream is a libwebsockets
 * client in a thread of its own; each complete message is queued (bounded,
 * locked) and the main loop is woken with curl_multi_wakeup to parse it.
 * Reconnects with exponential backoff and full jitter.
 */
#ifndef NABZ_BRIDGE_STREAM_H
#define NABZ_BRIDGE_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

struct nabz_stream;

/* Starts the thread; url is ws:// or wss://. wake is the main loop's multi
 * handle. NULL when the URL is bad or out of memory (err set). */
struct nabz_stream *nabz_stream__start(const char *url, size_t max_message, CURLM *wake,
		char *err, size_t errlen);
void nabz_stream__stop(struct nabz_stream *s);

/* Main thread: takes the oldest queued message (caller frees), or NULL. */
char *nabz_stream__take(struct nabz_stream *s, size_t *len);
/* Main thread: connected now? and the last error, for crypto/sources. */
bool nabz_stream__connected(struct nabz_stream *s, char *last_error, size_t errlen);

#endif
