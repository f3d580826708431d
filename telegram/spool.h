/*
 * nabz-telegram's durable spool: every alert received, and for each chat it
 * goes to, whether it was sent. Its records are the bot's own; the file
 * under them is a common/journal.h journal, state_dir/telegram.spool:
 *
 *   A <seq> <hash> <chat>,<chat>... <payload>   an alert and its chats
 *   S <seq> <chat>                             sent to that chat
 *   X <seq> <chat>                             given up for that chat
 *   F <seq>                                    dropped whole (spool full)
 *   H <hash>                                   an alert seen before (compaction)
 *   M <chat> <chat>                            pending for the first now for the second
 *                                              (a group that became a supergroup)
 *
 * A lines reach the disk (fsync, nabz_tg_spool__sync) before the broker is
 * told the alert arrived (the MQTT PUBACK), so an alert the broker forgets
 * is never lost. S and X lines are written at once (a kill -9 keeps them)
 * and fsync'ed once per loop turn. The hashes of the last
 * NABZ_TG_SEEN_MAX alerts are kept so a redelivery (the broker resends
 * what it had no PUBACK for) is recognised. The journal is rewritten (the
 * H lines, then the pending A lines) when mostly finished lines.
 * Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_SPOOL_H
#define NABZ_TG_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "journal.h"

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define NABZ_TG_SEEN_MAX 4096

enum nabz_tg_state { NABZ_TG_PENDING = 0, NABZ_TG_SENT, NABZ_TG_FAILED };

struct nabz_tg_entry;

struct nabz_tg_target {
	int64_t chat;
	uint8_t state;                        /* enum nabz_tg_state */
	bool inflight;                        /* {deliver} a request is out for it */
	struct nabz_tg_entry *entry;
	struct nabz_tg_target *next_in_chat;  /* {deliver} the chat's queue */
};

struct nabz_tg_entry {
	uint64_t seq;                         /* key of hh */
	uint64_t hash;
	char *payload;                        /* owned; one line of JSON */
	struct nabz_tg_target *targets;       /* owned array */
	size_t ntargets;
	size_t left;                          /* targets still pending */
	struct nabz_tg_entry *next, *prev;    /* oldest first */
	UT_hash_handle hh;
};

struct nabz_tg_seen {
	uint64_t hash;
	UT_hash_handle hh;
};

struct nabz_tg_spool {
	struct nabz_journal journal;          /* no file: memory only */
	struct nabz_tg_entry *head;           /* pending, oldest first */
	struct nabz_tg_entry *by_seq;         /* uthash on seq */
	size_t count;
	size_t max;
	uint64_t next_seq;
	struct nabz_tg_seen *seen_slots;      /* ring of NABZ_TG_SEEN_MAX, owned */
	struct nabz_tg_seen *seen;            /* uthash over the used slots */
	size_t seen_next;
	size_t seen_used;
	uint64_t dropped;
	bool write_failed;                    /* logged once */
};

/* Opens dir/telegram.spool, loads what is pending. Returns 0, or -1 with
 * err set (then the spool works in memory only). */
int nabz_tg_spool__open(struct nabz_tg_spool *s, const char *dir, size_t max, char *err, size_t errlen);
void nabz_tg_spool__close(struct nabz_tg_spool *s);
uint64_t nabz_tg_spool__hash(const void *data, size_t len);
bool nabz_tg_spool__seen(const struct nabz_tg_spool *s, uint64_t hash);
/* Records an alert for chats (copied; n may be 0: only remembered as
 * seen). payload is one line (no newline). Not yet on disk: call
 * nabz_tg_spool__sync. Returns the entry (NULL when n is 0 or out of
 * memory: check errno == ENOMEM). */
struct nabz_tg_entry *nabz_tg_spool__add(struct nabz_tg_spool *s, const char *payload, uint64_t hash,
		const int64_t *chats, size_t n);
/* Marks a target sent or failed. When it was the entry's last, the entry
 * is freed and true returned. */
bool nabz_tg_spool__mark(struct nabz_tg_spool *s, struct nabz_tg_target *t, enum nabz_tg_state state);
/* Drops a whole entry (spool full) and frees it. */
void nabz_tg_spool__drop(struct nabz_tg_spool *s, struct nabz_tg_entry *e);
/* fsync of what was written since the last call. Returns 0 or -1. */
int nabz_tg_spool__sync(struct nabz_tg_spool *s);
/* Every target still pending for chat from is for chat to from now on
 * (written at once, like a mark). */
void nabz_tg_spool__readdress(struct nabz_tg_spool *s, int64_t from, int64_t to);

#endif
