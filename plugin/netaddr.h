/*
 * Client addresses for the connection limits: parsing an address as the
 * broker (mosquitto_client_address) or libwebsockets gives it, the key a
 * per-address limit counts under, and CIDR exemption lists.
 *
 * The key of an IPv4 address is the address; the key of an IPv6 address
 * is its /64, written "2001:db8:1:2::/64": one subscriber (a home, a phone)
 * gets a whole /64 and can pick any address in it, so counting single IPv6
 * addresses would not limit anyone. "::ffff:a.b.c.d" (an IPv4 client on a
 * dual-stack socket) is the IPv4 address a.b.c.d.
 *
 * Pure functions, no locks: any thread.
 */
#ifndef NABZ_NETADDR_H
#define NABZ_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* Big enough for any key, and for the address as text. */
#define NABZ_NETADDR_KEY_MAX 64

struct nabz_netaddr {
	uint8_t family;             /* 4 or 6; 0: not an address */
	uint8_t bytes[16];          /* network order; IPv4 in the first 4 */
};

struct nabz_cidr {
	struct nabz_netaddr net;    /* host bits cleared */
	unsigned prefix;            /* 0..32 or 0..128 */
};

/* A list of networks, e.g. "127.0.0.0/8 ::1". Owns items. */
struct nabz_cidrlist {
	struct nabz_cidr *items;
	size_t count;
};

/* Parses "a.b.c.d", an IPv6 address (with or without a "%zone"), or
 * "::ffff:a.b.c.d" (to IPv4). Returns 0, or -1 for anything else (NULL,
 * empty, a unix socket path, junk); out is then family 0. */
int nabz_netaddr__parse(const char *text, struct nabz_netaddr *out);
/* The same from a socket address (AF_INET or AF_INET6); -1 otherwise. */
int nabz_netaddr__from_sockaddr(const struct sockaddr *sa, struct nabz_netaddr *out);

/* Writes the limit key of address (see above) into out. Text that is not
 * an address is its own key (truncated to fit; "-" for NULL or empty),
 * so junk is still limited, as one address. */
void nabz_netaddr__limit_key(const char *address, char *out, size_t outlen);
void nabz_netaddr__key_of(const struct nabz_netaddr *a, char *out, size_t outlen);

/* Parses "a.b.c.d/n", "ipv6/n", or an address alone (a /32 or /128).
 * Returns 0, or -1 for junk (bad address, prefix out of range, host bits
 * set are allowed and cleared). */
int nabz_cidr__parse(const char *text, struct nabz_cidr *out);
bool nabz_cidr__match(const struct nabz_cidr *net, const struct nabz_netaddr *a);

/* Parses every entry of names[0..count); on failure returns -1, writes the
 * bad entry into err and leaves out empty. out must be empty or freed. */
int nabz_cidrlist__parse(char *const *names, size_t count, struct nabz_cidrlist *out,
		char *err, size_t errlen);
void nabz_cidrlist__free(struct nabz_cidrlist *list);
bool nabz_cidrlist__contains(const struct nabz_cidrlist *list, const struct nabz_netaddr *a);
/* address parsed and in list; junk is never exempt. */
bool nabz_cidrlist__contains_text(const struct nabz_cidrlist *list, const char *address);

#endif
