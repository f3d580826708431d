/*
 * Delivery: each alert becomes one job per chat that wants it (recorded
 * in the spool before the broker is told it arrived); each chat's jobs go
 * out in order, one request at a time, when Telegram's limits allow
 * (rate.c) — the loop's wait ends when the next one is due, nothing
 * sleeps. 429 pauses everything for retry_after; 5xx and timeouts retry
 * that chat with exponential backoff and jitter; a chat Telegram calls
 * unreachable is marked gone, logged once, and its jobs given up; a
 * message Telegram refuses (400) is given up alone. Command answers go
 * through the same limits, before alerts, and are not kept on disk.
 * Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_DELIVER_H
#define NABZ_TG_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "telegram.h"

/* After the spool and chats are loaded: queues what is still pending. */
void nabz_tg_deliver__resume(struct nabz_tg *bot);
/* An alert from the broker (payload as received). Recorded in the spool
 * for every chat that wants it now; a redelivered one is recognised. */
void nabz_tg_deliver__alert(struct nabz_tg *bot, const char *payload, size_t len);
/* An alert made here for one chat (a personal alert, personal.c):
 * payload is an alert envelope on one line. Recorded in the spool and
 * queued like one from the broker, so it survives a restart. Returns 0,
 * or -1 (out of memory; logged). */
int nabz_tg_deliver__to_chat(struct nabz_tg *bot, struct nabz_tg_chat *chat, const char *payload);
/* Records line (one line, a whole envelope) for chats[0..n) in the spool
 * and queues it, like a broker alert: raw (len bytes, as received) is what
 * the seen set knows it by, so a redelivery is recognised and dropped.
 * Returns 0, or -1 (seen already, or out of memory; logged). */
int nabz_tg_deliver__record(struct nabz_tg *bot, const char *line, const char *raw, size_t len,
		const int64_t *chats, size_t n);
/* Queues a command answer (text in HTML parse mode, copied). */
void nabz_tg_deliver__reply(struct nabz_tg *bot, struct nabz_tg_chat *chat, const char *text);
/* Gives up every queued alert of the chat (/stop, or gone). */
void nabz_tg_deliver__forget(struct nabz_tg *bot, struct nabz_tg_chat *chat);
/* Starts every request that is due; returns ms until the next one is
 * (at most max_wait_ms). */
int64_t nabz_tg_deliver__run(struct nabz_tg *bot, int64_t now_ms, int64_t max_wait_ms);

#endif
