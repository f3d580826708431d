/* Durable files: atomic replacement, directory fsync, and reading back the
 * append-only line files (spools) written with fsync. */
#ifndef NABZ_FILEUTIL_H
#define NABZ_FILEUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* fsync of the directory holding path (after a rename in it). */
int nabz_file__sync_dir(const char *path);
/* Replaces path with data atomically: temporary file, fsync, rename,
 * fsync of the directory. Returns 0, or -1 with errno set. */
int nabz_file__replace(const char *path, const char *data, size_t len);
/* Reads a whole file of at most max bytes into a NUL-terminated heap
 * buffer the caller frees, its length in *len. NULL with errno set:
 * ENOENT (missing), EFBIG (larger than max), or why it could not be read. */
char *nabz_file__read_all(const char *path, size_t max, size_t *len);
/* A state file a program rewrites from time to time (the bridge's history,
 * its signals): text (NULL: it could not be made, out of memory) replaces
 * path as nabz_file__replace does. The first failure is logged once, as
 * "what: cannot write path: reason; consequence"; later ones are not until a
 * write succeeds, which says so. *failed carries that between calls.
 * Returns 0, or -1. */
int nabz_file__replace_logged(const char *path, const char *text, const char *what,
		const char *consequence, bool *failed);
/* Reads back a state file that nabz_file__replace_logged writes: at most
 * max bytes, handed to read(ud, text, len, err, errlen), which returns 0 or
 * -1 with the reason in err. A missing file is quiet (a first start); any
 * other failure is one line, "what: cannot read path: reason; consequence"
 * or "what: path is damaged (reason); consequence". Returns 0 when the file
 * was read, -1 otherwise (the caller then starts without it). */
int nabz_file__load_logged(const char *path, size_t max, const char *what, const char *consequence,
		int (*read)(void *ud, const char *text, size_t len, char *err, size_t errlen), void *ud);
/* Reads path line by line and calls each(ud, line) with every complete
 * line, its newline removed; line is the reader's buffer, which each may
 * change but not keep. each returns 0, or -1 for a line it cannot read.
 * A last line without a newline is torn (a crash mid-write): it is
 * reported and skipped, as are the unreadable lines (one warning, with
 * the first's number); what names the file in those lines ("spool").
 * *lines is set to the lines in the file, the torn one included.
 * Returns 0, or -1 with errno set when the file cannot be opened (ENOENT:
 * nothing written yet). Runs on the caller's thread. */
int nabz_file__read_lines(const char *path, const char *what, int (*each)(void *ud, char *line), void *ud,
		size_t *lines);
/* Opens a spool's append-only line file dir/name: creates dir when
 * missing, sets *path (heap, the caller's to free), reads the file back
 * through each (as nabz_file__read_lines does; *lines: its lines), then
 * has rewrite(ud) write it anew with what is pending only, so neither a
 * torn tail nor finished lines stay. Returns 0, or -1 with the reason in
 * err and *path NULL: the spool then works in memory only, with what it
 * read back. */
int nabz_file__open_spool(const char *dir, const char *name, int (*each)(void *ud, char *line),
		int (*rewrite)(void *ud), void *ud, char **path, size_t *lines, char *err, size_t errlen);

#endif
