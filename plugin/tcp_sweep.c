#include "tcp_sweep.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcp.h>
#include <netinet/in.h>

#include "broker_listeners.h"
#include "log.h"
#include "netaddr.h"

/* Pace: a pass starts at most once a second and reads at most
 * SWEEP_FDS_PER_MS descriptors per millisecond since the last slice, so
 * a busy broker (thousands of ticks a second) sweeps no faster than an
 * idle one (ten a second), and a large table is spread over seconds. */
#define SWEEP_PASS_EVERY_MS 1000
#define SWEEP_FDS_PER_MS 8
#define SWEEP_MIN_GAP_MS 5
#define SWEEP_SLICE_MAX 2048

enum slot_kind {
	SLOT_UNKNOWN,                    /* not looked at yet */
	SLOT_OTHER,                      /* not a connection the broker accepted on TCP */
	SLOT_SESSION,                    /* the broker has sent on it: past CONNECT */
	SLOT_PRECONNECT,                 /* nothing sent yet: no CONNACK */
	SLOT_SHUT,                       /* shut down by us; the broker closes it */
};

/* What the descriptor number held when last looked at; a new socket
 * under the same number has another inode and is looked at afresh. */
struct slot {
	uint64_t ino;
	int64_t since_ms;                /* PRECONNECT: when it was accepted (or first seen) */
	uint8_t kind;
	struct nabz_netaddr peer;        /* PRECONNECT */
};

/* Connections without CONNECT seen per limit key in the current pass. */
struct tally {
	char key[NABZ_NETADDR_KEY_MAX];
	unsigned count;
	UT_hash_handle hh;
};

struct nabz_tcp_sweep {
	const struct nabz_config *cfg;
	DIR *dir;                        /* /proc/self/fd, kept open between slices */
	bool ports_known;
	bool off;                        /* nothing to sweep (said once) */
	uint16_t ports[NABZ_BROKER_LISTENERS_MAX]; /* the broker's TCP listeners */
	size_t port_count;
	struct slot *slots;              /* by descriptor number */
	size_t slot_count;
	struct tally *tally;
	uint64_t tally_total;
	bool in_pass;
	int64_t pass_started_ms;
	int64_t last_slice_ms;
	uint64_t pass_fds;
};

static int fd_of(struct dirent *e)
{
	char *end;
	long fd;

	if(e->d_name[0] < '0' || e->d_name[0] > '9') return -1;
	fd = strtol(e->d_name, &end, 10);
	return *end == '\0' && fd >= 0 && fd < 0x7fffffff ? (int)fd : -1;
}

/* Once: the ports of the broker's TCP listeners, as the tick found them
 * (broker_listeners.h). */
static void take_ports(struct nabz_tcp_sweep *sw, const struct nabz_broker_listeners *l)
{
	char list[NABZ_BROKER_LISTENERS_MAX * 7];

	sw->ports_known = true;
	if(l->port_count == 0){
		sw->off = true;
		nabz_log_warn("no TCP listener of the broker found: connections that send no CONNECT "
				"are left to the broker");
		return;
	}
	memcpy(sw->ports, l->ports, l->port_count * sizeof(l->ports[0]));
	sw->port_count = l->port_count;
	nabz_broker_listeners__ports_text(l, list, sizeof(list));
	nabz_log_info("TCP connections without CONNECT on port(s) %s are closed after %ld s",
			list, sw->cfg->tcp_connect_timeout_s);
}

static struct slot *slot_for(struct nabz_tcp_sweep *sw, int fd)
{
	size_t want = (size_t)fd + 1;

	if(want > sw->slot_count){
		size_t n = sw->slot_count ? sw->slot_count : 1024;
		struct slot *grown;

		while(n < want) n *= 2;
		grown = realloc(sw->slots, n * sizeof(*grown));
		if(grown == NULL) return NULL;
		memset(grown + sw->slot_count, 0, (n - sw->slot_count) * sizeof(*grown));
		sw->slots = grown;
		sw->slot_count = n;
	}
	return &sw->slots[fd];
}

/* TCP_INFO; *sent: whether the broker ever sent a byte on it. */
static int tcp_state(int fd, bool *sent, bool *received, uint32_t *idle_ms)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return -1;
	if(len >= offsetof(struct tcp_info, tcpi_bytes_sent) + sizeof(ti.tcpi_bytes_sent)){
		*sent = ti.tcpi_bytes_sent > 0;
	}else if(len >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)){
		*sent = ti.tcpi_bytes_acked > 0;      /* kernels before 4.19 */
	}else{
		return -1;                           /* cannot tell: leave it alone */
	}
	*received = ti.tcpi_bytes_received > 0;
	*idle_ms = ti.tcpi_last_data_recv;
	return 0;
}

static void classify(struct nabz_tcp_sweep *sw, int fd, struct slot *s, uint64_t ino, int64_t now_ms)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	unsigned port;
	bool is_ours = false, sent, received;
	uint32_t idle_ms;

	memset(s, 0, sizeof(*s));
	s->ino = ino;
	s->kind = SLOT_OTHER;
	if(nabz_broker_listeners__local_port(fd, &port) != 0) return;
	for(size_t i = 0; i < sw->port_count; i++) is_ours = is_ours || sw->ports[i] == port;
	/* a listening socket has no peer */
	if(!is_ours || getpeername(fd, (struct sockaddr *)&peer, &len) != 0) return;
	if(nabz_netaddr__from_sockaddr((struct sockaddr *)&peer, &s->peer) != 0) return;
	if(sw->cfg->tcp_nodelay){
		/* Accepted before the first tick set it on the listener
		 * (broker_listeners.h): the broker's first ~100 ms. */
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if(tcp_state(fd, &sent, &received, &idle_ms) != 0) return;
	if(sent){
		s->kind = SLOT_SESSION;
		return;
	}
	s->kind = SLOT_PRECONNECT;
	/* For a socket that never received a byte, the time since it last
	 * received data is the time since it was established. */
	s->since_ms = received ? now_ms : now_ms - (int64_t)idle_ms;
}

static unsigned *tally_of(struct nabz_tcp_sweep *sw, const char *key)
{
	struct tally *t;

	HASH_FIND_STR(sw->tally, key, t);
	if(t) return &t->count;
	t = calloc(1, sizeof(*t));
	if(t == NULL) return NULL;
	snprintf(t->key, sizeof(t->key), "%s", key);
	HASH_ADD_STR(sw->tally, key, t);
	if(sw->tally == NULL){
		free(t);
		return NULL;
	}
	return &t->count;
}

static void tally_clear(struct nabz_tcp_sweep *sw)
{
	struct tally *t, *tmp;

	HASH_ITER(hh, sw->tally, t, tmp){
		HASH_DEL(sw->tally, t);
		free(t);
	}
	sw->tally_total = 0;
}

static void shut(struct nabz_tcp_sweep *sw, struct nabz_tcp_limits *limits, int fd, struct slot *s,
		enum nabz_tcp_reason why, const char *key, int64_t now_ms)
{
	unsigned suppressed;
	int64_t since_ms;
	char detail[96];

	if(shutdown(fd, SHUT_RDWR) != 0 && errno != ENOTCONN) return;
	s->kind = SLOT_SHUT;
	limits->m.closed[why]++;
	if(!nabz_ratelog__due(&limits->log[why], now_ms, &suppressed, &since_ms)) return;
	switch(why){
		case NABZ_TCP_TIMEOUT:
			snprintf(detail, sizeof(detail), "no CONNECT within tcp_connect_timeout_s (%ld s)",
					sw->cfg->tcp_connect_timeout_s);
			break;
		case NABZ_TCP_PER_IP:
			snprintf(detail, sizeof(detail), "tcp_max_connections_per_ip (%ld) reached",
					sw->cfg->tcp_max_connections_per_ip);
			break;
		default:
			snprintf(detail, sizeof(detail), "tcp_max_connections (%ld) reached", sw->cfg->tcp_max_connections);
			break;
	}
	if(suppressed){
		nabz_log_notice("closed TCP connection from %s before its CONNECT: %s (and %u more closed for "
				"this reason in the last %lld s)", key, detail, suppressed, (long long)(since_ms / 1000));
	}else{
		nabz_log_notice("closed TCP connection from %s before its CONNECT: %s", key, detail);
	}
}

static void visit(struct nabz_tcp_sweep *sw, struct nabz_tcp_limits *limits, int fd, int64_t now_ms)
{
	const struct nabz_config *cfg = sw->cfg;
	char key[NABZ_NETADDR_KEY_MAX];
	struct stat st;
	struct slot *s;
	bool sent, received, exempt;
	uint32_t idle_ms;
	unsigned *seen;

	if(fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return;
	s = slot_for(sw, fd);
	if(s == NULL) return;            /* out of memory: try again next pass */
	if(s->kind == SLOT_UNKNOWN || s->ino != (uint64_t)st.st_ino) classify(sw, fd, s, (uint64_t)st.st_ino, now_ms);
	if(s->kind != SLOT_PRECONNECT) return;
	if(tcp_state(fd, &sent, &received, &idle_ms) != 0){
		s->kind = SLOT_OTHER;
		return;
	}
	if(sent){
		s->kind = SLOT_SESSION;
		return;
	}
	nabz_netaddr__key_of(&s->peer, key, sizeof(key));
	if(now_ms - s->since_ms >= cfg->tcp_connect_timeout_s * 1000){
		shut(sw, limits, fd, s, NABZ_TCP_TIMEOUT, key, now_ms);
		return;
	}
	seen = tally_of(sw, key);
	if(seen == NULL) return;
	exempt = nabz_cidrlist__contains(&cfg->limit_exempt_nets, &s->peer);
	if(!exempt && nabz_tcp_limits__count(limits, key) + *seen >= (unsigned)cfg->tcp_max_connections_per_ip){
		shut(sw, limits, fd, s, NABZ_TCP_PER_IP, key, now_ms);
		return;
	}
	if(limits->m.sessions + sw->tally_total >= (uint64_t)cfg->tcp_max_connections){
		shut(sw, limits, fd, s, NABZ_TCP_CAPACITY, key, now_ms);
		return;
	}
	(*seen)++;
	sw->tally_total++;
}

static int64_t thread_cpu_us(void)
{
	struct timespec ts;

	if(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void nabz_tcp_sweep__tick(struct nabz_tcp_sweep *sw, struct nabz_tcp_limits *limits,
		const struct nabz_broker_listeners *listeners, int64_t now_ms)
{
	int64_t cpu0, budget, elapsed;

	if(sw->off) return;
	if(!sw->in_pass){
		if(sw->pass_started_ms && now_ms - sw->pass_started_ms < SWEEP_PASS_EVERY_MS) return;
		cpu0 = thread_cpu_us();
		if(!sw->ports_known){
			take_ports(sw, listeners);
			if(sw->off) return;
		}
		rewinddir(sw->dir);
		tally_clear(sw);
		sw->in_pass = true;
		sw->pass_started_ms = now_ms;
		sw->pass_fds = 0;
		limits->m.sweep_cpu_us += (uint64_t)(thread_cpu_us() - cpu0);
	}
	elapsed = now_ms - sw->last_slice_ms;
	if(elapsed < SWEEP_MIN_GAP_MS) return;
	budget = elapsed * SWEEP_FDS_PER_MS;
	if(budget > SWEEP_SLICE_MAX) budget = SWEEP_SLICE_MAX;
	sw->last_slice_ms = now_ms;
	cpu0 = thread_cpu_us();
	while(budget-- > 0){
		struct dirent *e = readdir(sw->dir);
		int fd;

		if(e == NULL){
			sw->in_pass = false;
			limits->m.preconnect = sw->tally_total;
			limits->m.swept_fds = sw->pass_fds;
			break;
		}
		fd = fd_of(e);
		if(fd < 0 || fd == dirfd(sw->dir)) continue;
		sw->pass_fds++;
		visit(sw, limits, fd, now_ms);
	}
	limits->m.sweep_cpu_us += (uint64_t)(thread_cpu_us() - cpu0);
}

struct nabz_tcp_sweep *nabz_tcp_sweep__new(const struct nabz_config *cfg)
{
	struct nabz_tcp_sweep *sw = calloc(1, sizeof(*sw));

	if(sw == NULL){
		nabz_log_err("out of memory starting the TCP connection sweep");
		return NULL;
	}
	sw->cfg = cfg;
	sw->dir = opendir("/proc/self/fd");
	if(sw->dir == NULL){
		nabz_log_err("cannot open /proc/self/fd (%s): connections that send no CONNECT are left "
				"to the broker", strerror(errno));
		free(sw);
		return NULL;
	}
	return sw;
}

void nabz_tcp_sweep__free(struct nabz_tcp_sweep *sw)
{
	if(sw == NULL) return;
	tally_clear(sw);
	closedir(sw->dir);
	free(sw->slots);
	free(sw);
}
