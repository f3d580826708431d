/* A bounded byte queue: what one side of a proxied connection has
 * received and the other side has not yet taken. Single-threaded. */
#ifndef NABZ_BYTEBUF_H
#define NABZ_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

struct nabz_bytebuf {
	uint8_t *data;
	size_t head;    /* offset of the first unread byte */
	size_t len;     /* unread bytes */
	size_t cap;
};

/* Appends n bytes unless that would hold more than limit bytes. Returns
 * 0, or -1 (nothing appended) over the limit or out of memory. */
int nabz_bytebuf__append(struct nabz_bytebuf *b, const void *p, size_t n, size_t limit);
/* The unread bytes, contiguous. */
const uint8_t *nabz_bytebuf__peek(const struct nabz_bytebuf *b, size_t *n);
/* Drops n read bytes; an emptied large buffer is freed, so idle
 * connections hold no buffer memory. */
void nabz_bytebuf__consume(struct nabz_bytebuf *b, size_t n);
/* Takes back the last n bytes appended (all when n > len). */
void nabz_bytebuf__unappend(struct nabz_bytebuf *b, size_t n);
void nabz_bytebuf__free(struct nabz_bytebuf *b);

#endif
