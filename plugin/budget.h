/*
 * A token bucket: how many control commands a client may have answered.
 * It holds up to `burst` tokens and gains `rate` a second; each command
 * costs one. A client over its budget is told once, then answered nothing
 * until it has been quiet long enough for the bucket to fill again: never
 * an answer per refused request (that would be the flood the budget
 * exists to stop), and never answers held back to be sent later.
 *
 * Pure data; broker thread.
 */
#ifndef NABZ_BUDGET_H
#define NABZ_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

struct nabz_budget {
	bool started;               /* false: a full bucket (zeroed memory is a new budget) */
	double tokens;
	int64_t last_ms;            /* monotonic, when tokens was last brought up to date */
	bool told;                  /* the one refusal of this episode was answered */
};

enum nabz_budget_verdict {
	NABZ_BUDGET_TAKEN,          /* answer the request */
	NABZ_BUDGET_REFUSE_TELL,    /* answer with the one refusal */
	NABZ_BUDGET_REFUSE_SILENT,  /* answer nothing */
};

/* A full bucket. */
void nabz_budget__init(struct nabz_budget *b, long burst, int64_t now_ms);
/* Takes cost tokens if there are that many. */
enum nabz_budget_verdict nabz_budget__take(struct nabz_budget *b, long cost, long rate,
		long burst, int64_t now_ms);
/* True when the client has been told and still cannot pay for even one
 * command: its request need not be looked at. */
bool nabz_budget__silenced(struct nabz_budget *b, long rate, long burst, int64_t now_ms);
/* Milliseconds until cost tokens will be there (0: now). */
int64_t nabz_budget__wait_ms(const struct nabz_budget *b, long cost, long rate);

#endif
