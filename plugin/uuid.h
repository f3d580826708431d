#ifndef NABZ_UUID_H
#define NABZ_UUID_H

#include <stddef.h>

#define NABZ_UUID_STR_LEN 37 /* 36 characters and the terminator */

/* Writes a random (version 4, RFC 4122 variant) UUID in lower-case text.
 * Returns 0, or -1 when the kernel's random source fails. */
int nabz_uuid__v4(char out[NABZ_UUID_STR_LEN]);

/* Writes nbytes random bytes from the kernel as 2*nbytes lower-case hex
 * characters and a terminator. Any thread. Returns 0, or -1 when the
 * random source fails. */
int nabz_random__hex(char *out, size_t nbytes);

#endif
