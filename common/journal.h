/*
 * A durable journal: an append-only file of text lines in a program's
 * state directory, read back at start and rewritten (temporary file,
 * fsync, rename, directory fsync) with what is still pending when its
 * owner finds it mostly finished lines. A torn last line (a crash
 * mid-write) or an unreadable line is reported and skipped, never fatal
 * (fileutil.h). What the lines mean is the owner's: the bridge's outbox
 * of QoS 1 messages (bridge/spool.c), the bot's alerts and their chats
 * (telegram/spool.c), each with its own file and format. Without a file
 * (no state directory, or it cannot be written) the owner keeps its
 * state in memory only and every call here does nothing.
 * Single-threaded (the owner's).
 */
#ifndef NABZ_JOURNAL_H
#define NABZ_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Reads one line back (line is the reader's buffer: it may be changed,
 * not kept). Returns 0, or -1 for a line it cannot read. */
typedef int (*nabz_journal_load_fn)(void *ud, char *line);
/* Writes the owner's pending state as lines to f (each ending in a
 * newline) and counts them in *lines. Returns 0, or -1 when a write
 * failed. */
typedef int (*nabz_journal_write_fn)(void *ud, FILE *f, size_t *lines);

struct nabz_journal {
	char *path;                     /* owned; NULL: memory only */
	FILE *file;                     /* appending; NULL: memory only */
	size_t lines;                   /* in the file: the owner's compaction measure */
	bool dirty;                     /* appended, not yet fsync'ed */
	nabz_journal_load_fn load;
	nabz_journal_write_fn write_all;
	void *ud;
};

/* Opens dir/name (creating dir), has load_line(ud, line) read every
 * complete line back, then rewrites the file with
 * write_all, so neither a torn tail nor finished lines stay. dir "": no
 * file. Returns 0, or -1 with err set: no file then, but what was read
 * back stays loaded. */
int nabz_journal__open(struct nabz_journal *j, const char *dir, const char *name,
		nabz_journal_load_fn load_line, nabz_journal_write_fn write_all, void *ud,
		char *err, size_t errlen);
/* Appends one line (fmt, without its newline) and hands it to the
 * kernel at once, so a kill -9 keeps it; it reaches the disk at the next
 * nabz_journal__sync. Returns 0, or -1 with errno set (the owner logs). */
__attribute__((format(printf, 2, 3)))
int nabz_journal__append(struct nabz_journal *j, const char *fmt, ...);
/* fsync of what was appended since the last one. Returns 0, or -1 with
 * errno set. */
int nabz_journal__sync(struct nabz_journal *j);
/* Rewrites the file with write_all (compaction). Returns 0, or -1 with
 * errno set; the old file then stays as it was, or, when only its
 * reopening failed, the journal has no file any more. */
int nabz_journal__rewrite(struct nabz_journal *j);
/* Syncs and closes the file; frees the path. */
void nabz_journal__close(struct nabz_journal *j);

#endif
