/*
 * The listening sockets, ours rather than lws's: every service thread binds
 * each listener's address with SO_REUSEPORT, so the kernel spreads new
 * connections over the threads, and hands what it accepts to its lws
 * context (lws_adopt_descriptor_vhost, as lws's own listener does). lws 4.1
 * sets SO_REUSEPORT only between the threads of one SMP context, which
 * Debian's build (LWS_MAX_SMP 1) has not.
 *
 * Service threads only (each on its own sockets), except nabz_ws__listen
 * (broker thread, at start, before the service threads run).
 */
#define _GNU_SOURCE              /* accept4 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "timeutil.h"
#include "ws_internal.h"

#define ACCEPTS_PER_WAKE 64           /* then let the loop serve the others */
#define ACCEPT_PAUSE_MS 100           /* out of descriptors: try again after */
#define ACCEPT_LOG_EVERY_MS 10000

/* probe: bind without SO_REUSEPORT and close again. SO_REUSEPORT would
 * let us share the port with any process of the same user that set it
 * too (a second broker, say); the probe finds the port taken instead.
 * Unless plugin_opt_ws_reuseport_shared asks for exactly that sharing
 * (several edges of a cluster on one host): then there is no probe, and
 * the kernel spreads new connections over every process's sockets. It
 * lets a socket join only sockets of the same effective UID, so another
 * user's process still cannot take a share of the port. */
static int bind_one(const struct sockaddr *sa, socklen_t len, bool probe, int *err)
{
	int fd, one = 1, zero = 0;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if(fd < 0){
		*err = errno;
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if((!probe && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
			|| (sa->sa_family == AF_INET6
				&& setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) != 0)
			|| bind(fd, sa, len) != 0 || (!probe && listen(fd, SOMAXCONN) != 0)){
		*err = errno;
		close(fd);
		return -1;
	}
	if(probe){
		close(fd);
		return 0;
	}
	return fd;
}

/* The address is free (probe), then bound for sharing among our threads. */
static int bind_address(const struct sockaddr *sa, socklen_t len, bool first, int *err)
{
	if(first && bind_one(sa, len, true, err) != 0) return -1;
	return bind_one(sa, len, false, err);
}

/* host "" or "::": every interface, IPv6 and IPv4 (IPv4 only where there
 * is no IPv6); else the first address host resolves to. */
static int open_listen_socket(const char *host, int port, bool first, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int fd = -1, e = 0, rc;

	snprintf(service, sizeof(service), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if(host[0] == '\0' || strcmp(host, "::") == 0){
		struct sockaddr_in6 any6;
		struct sockaddr_in any4;

		memset(&any6, 0, sizeof(any6));
		any6.sin6_family = AF_INET6;
		any6.sin6_port = htons((uint16_t)port);
		any6.sin6_addr = in6addr_any;
		fd = bind_address((struct sockaddr *)&any6, sizeof(any6), first, &e);
		if(fd < 0 && (e == EAFNOSUPPORT || e == EADDRNOTAVAIL)){
			memset(&any4, 0, sizeof(any4));
			any4.sin_family = AF_INET;
			any4.sin_port = htons((uint16_t)port);
			any4.sin_addr.s_addr = htonl(INADDR_ANY);
			fd = bind_address((struct sockaddr *)&any4, sizeof(any4), first, &e);
		}
	}else{
		rc = getaddrinfo(host, service, &hints, &res);
		if(rc != 0){
			snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
			return -1;
		}
		for(ai = res; ai && fd < 0; ai = ai->ai_next){
			fd = bind_address(ai->ai_addr, ai->ai_addrlen, first, &e);
		}
		freeaddrinfo(res);
	}
	if(fd < 0) snprintf(err, errlen, "%s", strerror(e));
	return fd;
}

static void resume_cb(uv_timer_t *timer);

static void on_readable(uv_poll_t *handle, int status, int events)
{
	struct nabz_ws_listen *l = handle->data;
	struct nabz_ws *ws = l->ws;
	lws_sock_file_fd_type sock;
	int one = 1;

	(void)events;
	if(status < 0) return;
	for(int n = 0; n < ACCEPTS_PER_WAKE; n++){
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if(fd < 0){
			if(errno == EINTR || errno == ECONNABORTED) continue;
			if(errno == EAGAIN || errno == EWOULDBLOCK) return;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays
			 * queued; stop polling a while instead of spinning on it. */
			int64_t now = nabz_time__mono_ms();
			if(now - ws->accept_error_log_ms >= ACCEPT_LOG_EVERY_MS){
				nabz_seam__log(ws->seam, MOSQ_LOG_WARNING, "WebSocket listener cannot accept: %s "
						"(pausing %d ms; raise the broker's open-files limit?)",
						strerror(errno), ACCEPT_PAUSE_MS);
				ws->accept_error_log_ms = now;
			}
			uv_poll_stop(&l->poll);
			uv_timer_start(&l->pause, resume_cb, ACCEPT_PAUSE_MS, 0);
			return;
		}
		/* lws's own listener sets this (lws_plat_set_socket_options):
		 * MQTT packets are small and must not wait for Nagle. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		sock.sockfd = fd;
		/* NULL: lws closed the socket (logged by lws) */
		lws_adopt_descriptor_vhost(l->vhost, LWS_ADOPT_SOCKET | LWS_ADOPT_HTTP
				| (l->tls ? LWS_ADOPT_ALLOW_SSL : 0), sock, NULL, NULL);
	}
}

static void resume_cb(uv_timer_t *timer)
{
	struct nabz_ws_listen *l = timer->data;

	uv_poll_start(&l->poll, UV_READABLE, on_readable);
}

int nabz_ws__listen(struct nabz_ws *ws, struct lws_vhost *vhost, const char *host, int port, bool tls,
		char *err, size_t errlen)
{
	struct nabz_ws_listen *l;
	int fd;

	if(ws->listen_count >= NABZ_WS_MAX_LISTENERS){
		snprintf(err, errlen, "at most %d listeners (ws_listeners and ws_tls_listeners together)", NABZ_WS_MAX_LISTENERS);
		return -1;
	}
	/* thread 0 binds first: it checks nobody else has the port, unless
	 * the port is meant to be shared with other brokers */
	fd = open_listen_socket(host, port, ws->index == 0 && !ws->cfg->ws_reuseport_shared, err, errlen);
	if(fd < 0) return -1;
	l = &ws->listens[ws->listen_count];
	l->ws = ws;
	l->fd = fd;
	l->vhost = vhost;
	l->tls = tls;
	uv_poll_init(&ws->loop, &l->poll, fd);
	uv_timer_init(&ws->loop, &l->pause);
	l->poll.data = l;
	l->pause.data = l;
	uv_poll_start(&l->poll, UV_READABLE, on_readable);
	ws->listen_count++;
	return 0;
}

static void on_poll_closed(uv_handle_t *handle)
{
	struct nabz_ws_listen *l = handle->data;

	close(l->fd);
	l->fd = -1;
}

void nabz_ws__listen_close(struct nabz_ws *ws)
{
	for(int i = 0; i < ws->listen_count; i++){
		struct nabz_ws_listen *l = &ws->listens[i];
		uv_close((uv_handle_t *)&l->poll, on_poll_closed);
		uv_close((uv_handle_t *)&l->pause, NULL);
	}
	ws->listen_count = 0;
}
