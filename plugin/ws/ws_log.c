/*
 * libwebsockets' own warnings and errors, into the broker's log through
 * the seam: at most one line per kind of message every NABZ_RATELOG_EVERY_MS,
 * the next one saying how many were held back, as for refusals
 * (ws_admit.c). A flood of bad requests made lws write one line each
 * ("Ran out of header data space": 533 lines in 1.6 s).
 *
 * The kind is the text with its numbers and addresses taken out, so "fd
 * 12" and "fd 13" are one kind; a small fixed table of kinds keeps it
 * bounded, the least recently logged kind making room for a new one.
 *
 * lws calls the hook from any thread that runs it: the service threads,
 * and the broker thread while contexts are created and destroyed.
 */
#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "ws_internal.h"

/* lws logs through a process-wide hook with no user pointer; there is one
 * listener per process, so it is kept here: set and cleared on the broker
 * thread while no service thread runs, only read by the hook (listed in
 * seam.h). */
static struct nabz_listener *log_listener;

/* FNV-1a of the text, every run of digits and every 0x... address hashed
 * as one '#'. */
static uint64_t message_kind(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	size_t i = 0;

	while(i < len){
		unsigned char c = (unsigned char)s[i];
		if(c == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X')){
			i += 2;
			while(i < len && s[i] && strchr("0123456789abcdefABCDEF", s[i])) i++;
			c = '#';
		}else if(c >= '0' && c <= '9'){
			while(i < len && s[i] >= '0' && s[i] <= '9') i++;
			c = '#';
		}else{
			i++;
		}
		h = (h ^ c) * 1099511628211ull;
	}
	return h;
}

/* {sh->lock} held. Returns whether to log now; *held and *since_ms say
 * how many of this kind went unlogged since the last one logged, when. */
static bool may_log(struct nabz_listener *sh, uint64_t kind, int64_t now, unsigned *held, int64_t *since_ms)
{
	struct nabz_lws_log_kind *slot = NULL, *oldest = &sh->lws_log[0];

	for(size_t i = 0; i < NABZ_LWS_LOG_KINDS; i++){
		struct nabz_lws_log_kind *k = &sh->lws_log[i];
		if(k->rl.last_ms && k->kind == kind){
			slot = k;
			break;
		}
		if(k->rl.last_ms < oldest->rl.last_ms) oldest = k;
	}
	if(slot == NULL){
		slot = oldest;               /* its held-back count goes with it */
		slot->kind = kind;
		memset(&slot->rl, 0, sizeof(slot->rl));
	}
	return nabz_ratelog__due(&slot->rl, now, held, since_ms);
}

static void lws_log_to_seam(int level, const char *line)
{
	struct nabz_listener *sh = log_listener;
	size_t len = strlen(line);
	int64_t since_ms = 0;
	unsigned held = 0;
	bool log;

	if(sh == NULL) return;
	while(len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
	pthread_mutex_lock(&sh->lock);
	log = may_log(sh, message_kind(line, len), nabz_time__mono_ms(), &held, &since_ms);
	pthread_mutex_unlock(&sh->lock);
	if(!log) return;
	if(held){
		nabz_seam__log(sh->seam, level == LLL_ERR ? MOSQ_LOG_ERR : MOSQ_LOG_WARNING,
				"lws: %.*s (and %u more like it in the last %lld s)", (int)len, line, held,
				(long long)(since_ms / 1000));
	}else{
		nabz_seam__log(sh->seam, level == LLL_ERR ? MOSQ_LOG_ERR : MOSQ_LOG_WARNING, "lws: %.*s", (int)len, line);
	}
}

void nabz_ws__log_start(struct nabz_listener *sh)
{
	log_listener = sh;
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_to_seam);
}

void nabz_ws__log_stop(void)
{
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	log_listener = NULL;
}
