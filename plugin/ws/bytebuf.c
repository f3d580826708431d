#include "bytebuf.h"

#include <stdlib.h>
#include <string.h>

/* An emptied buffer is always freed: an idle connection then holds none
 * (measured: keeping 4 KiB each way cost 8 KiB per idle WebSocket client). */
#define BYTEBUF_KEEP 0

int nabz_bytebuf__append(struct nabz_bytebuf *b, const void *p, size_t n, size_t limit)
{
	if(n == 0) return 0;
	if(b->len + n > limit) return -1;
	if(b->head + b->len + n > b->cap && b->head > 0){
		memmove(b->data, b->data + b->head, b->len);
		b->head = 0;
	}
	if(b->len + n > b->cap){
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *grown;
		while(cap < b->len + n) cap *= 2;
		if(cap > limit) cap = limit;
		grown = realloc(b->data, cap);
		if(grown == NULL) return -1;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->head + b->len, p, n);
	b->len += n;
	return 0;
}

const uint8_t *nabz_bytebuf__peek(const struct nabz_bytebuf *b, size_t *n)
{
	*n = b->len;
	return b->len ? b->data + b->head : NULL;
}

void nabz_bytebuf__consume(struct nabz_bytebuf *b, size_t n)
{
	if(n > b->len) n = b->len;
	b->head += n;
	b->len -= n;
	if(b->len == 0){
		b->head = 0;
		if(b->cap > BYTEBUF_KEEP) nabz_bytebuf__free(b);
	}
}

void nabz_bytebuf__unappend(struct nabz_bytebuf *b, size_t n)
{
	if(n >= b->len){
		nabz_bytebuf__consume(b, b->len);
		return;
	}
	b->len -= n;
}

void nabz_bytebuf__free(struct nabz_bytebuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}
