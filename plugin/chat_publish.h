/*
 * Publishes what the chat rooms owe the broker (chat.h's outbox): after a
 * control request and at each tick. Broker thread only.
 */
#ifndef NABZ_CHAT_PUBLISH_H
#define NABZ_CHAT_PUBLISH_H

struct nabz;

void nabz_chat_publish__flush(struct nabz *nabz);

#endif
