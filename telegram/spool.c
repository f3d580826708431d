#include "spool.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "log.h"

uint64_t nabz_tg_spool__hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;          /* FNV-1a */

	for(size_t i = 0; i < len; i++){
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

bool nabz_tg_spool__seen(const struct nabz_tg_spool *s, uint64_t hash)
{
	struct nabz_tg_seen *f;

	HASH_FIND(hh, s->seen, &hash, sizeof(hash), f);
	return f != NULL;
}

static void remember(struct nabz_tg_spool *s, uint64_t hash)
{
	struct nabz_tg_seen *slot;

	if(nabz_tg_spool__seen(s, hash)) return;
	slot = &s->seen_slots[s->seen_next];
	if(s->seen_used == NABZ_TG_SEEN_MAX){
		HASH_DEL(s->seen, slot);                  /* the oldest is forgotten */
	}else{
		s->seen_used++;
	}
	slot->hash = hash;
	HASH_ADD(hh, s->seen, hash, sizeof(slot->hash), slot);
	s->seen_next = (s->seen_next + 1) % NABZ_TG_SEEN_MAX;
}

static void entry_free(struct nabz_tg_entry *e)
{
	free(e->payload);
	free(e->targets);
	free(e);
}

static struct nabz_tg_entry *entry_new(uint64_t seq, uint64_t hash, const char *payload,
		const int64_t *chats, size_t n)
{
	struct nabz_tg_entry *e = calloc(1, sizeof(*e));

	if(e == NULL) return NULL;
	e->seq = seq;
	e->hash = hash;
	e->payload = strdup(payload);
	e->targets = calloc(n ? n : 1, sizeof(*e->targets));
	if(e->payload == NULL || e->targets == NULL){
		entry_free(e);
		return NULL;
	}
	for(size_t i = 0; i < n; i++){
		e->targets[i].chat = chats[i];
		e->targets[i].entry = e;
	}
	e->ntargets = n;
	e->left = n;
	return e;
}

static void entry_unlink(struct nabz_tg_spool *s, struct nabz_tg_entry *e)
{
	DL_DELETE(s->head, e);
	HASH_DEL(s->by_seq, e);
	s->count--;
}

static int entry_link(struct nabz_tg_spool *s, struct nabz_tg_entry *e)
{
	HASH_ADD(hh, s->by_seq, seq, sizeof(e->seq), e);
	if(s->by_seq == NULL) return -1;              /* out of memory (HASH_NONFATAL_OOM) */
	DL_APPEND(s->head, e);
	s->count++;
	return 0;
}

/* The A line of an entry, with its pending targets only. */
static int write_entry(FILE *f, const struct nabz_tg_entry *e)
{
	bool first = true;

	if(fprintf(f, "A %" PRIu64 " %016" PRIx64 " ", e->seq, e->hash) < 0) return -1;
	for(size_t i = 0; i < e->ntargets; i++){
		if(e->targets[i].state != NABZ_TG_PENDING) continue;
		if(fprintf(f, "%s%" PRId64, first ? "" : ",", e->targets[i].chat) < 0) return -1;
		first = false;
	}
	return fprintf(f, "%s %s\n", first ? "-" : "", e->payload) < 0 ? -1 : 0;
}

static void write_failed(struct nabz_tg_spool *s)
{
	if(!s->write_failed){
		s->write_failed = true;
		nabz_log(LOG_ERR, "spool %s: cannot write: %s; delivery state is kept in memory only", s->journal.path,
				strerror(errno));
	}
}

/* An entry's A line appended to the journal. */
static int append_entry(struct nabz_tg_spool *s, const struct nabz_tg_entry *e)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if(s->journal.file == NULL) return 0;
	f = open_memstream(&line, &len);
	if(f == NULL) return -1;
	rc = write_entry(f, e);
	if(fclose(f) != 0) rc = -1;
	if(rc == 0 && len > 0) rc = nabz_journal__append(&s->journal, "%.*s", (int)(len - 1), line);
	free(line);
	return rc;
}

/* The journal anew: the seen hashes, then the pending entries. */
static int write_all(void *ud, FILE *f, size_t *lines)
{
	struct nabz_tg_spool *s = ud;
	struct nabz_tg_entry *e;

	for(size_t i = 0; i < s->seen_used; i++){
		size_t k = (s->seen_next + NABZ_TG_SEEN_MAX - s->seen_used + i) % NABZ_TG_SEEN_MAX;
		if(fprintf(f, "H %016" PRIx64 "\n", s->seen_slots[k].hash) < 0) return -1;
		(*lines)++;
	}
	DL_FOREACH(s->head, e){
		if(write_entry(f, e) != 0) return -1;
		(*lines)++;
	}
	return 0;
}

static void load_mark(struct nabz_tg_spool *s, uint64_t seq, int64_t chat, enum nabz_tg_state state)
{
	struct nabz_tg_entry *e;

	HASH_FIND(hh, s->by_seq, &seq, sizeof(seq), e);
	if(e == NULL) return;
	for(size_t i = 0; i < e->ntargets; i++){
		if(e->targets[i].chat == chat && e->targets[i].state == NABZ_TG_PENDING){
			e->targets[i].state = (uint8_t)state;
			if(--e->left == 0){
				entry_unlink(s, e);
				entry_free(e);
			}
			return;
		}
	}
}

/* "A seq hash chats payload" */
static int load_entry(struct nabz_tg_spool *s, char *line)
{
	char *end, *chats, *payload;
	uint64_t seq, hash;
	int64_t *list;
	size_t n = 0, cap = 1;
	struct nabz_tg_entry *e;
	int rc = -1;

	errno = 0;
	seq = strtoull(line + 2, &end, 10);
	if(*end != ' ' || errno) return -1;
	hash = strtoull(end + 1, &end, 16);
	if(*end != ' ' || errno) return -1;
	chats = end + 1;
	payload = strchr(chats, ' ');
	if(payload == NULL || payload[1] != '{') return -1;
	*payload++ = '\0';
	for(const char *c = chats; *c; c++) cap += *c == ',';
	list = malloc(cap * sizeof(*list));
	if(list == NULL) return -1;
	if(strcmp(chats, "-") != 0){
		for(char *p = chats; *p; ){
			long long v = strtoll(p, &end, 10);
			if(end == p || (*end != ',' && *end != '\0') || n == cap) goto done;
			list[n++] = (int64_t)v;
			p = *end ? end + 1 : end;
		}
	}
	remember(s, hash);
	if(seq >= s->next_seq) s->next_seq = seq + 1;
	rc = 0;
	if(n == 0) goto done;
	e = entry_new(seq, hash, payload, list, n);
	if(e == NULL || entry_link(s, e) != 0){
		if(e) entry_free(e);
		rc = -1;
	}
done:
	free(list);
	return rc;
}

static void readdress(struct nabz_tg_spool *s, int64_t from, int64_t to)
{
	for(struct nabz_tg_entry *e = s->head; e; e = e->next){
		for(size_t i = 0; i < e->ntargets; i++){
			if(e->targets[i].chat == from && e->targets[i].state == NABZ_TG_PENDING) e->targets[i].chat = to;
		}
	}
}

void nabz_tg_spool__readdress(struct nabz_tg_spool *s, int64_t from, int64_t to)
{
	readdress(s, from, to);
	if(nabz_journal__append(&s->journal, "M %" PRId64 " %" PRId64, from, to) != 0) write_failed(s);
}

static int load_line(void *ud, char *line)
{
	struct nabz_tg_spool *s = ud;
	char *end;
	uint64_t seq;
	long long chat;

	if(line[0] == '\0' || line[1] != ' ') return -1;
	switch(line[0]){
		case 'A':
			return load_entry(s, line);
		case 'H':
			errno = 0;
			seq = strtoull(line + 2, &end, 16);
			if(*end != '\0' || errno) return -1;
			remember(s, seq);
			return 0;
		case 'S':
		case 'X':
			errno = 0;
			seq = strtoull(line + 2, &end, 10);
			if(*end != ' ' || errno) return -1;
			chat = strtoll(end + 1, &end, 10);
			if(*end != '\0' || errno) return -1;
			load_mark(s, seq, (int64_t)chat, line[0] == 'S' ? NABZ_TG_SENT : NABZ_TG_FAILED);
			return 0;
		case 'M':
			{
				long long from, to;
				errno = 0;
				from = strtoll(line + 2, &end, 10);
				if(*end != ' ' || errno) return -1;
				to = strtoll(end + 1, &end, 10);
				if(*end != '\0' || errno) return -1;
				readdress(s, (int64_t)from, (int64_t)to);
			}
			return 0;
		case 'F':
			errno = 0;
			seq = strtoull(line + 2, &end, 10);
			if(*end != '\0' || errno) return -1;
			{
				struct nabz_tg_entry *e;
				HASH_FIND(hh, s->by_seq, &seq, sizeof(seq), e);
				if(e){
					entry_unlink(s, e);
					entry_free(e);
				}
			}
			return 0;
		default:
			return -1;
	}
}

int nabz_tg_spool__open(struct nabz_tg_spool *s, const char *dir, size_t max, char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->max = max;
	s->next_seq = 1;
	s->seen_slots = calloc(NABZ_TG_SEEN_MAX, sizeof(*s->seen_slots));
	if(s->seen_slots == NULL){
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = nabz_journal__open(&s->journal, dir, "telegram.spool", load_line, write_all, s, err, errlen);
	if(s->count) nabz_log(LOG_NOTICE, "spool: %zu alerts from before are still to be delivered", s->count);
	return rc;
}

void nabz_tg_spool__close(struct nabz_tg_spool *s)
{
	struct nabz_tg_entry *e, *tmp;

	nabz_tg_spool__sync(s);
	nabz_journal__close(&s->journal);
	HASH_CLEAR(hh, s->by_seq);
	HASH_CLEAR(hh, s->seen);
	DL_FOREACH_SAFE(s->head, e, tmp){
		DL_DELETE(s->head, e);
		entry_free(e);
	}
	free(s->seen_slots);
	memset(s, 0, sizeof(*s));
}

static void maybe_compact(struct nabz_tg_spool *s)
{
	if(s->journal.file && s->journal.lines > 2000 && s->journal.lines > 2 * (s->count + s->seen_used)){
		if(nabz_journal__rewrite(&s->journal) != 0) write_failed(s);
	}
}

struct nabz_tg_entry *nabz_tg_spool__add(struct nabz_tg_spool *s, const char *payload, uint64_t hash,
		const int64_t *chats, size_t n)
{
	struct nabz_tg_entry *e = entry_new(s->next_seq++, hash, payload, chats, n);

	if(e == NULL){
		errno = ENOMEM;
		return NULL;
	}
	if(append_entry(s, e) != 0) write_failed(s);
	remember(s, hash);
	if(n == 0){
		entry_free(e);
		errno = 0;
		return NULL;
	}
	if(entry_link(s, e) != 0){
		entry_free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

bool nabz_tg_spool__mark(struct nabz_tg_spool *s, struct nabz_tg_target *t, enum nabz_tg_state state)
{
	struct nabz_tg_entry *e = t->entry;

	if(t->state != NABZ_TG_PENDING) return false;
	t->state = (uint8_t)state;
	/* Written at once: a kill -9 after this line never resends. */
	if(nabz_journal__append(&s->journal, "%c %" PRIu64 " %" PRId64, state == NABZ_TG_SENT ? 'S' : 'X', e->seq,
			t->chat) != 0){
		write_failed(s);
	}
	if(--e->left > 0) return false;
	entry_unlink(s, e);
	entry_free(e);
	maybe_compact(s);
	return true;
}

void nabz_tg_spool__drop(struct nabz_tg_spool *s, struct nabz_tg_entry *e)
{
	if(nabz_journal__append(&s->journal, "F %" PRIu64, e->seq) != 0) write_failed(s);
	s->dropped++;
	entry_unlink(s, e);
	entry_free(e);
	maybe_compact(s);
}

int nabz_tg_spool__sync(struct nabz_tg_spool *s)
{
	if(nabz_journal__sync(&s->journal) != 0){
		write_failed(s);
		return -1;
	}
	return 0;
}
