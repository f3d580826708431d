/*
 * ws_load: MQTT fan-out load for the nabz broker, over WebSocket or TCP.
 *
 * One process, one thread, one epoll set (so the load side is not the
 * bottleneck on a small machine):
 *
 *   1. opens N subscriber connections, at most --connect-parallel
 *      handshakes in flight: --mode ws does the HTTP upgrade on /mqtt with
 *      subprotocol mqtt and speaks MQTT 3.1.1 in masked binary frames;
 *      --mode tcp speaks MQTT 3.1.1 on the broker's TCP listener. Each
 *      sends CONNECT (client id <prefix><i>, clean session), waits for
 *      CONNACK, SUBSCRIBEs QoS 0 to --topic and waits for SUBACK;
 *   2. waits --settle seconds (the subscribers idle), samples the broker;
 *   3. one TCP publisher (--user/--password) sends --rate QoS 0,
 *      non-retained PUBLISHes a second for --seconds: ~--payload-bytes of
 *      JSON carrying the intended send time (CLOCK_MONOTONIC ns) and a
 *      sequence number. Sends are scheduled on absolute times (timerfd);
 *      each message carries its scheduled time, so a publisher held back
 *      by the broker (or by this process) shows as latency, not as a lower
 *      rate;
 *   4. drains for up to --drain seconds after the last publish;
 *   5. reports connections held, expected vs delivered, delivery ratio,
 *      deliveries/s, latency p50/p90/p99/p99.9/max (log-linear histogram,
 *      0.2 % resolution), and with --broker-pid the broker's CPU (total,
 *      main thread, busiest other thread), RSS and descriptors.
 *
 * Subscribers parse the MQTT stream across WebSocket frames (2/8-byte
 * lengths, continuation frames, packets split across frames and reads),
 * answer pings, and check per-subscriber sequence order.
 *
 * The last line of output is "RESULT {json}".
 *
 *   cc -O2 -Icommon -o ws_load bench/ws_load.c common/mqtt_packet.c
 *   ./ws_load --mode ws --ws-port 8000 --tcp-port 1883 --subscribers 1000 \
 *       --rate 10 --seconds 10 --user nabz-bridge --password pw
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "mqtt_packet.h"

/* ---- options -------------------------------------------------------- */

static struct {
	const char *host;
	int ws_port, tcp_port;
	bool ws;
	long subscribers;
	double rate, seconds;
	const char *topic, *user, *password, *prefix, *path, *origin;
	int payload_bytes;
	int parallel;
	double connect_rate;          /* new connections a second; 0: no cap */
	double connect_timeout, settle, drain;
	int keepalive;
	int broker_pid;
	double p99_limit_ms;
	bool verbose;
} opt = {
	.host = "127.0.0.1", .ws_port = 8000, .tcp_port = 1883, .ws = true,
	.subscribers = 1000, .rate = 10, .seconds = 10,
	.topic = "crypto/prices/BTC", .user = NULL, .password = NULL, .prefix = NULL,
	.path = "/mqtt", .origin = NULL, .payload_bytes = 200, .parallel = 64,
	.connect_rate = 0, .connect_timeout = 120, .settle = 1.0, .drain = 5.0,
	.keepalive = 60, .broker_pid = 0, .p99_limit_ms = 100,
};

/* ---- small helpers -------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ws_load: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static int fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd32(void)
{
	/* xorshift64*: for WebSocket masks and keys, not for security */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
		+ (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- latency histogram (microseconds, log-linear) -------------------- */

#define H_LINEAR 1024                /* exact below 1024 us */
#define H_SUB 512                    /* then 512 buckets per octave: 0.2 % */
#define H_OCTAVES 30                 /* up to 2^40 us */
#define H_BUCKETS (H_LINEAR + H_OCTAVES * H_SUB)

struct hist {
	uint64_t b[H_BUCKETS];
	uint64_t count, max, sum;
};

static int h_index(uint64_t v)
{
	int msb, shift;

	if(v < H_LINEAR) return (int)v;
	if(v >= (1ull << 40)) v = (1ull << 40) - 1;
	msb = 63 - __builtin_clzll(v);   /* >= 10 */
	shift = msb - 9;
	return H_LINEAR + (msb - 10) * H_SUB + (int)((v >> shift) - H_SUB);
}

static uint64_t h_upper(int i)       /* largest value in bucket i */
{
	int oct, sub, shift;

	if(i < H_LINEAR) return (uint64_t)i;
	oct = (i - H_LINEAR) / H_SUB;
	sub = (i - H_LINEAR) % H_SUB;
	shift = oct + 1;
	return ((uint64_t)(H_SUB + sub) << shift) + ((1ull << shift) - 1);
}

static inline void h_add(struct hist *h, uint64_t us)
{
	h->b[h_index(us)]++;
	h->count++;
	h->sum += us;
	if(us > h->max) h->max = us;
}

static double h_pct_ms(const struct hist *h, double p)
{
	uint64_t rank, acc = 0;

	if(h->count == 0) return -1;
	rank = (uint64_t)((p / 100.0) * (double)h->count + 0.999999);
	if(rank < 1) rank = 1;
	for(int i = 0; i < H_BUCKETS; i++){
		acc += h->b[i];
		if(acc >= rank){
			uint64_t v = h_upper(i);
			if(v > h->max) v = h->max;
			return (double)v / 1000.0;
		}
	}
	return (double)h->max / 1000.0;
}

/* ---- MQTT packets ------------------------------------------------------ */

/* The remaining length; bench payloads stay far below MQTT's 256 MiB. */
static int put_varint(uint8_t *out, size_t n)
{
	return (int)nabz_mqtt__write_varint((uint32_t)n, out);
}

static int put_str(uint8_t *out, const char *s, size_t len)
{
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)(len & 0xff);
	memcpy(out + 2, s, len);
	return (int)len + 2;
}

static int mqtt_connect(uint8_t *out, size_t cap, const char *id, const char *user, const char *pw, int keepalive)
{
	size_t n = nabz_mqtt__connect(out, cap, id, user, pw, (uint16_t)keepalive);

	if(n == 0) die("CONNECT does not fit in %zu bytes", cap);
	return (int)n;
}

static int mqtt_subscribe(uint8_t *out, const char *topic)
{
	size_t tl = strlen(topic);
	int h;

	out[0] = 0x82;
	h = 1 + put_varint(out + 1, 2 + 2 + tl + 1);
	out[h++] = 0;
	out[h++] = 1;                    /* packet id */
	h += put_str(out + h, topic, tl);
	out[h++] = 0;                    /* QoS 0 */
	return h;
}

static const uint8_t MQTT_PINGREQ[2] = {0xC0, 0x00};
static const uint8_t MQTT_DISCONNECT[2] = {0xE0, 0x00};

/* ---- connections ------------------------------------------------------- */

enum cstate {
	C_IDLE,              /* not started */
	C_CONNECTING,        /* TCP connect in progress */
	C_HTTP,              /* upgrade sent, reading the response */
	C_CONNACK,           /* CONNECT sent */
	C_SUBACK,            /* SUBSCRIBE sent */
	C_READY,             /* subscribed */
	C_CLOSED,
};

struct conn {
	int fd;
	uint8_t state;
	/* WebSocket deframer (server frames) */
	uint8_t hdr[14];
	uint8_t hdr_len, hdr_need;
	uint8_t opcode;                  /* of the frame being read */
	uint8_t masked;
	uint8_t mask[4];
	uint8_t mask_pos;
	bool in_payload;
	uint64_t payload_left;
	uint8_t ctrl[128];               /* control frame payload */
	uint8_t ctrl_len;
	/* partial HTTP response or MQTT packet */
	uint8_t *part;
	uint32_t part_len, part_cap;
	/* stats */
	uint64_t t_start;                /* ns, connect started */
	uint64_t received;               /* PUBLISHes of this run */
	bool ready_once;                 /* was subscribed */
	int64_t last_seq;
	uint32_t misordered;
};

enum { EV_TIMER = -1, EV_PUB = -2 };

static struct conn *conns;
static int epfd, tfd = -1, pub_fd = -1;
/* Subscribers connect to sub_addrs[i % n_sub_addrs] (--sub-ports: the
 * edges of a cluster), the publisher to pub_addr. */
#define MAX_SUB_PORTS 16
static struct sockaddr_in sub_addrs[MAX_SUB_PORTS], pub_addr;
static int n_sub_addrs = 1;
static const char *sub_ports_arg;

/* counters */
static long n_started, n_inflight, n_ready, n_failed, n_dropped_ready;
static uint64_t n_delivered, n_other_publish, n_misordered, n_bad_payload, n_unexpected;
static uint64_t n_ws_frames, n_ws_pings, n_ws_close, n_ws_text, n_ws_fragments, n_split_packets;
static uint64_t n_bytes_in, n_ws_len16, n_ws_len64;
static struct hist lat, conn_h;
static char first_errors[5][200];
static int n_errors_kept;
static bool publishing_started;
static uint64_t t_last_seen;             /* ns, the last delivery */
static size_t topic_len;

static void note_error(const char *fmt, ...)
{
	va_list ap;

	if(n_errors_kept >= 5) return;
	va_start(ap, fmt);
	vsnprintf(first_errors[n_errors_kept++], sizeof(first_errors[0]), fmt, ap);
	va_end(ap);
}

static void part_append(struct conn *c, const uint8_t *p, size_t n)
{
	if(c->part_len + n > c->part_cap){
		uint32_t cap = c->part_cap ? c->part_cap : 512;
		uint8_t *grown;
		while(cap < c->part_len + n) cap *= 2;
		grown = realloc(c->part, cap);
		if(grown == NULL) die("out of memory");
		c->part = grown;
		c->part_cap = cap;
	}
	memcpy(c->part + c->part_len, p, n);
	c->part_len += (uint32_t)n;
}

static void part_free(struct conn *c)
{
	free(c->part);
	c->part = NULL;
	c->part_len = c->part_cap = 0;
}

/* Sends an MQTT packet on a subscriber: framed and masked over WebSocket.
 * These are a few bytes on a socket whose send buffer is empty, so a
 * short write is an error. */
static int conn_send_mqtt(struct conn *c, const uint8_t *pkt, size_t n)
{
	uint8_t buf[2048];
	size_t h = 0;
	ssize_t w;

	if(opt.ws){
		uint32_t m = rnd32();
		if(n + 14 > sizeof(buf)) return -1;
		buf[h++] = 0x82;             /* FIN, binary */
		if(n < 126){
			buf[h++] = 0x80 | (uint8_t)n;
		}else{
			buf[h++] = 0x80 | 126;
			buf[h++] = (uint8_t)(n >> 8);
			buf[h++] = (uint8_t)n;
		}
		memcpy(buf + h, &m, 4);
		for(size_t i = 0; i < n; i++) buf[h + 4 + i] = pkt[i] ^ buf[h + (i & 3)];
		h += 4 + n;
		pkt = buf;
		n = h;
	}
	w = send(c->fd, pkt, n, MSG_NOSIGNAL);
	return w == (ssize_t)n ? 0 : -1;
}

static int conn_send_ws_control(struct conn *c, uint8_t opcode, const uint8_t *p, size_t n)
{
	uint8_t buf[2 + 4 + 125];
	uint32_t m = rnd32();

	if(n > 125) n = 125;
	buf[0] = 0x80 | opcode;
	buf[1] = 0x80 | (uint8_t)n;
	memcpy(buf + 2, &m, 4);
	for(size_t i = 0; i < n; i++) buf[6 + i] = p[i] ^ buf[2 + (i & 3)];
	return send(c->fd, buf, 6 + n, MSG_NOSIGNAL) == (ssize_t)(6 + n) ? 0 : -1;
}

static void start_next(void);

static void conn_close(struct conn *c, const char *why)
{
	long i = c - conns;

	if(c->state == C_CLOSED) return;
	if(c->state == C_READY){
		n_dropped_ready++;
		note_error("subscriber %ld closed after subscribing: %s", i, why);
	}else{
		n_failed++;
		n_inflight--;
		note_error("subscriber %ld failed during handshake (state %d): %s", i, c->state, why);
	}
	if(c->fd >= 0){
		epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	c->state = C_CLOSED;
	part_free(c);
}

static void on_ready(struct conn *c)
{
	c->state = C_READY;
	c->ready_once = true;
	n_ready++;
	n_inflight--;
	h_add(&conn_h, (now_ns() - c->t_start) / 1000);
	part_free(c);                    /* keeps idle clients small */
}

/* One complete MQTT packet. */
static void on_packet(struct conn *c, uint8_t first, const uint8_t *body, size_t len, uint64_t t)
{
	uint8_t type = first >> 4;

	if(type == 3){                   /* PUBLISH */
		size_t tl, pos;
		const uint8_t *p, *end;
		uint64_t send_ns = 0, seq = 0;

		if(len < 2) goto bad;
		tl = ((size_t)body[0] << 8) | body[1];
		pos = 2 + tl + (((first >> 1) & 3) ? 2 : 0);
		if(pos > len) goto bad;
		if(tl != topic_len || memcmp(body + 2, opt.topic, tl) != 0){
			n_other_publish++;
			return;
		}
		p = body + pos;
		end = body + len;
		if(end - p < 12 || memcmp(p, "{\"send_ns\":", 11) != 0){
			n_bad_payload++;
			return;
		}
		p += 11;
		while(p < end && *p >= '0' && *p <= '9') send_ns = send_ns * 10 + (uint64_t)(*p++ - '0');
		if(end - p < 7 || memcmp(p, ",\"seq\":", 7) != 0){
			n_bad_payload++;
			return;
		}
		p += 7;
		while(p < end && *p >= '0' && *p <= '9') seq = seq * 10 + (uint64_t)(*p++ - '0');
		if((int64_t)seq <= c->last_seq){
			c->misordered++;
			n_misordered++;
		}
		c->last_seq = (int64_t)seq;
		c->received++;
		n_delivered++;
		t_last_seen = t;
		h_add(&lat, t > send_ns ? (t - send_ns) / 1000 : 0);
		return;
	}
	if(type == 2){                   /* CONNACK */
		uint8_t pkt[512];
		if(c->state != C_CONNACK || len != 2) goto bad;
		if(body[1] != 0){
			note_error("CONNACK refused with code %d", body[1]);
			conn_close(c, "CONNACK refused");
			return;
		}
		if(conn_send_mqtt(c, pkt, (size_t)mqtt_subscribe(pkt, opt.topic)) != 0){
			conn_close(c, "send SUBSCRIBE");
			return;
		}
		c->state = C_SUBACK;
		return;
	}
	if(type == 9){                   /* SUBACK */
		if(c->state != C_SUBACK || len != 3) goto bad;
		if(body[2] & 0x80){
			conn_close(c, "SUBACK refused the subscription");
			return;
		}
		on_ready(c);
		return;
	}
	if(type == 13) return;           /* PINGRESP */
bad:
	n_unexpected++;
	note_error("unexpected MQTT packet 0x%02x len %zu in state %d", first, len, c->state);
}

/* Parses complete packets from p[0..n); returns the bytes used. */
static size_t parse_packets(struct conn *c, const uint8_t *p, size_t n, uint64_t t)
{
	size_t off = 0;

	while(n - off >= 2){
		size_t rl = 0, i = off + 1;
		unsigned shift = 0;
		uint8_t b;

		do{
			if(i >= n) return off;
			b = p[i++];
			rl |= (size_t)(b & 0x7F) << shift;
			shift += 7;
			if(shift > 28){
				conn_close(c, "bad MQTT remaining length");
				return n;
			}
		}while(b & 0x80);
		if(n - i < rl) return off;
		on_packet(c, p[off], p + i, rl, t);
		if(c->state == C_CLOSED) return n;
		off = i + rl;
	}
	return off;
}

/* The MQTT byte stream, in pieces of any size. */
static void feed_mqtt(struct conn *c, const uint8_t *p, size_t n, uint64_t t)
{
	size_t used;

	if(c->part_len == 0){
		used = parse_packets(c, p, n, t);
		if(c->state == C_CLOSED) return;
		if(used < n){
			part_append(c, p + used, n - used);
			n_split_packets++;
		}
		return;
	}
	part_append(c, p, n);
	used = parse_packets(c, c->part, c->part_len, t);
	if(c->state == C_CLOSED) return;
	if(used){
		memmove(c->part, c->part + used, c->part_len - used);
		c->part_len -= (uint32_t)used;
	}
	if(c->part_len == 0 && c->part_cap > 4096) part_free(c);
}

static void on_ws_frame_end(struct conn *c)
{
	c->in_payload = false;
	c->hdr_len = 0;
	switch(c->opcode){
		case 0x8:
			n_ws_close++;
			conn_close(c, "WebSocket close frame from the server");
			break;
		case 0x9:                    /* ping: answer with pong */
			n_ws_pings++;
			if(conn_send_ws_control(c, 0xA, c->ctrl, c->ctrl_len) != 0) conn_close(c, "send pong");
			break;
		default:
			break;
	}
}

/* WebSocket bytes from the server: frames in pieces of any size. */
static void feed_ws(struct conn *c, uint8_t *p, size_t n, uint64_t t)
{
	while(n > 0 && c->state != C_CLOSED){
		if(!c->in_payload){
			size_t take;
			uint8_t *h = c->hdr;
			uint64_t len;

			if(c->hdr_len < 2){
				take = 2 - c->hdr_len;
				if(take > n) take = n;
				memcpy(h + c->hdr_len, p, take);
				c->hdr_len += (uint8_t)take;
				p += take;
				n -= take;
				if(c->hdr_len < 2) return;
				c->hdr_need = (uint8_t)(2 + ((h[1] & 0x7F) == 126 ? 2 : (h[1] & 0x7F) == 127 ? 8 : 0)
					+ ((h[1] & 0x80) ? 4 : 0));
			}
			take = c->hdr_need - c->hdr_len;
			if(take > n) take = n;
			memcpy(h + c->hdr_len, p, take);
			c->hdr_len += (uint8_t)take;
			p += take;
			n -= take;
			if(c->hdr_len < c->hdr_need) return;
			/* a whole header */
			n_ws_frames++;
			c->opcode = h[0] & 0x0F;
			c->masked = (h[1] & 0x80) != 0;
			len = h[1] & 0x7F;
			if(len == 126){
				len = ((uint64_t)h[2] << 8) | h[3];
				n_ws_len16++;
			}else if(len == 127){
				n_ws_len64++;
				len = 0;
				for(int i = 0; i < 8; i++) len = (len << 8) | h[2 + i];
			}
			if(c->masked) memcpy(c->mask, h + c->hdr_need - 4, 4);
			c->mask_pos = 0;
			c->payload_left = len;
			c->ctrl_len = 0;
			c->in_payload = true;
			if(c->opcode == 0x1){
				n_ws_text++;
				note_error("text frame from the server");
			}
			if(c->opcode == 0x0 || !(h[0] & 0x80)) n_ws_fragments++;
			if(c->opcode >= 0x8 && len > 125){
				conn_close(c, "control frame longer than 125 bytes");
				return;
			}
			if(c->opcode != 0x0 && c->opcode != 0x1 && c->opcode != 0x2 && c->opcode < 0x8){
				conn_close(c, "unknown WebSocket opcode");
				return;
			}
			if(len == 0) on_ws_frame_end(c);
			continue;
		}
		/* payload */
		{
			size_t take = n < c->payload_left ? n : (size_t)c->payload_left;

			if(c->masked){           /* servers must not mask; tolerate it */
				for(size_t i = 0; i < take; i++) p[i] ^= c->mask[(c->mask_pos + i) & 3];
				c->mask_pos = (uint8_t)((c->mask_pos + take) & 3);
			}
			if(c->opcode >= 0x8){
				memcpy(c->ctrl + c->ctrl_len, p, take);
				c->ctrl_len += (uint8_t)take;
			}else{
				feed_mqtt(c, p, take, t);
			}
			p += take;
			n -= take;
			c->payload_left -= take;
			if(c->payload_left == 0 && c->state != C_CLOSED) on_ws_frame_end(c);
		}
	}
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void ws_key(char out[25])
{
	uint8_t k[18];
	for(int i = 0; i < 16; i++) k[i] = (uint8_t)rnd32();
	k[16] = k[17] = 0;
	for(int i = 0, o = 0; i < 18; i += 3, o += 4){
		uint32_t v = ((uint32_t)k[i] << 16) | ((uint32_t)k[i + 1] << 8) | k[i + 2];
		out[o] = b64[(v >> 18) & 63];
		out[o + 1] = b64[(v >> 12) & 63];
		out[o + 2] = b64[(v >> 6) & 63];
		out[o + 3] = b64[v & 63];
	}
	out[22] = out[23] = '=';         /* 16 bytes: two padding chars */
	out[24] = '\0';
}

static void send_hello(struct conn *c)
{
	long i = c - conns;

	if(opt.ws){
		char req[1024], key[25];
		int n;

		ws_key(key);
		n = snprintf(req, sizeof(req),
				"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n"
				"%s%s%s\r\n",
				opt.path, opt.host, (int)ntohs(sub_addrs[i % n_sub_addrs].sin_port), key,
				opt.origin ? "Origin: " : "", opt.origin ? opt.origin : "", opt.origin ? "\r\n" : "");
		if(send(c->fd, req, (size_t)n, MSG_NOSIGNAL) != n){
			conn_close(c, "send upgrade request");
			return;
		}
		c->state = C_HTTP;
	}else{
		uint8_t pkt[512];
		char id[128];

		snprintf(id, sizeof(id), "%s%ld", opt.prefix, i);
		if(conn_send_mqtt(c, pkt, (size_t)mqtt_connect(pkt, sizeof(pkt), id, NULL, NULL, opt.keepalive)) != 0){
			conn_close(c, "send CONNECT");
			return;
		}
		c->state = C_CONNACK;
	}
}

static void on_http_bytes(struct conn *c, uint8_t *p, size_t n, uint64_t t)
{
	uint8_t *end;
	size_t head;
	uint8_t pkt[512];
	char id[128];
	long i = c - conns;

	part_append(c, p, n);
	end = memmem(c->part, c->part_len, "\r\n\r\n", 4);
	if(end == NULL){
		if(c->part_len > 8192) conn_close(c, "HTTP response head too long");
		return;
	}
	head = (size_t)(end - c->part) + 4;
	if(c->part_len < 12 || memcmp(c->part, "HTTP/1.1 101", 12) != 0){
		char line[80];
		size_t l = 0;
		while(l < sizeof(line) - 1 && l < c->part_len && c->part[l] != '\r'){
			line[l] = (char)c->part[l];
			l++;
		}
		line[l] = '\0';
		conn_close(c, line);
		return;
	}
	c->part[head - 1] = '\0';
	if(strcasestr((char *)c->part, "sec-websocket-protocol: mqtt") == NULL){
		conn_close(c, "101 without Sec-WebSocket-Protocol: mqtt");
		return;
	}
	snprintf(id, sizeof(id), "%s%ld", opt.prefix, i);
	if(conn_send_mqtt(c, pkt, (size_t)mqtt_connect(pkt, sizeof(pkt), id, NULL, NULL, opt.keepalive)) != 0){
		conn_close(c, "send CONNECT");
		return;
	}
	c->state = C_CONNACK;
	{
		/* bytes after the head are WebSocket frames already */
		size_t rest = c->part_len - head;
		uint8_t tmp[8192];
		if(rest > sizeof(tmp)) rest = sizeof(tmp);
		memcpy(tmp, c->part + head, rest);
		c->part_len = 0;
		if(rest) feed_ws(c, tmp, rest, t);
	}
}

static uint8_t rbuf[1 << 16];

static void on_conn_event(struct conn *c, uint32_t events)
{
	if(c->state == C_CONNECTING){
		int err = 0;
		socklen_t len = sizeof(err);
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)(c - conns)};

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if(err){
			conn_close(c, strerror(err));
			return;
		}
		epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
		send_hello(c);
		return;
	}
	if(events & (EPOLLIN | EPOLLHUP | EPOLLERR)){
		ssize_t r = recv(c->fd, rbuf, sizeof(rbuf), 0);
		uint64_t t = now_ns();

		if(r < 0){
			if(errno == EAGAIN || errno == EINTR) return;
			conn_close(c, strerror(errno));
			return;
		}
		if(r == 0){
			conn_close(c, "closed by the server");
			return;
		}
		n_bytes_in += (uint64_t)r;
		if(c->state == C_HTTP){
			on_http_bytes(c, rbuf, (size_t)r, t);
		}else if(opt.ws){
			feed_ws(c, rbuf, (size_t)r, t);
		}else{
			feed_mqtt(c, rbuf, (size_t)r, t);
		}
	}
}

static void start_one(long i)
{
	struct conn *c = &conns[i];
	struct epoll_event ev;
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->t_start = now_ns();
	c->last_seq = -1;
	n_started++;
	n_inflight++;
	if(c->fd < 0){
		c->state = C_CONNECTING;
		conn_close(c, strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ev.data.u64 = (uint64_t)i;
	if(connect(c->fd, (struct sockaddr *)&sub_addrs[i % n_sub_addrs], sizeof(sub_addrs[0])) == 0){
		ev.events = EPOLLIN;
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
		send_hello(c);
	}else if(errno == EINPROGRESS){
		c->state = C_CONNECTING;
		ev.events = EPOLLOUT;
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
	}else{
		c->state = C_CONNECTING;
		conn_close(c, strerror(errno));
	}
}

static uint64_t connect_t0;

static void start_next(void)
{
	while(n_started < opt.subscribers && n_inflight < opt.parallel){
		if(opt.connect_rate > 0){
			double allowed = (double)(now_ns() - connect_t0) / 1e9 * opt.connect_rate + 1;
			if((double)n_started >= allowed) return;
		}
		start_one(n_started);
	}
}

/* ---- publisher ----------------------------------------------------------- */

static uint8_t *pub_out;                 /* bytes not yet taken by the socket */
static size_t pub_out_len, pub_out_cap, pub_out_max;
static uint64_t pub_sent, pub_total, pub_t0, pub_period_ns, pub_max_lag_ns;

static int tcp_connect_blocking(struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if(fd < 0) die("socket: %s", strerror(errno));
	if(connect(fd, (struct sockaddr *)a, sizeof(*a)) != 0) die("publisher connect: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void pub_connect(void)
{
	uint8_t pkt[1024], ack[4];
	size_t got = 0;
	int n;
	char id[64];
	struct timeval tv = {.tv_sec = 10};

	pub_fd = tcp_connect_blocking(&pub_addr);
	snprintf(id, sizeof(id), "%spub-%d", opt.ws ? "web-bench-" : "api-bench-", (int)getpid());
	n = mqtt_connect(pkt, sizeof(pkt), id, opt.user, opt.password, 60);
	if(send(pub_fd, pkt, (size_t)n, MSG_NOSIGNAL) != n) die("publisher send CONNECT");
	setsockopt(pub_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while(got < 4){
		ssize_t r = recv(pub_fd, ack + got, 4 - got, 0);
		if(r <= 0) die("publisher: no CONNACK (%s)", r == 0 ? "closed" : strerror(errno));
		got += (size_t)r;
	}
	if(ack[0] != 0x20 || ack[3] != 0) die("publisher refused: CONNACK code %d (user %s)", ack[3],
			opt.user ? opt.user : "(none)");
	if(fcntl_nonblock(pub_fd)) die("fcntl");
}

static void pub_flush(void)
{
	while(pub_out_len){
		ssize_t w = send(pub_fd, pub_out, pub_out_len, MSG_NOSIGNAL);
		if(w < 0){
			if(errno == EAGAIN || errno == EINTR) break;
			die("publisher send: %s", strerror(errno));
		}
		memmove(pub_out, pub_out + w, pub_out_len - (size_t)w);
		pub_out_len -= (size_t)w;
	}
	{
		struct epoll_event ev = {.events = EPOLLIN | (pub_out_len ? EPOLLOUT : 0),
			.data.u64 = (uint64_t)(int64_t)EV_PUB};
		epoll_ctl(epfd, EPOLL_CTL_MOD, pub_fd, &ev);
	}
}

static int build_payload(char *out, size_t cap, uint64_t send_ns, uint64_t seq)
{
	int n = snprintf(out, cap,
			"{\"send_ns\":%" PRIu64 ",\"seq\":%" PRIu64 ",\"type\":\"price_update\",\"data\":{\"symbol\":\"BTC\","
			"\"price_usd\":64123.45,\"change_24h_pct\":-1.23,\"source\":\"bench\","
			"\"stale\":false}", send_ns, seq);
	int pad = opt.payload_bytes - n - 10;   /* ,"pad":"" } */
	if(pad >= 0 && (size_t)(n + 10 + pad) < cap){
		n += sprintf(out + n, ",\"pad\":\"");
		memset(out + n, 'x', (size_t)pad);
		n += pad;
		n += sprintf(out + n, "\"}");
	}else{
		n += snprintf(out + n, cap - (size_t)n, "}");
	}
	return n;
}

static void pub_send_due(uint64_t t)
{
	uint64_t due = (t - pub_t0) / pub_period_ns + 1;   /* messages 0..due-1 are due */

	if(due > pub_total) due = pub_total;
	while(pub_sent < due){
		char payload[4096];
		uint8_t hdr[16];
		uint64_t intended = pub_t0 + pub_sent * pub_period_ns;
		int pl = build_payload(payload, sizeof(payload), intended, pub_sent);
		size_t tl = strlen(opt.topic);
		int h = 0;
		size_t need;

		hdr[h++] = 0x30;             /* PUBLISH, QoS 0, not retained */
		h += put_varint(hdr + h, 2 + tl + (size_t)pl);
		need = pub_out_len + (size_t)h + 2 + tl + (size_t)pl;
		if(need > pub_out_cap){
			pub_out_cap = need * 2;
			pub_out = realloc(pub_out, pub_out_cap);
			if(pub_out == NULL) die("out of memory");
		}
		memcpy(pub_out + pub_out_len, hdr, (size_t)h);
		pub_out_len += (size_t)h;
		pub_out_len += (size_t)put_str(pub_out + pub_out_len, opt.topic, tl);
		memcpy(pub_out + pub_out_len, payload, (size_t)pl);
		pub_out_len += (size_t)pl;
		if(t - intended > pub_max_lag_ns) pub_max_lag_ns = t - intended;
		pub_sent++;
	}
	if(pub_out_len > pub_out_max) pub_out_max = pub_out_len;
	pub_flush();
	if(pub_sent < pub_total){
		struct itimerspec its = {0};
		uint64_t next = pub_t0 + pub_sent * pub_period_ns;
		its.it_value.tv_sec = (time_t)(next / 1000000000ull);
		its.it_value.tv_nsec = (long)(next % 1000000000ull);
		timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
	}
}

/* ---- the broker's /proc ---------------------------------------------------- */

static long clk_tck;

static int read_stat_ticks(const char *path, unsigned long long *ticks)
{
	char buf[1024], *p;
	FILE *f = fopen(path, "r");
	unsigned long long ut, st;
	size_t n;

	if(f == NULL) return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if(p == NULL) return -1;
	/* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
	if(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
	*ticks = ut + st;
	return 0;
}

#define MAX_TASKS 64
/* --extra-pids: more server processes (a cluster's core and edges) whose
 * CPU over the publishing time and RSS at its end are reported. */
#define MAX_EXTRA_PIDS 16
static int extra_pids[MAX_EXTRA_PIDS], n_extra_pids;
static const char *extra_pids_arg;

struct cpu_sample {
	unsigned long long extra[MAX_EXTRA_PIDS];
	unsigned long long total;
	unsigned long long sys_busy;     /* every CPU of the machine, ticks */
	int ntasks;
	int tid[MAX_TASKS];
	unsigned long long ticks[MAX_TASKS];
	/* on-CPU nanoseconds (schedstat) by kind of thread: the broker's
	 * main thread, the plugin's listener threads ("nabz-ws-*"), others */
	unsigned long long ns_main, ns_ws, ns_other;
	uint64_t t;
};

/* The thread's on-CPU time in ns (/proc/.../schedstat, first field: finer
 * than stat's 10 ms ticks, which a per-delivery figure needs) and whether
 * it is one of the plugin's listener threads. */
static int read_task_ns(int pid, int tid, unsigned long long *ns, bool *is_ws)
{
	char path[128], comm[32] = "";
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
	f = fopen(path, "r");
	if(f == NULL) return -1;
	ok = fscanf(f, "%llu", ns) == 1;
	fclose(f);
	if(!ok) return -1;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	f = fopen(path, "r");
	if(f){
		if(fgets(comm, sizeof(comm), f) == NULL) comm[0] = '\0';
		fclose(f);
	}
	*is_ws = strncmp(comm, "nabz-ws", 7) == 0;
	return 0;
}

static void cpu_sample(struct cpu_sample *s)
{
	char path[128];
	DIR *d;
	struct dirent *e;

	memset(s, 0, sizeof(*s));
	s->t = now_ns();
	{
		FILE *f = fopen("/proc/stat", "r");
		unsigned long long v[8] = {0};
		if(f){
			if(fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
						&v[4], &v[5], &v[6], &v[7]) == 8){
				s->sys_busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];   /* not idle, iowait */
			}
			fclose(f);
		}
	}
	for(int k = 0; k < n_extra_pids; k++){
		snprintf(path, sizeof(path), "/proc/%d/stat", extra_pids[k]);
		read_stat_ticks(path, &s->extra[k]);
	}
	if(opt.broker_pid <= 0) return;
	snprintf(path, sizeof(path), "/proc/%d/stat", opt.broker_pid);
	read_stat_ticks(path, &s->total);
	snprintf(path, sizeof(path), "/proc/%d/task", opt.broker_pid);
	d = opendir(path);
	if(d == NULL) return;
	while((e = readdir(d)) != NULL && s->ntasks < MAX_TASKS){
		int tid = atoi(e->d_name);
		if(tid <= 0) continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", opt.broker_pid, tid);
		if(read_stat_ticks(path, &s->ticks[s->ntasks]) == 0) s->tid[s->ntasks++] = tid;
		{
			unsigned long long ns;
			bool is_ws;
			if(read_task_ns(opt.broker_pid, tid, &ns, &is_ws) != 0) continue;
			if(tid == opt.broker_pid) s->ns_main += ns;
			else if(is_ws) s->ns_ws += ns;
			else s->ns_other += ns;
		}
	}
	closedir(d);
}

/* CPU share (1.0 = one core) of the whole broker, its main thread and its
 * busiest other thread (the WebSocket thread) between two samples. */
static void cpu_delta(const struct cpu_sample *a, const struct cpu_sample *b,
		double *total, double *main_thr, double *other_max)
{
	double dt = (double)(b->t - a->t) / 1e9;

	*total = *main_thr = *other_max = 0;
	if(opt.broker_pid <= 0 || dt <= 0) return;
	*total = (double)(b->total - a->total) / (double)clk_tck / dt;
	for(int i = 0; i < b->ntasks; i++){
		unsigned long long before = 0;
		double share;
		for(int j = 0; j < a->ntasks; j++) if(a->tid[j] == b->tid[i]) before = a->ticks[j];
		share = (double)(b->ticks[i] - before) / (double)clk_tck / dt;
		if(b->tid[i] == opt.broker_pid) *main_thr = share;
		else if(share > *other_max) *other_max = share;
	}
}

static long pid_rss_kib(int pid)
{
	char path[64], line[256];
	FILE *f;
	long kib = -1;

	if(pid <= 0) return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if(f == NULL) return -1;
	while(fgets(line, sizeof(line), f)){
		if(strncmp(line, "VmRSS:", 6) == 0){
			kib = atol(line + 6);
			break;
		}
	}
	fclose(f);
	return kib;
}

static long broker_rss_kib(void)
{
	return pid_rss_kib(opt.broker_pid);
}

static long broker_fds(void)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	long n = 0;

	if(opt.broker_pid <= 0) return -1;
	snprintf(path, sizeof(path), "/proc/%d/fd", opt.broker_pid);
	d = opendir(path);
	if(d == NULL) return -1;
	while((e = readdir(d)) != NULL) if(e->d_name[0] != '.') n++;
	closedir(d);
	return n;
}

/* ---- main loop --------------------------------------------------------------- */

static void ping_all(void)
{
	for(long i = 0; i < opt.subscribers; i++){
		if(conns[i].state == C_READY && conn_send_mqtt(&conns[i], MQTT_PINGREQ, 2) != 0){
			conn_close(&conns[i], "send PINGREQ");
		}
	}
}

/* Runs the loop until done() or the deadline (ns, 0: none). */
static void run_loop(bool (*done)(void), uint64_t deadline)
{
	static struct epoll_event evs[1024];
	static uint64_t last_ping;

	if(last_ping == 0) last_ping = now_ns();
	while(!done()){
		uint64_t t = now_ns();
		int timeout = 100, n;

		if(deadline){
			if(t >= deadline) return;
			if((deadline - t) / 1000000 < (uint64_t)timeout) timeout = (int)((deadline - t) / 1000000) + 1;
		}
		if(opt.connect_rate > 0 && n_started < opt.subscribers) timeout = 1;
		n = epoll_wait(epfd, evs, 1024, timeout);
		if(n < 0){
			if(errno == EINTR) continue;
			die("epoll_wait: %s", strerror(errno));
		}
		/* the publisher's clock first: its lag counts as latency */
		for(int i = 0; i < n; i++){
			if((int64_t)evs[i].data.u64 == EV_TIMER){
				uint64_t exp;
				if(read(tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN) die("timerfd read");
				pub_send_due(now_ns());
			}
		}
		for(int i = 0; i < n; i++){
			int64_t k = (int64_t)evs[i].data.u64;
			if(k == EV_TIMER) continue;
			if(k == EV_PUB){
				if(evs[i].events & EPOLLOUT) pub_flush();
				if(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)){
					uint8_t junk[4096];
					ssize_t r = recv(pub_fd, junk, sizeof(junk), 0);
					if(r == 0 || (r < 0 && errno != EAGAIN)) die("the broker closed the publisher");
				}
				continue;
			}
			on_conn_event(&conns[k], evs[i].events);
		}
		start_next();
		t = now_ns();
		if(opt.keepalive > 0 && t - last_ping > (uint64_t)opt.keepalive * 1000000000u / 2){
			last_ping = t;
			ping_all();
		}
	}
}

static bool all_connected(void)
{
	return n_ready + n_failed >= opt.subscribers;
}

static bool never(void)
{
	return false;
}

static uint64_t expected_total;
static bool all_delivered(void)
{
	return n_delivered >= expected_total && pub_sent >= pub_total;
}

static bool published_all(void)
{
	return pub_sent >= pub_total && pub_out_len == 0;
}

/* --self-test: a stream of server frames (7-, 16- and 64-bit lengths,
 * fragmented messages, MQTT packets split across frames) fed in chunks of
 * every size from 1 to 700 bytes must give every PUBLISH exactly once. */
static int self_test(void)
{
	static uint8_t mqtt[1 << 20], ws[1 << 21];
	size_t mlen = 0, wlen = 0, off = 0;
	uint64_t npub = 0;
	int sizes[] = {3, 100, 125, 126, 300, 65535, 65536, 70000, 1, 2, 7, 4000};

	for(uint64_t i = 0; i < 2000; i++){
		char payload[400];
		int pl, h = 0;
		opt.payload_bytes = (int)(150 + (i * 37) % 200);
		pl = build_payload(payload, sizeof(payload), 1000 + i, i);
		mqtt[mlen] = 0x30;
		h = 1 + put_varint(mqtt + mlen + 1, 2 + topic_len + (size_t)pl);
		mlen += (size_t)h;
		mlen += (size_t)put_str(mqtt + mlen, opt.topic, topic_len);
		memcpy(mqtt + mlen, payload, (size_t)pl);
		mlen += (size_t)pl;
		npub++;
	}
	/* frame it: sizes cycle; every 3rd message is split in two fragments */
	for(int k = 0; off < mlen; k++){
		size_t n = (size_t)sizes[k % 12], parts = (k % 3 == 0 && n > 1) ? 2 : 1;
		if(n > mlen - off) n = mlen - off;
		for(size_t p = 0; p < parts; p++){
			size_t m = parts == 2 ? (p == 0 ? n / 2 : n - n / 2) : n;
			uint8_t op = p == 0 ? 0x2 : 0x0, fin = (p + 1 == parts) ? 0x80 : 0;
			ws[wlen++] = fin | op;
			if(m < 126){
				ws[wlen++] = (uint8_t)m;
			}else if(m < 65536){
				ws[wlen++] = 126;
				ws[wlen++] = (uint8_t)(m >> 8);
				ws[wlen++] = (uint8_t)m;
			}else{
				ws[wlen++] = 127;
				for(int b = 7; b >= 0; b--) ws[wlen++] = (uint8_t)((uint64_t)m >> (8 * b));
			}
			memcpy(ws + wlen, mqtt + off, m);
			wlen += m;
			off += m;
		}
	}
	for(size_t chunk = 1; chunk <= 700; chunk += (chunk < 20 ? 1 : 37)){
		static uint8_t copy[1 << 21];
		struct conn c;
		memset(&c, 0, sizeof(c));
		c.fd = -1;
		c.state = C_READY;
		c.last_seq = -1;
		n_delivered = n_misordered = 0;
		memcpy(copy, ws, wlen);
		for(size_t p = 0; p < wlen; p += chunk){
			size_t n = wlen - p < chunk ? wlen - p : chunk;
			feed_ws(&c, copy + p, n, 5000);
		}
		if(n_delivered != npub || n_misordered || c.state != C_READY || c.part_len || c.in_payload){
			fprintf(stderr, "self-test FAILED at chunk %zu: %" PRIu64 " of %" PRIu64 " delivered, %" PRIu64
					" misordered, state %d\n", chunk, n_delivered, npub, n_misordered, c.state);
			return 1;
		}
		part_free(&c);
		/* the same stream as plain MQTT (tcp mode) */
		memset(&c, 0, sizeof(c));
		c.fd = -1;
		c.state = C_READY;
		c.last_seq = -1;
		n_delivered = 0;
		for(size_t p = 0; p < mlen; p += chunk){
			size_t n = mlen - p < chunk ? mlen - p : chunk;
			feed_mqtt(&c, mqtt + p, n, 5000);
		}
		if(n_delivered != npub || c.part_len){
			fprintf(stderr, "self-test FAILED (tcp) at chunk %zu\n", chunk);
			return 1;
		}
		part_free(&c);
	}
	printf("self-test passed: %" PRIu64 " PUBLISHes in %zu bytes of frames (%" PRIu64 " 16-bit, %" PRIu64
			" 64-bit lengths), every chunk size\n", npub, wlen, n_ws_len16, n_ws_len64);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ws_load [options]\n"
		"  --mode ws|tcp          subscribers over WebSocket (default) or MQTT/TCP\n"
		"  --host H               broker address (127.0.0.1)\n"
		"  --ws-port P            the plugin's HTTP/WebSocket port (8000)\n"
		"  --tcp-port P           the broker's MQTT/TCP port (1883): publisher, and subscribers in tcp mode\n"
		"  --sub-ports P1,P2,..   subscribers spread over these ports instead (a cluster's edges)\n"
		"  --extra-pids P1,P2,..  also report these processes' CPU while publishing and RSS (extra_pids)\n"
		"  --subscribers N        subscriber connections (1000)\n"
		"  --rate R               messages/s published (10); 0: connect and hold only\n"
		"  --seconds S            publishing time (10)\n"
		"  --topic T              (crypto/prices/BTC)\n"
		"  --user U --password P  the publisher's account\n"
		"  --prefix X             client id prefix (web-bench- for ws, api-bench- for tcp)\n"
		"  --path /mqtt --origin O  WebSocket request path, Origin header (none)\n"
		"  --payload-bytes B      JSON payload size (200)\n"
		"  --connect-parallel K   handshakes in flight (64)\n"
		"  --connect-rate C       new connections/s cap (0: none)\n"
		"  --connect-timeout S    give up connecting after S s (120)\n"
		"  --settle S             idle time between connected and publishing (1)\n"
		"  --drain S              most wait for deliveries after the last publish (5)\n"
		"  --keepalive S          MQTT keepalive; PINGREQ every S/2 (60)\n"
		"  --broker-pid PID       sample the broker's CPU, RSS and descriptors\n"
		"  --p99-limit-ms L       a run is 'sustained' with no loss and p99 <= L (100)\n"
		"  --self-test            check the frame and packet parser, then exit\n"
		"  -v                     progress on stderr\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"mode", 1, 0, 'm'}, {"host", 1, 0, 'H'}, {"ws-port", 1, 0, 'w'}, {"tcp-port", 1, 0, 't'},
		{"subscribers", 1, 0, 'n'}, {"rate", 1, 0, 'r'}, {"seconds", 1, 0, 's'}, {"topic", 1, 0, 'T'},
		{"user", 1, 0, 'u'}, {"password", 1, 0, 'p'}, {"prefix", 1, 0, 'x'}, {"path", 1, 0, 'P'},
		{"origin", 1, 0, 'o'}, {"payload-bytes", 1, 0, 'b'}, {"connect-parallel", 1, 0, 'k'},
		{"connect-rate", 1, 0, 'c'}, {"connect-timeout", 1, 0, 'C'}, {"settle", 1, 0, 'S'},
		{"drain", 1, 0, 'd'}, {"keepalive", 1, 0, 'K'}, {"broker-pid", 1, 0, 'B'},
		{"p99-limit-ms", 1, 0, 'L'}, {"sub-ports", 1, 0, 'N'}, {"extra-pids", 1, 0, 'E'}, {"help", 0, 0, 'h'}, {"self-test", 0, 0, 'Z'}, {0, 0, 0, 0},
	};
	int ch;
	struct rlimit rl;
	struct epoll_event ev;
	uint64_t t_conn_start, t_conn_end, t_pub_end, t_last_delivery;
	uint64_t delivered_at_pub_end;
	struct cpu_sample cs_conn0, cs_conn1, cs_idle0, cs_idle1, cs_pub0, cs_pub1;
	double pub_s_main, pub_s_ws, pub_s_other, conn_s_main, conn_s_ws, conn_s_other;
	double my_cpu0, my_cpu1;
	long rss_before, rss_idle, rss_end, fds_before, fds_idle;
	double cpu_idle, cpu_idle_main, cpu_idle_other, cpu_pub, cpu_pub_main, cpu_pub_other;
	long min_recv = -1, max_recv = 0, short_subs = 0;
	double ratio, dps, pub_secs, p50, p90, p99, p999, mx;
	bool sustained, self_test_flag = false;
	double tool_cpu, sys_cpu, other_cpu;
	static char extra_json[MAX_EXTRA_PIDS * 80];

	while((ch = getopt_long(argc, argv, "hv", lo, NULL)) != -1){
		switch(ch){
			case 'm':
				if(strcmp(optarg, "ws") == 0) opt.ws = true;
				else if(strcmp(optarg, "tcp") == 0) opt.ws = false;
				else usage();
				break;
			case 'H': opt.host = optarg; break;
			case 'w': opt.ws_port = atoi(optarg); break;
			case 't': opt.tcp_port = atoi(optarg); break;
			case 'n': opt.subscribers = atol(optarg); break;
			case 'r': opt.rate = atof(optarg); break;
			case 's': opt.seconds = atof(optarg); break;
			case 'T': opt.topic = optarg; break;
			case 'u': opt.user = optarg; break;
			case 'p': opt.password = optarg; break;
			case 'x': opt.prefix = optarg; break;
			case 'P': opt.path = optarg; break;
			case 'o': opt.origin = optarg; break;
			case 'b': opt.payload_bytes = atoi(optarg); break;
			case 'k': opt.parallel = atoi(optarg); break;
			case 'c': opt.connect_rate = atof(optarg); break;
			case 'C': opt.connect_timeout = atof(optarg); break;
			case 'S': opt.settle = atof(optarg); break;
			case 'd': opt.drain = atof(optarg); break;
			case 'K': opt.keepalive = atoi(optarg); break;
			case 'B': opt.broker_pid = atoi(optarg); break;
			case 'L': opt.p99_limit_ms = atof(optarg); break;
			case 'N': sub_ports_arg = optarg; break;
			case 'E': extra_pids_arg = optarg; break;
			case 'v': opt.verbose = true; break;
			case 'Z': self_test_flag = true; break;
			default: usage();
		}
	}
	if(optind != argc || opt.subscribers < 1 || opt.rate < 0 || opt.seconds < 0 || opt.parallel < 1
			|| opt.payload_bytes < 0 || opt.payload_bytes > 3000) usage();
	if(opt.prefix == NULL) opt.prefix = opt.ws ? "web-bench-" : "api-bench-";
	clk_tck = sysconf(_SC_CLK_TCK);
	topic_len = strlen(opt.topic);
	if(self_test_flag) return self_test();
	rng_state ^= now_ns() ^ ((uint64_t)getpid() << 32);
	signal(SIGPIPE, SIG_IGN);

	/* descriptors: one per subscriber, and a few */
	if(getrlimit(RLIMIT_NOFILE, &rl) == 0){
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
		if(rl.rlim_cur < (rlim_t)opt.subscribers + 32){
			die("need %ld descriptors, the limit is %llu", opt.subscribers + 32,
					(unsigned long long)rl.rlim_cur);
		}
	}

	memset(&pub_addr, 0, sizeof(pub_addr));
	pub_addr.sin_family = AF_INET;
	if(inet_pton(AF_INET, opt.host, &pub_addr.sin_addr) != 1) die("--host must be an IPv4 address");
	sub_addrs[0] = pub_addr;
	sub_addrs[0].sin_port = htons((uint16_t)(opt.ws ? opt.ws_port : opt.tcp_port));
	pub_addr.sin_port = htons((uint16_t)opt.tcp_port);
	if(sub_ports_arg){
		char *list = strdup(sub_ports_arg), *save = NULL;

		if(list == NULL) die("out of memory");
		n_sub_addrs = 0;
		for(char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)){
			int port = atoi(tok);
			if(port <= 0 || port > 65535 || n_sub_addrs == MAX_SUB_PORTS) die("--sub-ports: bad list");
			sub_addrs[n_sub_addrs] = sub_addrs[0];
			sub_addrs[n_sub_addrs++].sin_port = htons((uint16_t)port);
		}
		free(list);
		if(n_sub_addrs == 0) die("--sub-ports: empty list");
	}
	if(extra_pids_arg){
		char *list = strdup(extra_pids_arg), *save = NULL;

		if(list == NULL) die("out of memory");
		for(char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)){
			if(n_extra_pids == MAX_EXTRA_PIDS || atoi(tok) <= 0) die("--extra-pids: bad list");
			extra_pids[n_extra_pids++] = atoi(tok);
		}
		free(list);
	}
	pub_addr.sin_port = htons((uint16_t)opt.tcp_port);

	conns = calloc((size_t)opt.subscribers, sizeof(*conns));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if(conns == NULL || epfd < 0 || tfd < 0) die("setup: %s", strerror(errno));
	for(long i = 0; i < opt.subscribers; i++) conns[i].fd = -1;
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)(int64_t)EV_TIMER;
	epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);

	/* 1. subscribers */
	rss_before = broker_rss_kib();
	fds_before = broker_fds();
	cpu_sample(&cs_conn0);
	t_conn_start = connect_t0 = now_ns();
	start_next();
	run_loop(all_connected, t_conn_start + (uint64_t)(opt.connect_timeout * 1e9));
	t_conn_end = now_ns();
	cpu_sample(&cs_conn1);
	if(opt.verbose){
		fprintf(stderr, "ws_load: %ld subscribed, %ld failed in %.2f s\n", n_ready, n_failed,
				(double)(t_conn_end - t_conn_start) / 1e9);
	}
	/* handshakes still in flight at the deadline count as failed */
	for(long i = 0; i < opt.subscribers; i++){
		if(conns[i].state != C_READY && conns[i].state != C_CLOSED && conns[i].state != C_IDLE){
			conn_close(&conns[i], "connect timeout");
		}
	}
	if(n_started < opt.subscribers) n_failed += opt.subscribers - n_started;

	/* 2. settle; the broker idles with every subscriber connected */
	cpu_sample(&cs_idle0);
	run_loop(never, now_ns() + (uint64_t)(opt.settle * 1e9));
	cpu_sample(&cs_idle1);
	cpu_delta(&cs_idle0, &cs_idle1, &cpu_idle, &cpu_idle_main, &cpu_idle_other);
	rss_idle = broker_rss_kib();
	fds_idle = broker_fds();
	long held_at_start = n_ready - n_dropped_ready;   /* the subscribers counted */

	/* 3. publish */
	pub_total = (uint64_t)(opt.rate * opt.seconds + 0.5);
	expected_total = pub_total * (uint64_t)held_at_start;
	cpu_sample(&cs_pub0);
	my_cpu0 = self_cpu_s();
	t_pub_end = t_last_delivery = now_ns();
	delivered_at_pub_end = 0;
	if(pub_total > 0){
		pub_connect();
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)(int64_t)EV_PUB;
		epoll_ctl(epfd, EPOLL_CTL_ADD, pub_fd, &ev);
		pub_period_ns = (uint64_t)(1e9 / opt.rate);
		pub_t0 = now_ns() + 1000000;
		publishing_started = true;
		{
			struct itimerspec its = {0};
			its.it_value.tv_sec = (time_t)(pub_t0 / 1000000000ull);
			its.it_value.tv_nsec = (long)(pub_t0 % 1000000000ull);
			timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
		}
		run_loop(published_all, 0);
		t_pub_end = now_ns();
		delivered_at_pub_end = n_delivered;
		if(opt.verbose) fprintf(stderr, "ws_load: published %" PRIu64 "\n", pub_sent);
		/* 4. drain */
		{
			uint64_t drain_end = t_pub_end + (uint64_t)(opt.drain * 1e9);
			uint64_t seen = n_delivered, t_seen = now_ns();
			while(!all_delivered() && now_ns() < drain_end){
				uint64_t step = now_ns() + 100000000ull;
				run_loop(all_delivered, step < drain_end ? step : drain_end);
				if(n_delivered != seen){
					seen = n_delivered;
					t_seen = now_ns();
				}else if(now_ns() - t_seen > 2000000000ull){
					break;           /* nothing for 2 s: the rest is lost */
				}
			}
		}
		t_last_delivery = now_ns();
	}
	cpu_sample(&cs_pub1);
	my_cpu1 = self_cpu_s();
	cpu_delta(&cs_pub0, &cs_pub1, &cpu_pub, &cpu_pub_main, &cpu_pub_other);
	rss_end = broker_rss_kib();
	pub_s_main = (double)(cs_pub1.ns_main - cs_pub0.ns_main) / 1e9;
	pub_s_ws = (double)(cs_pub1.ns_ws - cs_pub0.ns_ws) / 1e9;
	pub_s_other = (double)(cs_pub1.ns_other - cs_pub0.ns_other) / 1e9;
	conn_s_main = (double)(cs_conn1.ns_main - cs_conn0.ns_main) / 1e9;
	conn_s_ws = (double)(cs_conn1.ns_ws - cs_conn0.ns_ws) / 1e9;
	conn_s_other = (double)(cs_conn1.ns_other - cs_conn0.ns_other) / 1e9;

	tool_cpu = (my_cpu1 - my_cpu0) / ((double)(cs_pub1.t - cs_pub0.t) / 1e9 + 1e-9);
	/* what the rest of the machine used meanwhile (other processes) */
	sys_cpu = (double)(cs_pub1.sys_busy - cs_pub0.sys_busy) / (double)clk_tck / ((double)(cs_pub1.t - cs_pub0.t) / 1e9 + 1e-9);
	other_cpu = sys_cpu - tool_cpu - (opt.broker_pid > 0 ? cpu_pub : 0);
	{
		double dt = (double)(cs_pub1.t - cs_pub0.t) / 1e9 + 1e-9;
		int at = 0;

		extra_json[0] = '\0';
		for(int k = 0; k < n_extra_pids; k++){
			double share = (double)(cs_pub1.extra[k] - cs_pub0.extra[k]) / (double)clk_tck / dt;
			other_cpu -= share;
			at += snprintf(extra_json + at, sizeof(extra_json) - (size_t)at,
					"%s{\"pid\":%d,\"cpu_pub\":%.3f,\"cpu_s\":%.3f,\"rss_end_kib\":%ld}",
					k ? "," : "", extra_pids[k], share,
					(double)(cs_pub1.extra[k] - cs_pub0.extra[k]) / (double)clk_tck, pid_rss_kib(extra_pids[k]));
			if(at >= (int)sizeof(extra_json)) die("--extra-pids: too many");
		}
	}
	if(other_cpu < 0) other_cpu = 0;

	/* per-subscriber spread */
	for(long i = 0; i < opt.subscribers; i++){
		struct conn *c = &conns[i];
		if(!c->ready_once) continue;
		if(min_recv < 0 || (long)c->received < min_recv) min_recv = (long)c->received;
		if((long)c->received > max_recv) max_recv = (long)c->received;
		if(c->received < pub_total) short_subs++;
	}

	/* goodbye: DISCONNECT and close */
	for(long i = 0; i < opt.subscribers; i++){
		if(conns[i].state == C_READY){
			conn_send_mqtt(&conns[i], MQTT_DISCONNECT, 2);
			close(conns[i].fd);
		}
	}
	if(pub_fd >= 0){
		if(send(pub_fd, MQTT_DISCONNECT, 2, MSG_NOSIGNAL) < 0){ /* closing anyway */ }
		close(pub_fd);
	}

	pub_secs = (double)(t_last_delivery - pub_t0) / 1e9;
	ratio = expected_total ? (double)n_delivered / (double)expected_total : (pub_total ? 0 : 1);
	/* deliveries over the time from the first publish to the last delivery */
	dps = n_delivered && t_last_seen > pub_t0 ? (double)n_delivered / ((double)(t_last_seen - pub_t0) / 1e9) : 0;
	(void)delivered_at_pub_end;
	p50 = h_pct_ms(&lat, 50);
	p90 = h_pct_ms(&lat, 90);
	p99 = h_pct_ms(&lat, 99);
	p999 = h_pct_ms(&lat, 99.9);
	mx = lat.count ? (double)lat.max / 1000.0 : -1;
	long held = n_ready - n_dropped_ready;
	sustained = held == opt.subscribers && n_delivered == expected_total && pub_total > 0
		&& p99 >= 0 && p99 <= opt.p99_limit_ms;

	printf("mode %s, %ld subscribers, %.0f msg/s for %.1f s, payload %d B, topic %s\n",
			opt.ws ? "ws" : "tcp", opt.subscribers, opt.rate, opt.seconds, opt.payload_bytes, opt.topic);
	printf("connect:    %ld subscribed, %ld failed in %.2f s (%.0f/s); handshake p50 %.1f ms p99 %.1f ms max %.1f ms\n",
			n_ready, n_failed, (double)(t_conn_end - t_conn_start) / 1e9,
			(double)n_ready / ((double)(t_conn_end - t_conn_start) / 1e9),
			h_pct_ms(&conn_h, 50), h_pct_ms(&conn_h, 99), conn_h.count ? (double)conn_h.max / 1000.0 : -1);
	printf("held:       %ld of %ld at the end (%ld closed by the server after subscribing)\n",
			held, opt.subscribers, n_dropped_ready);
	if(pub_total){
		printf("deliveries: %" PRIu64 " of %" PRIu64 " expected (%.4f %%), %.0f/s; per subscriber min %ld max %ld, %ld short; "
				"%" PRIu64 " out of order\n",
				n_delivered, expected_total, 100 * ratio, dps, min_recv, max_recv, short_subs, n_misordered);
		printf("latency:    p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, mean %.2f ms\n",
				p50, p90, p99, p999, mx, lat.count ? (double)lat.sum / (double)lat.count / 1000.0 : -1);
		printf("publisher:  %" PRIu64 " sent, most late %.2f ms, most bytes queued in the tool %zu\n",
				pub_sent, (double)pub_max_lag_ns / 1e6, pub_out_max);
	}
	if(opt.broker_pid > 0){
		printf("broker:     RSS %ld KiB before, %ld idle (%+.2f KiB per subscriber), %ld after; fds %ld -> %ld (%.2f per subscriber)\n",
				rss_before, rss_idle, n_ready ? (double)(rss_idle - rss_before) / (double)n_ready : 0, rss_end,
				fds_before, fds_idle, n_ready ? (double)(fds_idle - fds_before) / (double)n_ready : 0);
		printf("broker CPU: idle %.0f %%; publishing %.0f %% (main thread %.0f %%, busiest other thread %.0f %%); "
				"this tool %.0f %%; other processes %.0f %% (%ld CPUs)\n", 100 * cpu_idle, 100 * cpu_pub, 100 * cpu_pub_main,
				100 * cpu_pub_other, 100 * tool_cpu, 100 * other_cpu, sysconf(_SC_NPROCESSORS_ONLN));
		if(n_delivered){
			double d = (double)n_delivered;
			printf("CPU/deliv:  %.2f us per delivery in the broker process: main thread %.2f, listener threads %.2f, "
					"other threads %.2f (CPU seconds %.3f / %.3f / %.3f over %" PRIu64 " deliveries)\n",
					1e6 * (pub_s_main + pub_s_ws + pub_s_other) / d, 1e6 * pub_s_main / d, 1e6 * pub_s_ws / d,
					1e6 * pub_s_other / d, pub_s_main, pub_s_ws, pub_s_other, n_delivered);
		}
		if(n_ready){
			double c = (double)n_ready;
			printf("CPU/conn:   %.1f us per connect+subscribe in the broker process: main thread %.1f, listener threads %.1f, "
					"other threads %.1f\n", 1e6 * (conn_s_main + conn_s_ws + conn_s_other) / c, 1e6 * conn_s_main / c,
					1e6 * conn_s_ws / c, 1e6 * conn_s_other / c);
		}
	}
	if(n_ws_text || n_unexpected || n_bad_payload || n_other_publish || n_ws_close){
		printf("anomalies:  %" PRIu64 " text frames, %" PRIu64 " unexpected packets, %" PRIu64 " bad payloads, "
				"%" PRIu64 " other topics, %" PRIu64 " close frames\n",
				n_ws_text, n_unexpected, n_bad_payload, n_other_publish, n_ws_close);
	}
	for(int i = 0; i < n_errors_kept; i++) printf("error:      %s\n", first_errors[i]);
	printf("verdict:    %s (p99 <= %.0f ms, no loss, all held)\n",
			sustained ? "SUSTAINED" : "NOT sustained", opt.p99_limit_ms);

	printf("RESULT {\"mode\":\"%s\",\"subscribers\":%ld,\"rate\":%g,\"seconds\":%g,\"payload_bytes\":%d,"
			"\"subscribed\":%ld,\"connect_failed\":%ld,\"connect_s\":%.3f,\"handshake_p50_ms\":%.2f,"
			"\"handshake_p99_ms\":%.2f,\"handshake_max_ms\":%.2f,"
			"\"held\":%ld,\"dropped_after_subscribe\":%ld,"
			"\"published\":%" PRIu64 ",\"expected\":%" PRIu64 ",\"delivered\":%" PRIu64 ",\"delivery_ratio\":%.6f,"
			"\"deliveries_per_s\":%.1f,\"min_per_sub\":%ld,\"max_per_sub\":%ld,\"short_subs\":%ld,"
			"\"out_of_order\":%" PRIu64 ",\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
			"\"max_ms\":%.3f,\"mean_ms\":%.3f,\"pub_max_late_ms\":%.3f,\"pub_max_queued\":%zu,\"elapsed_s\":%.3f,"
			"\"rss_before_kib\":%ld,\"rss_idle_kib\":%ld,\"rss_end_kib\":%ld,\"fds_before\":%ld,\"fds_idle\":%ld,"
			"\"cpu_idle\":%.3f,\"cpu_pub\":%.3f,\"cpu_pub_main\":%.3f,\"cpu_pub_other\":%.3f,\"tool_cpu\":%.3f,\"other_cpu\":%.3f,"
			"\"ws_frames\":%" PRIu64 ",\"ws_len16\":%" PRIu64 ",\"ws_len64\":%" PRIu64 ",\"ws_fragments\":%" PRIu64 ",\"ws_pings\":%" PRIu64 ",\"ws_close\":%" PRIu64 ","
			"\"split_packets\":%" PRIu64 ",\"unexpected\":%" PRIu64 ",\"bad_payload\":%" PRIu64 ","
			"\"bytes_in\":%" PRIu64 ",\"extra_pids\":[%s],"
			"\"cpu_s_main\":%.4f,\"cpu_s_ws\":%.4f,\"cpu_s_other\":%.4f,"
			"\"conn_cpu_s_main\":%.4f,\"conn_cpu_s_ws\":%.4f,\"conn_cpu_s_other\":%.4f,\"sustained\":%s}\n",
			opt.ws ? "ws" : "tcp", opt.subscribers, opt.rate, opt.seconds, opt.payload_bytes,
			n_ready, n_failed, (double)(t_conn_end - t_conn_start) / 1e9,
			h_pct_ms(&conn_h, 50), h_pct_ms(&conn_h, 99), conn_h.count ? (double)conn_h.max / 1000.0 : -1,
			held, n_dropped_ready,
			pub_sent, expected_total, n_delivered, ratio, dps, min_recv, max_recv, short_subs,
			n_misordered, p50, p90, p99, p999, mx, lat.count ? (double)lat.sum / (double)lat.count / 1000.0 : -1,
			(double)pub_max_lag_ns / 1e6, pub_out_max, pub_secs,
			rss_before, rss_idle, rss_end, fds_before, fds_idle,
			cpu_idle, cpu_pub, cpu_pub_main, cpu_pub_other,
			tool_cpu, other_cpu,
			n_ws_frames, n_ws_len16, n_ws_len64, n_ws_fragments, n_ws_pings, n_ws_close, n_split_packets, n_unexpected,
			n_bad_payload, n_bytes_in, extra_json,
			pub_s_main, pub_s_ws, pub_s_other, conn_s_main, conn_s_ws, conn_s_other,
			sustained ? "true" : "false");
	fflush(stdout);
	return 0;
}
