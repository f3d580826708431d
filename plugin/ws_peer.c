/*
 * Who is on the other end: the client's address behind trusted reverse
 * proxies, and connections per address. lws thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

unsigned nabz_ws__ip_count(struct nabz_ws *ws, const char *ip)
{
	struct nabz_ip_count *c;

	HASH_FIND_STR(ws->per_ip, ip, c);
	return c ? c->count : 0;
}

int nabz_ws__ip_acquire(struct nabz_ws *ws, const char *ip)
{
	struct nabz_ip_count *c;

	HASH_FIND_STR(ws->per_ip, ip, c);
	if(c == NULL){
		c = calloc(1, sizeof(*c));
		if(c == NULL) return -1;
		snprintf(c->ip, sizeof(c->ip), "%s", ip);
		HASH_ADD_STR(ws->per_ip, ip, c);
		if(ws->per_ip == NULL){
			free(c);
			return -1;
		}
	}
	if(c->count >= (unsigned)ws->cfg->ws_max_connections_per_ip) return -1;
	c->count++;
	return 0;
}

void nabz_ws__ip_release(struct nabz_ws *ws, const char *ip)
{
	struct nabz_ip_count *c;

	HASH_FIND_STR(ws->per_ip, ip, c);
	if(c && --c->count == 0){
		HASH_DEL(ws->per_ip, c);
		free(c);
	}
}
