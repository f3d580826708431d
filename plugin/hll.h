/*
 * HyperLogLog: a mergeable estimate of how many distinct strings a set
 * holds, for the cluster's unique_users (a user_id on two edges counts
 * once). Redis' PFADD/PFMERGE/PFCOUNT are the model: 2^14 registers of
 * the longest run of leading zeros seen (+1), merged by taking each
 * register's maximum, counted with Ertl's estimator as Redis does (small
 * counts come out exact in practice: with 16,384 registers a few hundred
 * ids rarely share one). Standard error 1.04 / sqrt(2^14) ~ 0.81 %.
 *
 * On the wire (nabz/cluster/node/<id>, docs/CONTRACT.md "Cluster"):
 * "s:" then 6 hex digits per non-zero register (4 for its index, 2 for
 * its value), or "d:" then 2 hex digits for every register, whichever is
 * shorter. Pure: no broker calls, any thread.
 */
#ifndef NABZ_HLL_H
#define NABZ_HLL_H

#include <stddef.h>
#include <stdint.h>

#define NABZ_HLL_P 14
#define NABZ_HLL_M (1u << NABZ_HLL_P)
/* The longest encoding: "d:" and two hex digits a register, and a NUL. */
#define NABZ_HLL_TEXT_MAX (2 + 2 * NABZ_HLL_M + 1)

struct nabz_hll {
	uint8_t reg[NABZ_HLL_M];
};

void nabz_hll__clear(struct nabz_hll *h);
void nabz_hll__add(struct nabz_hll *h, const char *s, size_t len);
/* dst[i] = max(dst[i], src[i]): the sketch of the union. */
void nabz_hll__merge(struct nabz_hll *dst, const struct nabz_hll *src);
uint64_t nabz_hll__count(const struct nabz_hll *h);
/* Writes the encoding into out (cap >= NABZ_HLL_TEXT_MAX); returns its
 * length. */
size_t nabz_hll__encode(const struct nabz_hll *h, char *out, size_t cap);
/* Parses an encoding into h; returns 0, or -1 (h then cleared) when the
 * text is not one. */
int nabz_hll__decode(struct nabz_hll *h, const char *text);

#endif
