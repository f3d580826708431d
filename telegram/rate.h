/*
 * Telegram's sending limits as a schedule, not as sleeps: at most one
 * message per per_chat_ms to a chat, group_per_min a minute to a group
 * (negative chat id), global_per_s a second overall (sliding windows), and
 * nothing at all until a 429's retry_after has passed. The scheduler asks
 * when a chat may be sent to next and waits in the poll loop until then.
 * Pure: no clock of its own, no I/O. Single-threaded.
 */
#ifndef NABZ_TG_RATE_H
#define NABZ_TG_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NABZ_TG_RATE_RING_MAX 1000

/* One sliding window: the times of the last `limit` sends. */
struct nabz_tg_window {
	int64_t *times;                 /* ring of limit entries, owned; NULL until first use */
	size_t limit;
	size_t next;
	size_t used;
	int64_t span_ms;
};

/* Per chat. */
struct nabz_tg_chat_rate {
	int64_t last_ms;                /* last send */
	bool sent;                      /* last_ms is set */
	struct nabz_tg_window group;    /* groups only */
};

struct nabz_tg_rate {
	long per_chat_ms;
	long group_per_min;
	struct nabz_tg_window global;
	int64_t paused_until_ms;        /* 429 retry_after */
};

int nabz_tg_rate__init(struct nabz_tg_rate *r, long per_chat_ms, long group_per_min, long global_per_s);
void nabz_tg_rate__cleanup(struct nabz_tg_rate *r);
void nabz_tg_rate__chat_cleanup(struct nabz_tg_chat_rate *c);
/* The earliest time (>= now_ms) a message may go to this chat. */
int64_t nabz_tg_rate__next(const struct nabz_tg_rate *r, const struct nabz_tg_chat_rate *c, bool group, int64_t now_ms);
/* Records a send at now_ms. Returns 0, or -1 when out of memory (then the
 * group window is not kept: the per-chat limit still holds). */
int nabz_tg_rate__note(struct nabz_tg_rate *r, struct nabz_tg_chat_rate *c, bool group, int64_t now_ms);
/* A 429: nothing goes out before now + retry_after. */
void nabz_tg_rate__pause(struct nabz_tg_rate *r, int64_t until_ms);

#endif
