/*
 * Who is on the other end: the client's address behind trusted reverse
 * proxies (service threads), and how many are connected, in total and per
 * address, across every service thread (under the shared lock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "ws_internal.h"

/* Copies s[0..len) trimmed of spaces into out. */
static void copy_trimmed(const char *s, size_t len, char *out, size_t outlen)
{
	while(len && (*s == ' ' || *s == '\t')){ s++; len--; }
	while(len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
	if(len >= outlen) len = outlen - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

void nabz_ws__client_address(const struct nabz_namelist *trusted, const char *peer,
		const char *forwarded_for, char *out, size_t outlen)
{
	char hop[NABZ_ADDR_MAX];
	size_t end;

	/* An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d. */
	if(strncmp(peer, "::ffff:", 7) == 0 && strchr(peer + 7, '.')) peer += 7;
	snprintf(out, outlen, "%s", peer);
	if(forwarded_for == NULL || !nabz_namelist__contains(trusted, peer)) return;
	/* Walk the hops right to left: the rightmost one that is not one of
	 * our proxies is the client (anything left of it could be forged). */
	end = strlen(forwarded_for);
	while(end > 0){
		size_t start = end;
		while(start > 0 && forwarded_for[start - 1] != ',') start--;
		copy_trimmed(forwarded_for + start, end - start, hop, sizeof(hop));
		if(hop[0] && !nabz_namelist__contains(trusted, hop)){
			snprintf(out, outlen, "%s", hop);
			return;
		}
		if(hop[0]) snprintf(out, outlen, "%s", hop);
		end = start ? start - 1 : 0;
	}
}

/* The key an address counts under (its /64 for IPv6), and whether
 * limit_exempt spares it the per-address limit. Exempt addresses are
 * still counted: the total limit holds for them too. */
static bool limit_key(const struct nabz_listener *sh, const char *address, char *key, size_t keylen)
{
	nabz_netaddr__limit_key(address, key, keylen);
	return nabz_cidrlist__contains_text(&sh->cfg->limit_exempt_nets, address);
}

/* {lock} held. *first: this is the address's first refusal since it
 * was last below the limit (said once in the log, then only counted). */
static enum nabz_ws_refusal limits_check_locked(struct nabz_listener *sh, const char *key, bool exempt,
		struct nabz_ip_count **found, bool *first)
{
	struct nabz_ip_count *c;

	HASH_FIND_STR(sh->per_ip, key, c);
	*found = c;
	*first = false;
	if(sh->connections >= (unsigned)sh->cfg->ws_max_connections) return NABZ_REFUSED_CAPACITY;
	if(!exempt && c && c->count >= (unsigned)sh->cfg->ws_max_connections_per_ip){
		*first = !c->refusal_logged;
		c->refusal_logged = true;
		return NABZ_REFUSED_PER_IP;
	}
	return NABZ_REFUSAL_COUNT;
}

static void log_first_refusal(struct nabz_listener *sh, const char *key)
{
	nabz_seam__log(sh->seam, MOSQ_LOG_NOTICE, "address %s reached ws_max_connections_per_ip "
			"(%ld); further refusals for it are counted in /metrics", key, sh->cfg->ws_max_connections_per_ip);
}

enum nabz_ws_refusal nabz_ws__limits_check(struct nabz_listener *sh, const char *address)
{
	char key[NABZ_ADDR_MAX];
	bool exempt = limit_key(sh, address, key, sizeof(key)), first;
	struct nabz_ip_count *c;
	enum nabz_ws_refusal why;

	pthread_mutex_lock(&sh->lock);
	why = limits_check_locked(sh, key, exempt, &c, &first);
	pthread_mutex_unlock(&sh->lock);
	if(first) log_first_refusal(sh, key);
	return why;
}

enum nabz_ws_refusal nabz_ws__limits_acquire(struct nabz_listener *sh, const char *address,
		char *key, size_t keylen)
{
	bool exempt = limit_key(sh, address, key, keylen), first;
	struct nabz_ip_count *c;
	enum nabz_ws_refusal why;

	pthread_mutex_lock(&sh->lock);
	why = limits_check_locked(sh, key, exempt, &c, &first);
	if(why == NABZ_REFUSAL_COUNT && c == NULL){
		c = calloc(1, sizeof(*c));
		if(c == NULL){
			why = NABZ_REFUSED_CAPACITY;   /* out of memory: no room */
		}else{
			snprintf(c->ip, sizeof(c->ip), "%s", key);
			HASH_ADD_STR(sh->per_ip, ip, c);
		}
	}
	if(why == NABZ_REFUSAL_COUNT){
		c->count++;
		sh->connections++;
	}
	pthread_mutex_unlock(&sh->lock);
	if(first) log_first_refusal(sh, key);
	return why;
}

void nabz_ws__limits_release(struct nabz_listener *sh, const char *key)
{
	struct nabz_ip_count *c;

	pthread_mutex_lock(&sh->lock);
	HASH_FIND_STR(sh->per_ip, key, c);
	if(c && --c->count == 0){
		HASH_DEL(sh->per_ip, c);
		free(c);
	}else if(c && c->count < (unsigned)sh->cfg->ws_max_connections_per_ip){
		/* below the limit again: a new run of refusals is said again */
		c->refusal_logged = false;
	}
	if(sh->connections) sh->connections--;
	pthread_mutex_unlock(&sh->lock);
}

unsigned nabz_ws__limits_connections(struct nabz_listener *sh)
{
	unsigned n;

	pthread_mutex_lock(&sh->lock);
	n = sh->connections;
	pthread_mutex_unlock(&sh->lock);
	return n;
}

/* After every service thread has stopped. */
void nabz_ws__limits_free(struct nabz_listener *sh)
{
	struct nabz_ip_count *c, *tmp;

	HASH_ITER(hh, sh->per_ip, c, tmp){
		HASH_DEL(sh->per_ip, c);
		free(c);
	}
}
