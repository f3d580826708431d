#include "ratelog.h"

bool nabz_ratelog__due(struct nabz_ratelog *rl, int64_t now_ms, unsigned *suppressed, int64_t *since_ms)
{
	if(rl->last_ms && now_ms - rl->last_ms < NABZ_RATELOG_EVERY_MS){
		rl->suppressed++;
		return false;
	}
	*suppressed = rl->suppressed;
	*since_ms = rl->last_ms ? now_ms - rl->last_ms : 0;
	rl->last_ms = now_ms;
	rl->suppressed = 0;
	return true;
}
