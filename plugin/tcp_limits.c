#include "tcp_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum nabz_tcp_verdict nabz_tcp_limits__admit(struct nabz_tcp_limits *l, const struct nabz_config *cfg,
		const char *address, bool *first_refusal)
{
	char key[NABZ_NETADDR_KEY_MAX];
	struct nabz_tcp_addr *a;
	bool exempt = nabz_cidrlist__contains_text(&cfg->limit_exempt_nets, address);

	*first_refusal = false;
	nabz_netaddr__limit_key(address, key, sizeof(key));
	HASH_FIND_STR(l->by_key, key, a);
	if(l->m.sessions >= (uint64_t)cfg->tcp_max_connections){
		l->m.refused[NABZ_TCP_CAPACITY]++;
		return NABZ_TCP_REFUSE_CAPACITY;
	}
	if(!exempt && a && a->count >= (unsigned)cfg->tcp_max_connections_per_ip){
		l->m.refused[NABZ_TCP_PER_IP]++;
		*first_refusal = !a->refusal_logged;
		a->refusal_logged = true;
		return NABZ_TCP_REFUSE_PER_IP;
	}
	if(a == NULL){
		a = calloc(1, sizeof(*a));
		if(a == NULL) return NABZ_TCP_REFUSE_NOMEM;
		memcpy(a->key, key, sizeof(key));
		HASH_ADD_STR(l->by_key, key, a);
		if(l->by_key == NULL){       /* uthash could not allocate its table */
			free(a);
			return NABZ_TCP_REFUSE_NOMEM;
		}
	}
	a->count++;
	l->m.sessions++;
	return NABZ_TCP_ADMIT;
}

void nabz_tcp_limits__release(struct nabz_tcp_limits *l, const struct nabz_config *cfg, const char *address)
{
	char key[NABZ_NETADDR_KEY_MAX];
	struct nabz_tcp_addr *a;

	nabz_netaddr__limit_key(address, key, sizeof(key));
	HASH_FIND_STR(l->by_key, key, a);
	if(a && --a->count == 0){
		HASH_DEL(l->by_key, a);
		free(a);
	}else if(a && a->count < (unsigned)cfg->tcp_max_connections_per_ip){
		a->refusal_logged = false;   /* a new run of refusals is said again */
	}
	if(l->m.sessions) l->m.sessions--;
}

unsigned nabz_tcp_limits__count(const struct nabz_tcp_limits *l, const char *key)
{
	struct nabz_tcp_addr *a;

	HASH_FIND_STR(l->by_key, key, a);
	return a ? a->count : 0;
}

void nabz_tcp_limits__cleanup(struct nabz_tcp_limits *l)
{
	struct nabz_tcp_addr *a, *tmp;

	HASH_ITER(hh, l->by_key, a, tmp){
		HASH_DEL(l->by_key, a);
		free(a);
	}
	memset(l, 0, sizeof(*l));
}
