/* Durable files: atomic replacement and directory fsync. */
#ifndef NABZ_BRIDGE_FILEUTIL_H
#define NABZ_BRIDGE_FILEUTIL_H

#include <stddef.h>

/* fsync of the directory holding path (after a rename in it). */
int nabz_file__sync_dir(const char *path);
/* Replaces path with data atomically: temporary file, fsync, rename,
 * fsync of the directory. Returns 0, or -1 with errno set. */
int nabz_file__replace(const char *path, const char *data, size_t len);

#endif
