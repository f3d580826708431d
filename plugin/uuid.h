#ifndef NABZ_UUID_H
#define NABZ_UUID_H

#define NABZ_UUID_STR_LEN 37 /* 36 characters and the terminator */

/* Writes a random (version 4, RFC 4122 variant) UUID in lower-case text.
 * Returns 0, or -1 when the kernel's random source fails. */
int nabz_uuid__v4(char out[NABZ_UUID_STR_LEN]);

#endif
