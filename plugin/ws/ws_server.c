/*
 * The listener's life: contexts and vhosts (broker thread, at plugin
 * init), the service threads, and the stop (broker thread, at plugin
 * cleanup).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "thread.h"
#include "ws.h"
#include "ws_internal.h"

struct nabz_ws *nabz_ws__from_wsi(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

struct lws *nabz_ws__dial_broker(struct nabz_ws *ws, const char *protocol)
{
	struct sockaddr_un sa;
	lws_sock_file_fd_type sock;
	struct lws *wsi;
	int fd, err;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ws->cfg->ws_broker_socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if(fd < 0) return NULL;
	/* A unix-socket connect completes at once or fails at once. */
	if(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS){
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	sock.sockfd = fd;
	wsi = lws_adopt_descriptor_vhost(ws->upstream_vhost, LWS_ADOPT_SOCKET, sock, protocol, NULL);
	if(wsi == NULL) errno = ENOMEM;   /* lws closed fd */
	return wsi;
}

/* "host:port", "[v6]:port" or ":port"; host "0.0.0.0", "::" or empty:
 * every interface. */
static int parse_listen(const char *spec, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(spec, ':');
	const char *h = spec;
	size_t hlen;
	char *end;
	long p;

	if(colon == NULL) return -1;
	hlen = (size_t)(colon - spec);
	if(hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']'){
		h++;
		hlen -= 2;
	}
	if(hlen >= hostlen) return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if(strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) host[0] = '\0';
	p = strtol(colon + 1, &end, 10);
	if(*end != '\0' || end == colon + 1 || p < 1 || p > 65535) return -1;
	*port = (int)p;
	return 0;
}

static void build_mounts(struct nabz_ws *ws)
{
	static const char *const extra[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".map", "application/json"},
		{".webmanifest", "application/manifest+json"},
	};
	struct lws_http_mount *m = ws->mounts;

	for(size_t i = 0; i < 6; i++){
		ws->mimetypes[i].next = i + 1 < 6 ? &ws->mimetypes[i + 1] : NULL;
		ws->mimetypes[i].name = extra[i][0];
		ws->mimetypes[i].value = extra[i][1];
	}
	/* Endpoints answered by the "http" protocol's callback. */
	static const char *const endpoints[] = {"/health", "/api/stats", "/metrics"};
	for(size_t i = 0; i < 3; i++){
		m[i].mountpoint = endpoints[i];
		m[i].mountpoint_len = (unsigned char)strlen(endpoints[i]);
		m[i].origin = "http";
		m[i].origin_protocol = LWSMPRO_CALLBACK;
		m[i].mount_next = &m[i + 1];
	}
	/* /static: ours (ws_files.c), not an lws file mount, which answers
	 * "/static" with a redirect built from the request's Host header. lws
	 * reads the rest for us: the cache fields (lws_serve_http_file prints
	 * Cache-Control from them, callback mount or not) and extra_mimetypes
	 * (lws_get_mimetype). Files revalidate, so a new release shows at
	 * once while unchanged files cost a 304. */
	m[NABZ_WS_MOUNT_STATIC].mountpoint = "/static";
	m[NABZ_WS_MOUNT_STATIC].mountpoint_len = 7;
	m[NABZ_WS_MOUNT_STATIC].origin = "http";
	m[NABZ_WS_MOUNT_STATIC].origin_protocol = LWSMPRO_CALLBACK;
	m[NABZ_WS_MOUNT_STATIC].extra_mimetypes = ws->mimetypes;
	m[NABZ_WS_MOUNT_STATIC].cache_max_age = 300;
	m[NABZ_WS_MOUNT_STATIC].cache_reusable = 1;
	m[NABZ_WS_MOUNT_STATIC].cache_revalidate = 1;
	m[NABZ_WS_MOUNT_STATIC].mount_next = &m[NABZ_WS_MOUNT_ROOT];
	/* / from web_root, lws' own: a mount of length 1 is never redirected */
	m[NABZ_WS_MOUNT_ROOT].mountpoint = "/";
	m[NABZ_WS_MOUNT_ROOT].mountpoint_len = 1;
	m[NABZ_WS_MOUNT_ROOT].origin = ws->cfg->web_root;
	m[NABZ_WS_MOUNT_ROOT].origin_protocol = LWSMPRO_FILE;
	m[NABZ_WS_MOUNT_ROOT].def = "index.html";
	m[NABZ_WS_MOUNT_ROOT].extra_mimetypes = ws->mimetypes;
	m[NABZ_WS_MOUNT_ROOT].cache_max_age = 60;
	m[NABZ_WS_MOUNT_ROOT].cache_reusable = 1;
	m[NABZ_WS_MOUNT_ROOT].cache_revalidate = 1;
	m[NABZ_WS_MOUNT_ROOT].protocol = "http";   /* for LWS_CALLBACK_ADD_HEADERS (ws_http.c) */
}

/* One vhost serves every plain listener, one every TLS listener: they
 * listen on nothing themselves (ws_accept.c hands them what it accepts).
 * lws re-selects an HTTP request's vhost by port, and to lws every such
 * vhost has the same one (CONTEXT_PORT_NO_LISTEN_SERVER): the broker-link
 * vhost has none at all (CONTEXT_PORT_NO_LISTEN), and the TLS vhost, which
 * lws may thus rebind a request to the plain one from, is configured
 * alike but for its certificate (TLS state is per connection). */
static struct lws_vhost *create_listener_vhost(struct nabz_ws *ws, bool tls)
{
	struct lws_context_creation_info vi;

	memset(&vi, 0, sizeof(vi));
	vi.vhost_name = tls ? "nabz-https" : "nabz-http";
	vi.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	vi.protocols = nabz_ws__protocols;
	vi.mounts = ws->mounts;
	vi.keepalive_timeout = (int)ws->cfg->ws_handshake_timeout_s;
	vi.timeout_secs = (unsigned)ws->cfg->ws_handshake_timeout_s;
	/* a connection that sends no request (or half of one) is dropped */
	vi.timeout_secs_ah_idle = (unsigned)ws->cfg->ws_handshake_timeout_s;
	if(ws->cfg->ws_ping_interval_s > 0){
		/* A browser gone without a FIN (lost network, suspended laptop)
		 * would stay "online" for as long as its MQTT keepalive allows,
		 * forever with keepalive 0. lws PINGs a connection that has
		 * not proved alive for the interval and closes it when no PONG
		 * follows in time; browsers answer PINGs with no page code. */
		ws->idle_policy.secs_since_valid_ping = (uint16_t)ws->cfg->ws_ping_interval_s;
		ws->idle_policy.secs_since_valid_hangup =
				(uint16_t)(ws->cfg->ws_ping_interval_s + ws->cfg->ws_pong_timeout_s);
		vi.retry_and_idle_policy = &ws->idle_policy;
	}
	if(tls){
		vi.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		vi.ssl_cert_filepath = ws->cfg->ws_tls_cert;
		vi.ssl_private_key_filepath = ws->cfg->ws_tls_key;
	}
	return lws_create_vhost(ws->context, &vi);
}

static int add_listeners(struct nabz_ws *ws, const struct nabz_namelist *list, bool tls,
		char *err, size_t errlen)
{
	const char *option = tls ? "ws_tls_listeners" : "ws_listeners";
	struct lws_vhost *vh;

	if(list->count == 0) return 0;
	vh = create_listener_vhost(ws, tls);
	if(vh == NULL){
		snprintf(err, errlen, "cannot listen on %s%s", list->names[0],
				tls ? " (TLS): cannot load ws_tls_cert/ws_tls_key (readable by the broker's user?)" : "");
		return -1;
	}
	for(size_t i = 0; i < list->count; i++){
		char host[64], why[128];
		int port;

		if(parse_listen(list->names[i], host, sizeof(host), &port) != 0){
			snprintf(err, errlen, "option %s: \"%s\" is not host:port", option, list->names[i]);
			return -1;
		}
		if(nabz_ws__listen(ws, vh, host, port, tls, why, sizeof(why)) != 0){
			snprintf(err, errlen, "cannot listen on %s%s: %s", list->names[i], tls ? " (TLS)" : "", why);
			return -1;
		}
	}
	return 0;
}

/* Service thread: the broker asked us to stop. Runs inside the loop but
 * outside any lws callback, where lws_context_destroy() may be called: it
 * closes every connection (their close callbacks run now, on this thread)
 * and finishes as libuv closes its handles; the loop then runs dry. */
static void stop_async_cb(uv_async_t *handle)
{
	struct nabz_ws *ws = handle->data;

	nabz_ws__listen_close(ws);
	lws_context_destroy(ws->context);
	uv_close((uv_handle_t *)handle, NULL);
	uv_close((uv_handle_t *)&ws->batch, NULL);
}

/* A fan-out reaches a service thread as a burst: the broker writes to
 * each browser's socket in turn, ~10 us apart. Polled at once, each
 * epoll_wait finds one or two of them ready, so a delivery paid a
 * wake-up (or, spinning, several empty polls) of its own: 40 % of the
 * thread's CPU went to epoll_wait and the scheduler. Waiting ws_batch_us
 * after a turn that carried broker bytes lets the rest of the burst
 * arrive, and the next poll serves them together. A quiet thread sleeps
 * in epoll_wait as before: the wait follows broker bytes, it never
 * precedes the first of a burst. Runs after each poll phase (uv_check). */
static void batch_cb(uv_check_t *check)
{
	struct nabz_ws *ws = check->data;
	struct timespec wait;

	if(!ws->broker_bytes_this_turn) return;
	ws->broker_bytes_this_turn = false;
	wait.tv_sec = 0;
	wait.tv_nsec = ws->cfg->ws_batch_us * 1000;
	nanosleep(&wait, NULL);
}

/* Closes whatever handles are left (none unless lws left one open). */
static void close_leftover(uv_handle_t *handle, void *arg)
{
	(void)arg;
	if(!uv_is_closing(handle)) uv_close(handle, NULL);
}

/* Runs the loop until everything on it is closed, then closes the loop.
 * With a foreign loop lws_context_destroy() works in steps: the first
 * closes every handle and returns; once the loop has run those closes,
 * the next call frees the context (and NULLs ws->context: info.pcontext). */
static void drain_loop(struct nabz_ws *ws)
{
	int steps;

	uv_run(&ws->loop, UV_RUN_DEFAULT);
	for(steps = 0; ws->context && steps < 3; steps++){
		lws_context_destroy(ws->context);
		uv_run(&ws->loop, UV_RUN_DEFAULT);
	}
	if(uv_loop_close(&ws->loop) == UV_EBUSY){
		uv_walk(&ws->loop, close_leftover, NULL);
		uv_run(&ws->loop, UV_RUN_DEFAULT);
		uv_loop_close(&ws->loop);
	}
}

static void *service_thread(void *arg)
{
	struct nabz_ws *ws = arg;

	drain_loop(ws);
	return NULL;
}

/* Frees a service thread's state; its thread has stopped or never ran. */
static void thread_free(struct nabz_ws *ws)
{
	if(!ws->thread_started){
		nabz_ws__listen_close(ws);
		if(ws->context) lws_context_destroy(ws->context);
		uv_close((uv_handle_t *)&ws->stop_async, NULL);
		uv_close((uv_handle_t *)&ws->batch, NULL);
		drain_loop(ws);
	}
	/* else lws_context_destroy() ran on the service thread (stop_async_cb) */
	free(ws);
}

/* Loop, context, broker-link vhost and listeners of service thread index
 * (so a port in use is reported at broker start); the thread starts later. */
static struct nabz_ws *thread_create(struct nabz_listener *sh, unsigned index, char *err, size_t errlen)
{
	const struct nabz_config *cfg = sh->cfg;
	struct lws_context_creation_info info;
	struct lws_context_creation_info ui;
	void *foreign_loops[1];
	struct nabz_ws *ws;

	ws = calloc(1, sizeof(*ws));
	if(ws == NULL){
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ws->cfg = cfg;
	ws->seam = sh->seam;
	ws->shared = sh;
	ws->index = index;
	atomic_init(&ws->stop, false);
	build_mounts(ws);
	if(uv_loop_init(&ws->loop) != 0){
		snprintf(err, errlen, "cannot create the WebSocket event loop");
		free(ws);
		return NULL;
	}
	uv_async_init(&ws->loop, &ws->stop_async, stop_async_cb);
	ws->stop_async.data = ws;
	uv_check_init(&ws->loop, &ws->batch);
	ws->batch.data = ws;
	if(cfg->ws_batch_us > 0) uv_check_start(&ws->batch, batch_cb);

	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_LIBUV;
	foreign_loops[0] = &ws->loop;
	info.foreign_loops = foreign_loops;
	info.pcontext = &ws->context;
	if(index == 0 && cfg->ws_tls_listeners.count) info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.user = ws;
	/* lws holds each browser's socket (its broker link is ours,
	 * ws_upstream.c), the wake link and listeners' adopted sockets;
	 * any one thread may get every browser. */
	info.fd_limit_per_thread = (unsigned)(cfg->ws_max_connections + 256);
	info.timeout_secs = (unsigned)cfg->ws_handshake_timeout_s;
	nabz_ws__header_size_setup(ws, &info);
	ws->context = lws_create_context(&info);
	if(ws->context == NULL){
		snprintf(err, errlen, "cannot create the WebSocket context");
		goto error;
	}

	/* The wake link (ws_wake.c) is adopted into a vhost with no listener;
	 * browsers' broker links are not lws's (ws_upstream.c). */
	memset(&ui, 0, sizeof(ui));
	ui.vhost_name = "nabz-upstream";
	ui.port = CONTEXT_PORT_NO_LISTEN;
	ui.protocols = nabz_ws__upstream_protocols;
	ws->upstream_vhost = lws_create_vhost(ws->context, &ui);
	if(ws->upstream_vhost == NULL){
		snprintf(err, errlen, "cannot create the broker-link vhost");
		goto error;
	}
	if(add_listeners(ws, &cfg->ws_listeners, false, err, errlen) != 0) goto error;
	/* TLS is served by thread 0 alone: a second lws context with its own
	 * SSL_CTX left OpenSSL state behind at exit (LeakSanitizer), and wss://
	 * at scale belongs behind a TLS-terminating proxy anyway (README). */
	if(index == 0 && add_listeners(ws, &cfg->ws_tls_listeners, true, err, errlen) != 0) goto error;
	return ws;

error:
	thread_free(ws);
	return NULL;
}

static int thread_start(struct nabz_ws *ws)
{
	char name[16];

	snprintf(name, sizeof(name), "nabz-ws-%u", ws->index);
	if(nabz_thread__start(&ws->thread, service_thread, ws, name) != 0) return -1;
	ws->thread_started = true;
	return 0;
}

/* ws_threads 0: one per CPU, at most NABZ_WS_AUTO_THREADS. */
#define NABZ_WS_AUTO_THREADS 4

static unsigned threads_wanted(const struct nabz_config *cfg)
{
	long n = cfg->ws_threads;

	if(n <= 0){
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if(n < 1) n = 1;
		if(n > NABZ_WS_AUTO_THREADS) n = NABZ_WS_AUTO_THREADS;
	}
	if(n > NABZ_WS_MAX_THREADS) n = NABZ_WS_MAX_THREADS;
	return (unsigned)n;
}

static void stop_threads(struct nabz_listener *sh)
{
	for(unsigned i = 0; i < sh->count; i++){
		struct nabz_ws *ws = sh->threads[i];
		if(!ws->thread_started) continue;
		atomic_store(&ws->stop, true);
		uv_async_send(&ws->stop_async);
	}
	for(unsigned i = 0; i < sh->count; i++){
		if(sh->threads[i]->thread_started) pthread_join(sh->threads[i]->thread, NULL);
		thread_free(sh->threads[i]);
		sh->threads[i] = NULL;
	}
	sh->count = 0;
}

static void shared_free(struct nabz_listener *sh)
{
	nabz_ws__limits_free(sh);
	pthread_mutex_destroy(&sh->lock);
	nabz_ws__log_stop();
	free(sh);
}

struct nabz_listener *nabz_ws__start(const struct nabz_config *cfg, struct nabz_seam *seam,
		char *err, size_t errlen)
{
	struct nabz_listener *sh;
	unsigned wanted;

	sh = calloc(1, sizeof(*sh));
	if(sh == NULL){
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sh->cfg = cfg;
	sh->seam = seam;
	pthread_mutex_init(&sh->lock, NULL);
	nabz_ws__log_start(sh);

	/* Every context and listener first, so that nothing runs when one
	 * cannot be had. */
	wanted = threads_wanted(cfg);
	sh->count = wanted;     /* read by add_listeners: share the ports? */
	for(unsigned i = 0; i < wanted; i++){
		sh->threads[i] = thread_create(sh, i, err, errlen);
		if(sh->threads[i] == NULL){
			sh->count = i;
			goto error;
		}
	}
	for(unsigned i = 0; i < sh->count; i++){
		if(thread_start(sh->threads[i]) != 0){
			snprintf(err, errlen, "cannot start WebSocket thread %u", i);
			goto error;
		}
	}
	/* The first wake-up also dials the wake link. */
	lws_cancel_service(sh->threads[0]->context);
	return sh;

error:
	stop_threads(sh);
	shared_free(sh);
	return NULL;
}

void nabz_ws__poke(struct nabz_listener *sh)
{
	if(sh) lws_cancel_service(sh->threads[0]->context);
}

void nabz_ws__stop(struct nabz_listener *sh)
{
	if(sh == NULL) return;
	stop_threads(sh);
	shared_free(sh);
}

void nabz_ws__metrics_sum(struct nabz_listener *sh, struct nabz_ws_metrics *out)
{
#define LOAD(f) atomic_load_explicit(&c->f, memory_order_relaxed)
	memset(out, 0, sizeof(*out));
	for(unsigned i = 0; i < sh->count; i++){
		const struct nabz_ws_counters *c = &sh->threads[i]->counters;
		out->accepted_total += LOAD(accepted_total);
		out->bytes_in += LOAD(bytes_in);
		out->bytes_out += LOAD(bytes_out);
		out->frames_in += LOAD(frames_in);
		out->frames_out += LOAD(frames_out);
		for(int r = 0; r < NABZ_REFUSAL_COUNT; r++) out->refused[r] += LOAD(refused[r]);
		out->slow_consumer_disconnects += LOAD(slow_consumer_disconnects);
		out->http_requests += LOAD(http_requests);
	}
#undef LOAD
	out->connections = nabz_ws__limits_connections(sh);
	nabz_seam__pending_size(sh->seam, &out->pending_details, &out->pending_bytes);
}
