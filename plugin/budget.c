#include "budget.h"

void nabz_budget__init(struct nabz_budget *b, long burst, int64_t now_ms)
{
	b->started = true;
	b->tokens = (double)burst;
	b->last_ms = now_ms;
	b->told = false;
}

static void refill(struct nabz_budget *b, long rate, long burst, int64_t now_ms)
{
	if(!b->started){
		nabz_budget__init(b, burst, now_ms);
		return;
	}
	if(now_ms > b->last_ms){
		b->tokens += (double)(now_ms - b->last_ms) * (double)rate / 1000.0;
		if(b->tokens > (double)burst) b->tokens = (double)burst;
		b->last_ms = now_ms;
	}
}

enum nabz_budget_verdict nabz_budget__take(struct nabz_budget *b, long cost, long rate,
		long burst, int64_t now_ms)
{
	refill(b, rate, burst, now_ms);
	/* A full bucket ends the episode: the client was quiet long enough. */
	if(b->tokens >= (double)burst) b->told = false;
	if(b->tokens >= (double)cost){
		b->tokens -= (double)cost;
		return NABZ_BUDGET_TAKEN;
	}
	if(b->told) return NABZ_BUDGET_REFUSE_SILENT;
	b->told = true;
	return NABZ_BUDGET_REFUSE_TELL;
}

bool nabz_budget__silenced(struct nabz_budget *b, long rate, long burst, int64_t now_ms)
{
	refill(b, rate, burst, now_ms);
	if(b->tokens >= (double)burst) b->told = false;
	return b->told && b->tokens < 1.0;
}

int64_t nabz_budget__wait_ms(const struct nabz_budget *b, long cost, long rate)
{
	double missing = (double)cost - b->tokens;

	if(missing <= 0 || rate <= 0) return 0;
	return (int64_t)(missing * 1000.0 / (double)rate) + 1;
}
