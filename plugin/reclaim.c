#define _GNU_SOURCE              /* RTLD_DEFAULT */
#include "reclaim.h"

#include <dlfcn.h>
#include <string.h>

#include "log.h"

void nabz_reclaim__init(struct nabz_reclaim *r, bool enabled)
{
	memset(r, 0, sizeof(*r));
	if(!enabled){
		nabz_log_info("reclaim_dropped_messages is off: answers the broker drops for a client "
				"that does not read stay in its memory until it exits");
		return;
	}
	/* The broker executable's own symbol (the plugin is loaded into it). */
	*(void **)&r->compact = dlsym(RTLD_DEFAULT, "db__msg_store_compact");
	if(r->compact == NULL){
		nabz_log_warn("this mosquitto does not export db__msg_store_compact: answers it drops "
				"for a client that does not read stay in its memory until it exits (the "
				"control budget, control_rate, bounds how fast)");
	}
}

void nabz_reclaim__note_direct(struct nabz_reclaim *r)
{
	r->owed = 2;
}

void nabz_reclaim__tick(struct nabz_reclaim *r, int64_t now_ms)
{
	if(r->owed == 0 || r->compact == NULL || now_ms - r->last_ms < NABZ_RECLAIM_EVERY_MS) return;
	r->compact();
	r->owed--;
	r->last_ms = now_ms;
	r->passes++;
}
