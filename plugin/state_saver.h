/*
 * Writes the state file (state_file.h) on a thread of its own. A write
 * ends in two fsyncs, and under another process's heavy writes an fsync
 * on this ext4 took up to 0.8 s: on the broker thread that would hold every
 * client's messages for as long. The broker thread hands over the latest
 * figures and never waits on the disk.
 *
 * Threads: every function here runs on the broker thread. Fields marked
 * {lock} are guarded by saver->lock; path, retry_ms and seam are read-only
 * once set; failed_logged belongs to whichever thread writes the file:
 * the saver thread while it runs, the broker thread before __start (the
 * first write, at init) and after __stop (the last, at cleanup).
 */
#ifndef NABZ_STATE_SAVER_H
#define NABZ_STATE_SAVER_H

#include <pthread.h>
#include <stdbool.h>

#include "state_file.h"

struct nabz_seam;

struct nabz_state_saver {
	const char *path;              /* borrowed: the config's, outlives the saver */
	long retry_ms;                 /* a failed write is tried again this often */
	struct nabz_seam *seam;        /* borrowed: the saver thread logs through it */
	bool failed_logged;            /* a failure is said once until a write works */
	struct nabz_persisted asked;   /* broker thread's: the figures last asked for or read */
	bool asked_valid;              /* false: the next request writes whatever it holds */

	pthread_t thread;
	bool running;                  /* broker thread's: the thread was started */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;                     /* {lock} */
	bool pending;                  /* {lock} want is not on disk yet */
	struct nabz_persisted want;    /* {lock} the latest figures asked for */
};

/* Sets the saver up without a thread (requests are written at once, on
 * the caller's thread). path is borrowed. Returns 0, or -1 (out of
 * resources). */
int nabz_state_saver__init(struct nabz_state_saver *saver, const char *path, long retry_ms,
		struct nabz_seam *seam);

/* Starts the saver thread. Returns 0, or -1, logged (requests are then
 * still written, on the broker thread). */
int nabz_state_saver__start(struct nabz_state_saver *saver);

/* The figures the file was read with at start: a request for the same
 * figures writes nothing. */
void nabz_state_saver__read_back(struct nabz_state_saver *saver, const struct nabz_persisted *p);

/* Asks for p to be written, unless it equals what was last asked for (or
 * read back); a request not yet written is replaced. Without a running
 * thread, writes it now. */
void nabz_state_saver__request(struct nabz_state_saver *saver, const struct nabz_persisted *p);

/* Stops and joins the thread (a write under way finishes first). Returns
 * true when figures asked for are not on disk (not written yet, or their
 * write failed); the next request then writes even the same figures, on
 * the caller's thread (the last write, at cleanup). Safe on a saver never
 * started, and twice. */
bool nabz_state_saver__stop(struct nabz_state_saver *saver);

/* Frees what init made; the thread must be stopped. */
void nabz_state_saver__cleanup(struct nabz_state_saver *saver);

#endif
