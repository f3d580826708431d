#include "uuid.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

/* Random bytes are drawn from the kernel 4 KiB at a time: one getrandom()
 * per 256 UUIDs instead of one per connect (measured: the per-connect
 * syscall and an snprintf of 16 %02x were 3.8 % of the broker's CPU in a
 * connect storm). Broker thread only: the pool is not locked. */
static uint8_t pool[4096];
static size_t pool_left;

static int take_random(uint8_t *out, size_t n)
{
	if(pool_left < n){
		size_t got = 0;
		while(got < sizeof(pool)){
			ssize_t r = getrandom(pool + got, sizeof(pool) - got, 0);
			if(r < 0){
				if(errno == EINTR) continue;
				return -1;
			}
			got += (size_t)r;
		}
		pool_left = sizeof(pool);
	}
	memcpy(out, pool + sizeof(pool) - pool_left, n);
	/* Used bytes are not left behind for anyone who reads this memory. */
	memset(pool + sizeof(pool) - pool_left, 0, n);
	pool_left -= n;
	return 0;
}

static const char hex[] = "0123456789abcdef";

int nabz_random__hex(char *out, size_t nbytes)
{
	uint8_t b[64];

	while(nbytes > 0){
		size_t n = nbytes < sizeof(b) ? nbytes : sizeof(b);
		if(getrandom(b, n, 0) != (ssize_t)n) return -1;
		for(size_t i = 0; i < n; i++){
			*out++ = hex[b[i] >> 4];
			*out++ = hex[b[i] & 0x0F];
		}
		nbytes -= n;
	}
	*out = '\0';
	return 0;
}

int nabz_uuid__v4(char out[NABZ_UUID_STR_LEN])
{
	uint8_t b[16];
	size_t pos = 0;

	if(take_random(b, sizeof(b)) != 0) return -1;
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	for(size_t i = 0; i < sizeof(b); i++){
		if(i == 4 || i == 6 || i == 8 || i == 10) out[pos++] = '-';
		out[pos++] = hex[b[i] >> 4];
		out[pos++] = hex[b[i] & 0x0F];
	}
	out[pos] = '\0';
	return 0;
}
