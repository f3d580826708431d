#include "broker_listeners.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

/* The plugin's own WebSocket ports: its sockets are not the broker's. */
static bool is_ws_port(const struct nabz_config *cfg, unsigned port)
{
	const struct nabz_namelist *lists[] = {&cfg->ws_listeners, &cfg->ws_tls_listeners};

	for(size_t l = 0; l < 2; l++){
		for(size_t i = 0; i < lists[l]->count; i++){
			const char *colon = strrchr(lists[l]->names[i], ':');
			if(colon && strtoul(colon + 1, NULL, 10) == port) return true;
		}
	}
	return false;
}

int nabz_broker_listeners__local_port(int fd, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if(getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -1;
	if(ss.ss_family == AF_INET){
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}else if(ss.ss_family == AF_INET6){
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}else{
		return -1;
	}
	return 0;
}

int nabz_broker_listeners__find(const struct nabz_config *cfg, struct nabz_broker_listeners *out)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;

	memset(out, 0, sizeof(*out));
	if(dir == NULL) return -1;
	while((e = readdir(dir)) != NULL){
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		int listening = 0;
		socklen_t len = sizeof(listening);
		unsigned port;
		bool known = false;

		if(e->d_name[0] < '0' || e->d_name[0] > '9' || *end != '\0' || fd == dirfd(dir)) continue;
		if(nabz_broker_listeners__local_port((int)fd, &port) != 0) continue;
		if(getsockopt((int)fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
		if(is_ws_port(cfg, port)) continue;
		if(out->fd_count < NABZ_BROKER_LISTENERS_MAX) out->fds[out->fd_count++] = (int)fd;
		for(size_t i = 0; i < out->port_count; i++) known = known || out->ports[i] == port;
		if(!known && out->port_count < NABZ_BROKER_LISTENERS_MAX) out->ports[out->port_count++] = (uint16_t)port;
	}
	closedir(dir);
	return 0;
}

size_t nabz_broker_listeners__set_nodelay(const struct nabz_broker_listeners *l)
{
	size_t done = 0;
	int one = 1;

	for(size_t i = 0; i < l->fd_count; i++){
		if(setsockopt(l->fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0) done++;
	}
	return done;
}

void nabz_broker_listeners__ports_text(const struct nabz_broker_listeners *l, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for(size_t i = 0; i < l->port_count && used < outlen; i++){
		int n = snprintf(out + used, outlen - used, "%s%u", i ? " " : "", l->ports[i]);
		if(n < 0) break;
		used += (size_t)n;
	}
}
