/*
 * Strict UTF-8 checks for text that comes from outside and is stored,
 * shown to admins or echoed back: control payloads, client ids.
 *
 * Pure functions; any thread.
 */
#ifndef NABZ_UTF8_H
#define NABZ_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when buf[0..len) is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) with no U+0000, which MQTT
 * forbids in its strings and C strings would cut at. */
bool nabz_utf8__valid(const void *buf, size_t len);

/* Stricter, as mosquitto checks a client id, topic or username: also no
 * control characters (U+0001..U+001F, U+007F..U+009F) and no
 * noncharacters (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF). */
bool nabz_utf8__valid_mqtt(const void *buf, size_t len);

/* Chat text (chat.h): well-formed, no NUL, no control characters but
 * the newline (U+0001..U+001F, U+007F..U+009F) and none of the bidi
 * embedding, override and isolate controls (U+202A..U+202E,
 * U+2066..U+2069): a message must not reorder the text shown after it. */
bool nabz_utf8__valid_chat(const void *buf, size_t len);

#endif
