/*
 * The session registry (plugin/sessions.c) driven by any sequence of what
 * the broker can report: connects (as users, services, the plugin's own
 * link), confirmations, subscribes and unsubscribes, hellos, departures
 * (persistent or not), takeovers by client id, ticks. After every step the
 * incrementally kept figures must equal a recount (tests/unit/plugin/registry_recount.c).
 *
 * Input: a byte program. Each step is an opcode byte and its operands;
 * strings (filters, user ids) are length-prefixed and cut at the input.
 */
#include <string.h>

#include "fuzz.h"
#include "registry_recount.h"
#include "sessions.h"

#define CLIENTS 6      /* broker client pointers */
#define N_IDS (sizeof(g_ids) / sizeof(g_ids[0]))
#define N_FILTERS (sizeof(g_filters) / sizeof(g_filters[0]))
#define N_USERS (sizeof(g_users) / sizeof(g_users[0]))

static char g_clients[CLIENTS];
static const char *const g_ids[] = {"browser-1", "mobile-1", "api-1", "", "bot-1", "iot-x"};
static const char *const g_filters[] = {
	"crypto/#", "#", "crypto/prices/BTC", "crypto/prices/+", "crypto/market", "crypto/news/#",
	"crypto/alerts", "+/+", "crypto/+", "other/#", "crypto/stats", "$SYS/#",
};
static const char *const g_users[] = {"", "u1", "u2", "device-3"};

struct program {
	const uint8_t *data;
	size_t size, pos;
};

static unsigned next(struct program *p)
{
	return p->pos < p->size ? p->data[p->pos++] : 0;
}

/* A string from the program: a known one, or up to 63 bytes of the input. */
static const char *text(struct program *p, const char *const *known, size_t n, char buf[64])
{
	unsigned b = next(p);

	if(b < 0xF0) return known[b % n];
	size_t len = b & 0x0F;
	size_t i;
	for(i = 0; i < len && p->pos < p->size; i++) buf[i] = (char)(p->data[p->pos++] | 1); /* no NUL */
	buf[i] = '\0';
	return buf;
}

static uint8_t g_sub_counts[CLIENTS];

static int sub_count(const void *client)
{
	return g_sub_counts[(const char *)client - g_clients];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct program p = {data, size, 0};
	struct nabz_registry reg;
	uint64_t total = 0;
	char buf[64];

	FUZZ_CHECK(nabz_registry__init(&reg, "crypto") == 0);
	while(p.pos < p.size){
		unsigned op = next(&p), c = next(&p) % CLIENTS;
		struct nabz_session *s = nabz_sessions__find(&reg, &g_clients[c]);

		switch(op % 9){
		case 0: case 1: {   /* a client authenticates */
			unsigned kind = next(&p);
			struct nabz_session_info info = {
				.client = &g_clients[c],
				.client_id = g_ids[next(&p) % N_IDS],
				.transport = kind & 1 ? NABZ_TRANSPORT_WEBSOCKET : NABZ_TRANSPORT_TCP,
				.service = (kind & 6) == 2,
				.internal = (kind & 6) == 4,
				.admin = (kind & 8) != 0,
			};
			FUZZ_CHECK(nabz_sessions__add(&reg, &info) != NULL);
			break;
		}
		case 2:             /* the plugin or the next tick accepts it */
			if(s && !s->confirmed){
				nabz_sessions__confirm(&reg, s);
				if(!s->service) total++;
			}
			break;
		case 3:
			if(s) nabz_sessions__subscribe(&reg, s, text(&p, g_filters, N_FILTERS, buf));
			break;
		case 4:
			if(s) nabz_sessions__unsubscribe(&reg, s, text(&p, g_filters, N_FILTERS, buf));
			break;
		case 5: {           /* hello */
			unsigned what = next(&p);
			enum nabz_client_type type = (enum nabz_client_type)(what % NABZ_CT_COUNT);
			const char *user = what & 8 ? text(&p, g_users, N_USERS, buf) : NULL;
			if(s) FUZZ_CHECK(nabz_sessions__hello(&reg, s, what & 16 ? &type : NULL, user, NULL) == 0);
			break;
		}
		case 6:
			nabz_sessions__depart(&reg, &g_clients[c], next(&p) & 1);
			break;
		case 7: {           /* the tick: confirm the rest, settle carried filters */
			unsigned counts = next(&p);
			for(int i = 0; i < CLIENTS; i++) g_sub_counts[i] = (uint8_t)((counts >> i) & 1u);
			for(struct nabz_session *t = reg.by_client; t; t = t->hh.next){
				if(!t->confirmed && !t->service) total++;
			}
			nabz_sessions__confirm_all(&reg);
			nabz_sessions__settle_carried(&reg, sub_count);
			break;
		}
		default:
			nabz_sessions__remove(&reg, &g_clients[c]);
			break;
		}
		check_recount(&reg, total);
	}
	nabz_registry__cleanup(&reg);
	return 0;
}
