/*
 * Gives back what mosquitto 2.0.11 keeps of messages it dropped.
 *
 * A plugin's message to one client (mosquitto_broker_publish with a client
 * id: every $CONTROL answer) goes through src/loop.c single_publish():
 * db__message_store() puts a copy in the broker's message store with a
 * reference count of 0, then db__message_insert() is meant to take the
 * first reference. When the client's queue is full (it does not read:
 * max_queued_messages packets already wait for it), db__message_insert()
 * drops the message ("Outgoing messages are being dropped") and returns
 * before taking a reference, and nothing ever frees a stored message whose
 * count stays 0: db__msg_store_compact(), which would, is defined but
 * never called (still so in 2.0.18). Each dropped answer is lost memory
 * until the broker exits; messages to topics (db__messages_easy_queue)
 * hold a reference while they are handed out and are not affected.
 *
 * The control budget (budget.h) bounds how fast a client can be sent
 * answers; this bounds how long a dropped one is kept: after the plugin
 * has sent answers, the tick calls the broker's own
 * db__msg_store_compact() (found with dlsym: Debian's mosquitto exports
 * it), at most every NABZ_RECLAIM_EVERY_MS. It walks the broker's stored
 * messages (retained ones, those in flight and those queued for clients
 * that are away), one step each, and frees those nothing refers to; it
 * runs only while answers are being sent, and the interval keeps both
 * its cost and what a flood can pile up between two passes small. Between two passes of the main loop the
 * only such messages are the dropped ones: every other stored message is
 * referenced by a client's queue, the retained tree or a delivery in
 * progress within the pass.
 *
 * Broker thread only.
 */
#ifndef NABZ_RECLAIM_H
#define NABZ_RECLAIM_H

#include <stdbool.h>
#include <stdint.h>

#define NABZ_RECLAIM_EVERY_MS 250

struct nabz_reclaim {
	void (*compact)(void);      /* the broker's db__msg_store_compact, NULL: none */
	/* Passes still owed: a message sent now is stored (and maybe
	 * dropped) only at the start of the broker loop's next pass, after
	 * this tick: each send is followed by two passes, an interval apart. */
	unsigned owed;
	int64_t last_ms;
	uint64_t passes;
};

/* Looks the broker's function up (when enabled) and logs what it found. */
void nabz_reclaim__init(struct nabz_reclaim *r, bool enabled);
/* After each message the plugin sent to one client. */
void nabz_reclaim__note_direct(struct nabz_reclaim *r);
/* From the tick. */
void nabz_reclaim__tick(struct nabz_reclaim *r, int64_t now_ms);

#endif
