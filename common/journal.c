#include "journal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"

/* fileutil's callbacks get the journal; the owner's get its own ud. */
static int load(void *ud, char *line)
{
	struct nabz_journal *j = ud;

	return j->load(j->ud, line);
}

static int rewrite(void *ud)
{
	return nabz_journal__rewrite(ud);
}

int nabz_journal__open(struct nabz_journal *j, const char *dir, const char *name,
		nabz_journal_load_fn load_line, nabz_journal_write_fn write_all, void *ud,
		char *err, size_t errlen)
{
	size_t lines;

	memset(j, 0, sizeof(*j));
	j->load = load_line;
	j->write_all = write_all;
	j->ud = ud;
	if(dir[0] == '\0') return 0;
	/* rewrite() runs with j->path already set and sets j->lines. */
	return nabz_file__open_spool(dir, name, load, rewrite, j, &j->path, &lines, err, errlen);
}

int nabz_journal__append(struct nabz_journal *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if(j->file == NULL) return 0;
	va_start(ap, fmt);
	n = vfprintf(j->file, fmt, ap);
	va_end(ap);
	/* Counted and dirty even when it failed: part of it may be there. */
	j->lines++;
	j->dirty = true;
	if(n < 0 || fputc('\n', j->file) == EOF || fflush(j->file) != 0) return -1;
	return 0;
}

int nabz_journal__sync(struct nabz_journal *j)
{
	if(!j->dirty || j->file == NULL) return 0;
	j->dirty = false;
	return fsync(fileno(j->file)) == 0 ? 0 : -1;
}

int nabz_journal__rewrite(struct nabz_journal *j)
{
	char tmp[4096];
	FILE *f;
	size_t lines = 0;
	int n, saved;

	if(j->path == NULL) return 0;
	n = snprintf(tmp, sizeof(tmp), "%s.tmp", j->path);
	if(n < 0 || (size_t)n >= sizeof(tmp)){
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(tmp, "w");
	if(f == NULL) return -1;
	if(j->write_all(j->ud, f, &lines) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0){
		saved = errno;
		fclose(f);
		goto fail;
	}
	if(fclose(f) != 0 || rename(tmp, j->path) != 0){
		saved = errno;
		goto fail;
	}
	nabz_file__sync_dir(j->path);
	if(j->file) fclose(j->file);
	j->file = fopen(j->path, "a");
	j->lines = lines;
	j->dirty = false;
	return j->file ? 0 : -1;
fail:
	unlink(tmp);
	errno = saved;
	return -1;
}

void nabz_journal__close(struct nabz_journal *j)
{
	if(j->file){
		nabz_journal__sync(j);
		fclose(j->file);
	}
	free(j->path);
	memset(j, 0, sizeof(*j));
}
