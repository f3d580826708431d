/*
 * A durable queue of QoS 1 messages (news, alerts) that the broker has not
 * acknowledged yet, in the journal state_dir/outbox.log (common/journal.h),
 * fsync'ed on every add, so a bridge killed with -9 or a broker that is
 * away loses none. Its lines:
 *
 *   A <seq> <topic> <payload>   a message
 *   D <seq>                     delivered (the broker's PUBACK)
 *
 * The journal is rewritten with the pending A lines when mostly delivered
 * lines. Single-threaded (the bridge's loop).
 */
#ifndef NABZ_BRIDGE_SPOOL_H
#define NABZ_BRIDGE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "journal.h"

struct nabz_spool_msg {
	uint64_t seq;
	char *topic;                    /* owned */
	char *payload;                  /* owned */
	int mid;                        /* libmosquitto's id while in flight, else 0 */
	struct nabz_spool_msg *next, *prev;
};

struct nabz_spool {
	struct nabz_journal journal;    /* no file: memory only */
	struct nabz_spool_msg *head;    /* oldest first */
	size_t count;
	size_t max;
	uint64_t next_seq;
	uint64_t dropped;
};

/* Opens (creating the directory's file) and loads what is pending.
 * Returns 0, or -1 with err set (the spool then works in memory only). */
int nabz_spool__open(struct nabz_spool *s, const char *dir, size_t max, char *err, size_t errlen);
void nabz_spool__close(struct nabz_spool *s);
/* Adds a message (durably when the spool has a file). Takes neither
 * string. At max, the oldest is dropped and counted. Returns the message
 * or NULL when out of memory. */
struct nabz_spool_msg *nabz_spool__add(struct nabz_spool *s, const char *topic, const char *payload);
/* Marks a message delivered and frees it. */
void nabz_spool__done(struct nabz_spool *s, struct nabz_spool_msg *m);

#endif
