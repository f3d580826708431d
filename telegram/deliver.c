#include "deliver.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "backoff.h"
#include "contract.h"
#include "log.h"
#include "api.h"
#include "format.h"
#include "signal_text.h"
#include "timeutil.h"

/* What a sendMessage in flight was for; freed by on_sent. */
struct job {
	struct nabz_tg *bot;
	int64_t chat_id;
	uint64_t seq;                        /* the alert's, 0 for a reply */
	struct nabz_tg_reply *reply;         /* the answer sent, NULL for an alert */
};

static bool is_group(const struct nabz_tg_chat *chat)
{
	return chat->id < 0;
}

static void enqueue(struct nabz_tg_chat *chat, struct nabz_tg_target *t)
{
	t->next_in_chat = NULL;
	if(chat->q_tail) chat->q_tail->next_in_chat = t;
	else chat->q_head = t;
	chat->q_tail = t;
}

static void pop(struct nabz_tg_chat *chat)
{
	struct nabz_tg_target *t = chat->q_head;

	if(t == NULL) return;
	chat->q_head = t->next_in_chat;
	if(chat->q_head == NULL) chat->q_tail = NULL;
	t->next_in_chat = NULL;
}

static void unlink_target(struct nabz_tg_chat *chat, struct nabz_tg_target *t)
{
	struct nabz_tg_target *prev = NULL;

	for(struct nabz_tg_target *it = chat->q_head; it; prev = it, it = it->next_in_chat){
		if(it != t) continue;
		if(prev) prev->next_in_chat = it->next_in_chat;
		else chat->q_head = it->next_in_chat;
		if(chat->q_tail == it) chat->q_tail = prev;
		it->next_in_chat = NULL;
		return;
	}
}

void nabz_tg_deliver__resume(struct nabz_tg *bot)
{
	struct nabz_tg_entry *e, *tmp;
	size_t queued = 0, dropped = 0;

	DL_FOREACH_SAFE(bot->spool.head, e, tmp){
		size_t n = e->ntargets;
		for(size_t i = 0; i < n; i++){
			struct nabz_tg_target *t = &e->targets[i];
			struct nabz_tg_chat *chat;
			if(t->state != NABZ_TG_PENDING) continue;
			chat = nabz_tg_chats__find(&bot->chats, t->chat);
			if(chat && chat->active && !chat->gone){
				enqueue(chat, t);
				queued++;
				continue;
			}
			dropped++;
			if(nabz_tg_spool__mark(&bot->spool, t, NABZ_TG_FAILED)) break;   /* e is freed */
		}
	}
	if(queued || dropped){
		nabz_log(LOG_NOTICE, "resuming: %zu deliveries from before go first%s", queued,
				dropped ? " (some for chats that stopped were given up)" : "");
	}
}

static void drop_oldest(struct nabz_tg *bot)
{
	struct nabz_tg_entry *e = bot->spool.head;

	for(size_t i = 0; i < e->ntargets; i++){
		struct nabz_tg_chat *chat;
		if(e->targets[i].state != NABZ_TG_PENDING) continue;
		chat = nabz_tg_chats__find(&bot->chats, e->targets[i].chat);
		if(chat) unlink_target(chat, &e->targets[i]);
	}
	if(bot->spool.dropped == 0){
		nabz_log(LOG_WARNING, "spool full (%zu alerts undelivered): the oldest is dropped (Telegram unreachable for long?)",
				bot->spool.max);
	}
	nabz_tg_spool__drop(&bot->spool, e);
}

/* Records line for chats[0..n) in the spool (room made by dropping the
 * oldest when full; n == 0: only remembered as seen) and queues each
 * target on its chat. NULL when nothing is queued (errno ENOMEM: out of
 * memory). */
static struct nabz_tg_entry *record(struct nabz_tg *bot, const char *line, uint64_t hash,
		const int64_t *chats, size_t n)
{
	struct nabz_tg_entry *e;

	while(n > 0 && bot->spool.count >= bot->spool.max && bot->spool.head) drop_oldest(bot);
	e = nabz_tg_spool__add(&bot->spool, line, hash, chats, n);
	if(e == NULL) return NULL;
	for(size_t i = 0; i < e->ntargets; i++){
		enqueue(nabz_tg_chats__find(&bot->chats, e->targets[i].chat), &e->targets[i]);
	}
	return e;
}

void nabz_tg_deliver__alert(struct nabz_tg *bot, const char *payload, size_t len)
{
	uint64_t hash = nabz_tg_spool__hash(payload, len);
	cJSON *root;
	const cJSON *type, *data, *symbol;
	struct nabz_tg_chat *chat, *tmp;
	struct nabz_tg_entry *e;
	int64_t *chats = NULL;
	size_t n = 0;
	char *line;

	if(nabz_tg_spool__seen(&bot->spool, hash)){
		nabz_log(LOG_INFO, "alert received again (redelivered by the broker): already recorded");
		return;
	}
	root = cJSON_ParseWithLength(payload, len);
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	symbol = cJSON_GetObjectItemCaseSensitive(data, "symbol");
	if(!cJSON_IsString(type) || strcmp(type->valuestring, NABZ_TYPE_ALERT) != 0 || !cJSON_IsString(symbol)
			|| symbol->valuestring[0] == '\0'){
		if(bot->bad_alerts++ < 10) nabz_log(LOG_WARNING, "alerts: a message that is not an alert with a symbol; ignored");
		cJSON_Delete(root);
		return;
	}
	chats = malloc((HASH_COUNT(bot->chats.by_id) + 1) * sizeof(*chats));
	line = cJSON_PrintUnformatted(root);        /* one line, whatever the publisher sent */
	if(chats == NULL || line == NULL){
		nabz_log(LOG_ERR, "alerts: out of memory; an alert is not recorded");
		goto done;
	}
	HASH_ITER(hh, bot->chats.by_id, chat, tmp){
		if(nabz_tg_chats__wants(chat, symbol->valuestring)) chats[n++] = chat->id;
	}
	e = record(bot, line, hash, chats, n);
	if(e == NULL){
		if(errno == ENOMEM) nabz_log(LOG_ERR, "alerts: out of memory; an alert is not recorded");
		goto done;
	}
	nabz_log(LOG_DEBUG, "alert %" PRIu64 " (%s) for %zu chats", e->seq, symbol->valuestring, n);
done:
	free(line);
	free(chats);
	cJSON_Delete(root);
}

int nabz_tg_deliver__record(struct nabz_tg *bot, const char *line, const char *raw, size_t len,
		const int64_t *chats, size_t n)
{
	uint64_t hash = nabz_tg_spool__hash(raw, len);

	if(nabz_tg_spool__seen(&bot->spool, hash)){
		nabz_log(LOG_INFO, "signal received again (redelivered by the broker): already recorded");
		return -1;
	}
	if(record(bot, line, hash, chats, n) == NULL){
		if(errno == ENOMEM) nabz_log(LOG_ERR, "signals: out of memory; a signal is not recorded");
		return -1;
	}
	return 0;
}

int nabz_tg_deliver__to_chat(struct nabz_tg *bot, struct nabz_tg_chat *chat, const char *payload)
{
	/* Not checked against the seen set: that is for the broker's
	 * redeliveries; this one was made here, once. */
	if(record(bot, payload, nabz_tg_spool__hash(payload, strlen(payload)), &chat->id, 1) == NULL){
		nabz_log(LOG_ERR, "personal alert for chat %" PRId64 ": out of memory; not recorded", chat->id);
		return -1;
	}
	return 0;
}

void nabz_tg_deliver__reply(struct nabz_tg *bot, struct nabz_tg_chat *chat, const char *text)
{
	struct nabz_tg_reply *r, *it;
	size_t queued = 0;

	(void)bot;
	LL_COUNT(chat->replies, it, queued);
	if(queued >= 20) return;              /* a chat sending commands faster than it may be answered */
	r = calloc(1, sizeof(*r));
	if(r == NULL || (r->text = strdup(text)) == NULL){
		free(r);
		return;
	}
	LL_APPEND(chat->replies, r);
}

static void free_replies(struct nabz_tg_chat *chat)
{
	struct nabz_tg_reply *r, *tmp;

	LL_FOREACH_SAFE(chat->replies, r, tmp){
		LL_DELETE(chat->replies, r);
		free(r->text);
		free(r);
	}
}

void nabz_tg_deliver__forget(struct nabz_tg *bot, struct nabz_tg_chat *chat)
{
	struct nabz_tg_target *t = chat->q_head, *next;

	chat->q_head = chat->q_tail = NULL;
	for(; t; t = next){
		next = t->next_in_chat;
		t->next_in_chat = NULL;
		t->inflight = false;
		nabz_tg_spool__mark(&bot->spool, t, NABZ_TG_FAILED);
		bot->given_up_total++;
	}
}

static void retry_later(struct nabz_tg *bot, struct nabz_tg_chat *chat, const struct nabz_tg_answer *a, int64_t now)
{
	const struct nabz_tg_cfg *cfg = bot->cfg;

	if(chat->retries == 0){
		nabz_log(LOG_WARNING, "chat %" PRId64 ": %s; retrying with backoff", chat->id, a->description);
	}else{
		nabz_log(LOG_DEBUG, "chat %" PRId64 ": %s again", chat->id, a->description);
	}
	/* "equal jitter": half fixed, half random */
	chat->retry_at_ms = now + nabz_backoff__delay(chat->retries, cfg->retry_min_ms, cfg->retry_max_ms,
			NABZ_JITTER_EQUAL, nabz_backoff__random());
	if(chat->retries < UINT_MAX) chat->retries++;
}

/* The chat's message just answered is done with (state: sent or given up):
 * a command reply (t NULL) leaves the chat's replies, an alert target its
 * queue and the spool. Only for the message at the head (current). */
static void finish(struct nabz_tg *bot, struct nabz_tg_chat *chat, struct nabz_tg_target *t,
		enum nabz_tg_state state)
{
	if(t == NULL){
		struct nabz_tg_reply *done = chat->replies;
		LL_DELETE(chat->replies, done);
		free(done->text);
		free(done);
		return;
	}
	pop(chat);
	nabz_tg_spool__mark(&bot->spool, t, state);
	if(state == NABZ_TG_SENT) bot->sent_total++;
	else bot->given_up_total++;
}

static bool entry_has_chat(const struct nabz_tg_entry *e, int64_t chat)
{
	for(size_t i = 0; i < e->ntargets; i++) if(e->targets[i].chat == chat) return true;
	return false;
}

/* Into the chat's queue in alert order; never before a head whose request
 * is out (its answer must still find it at the head). */
static void insert_by_seq(struct nabz_tg_chat *chat, struct nabz_tg_target *t)
{
	struct nabz_tg_target *prev = NULL, *it = chat->q_head;

	if(it && it->inflight){
		prev = it;
		it = it->next_in_chat;
	}
	while(it && it->entry->seq < t->entry->seq){
		prev = it;
		it = it->next_in_chat;
	}
	t->next_in_chat = it;
	if(prev) prev->next_in_chat = t;
	else chat->q_head = t;
	if(it == NULL) chat->q_tail = t;
}

/* Telegram turned a group into a supergroup (400, migrate_to_chat_id):
 * its settings and pending alerts follow it to the new id, in order; an
 * alert the new chat gets anyway is given up for the old one, so none
 * arrives twice. The old id is gone. */
static void migrate_chat(struct nabz_tg *bot, struct nabz_tg_chat *old, int64_t to)
{
	struct nabz_tg_chat *nc = nabz_tg_chats__get(&bot->chats, to);
	struct nabz_tg_target *t, *next;

	if(nc == NULL || nc == old) return;   /* out of memory, or nonsense: retried */
	nabz_log(LOG_NOTICE, "chat %" PRId64 " became the supergroup %" PRId64 ": its settings and pending "
			"alerts move there", old->id, to);
	if(!nc->active){
		nc->active = old->active;
		memcpy(nc->lang, old->lang, sizeof(nc->lang));
		memcpy(nc->watch, old->watch, sizeof(nc->watch));
		nc->nwatch = old->nwatch;
		memcpy(nc->rules, old->rules, sizeof(nc->rules));
		nc->nrules = old->nrules;
	}
	nc->gone = false;
	t = old->q_head;
	old->q_head = old->q_tail = NULL;
	for(; t; t = next){
		next = t->next_in_chat;
		t->next_in_chat = NULL;
		if(entry_has_chat(t->entry, to)){
			nabz_tg_spool__mark(&bot->spool, t, NABZ_TG_FAILED);
		}else{
			t->chat = to;
			insert_by_seq(nc, t);
		}
	}
	nabz_tg_spool__readdress(&bot->spool, old->id, to);
	free_replies(old);
	old->active = false;
	old->gone = true;
	nabz_tg_chats__save(&bot->chats);
}

static void on_sent(void *ctx, const struct nabz_http_result *r)
{
	struct job *job = ctx;
	struct nabz_tg *bot = job->bot;
	struct nabz_tg_chat *chat = nabz_tg_chats__find(&bot->chats, job->chat_id);
	struct nabz_tg_target *t = NULL;
	struct nabz_tg_answer a;
	int64_t now = nabz_time__mono_ms();
	bool current;

	bot->sends_inflight--;
	if(chat == NULL || (r->error && strcmp(r->error, NABZ_HTTP_CANCELLED) == 0)){
		free(job);
		return;
	}
	chat->busy = false;
	if(job->reply){
		current = chat->replies == job->reply;
	}else{
		t = chat->q_head;
		current = t && t->entry->seq == job->seq;   /* else forgotten or dropped meanwhile */
		if(current) t->inflight = false;
	}
	nabz_tg_api__classify(r, &a);
	switch(a.outcome){
		case NABZ_TG_OK:
			chat->retries = 0;
			if(!current) break;
			finish(bot, chat, t, NABZ_TG_SENT);
			break;
		case NABZ_TG_RETRY_AFTER:
			nabz_log(LOG_NOTICE, "Telegram asks to wait %lds (429): nothing goes out until then", a.retry_after_s);
			nabz_tg_rate__pause(&bot->rate, now + a.retry_after_s * 1000);
			break;
		case NABZ_TG_TRANSIENT:
		case NABZ_TG_CONFLICT:
			retry_later(bot, chat, &a, now);
			break;
		case NABZ_TG_CHAT_GONE:
			nabz_log(LOG_NOTICE, "chat %" PRId64 ": %s; nothing more goes to it until it sends /start",
					chat->id, a.description);
			chat->gone = true;
			nabz_tg_deliver__forget(bot, chat);
			free_replies(chat);
			nabz_tg_chats__save(&bot->chats);
			break;
		case NABZ_TG_BAD_MESSAGE:
			nabz_log(LOG_WARNING, "chat %" PRId64 ": Telegram refused a message (%s); it is given up",
					chat->id, a.description);
			if(!current) break;
			finish(bot, chat, t, NABZ_TG_FAILED);
			break;
		case NABZ_TG_MIGRATED:
			migrate_chat(bot, chat, a.migrate_to);
			break;
		case NABZ_TG_UNAUTHORIZED:
			if(!bot->unauthorized_logged){
				bot->unauthorized_logged = true;
				nabz_log(LOG_ERR, "Telegram refuses the bot token (%s): check the token and telegram.api_base; "
						"alerts are kept and retried", a.description);
			}
			nabz_tg_rate__pause(&bot->rate, now + bot->cfg->retry_max_ms);
			break;
	}
	nabz_tg_api__answer_free(&a);
	free(job);
}

/* Sends the chat's next message. Returns 0, or -1 (out of memory). */
static int start(struct nabz_tg *bot, struct nabz_tg_chat *chat, int64_t now)
{
	char text[NABZ_TG_TEXT_MAX * 2];
	struct job *job = calloc(1, sizeof(*job));
	struct nabz_tg_target *t = NULL;
	char *body;

	if(job == NULL) return -1;
	job->bot = bot;
	job->chat_id = chat->id;
	if(chat->replies){
		job->reply = chat->replies;
		snprintf(text, sizeof(text), "%s", chat->replies->text);
	}else{
		cJSON *root;
		int rc;
		t = chat->q_head;
		root = cJSON_Parse(t->entry->payload);
		/* A trading signal is recorded like an alert, written its own way. */
		if(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "type"))
				&& strcmp(cJSON_GetObjectItemCaseSensitive(root, "type")->valuestring, NABZ_TYPE_SIGNAL) == 0){
			rc = nabz_tg_signal_text__format(cJSON_GetObjectItemCaseSensitive(root, "data"), chat->lang, text, sizeof(text));
		}else{
			rc = nabz_tg_format__alert(cJSON_GetObjectItemCaseSensitive(root, "data"), chat->lang, text, sizeof(text));
		}
		cJSON_Delete(root);
		if(rc != 0){
			nabz_log(LOG_WARNING, "alert %" PRIu64 ": cannot be written as a message; given up", t->entry->seq);
			pop(chat);
			nabz_tg_spool__mark(&bot->spool, t, NABZ_TG_FAILED);
			free(job);
			return 0;
		}
		job->seq = t->entry->seq;
	}
	body = nabz_tg_api__send_body(chat->id, text);
	if(body == NULL || nabz_http__post(&bot->http, bot->send_url, "application/json", body, 0, on_sent, job) != 0){
		free(body);
		free(job);
		return -1;
	}
	free(body);
	if(t) t->inflight = true;
	chat->busy = true;
	bot->sends_inflight++;
	if(nabz_tg_rate__note(&bot->rate, &chat->rate, is_group(chat), now) != 0){
		nabz_log(LOG_WARNING, "out of memory for a group's rate window");
	}
	return 0;
}

int64_t nabz_tg_deliver__run(struct nabz_tg *bot, int64_t now, int64_t max_wait_ms)
{
	struct nabz_tg_chat *chat, *tmp;
	int64_t next = now + max_wait_ms;

	if(bot->draining) return max_wait_ms;
	HASH_ITER(hh, bot->chats.by_id, chat, tmp){
		int64_t due;
		if(chat->busy || (chat->replies == NULL && chat->q_head == NULL)) continue;
		due = nabz_tg_rate__next(&bot->rate, &chat->rate, is_group(chat), now);
		if(chat->retry_at_ms > due) due = chat->retry_at_ms;
		if(due > now){
			if(due < next) next = due;
			continue;
		}
		if(start(bot, chat, now) != 0){
			nabz_log(LOG_ERR, "chat %" PRId64 ": cannot start a request (out of memory); retrying", chat->id);
			chat->retry_at_ms = now + 1000;
		}
	}
	return next > now ? next - now : 0;
}
