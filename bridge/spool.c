#include "spool.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "log.h"

static void msg_free(struct nabz_spool_msg *m)
{
	free(m->topic);
	free(m->payload);
	free(m);
}

static struct nabz_spool_msg *msg_new(uint64_t seq, const char *topic, const char *payload)
{
	struct nabz_spool_msg *m = calloc(1, sizeof(*m));

	if(m == NULL) return NULL;
	m->seq = seq;
	m->topic = strdup(topic);
	m->payload = strdup(payload);
	if(m->topic == NULL || m->payload == NULL){
		msg_free(m);
		return NULL;
	}
	return m;
}

/* The journal anew: the pending messages' A lines. */
static int write_all(void *ud, FILE *f, size_t *lines)
{
	struct nabz_spool *s = ud;
	struct nabz_spool_msg *m;

	DL_FOREACH(s->head, m){
		if(fprintf(f, "A %" PRIu64 " %s %s\n", m->seq, m->topic, m->payload) < 0) return -1;
		(*lines)++;
	}
	return 0;
}

/* One line of the journal: "A <seq> <topic> <payload>" or "D <seq>". */
static int load_line(void *ud, char *line)
{
	struct nabz_spool *s = ud;
	unsigned long long seq;
	char *p, *end;

	if(line[0] == '\0' || line[1] != ' ') return -1;   /* also keeps line + 2 inside */
	seq = strtoull(line + 2, &end, 10);
	if(line[0] == 'D' && *end == '\0'){
		struct nabz_spool_msg *m, *tmp;
		DL_FOREACH_SAFE(s->head, m, tmp){
			if(m->seq == seq){
				DL_DELETE(s->head, m);
				msg_free(m);
				s->count--;
			}
		}
	}else if(line[0] == 'A' && *end == ' ' && (p = strchr(end + 1, ' '))){
		struct nabz_spool_msg *m;
		*p = '\0';
		m = msg_new(seq, end + 1, p + 1);
		if(m){
			DL_APPEND(s->head, m);
			s->count++;
		}
	}else{
		return -1;
	}
	if(seq >= s->next_seq) s->next_seq = seq + 1;
	return 0;
}

int nabz_spool__open(struct nabz_spool *s, const char *dir, size_t max, char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->max = max;
	s->next_seq = 1;
	rc = nabz_journal__open(&s->journal, dir, "outbox.log", load_line, write_all, s, err, errlen);
	if(s->count) nabz_log(LOG_NOTICE, "spool: %zu messages from before are still to be delivered", s->count);
	return rc;
}

void nabz_spool__close(struct nabz_spool *s)
{
	struct nabz_spool_msg *m, *tmp;

	nabz_journal__close(&s->journal);
	DL_FOREACH_SAFE(s->head, m, tmp){
		DL_DELETE(s->head, m);
		msg_free(m);
	}
	memset(s, 0, sizeof(*s));
}

struct nabz_spool_msg *nabz_spool__add(struct nabz_spool *s, const char *topic, const char *payload)
{
	struct nabz_spool_msg *m;

	if(s->count >= s->max && s->head){
		struct nabz_spool_msg *old = s->head;
		if(s->dropped++ == 0) nabz_log(LOG_WARNING, "spool full (%zu messages): dropping the oldest", s->max);
		nabz_spool__done(s, old);
	}
	m = msg_new(s->next_seq++, topic, payload);
	if(m == NULL) return NULL;
	/* On disk before the caller goes on: fsync'ed here. */
	if(nabz_journal__append(&s->journal, "A %" PRIu64 " %s %s", m->seq, m->topic, m->payload) != 0
			|| nabz_journal__sync(&s->journal) != 0){
		nabz_log(LOG_ERR, "spool %s: cannot write: %s; this message is kept in memory only",
				s->journal.path, strerror(errno));
	}
	DL_APPEND(s->head, m);
	s->count++;
	return m;
}

void nabz_spool__done(struct nabz_spool *s, struct nabz_spool_msg *m)
{
	/* No fsync: losing this line only means one more delivery after a
	 * crash, never a lost message (the next add's fsync takes it along). */
	nabz_journal__append(&s->journal, "D %" PRIu64, m->seq);
	DL_DELETE(s->head, m);
	msg_free(m);
	s->count--;
	if(s->journal.lines > 1000 && s->journal.lines > 4 * s->count) nabz_journal__rewrite(&s->journal);
}
