/*
 * A proxied browser's link to the broker: a non-blocking connection to the
 * broker's unix socket, polled directly on the service thread's libuv
 * loop. Service threads only; the conn's thread.
 *
 * Why not an lws raw socket, as it was: a fan-out is one small read per
 * browser, and lws's pass over a raw socket (its service call, a read into
 * its 4 KiB buffer, the RAW_RX callback, then a copy into the frame
 * buffer) cost more than the read itself. Here the read lands in the
 * thread's frame buffer after LWS_PRE, where lws_write frames it in
 * place: one recv and one send per delivery, no copy, and the whole of
 * what the broker wrote for a browser (up to NABZ_WS_CHUNK) is one read
 * and one frame. It also saves each browser an lws wsi.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ws_internal.h"

static void on_poll(uv_poll_t *handle, int status, int events);

static void set_events(struct nabz_conn *conn, int events)
{
	struct nabz_upstream *up = &conn->upstream;

	if(up->closing || events == up->events) return;
	up->events = events;
	uv_poll_start(&up->poll, events, on_poll);
}

int nabz_upstream__open(struct nabz_conn *conn)
{
	struct nabz_upstream *up = &conn->upstream;
	struct sockaddr_un sa;
	int fd, err;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", conn->ws->cfg->ws_broker_socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if(fd < 0) return -1;
	/* A unix-socket connect completes at once or fails at once (EAGAIN:
	 * the broker's backlog is full). */
	if(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0){
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	if(uv_poll_init(&conn->ws->loop, &up->poll, fd) != 0){
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	up->poll.data = conn;
	up->fd = fd;
	up->closing = false;
	up->events = 0;
	set_events(conn, UV_READABLE);
	return 0;
}

bool nabz_upstream__is_open(const struct nabz_conn *conn)
{
	return conn->upstream.fd >= 0 && !conn->upstream.closing;
}

bool nabz_upstream__exists(const struct nabz_conn *conn)
{
	return conn->upstream.fd >= 0;
}

ssize_t nabz_upstream__send(struct nabz_conn *conn, const void *data, size_t n)
{
	ssize_t w;

	if(!nabz_upstream__is_open(conn)) return -1;
	do{
		w = send(conn->upstream.fd, data, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}while(w < 0 && errno == EINTR);
	if(w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) w = 0;
	return w;
}

void nabz_upstream__want_writable(struct nabz_conn *conn, bool on)
{
	set_events(conn, UV_READABLE | (on ? UV_WRITABLE : 0));
}

static void on_closed(uv_handle_t *handle)
{
	struct nabz_conn *conn = handle->data;

	close(conn->upstream.fd);
	conn->upstream.fd = -1;
	nabz_ws__broker_closed(conn);    /* may free conn */
}

void nabz_upstream__close(struct nabz_conn *conn)
{
	struct nabz_upstream *up = &conn->upstream;

	if(up->fd < 0 || up->closing) return;
	up->closing = true;
	uv_close((uv_handle_t *)&up->poll, on_closed);
}

static void on_poll(uv_poll_t *handle, int status, int events)
{
	struct nabz_conn *conn = handle->data;
	struct nabz_ws *ws = conn->ws;
	uint8_t *buf = ws->scratch + LWS_PRE;
	ssize_t n;

	if(status < 0){
		nabz_upstream__close(conn);
		return;
	}
	if(events & UV_WRITABLE){
		nabz_ws__broker_writable(conn);
		if(!nabz_upstream__is_open(conn)) return;
	}
	if(!(events & UV_READABLE)) return;
	/* One read a turn: the loop polls level-triggered, so what is left
	 * comes next turn, after the other browsers' reads. */
	do{
		n = recv(conn->upstream.fd, buf, NABZ_WS_CHUNK, MSG_DONTWAIT);
	}while(n < 0 && errno == EINTR);
	if(n > 0){
		nabz_ws__broker_bytes(conn, buf, (size_t)n);
	}else if(n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)){
		/* the broker closed the connection (or it failed) */
		nabz_upstream__close(conn);
	}
}
