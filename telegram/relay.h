/*
 * The chat relay (config "chat_relay": {"room", "chats"}): each
 * chat_message on <prefix>/chat/<room> goes to each configured chat as
 * plain text (name and room, then the text; everything escaped for HTML
 * parse mode, so nothing in a message is markup). Live talk, not alerts:
 * queued as command answers are (in memory, at most 20 waiting per chat,
 * beyond that dropped), never spooled. Single-threaded (the bot's loop).
 */
#ifndef NABZ_TG_RELAY_H
#define NABZ_TG_RELAY_H

#include <stddef.h>

#include "telegram.h"

/* Writes the relayed text of a chat_message envelope into out. Returns 0,
 * or -1 when the payload is not a chat_message with name and text. */
int nabz_tg_relay__format(const char *payload, size_t len, char *out, size_t outlen);

void nabz_tg_relay__message(struct nabz_tg *bot, const char *payload, size_t len);

#endif
