#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utlist.h>

#include "fileutil.h"
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

static int write_line(FILE *f, const struct nabz_spool_msg *m)
{
	return fprintf(f, "A %llu %s %s\n", (unsigned long long)m->seq, m->topic, m->payload) < 0 ? -1 : 0;
}

static int sync_file(FILE *f)
{
	return fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
}

/* Rewrites the file with the pending messages only. */
static int compact(struct nabz_spool *s)
{
	char tmp[4096];
	FILE *f;
	struct nabz_spool_msg *m;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
	f = fopen(tmp, "w");
	if(f == NULL) return -1;
	DL_FOREACH(s->head, m){
		if(write_line(f, m) != 0){
			fclose(f);
			unlink(tmp);
			return -1;
		}
	}
	if(sync_file(f) != 0 || fclose(f) != 0 || rename(tmp, s->path) != 0){
		unlink(tmp);
		return -1;
	}
	if(s->file) fclose(s->file);
	s->file = fopen(s->path, "a");
	s->lines = s->count;
	return s->file ? 0 : -1;
}

/* One line of the file: "A <seq> <topic> <payload>" or "D <seq>". */
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

static int rewrite(void *ud)
{
	return compact(ud);
}

int nabz_spool__open(struct nabz_spool *s, const char *dir, size_t max, char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->max = max;
	s->next_seq = 1;
	if(dir[0] == '\0') return 0;
	rc = nabz_file__open_spool(dir, "outbox.log", load_line, rewrite, s, &s->path, &s->lines, err, errlen);
	if(s->count) nabz_log(LOG_NOTICE, "spool: %zu messages from before are still to be delivered", s->count);
	return rc;
}

void nabz_spool__close(struct nabz_spool *s)
{
	struct nabz_spool_msg *m, *tmp;

	if(s->file) fclose(s->file);
	DL_FOREACH_SAFE(s->head, m, tmp){
		DL_DELETE(s->head, m);
		msg_free(m);
	}
	free(s->path);
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
	if(s->file){
		if(write_line(s->file, m) != 0 || sync_file(s->file) != 0){
			nabz_log(LOG_ERR, "spool %s: cannot write: %s; this message is kept in memory only",
					s->path, strerror(errno));
		}
		s->lines++;
	}
	DL_APPEND(s->head, m);
	s->count++;
	return m;
}

void nabz_spool__done(struct nabz_spool *s, struct nabz_spool_msg *m)
{
	if(s->file){
		/* No fsync: losing this line only means one more delivery after
		 * a crash, never a lost message. */
		fprintf(s->file, "D %llu\n", (unsigned long long)m->seq);
		fflush(s->file);
		s->lines++;
	}
	DL_DELETE(s->head, m);
	msg_free(m);
	s->count--;
	if(s->file && s->lines > 1000 && s->lines > 4 * s->count) compact(s);
}
