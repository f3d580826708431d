/*
 * The HTTP/WebSocket listener: libwebsockets contexts, each serviced by a
 * thread of its own (plugin_opt_ws_threads; they share the ports through
 * SO_REUSEPORT). Browsers speak MQTT over WebSocket to it; each is
 * carried to the broker over the broker's unix-socket listener as a raw
 * byte stream. The same port serves the web files, /health, /api/stats and
 * /metrics.
 *
 * Threads: nabz_ws__start, nabz_ws__poke and nabz_ws__stop run on the
 * broker thread; everything else in plugin/ws/ runs on the service threads
 * ("ONLY called from the service thread"; any of them unless noted), and
 * reaches broker state only through the seam (seam.h lists what crosses).
 */
#ifndef NABZ_WS_H
#define NABZ_WS_H

#include <stddef.h>

struct nabz_config;
struct nabz_seam;
struct nabz_listener;

/* Creates the contexts and their listeners (so a port in use is reported
 * here, at broker start) and starts the service threads. Returns NULL with
 * err set on failure. */
struct nabz_listener *nabz_ws__start(const struct nabz_config *cfg, struct nabz_seam *seam,
		char *err, size_t errlen);
/* Wakes service thread 0 (the wake link's) to read a wake request from
 * the seam.
 * Broker thread; safe from any thread (lws_cancel_service). */
void nabz_ws__poke(struct nabz_listener *ws);
/* Stops the service threads and joins them, closes every connection,
 * frees everything. */
void nabz_ws__stop(struct nabz_listener *ws);

#endif
