/*
 * The state file: the figures that outlive a broker restart
 * (total_sessions, peak_connections), as a small JSON object. Written
 * atomically: a temporary file in the same directory, fsync, rename over
 * the old one, fsync of the directory. A crash mid-write leaves either the
 * old file or the new one, never a torn one.
 */
#ifndef NABZ_STATE_FILE_H
#define NABZ_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>

struct nabz_persisted {
	uint64_t total_sessions;
	uint64_t peak_connections;
	/* A clustered node's view of the cluster's peak (cluster.h); 0: not
	 * clustered, and then not written (the file stays as before). */
	uint64_t cluster_peak_connections;
};

enum nabz_state_load {
	NABZ_STATE_LOADED = 0,
	NABZ_STATE_MISSING,   /* no file yet: a fresh start */
	NABZ_STATE_CORRUPT,   /* unreadable content; err says why */
	NABZ_STATE_IO_ERROR,  /* the file exists but cannot be read; err says why */
};

/* Reads path into out (zeroed unless LOADED). */
enum nabz_state_load nabz_state__load(const char *path, struct nabz_persisted *out,
		char *err, size_t errlen);

/* Writes atomically. Returns 0, or -1 with err set. */
int nabz_state__save(const char *path, const struct nabz_persisted *in, char *err, size_t errlen);

#endif
