/*
 * Connect/disconnect load for bench_plugin.py: `count` cycles of
 *   TCP connect, MQTT 3.1.1 CONNECT (anonymous, clean session, client id
 *   <prefix><n>), wait for CONNACK (must be "accepted"), DISCONNECT, wait
 *   for the broker to close, close
 * with `parallel` cycles in flight, on one epoll loop. Python needs more CPU
 * per cycle than the broker does, so it cannot load the broker on a 2-core
 * machine; this can.
 *
 *   connect_load PORT COUNT PARALLEL PREFIX
 *
 * Prints "<cycles> <seconds>" on success; exits 1 with a message otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mqtt_packet.h"

enum phase { CONNECTING, WAIT_CONNACK, WAIT_CLOSE };

struct slot {
	int fd;
	long n;                     /* cycle number: the client id's suffix */
	enum phase phase;
	unsigned char ack[4];
	int ack_len;
};

static struct sockaddr_in addr;
static const char *prefix;
static int epfd;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "connect_load: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* CONNECT: anonymous, clean session, keepalive 60, client id <prefix><n>. */
static int connect_packet(unsigned char *out, size_t cap, long n)
{
	char id[128];
	size_t len;

	snprintf(id, sizeof(id), "%s%ld", prefix, n);
	len = nabz_mqtt__connect(out, cap, id, NULL, NULL, 60);
	if(len == 0){
		fprintf(stderr, "connect_load: CONNECT does not fit\n");
		exit(1);
	}
	return (int)len;
}

static void send_all(int fd, const unsigned char *buf, int len)
{
	/* A fresh socket's send buffer always takes these few bytes. */
	if(send(fd, buf, (size_t)len, MSG_NOSIGNAL) != len) die("send");
}

static void start(struct slot *s, long n)
{
	int one = 1;
	struct epoll_event ev;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if(s->fd < 0) die("socket");
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->ack_len = 0;
	s->n = n;
	ev.data.ptr = s;
	if(connect(s->fd, (struct sockaddr *)&addr, sizeof(addr)) == 0){
		unsigned char pkt[160];
		send_all(s->fd, pkt, connect_packet(pkt, sizeof(pkt), n));
		s->phase = WAIT_CONNACK;
		ev.events = EPOLLIN;
	}else if(errno == EINPROGRESS){
		s->phase = CONNECTING;
		ev.events = EPOLLOUT;
	}else{
		die("connect");
	}
	if(epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0) die("epoll_ctl");
}

int main(int argc, char **argv)
{
	long count, parallel, started = 0, done = 0;
	struct slot *slots;
	struct epoll_event events[256];
	double t0, t1;

	if(argc != 5){
		fprintf(stderr, "usage: connect_load PORT COUNT PARALLEL PREFIX\n");
		return 2;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)atoi(argv[1]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	count = atol(argv[2]);
	parallel = atol(argv[3]);
	prefix = argv[4];
	if(parallel > count) parallel = count;
	slots = calloc((size_t)parallel, sizeof(*slots));
	epfd = epoll_create1(0);
	if(slots == NULL || epfd < 0) die("setup");

	t0 = now_s();
	for(long i = 0; i < parallel; i++) start(&slots[i], started++);
	while(done < count){
		int n = epoll_wait(epfd, events, 256, 5000);
		if(n < 0){
			if(errno == EINTR) continue;
			die("epoll_wait");
		}
		if(n == 0){
			fprintf(stderr, "connect_load: stalled after %ld cycles\n", done);
			return 1;
		}
		for(int e = 0; e < n; e++){
			struct slot *s = events[e].data.ptr;
			unsigned char buf[64];
			ssize_t r;

			if(s->phase == CONNECTING){
				int err = 0;
				socklen_t len = sizeof(err);
				unsigned char pkt[160];
				struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};

				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if(err){
					errno = err;
					die("connect (async)");
				}
				send_all(s->fd, pkt, connect_packet(pkt, sizeof(pkt), s->n));
				s->phase = WAIT_CONNACK;
				if(epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &ev) != 0) die("epoll_ctl");
				continue;
			}
			r = recv(s->fd, buf, sizeof(buf), 0);
			if(r < 0){
				if(errno == EAGAIN) continue;
				die("recv");
			}
			if(s->phase == WAIT_CONNACK){
				if(r == 0){
					fprintf(stderr, "connect_load: broker closed before CONNACK\n");
					return 1;
				}
				for(ssize_t i = 0; i < r && s->ack_len < 4; i++) s->ack[s->ack_len++] = buf[i];
				if(s->ack_len == 4){
					if(memcmp(s->ack, "\x20\x02\x00\x00", 4) != 0){
						fprintf(stderr, "connect_load: CONNACK %02x %02x %02x %02x\n",
								s->ack[0], s->ack[1], s->ack[2], s->ack[3]);
						return 1;
					}
					send_all(s->fd, (const unsigned char *)"\xe0\x00", 2);
					s->phase = WAIT_CLOSE;
				}
				continue;
			}
			if(r == 0){ /* the broker closed: cycle complete */
				close(s->fd); /* also leaves the epoll set */
				done++;
				if(started < count) start(s, started++);
			}
		}
	}
	t1 = now_s();
	printf("%ld %.6f\n", done, t1 - t0);
	return 0;
}
