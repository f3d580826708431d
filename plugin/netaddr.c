#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* An IPv6 address that is really IPv4 (::ffff:a.b.c.d) becomes IPv4. */
static void set_v6(struct nabz_netaddr *out, const uint8_t bytes[16])
{
	memset(out, 0, sizeof(*out));
	if(memcmp(bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0){
		out->family = 4;
		memcpy(out->bytes, bytes + 12, 4);
	}else{
		out->family = 6;
		memcpy(out->bytes, bytes, 16);
	}
}

int nabz_netaddr__parse(const char *text, struct nabz_netaddr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	uint8_t bytes[16];
	size_t len;

	memset(out, 0, sizeof(*out));
	if(text == NULL) return -1;
	/* The zone of a link-local address ("fe80::1%eth0") does not make
	 * it another address. */
	len = strcspn(text, "%");
	if(len == 0 || len >= sizeof(buf)) return -1;
	if(text[len] == '%' && (text[len + 1] == '\0' || strchr(text, ':') == NULL)) return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if(text[len] == '\0' && inet_pton(AF_INET, buf, bytes) == 1){
		out->family = 4;
		memcpy(out->bytes, bytes, 4);
		return 0;
	}
	if(inet_pton(AF_INET6, buf, bytes) == 1){
		set_v6(out, bytes);
		return 0;
	}
	return -1;
}

int nabz_netaddr__from_sockaddr(const struct sockaddr *sa, struct nabz_netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if(sa == NULL) return -1;
	if(sa->sa_family == AF_INET){
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		out->family = 4;
		memcpy(out->bytes, &in->sin_addr, 4);
		return 0;
	}
	if(sa->sa_family == AF_INET6){
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		set_v6(out, in6->sin6_addr.s6_addr);
		return 0;
	}
	return -1;
}

/* Copies s into out, cut to outlen - 1. */
static void copy_text(char *out, size_t outlen, const char *s)
{
	size_t n = strlen(s);

	if(n >= outlen) n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* a.b.c.d by hand: this runs at every TCP connect and departure, and
 * inet_ntop and snprintf through stdio's formatter were a tenth of the
 * broker's instructions per connect/disconnect cycle (callgrind). */
static void format_v4(const uint8_t b[4], char out[16])
{
	char *p = out;

	for(int i = 0; i < 4; i++){
		unsigned v = b[i];
		if(i) *p++ = '.';
		if(v >= 100) *p++ = (char)('0' + v / 100);
		if(v >= 10) *p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
}

void nabz_netaddr__key_of(const struct nabz_netaddr *a, char *out, size_t outlen)
{
	char text[INET6_ADDRSTRLEN + 4];
	uint8_t net[16];

	if(outlen == 0) return;
	if(a->family == 4){
		format_v4(a->bytes, text);
		copy_text(out, outlen, text);
		return;
	}
	if(a->family == 6){
		memcpy(net, a->bytes, 8);
		memset(net + 8, 0, 8);
		if(inet_ntop(AF_INET6, net, text, INET6_ADDRSTRLEN)){
			strcat(text, "/64");
			copy_text(out, outlen, text);
			return;
		}
	}
	copy_text(out, outlen, "-");
}

void nabz_netaddr__limit_key(const char *address, char *out, size_t outlen)
{
	struct nabz_netaddr a;

	if(outlen == 0) return;
	if(nabz_netaddr__parse(address, &a) == 0){
		nabz_netaddr__key_of(&a, out, outlen);
	}else{
		copy_text(out, outlen, address && address[0] ? address : "-");
	}
}

/* Clears every bit after the first prefix bits. */
static void mask(uint8_t *bytes, size_t size, unsigned prefix)
{
	for(size_t i = 0; i < size; i++){
		unsigned bits = prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
		if(bits < 8) bytes[i] &= (uint8_t)(0xff00u >> bits);
	}
}

int nabz_cidr__parse(const char *text, struct nabz_cidr *out)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash;
	size_t len;
	unsigned max;

	memset(out, 0, sizeof(*out));
	if(text == NULL) return -1;
	slash = strchr(text, '/');
	len = slash ? (size_t)(slash - text) : strlen(text);
	if(len == 0 || len >= sizeof(addr)) return -1;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if(strchr(addr, '%') || nabz_netaddr__parse(addr, &out->net) != 0) return -1;
	/* "::ffff:10.0.0.0/104" would be IPv4 with an IPv6 prefix: refuse
	 * rather than guess. */
	max = out->net.family == 4 ? 32 : 128;
	if(out->net.family == 4 && strchr(addr, ':') && slash) return -1;
	if(slash){
		char *end;
		long v;

		if(slash[1] < '0' || slash[1] > '9') return -1;
		errno = 0;
		v = strtol(slash + 1, &end, 10);
		if(errno || *end != '\0' || v < 0 || v > (long)max) return -1;
		out->prefix = (unsigned)v;
	}else{
		out->prefix = max;
	}
	mask(out->net.bytes, out->net.family == 4 ? 4 : 16, out->prefix);
	return 0;
}

bool nabz_cidr__match(const struct nabz_cidr *net, const struct nabz_netaddr *a)
{
	uint8_t bytes[16];
	size_t size;

	if(a->family == 0 || a->family != net->net.family) return false;
	size = a->family == 4 ? 4 : 16;
	memcpy(bytes, a->bytes, size);
	mask(bytes, size, net->prefix);
	return memcmp(bytes, net->net.bytes, size) == 0;
}

int nabz_cidrlist__parse(char *const *names, size_t count, struct nabz_cidrlist *out,
		char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if(count == 0) return 0;
	out->items = calloc(count, sizeof(*out->items));
	if(out->items == NULL){
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for(size_t i = 0; i < count; i++){
		if(nabz_cidr__parse(names[i], &out->items[i]) != 0){
			snprintf(err, errlen, "\"%s\" is not an address or network (a.b.c.d/n, ipv6/n)", names[i]);
			nabz_cidrlist__free(out);
			return -1;
		}
		out->count++;
	}
	return 0;
}

void nabz_cidrlist__free(struct nabz_cidrlist *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

bool nabz_cidrlist__contains(const struct nabz_cidrlist *list, const struct nabz_netaddr *a)
{
	for(size_t i = 0; i < list->count; i++){
		if(nabz_cidr__match(&list->items[i], a)) return true;
	}
	return false;
}

bool nabz_cidrlist__contains_text(const struct nabz_cidrlist *list, const char *address)
{
	struct nabz_netaddr a;

	if(list->count == 0 || nabz_netaddr__parse(address, &a) != 0) return false;
	return nabz_cidrlist__contains(list, &a);
}
