#include "news_seen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"

static void forget_oldest(struct nabz_news_seen *s)
{
	struct nabz_seen_id *old = s->ids;

	HASH_DEL(s->ids, old);
	free(old->id);
	free(old);
}

static int remember(struct nabz_news_seen *s, const char *id)
{
	struct nabz_seen_id *e;

	HASH_FIND_STR(s->ids, id, e);
	if(e) return 0;
	while(HASH_COUNT(s->ids) >= s->max && s->ids) forget_oldest(s);
	e = calloc(1, sizeof(*e));
	if(e == NULL || (e->id = strdup(id)) == NULL){
		free(e);
		return -1;
	}
	HASH_ADD_KEYPTR(hh, s->ids, e->id, strlen(e->id), e);
	if(s->ids == NULL){
		free(e->id);
		free(e);
		return -1;
	}
	return 0;
}

/* Rewrites the file with the ids kept (temporary file, fsync, rename). */
static void rewrite(struct nabz_news_seen *s)
{
	char tmp[4096];
	struct nabz_seen_id *e, *t;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
	f = fopen(tmp, "w");
	if(f == NULL) return;
	HASH_ITER(hh, s->ids, e, t) fprintf(f, "%s\n", e->id);
	if(fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, s->path) != 0){
		unlink(tmp);
		return;
	}
	if(s->file) fclose(s->file);
	s->file = fopen(s->path, "a");
	s->lines = HASH_COUNT(s->ids);
}

static int load_id(void *ud, char *line)
{
	if(line[0]) remember(ud, line);
	return 0;
}

int nabz_news_seen__open(struct nabz_news_seen *s, const char *dir, size_t max)
{
	size_t lines, len = strlen(dir) + 16;

	memset(s, 0, sizeof(*s));
	s->max = max;
	if(dir[0] == '\0') return 0;
	s->path = malloc(len);
	if(s->path == NULL) return -1;
	snprintf(s->path, len, "%s/news_seen.txt", dir);
	/* a torn last line (killed mid-write) is reported and skipped */
	if(nabz_file__read_lines(s->path, "news seen-set", load_id, s, &lines) != 0){
		s->first_run = errno == ENOENT;
	}
	rewrite(s);
	if(s->file == NULL){
		nabz_log(LOG_WARNING, "news: cannot write %s: %s; duplicates are possible after a restart",
				s->path, strerror(errno));
	}
	return 0;
}

void nabz_news_seen__close(struct nabz_news_seen *s)
{
	if(s->file) fclose(s->file);
	while(s->ids) forget_oldest(s);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

bool nabz_news_seen__has(const struct nabz_news_seen *s, const char *id)
{
	struct nabz_seen_id *e;

	HASH_FIND_STR(s->ids, id, e);
	return e != NULL;
}

int nabz_news_seen__add(struct nabz_news_seen *s, const char *id)
{
	if(strchr(id, '\n')) return -1;
	if(remember(s, id) != 0) return -1;
	if(s->file){
		fprintf(s->file, "%s\n", id);
		fflush(s->file);
		if(++s->lines > 2 * s->max) rewrite(s);
	}
	return 0;
}
