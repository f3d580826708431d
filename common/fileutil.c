#include "fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "log.h"

int nabz_file__sync_dir(const char *path)
{
	char dir[4096];
	char *slash;
	int fd, rc, n = snprintf(dir, sizeof(dir), "%s", path);

	if(n < 0 || (size_t)n >= sizeof(dir)) return -1;
	slash = strrchr(dir, '/');
	if(slash == NULL) return 0;
	*slash = '\0';
	fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
	if(fd < 0) return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int nabz_file__replace(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd, saved, n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	size_t done = 0;

	if(n < 0 || (size_t)n >= sizeof(tmp)){
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if(fd < 0) return -1;
	while(done < len){
		ssize_t w = write(fd, data + done, len - done);
		if(w < 0){
			if(errno == EINTR) continue;
			goto fail;
		}
		done += (size_t)w;
	}
	if(fsync(fd) != 0) goto fail;
	if(close(fd) != 0){
		fd = -1;
		goto fail;
	}
	if(rename(tmp, path) != 0){
		fd = -1;
		goto fail;
	}
	nabz_file__sync_dir(path);
	return 0;
fail:
	saved = errno;
	if(fd >= 0) close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int nabz_file__read_lines(const char *path, const char *what, int (*each)(void *ud, char *line), void *ud,
		size_t *lines)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0, bad = 0, first_bad = 0;
	ssize_t n;

	*lines = 0;
	if(f == NULL) return -1;
	while((n = getline(&line, &cap, f)) > 0){
		lineno++;
		if(line[n - 1] != '\n'){
			nabz_log(LOG_WARNING, "%s %s: line %zu is torn (a crash mid-write); skipped", what, path, lineno);
			break;
		}
		line[n - 1] = '\0';
		if(each(ud, line) != 0){
			if(bad++ == 0) first_bad = lineno;
		}
	}
	free(line);
	fclose(f);
	if(bad) nabz_log(LOG_WARNING, "%s %s: %zu unreadable lines skipped (the first: line %zu)", what, path, bad, first_bad);
	*lines = lineno;
	return 0;
}

/* dir/name on the heap, dir created (0750) when missing; NULL with the
 * reason in err. */
static char *state_path(const char *dir, const char *name, char *err, size_t errlen)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path;

	if(mkdir(dir, 0750) != 0 && errno != EEXIST){
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return NULL;
	}
	path = malloc(len);
	if(path == NULL){
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(path, len, "%s/%s", dir, name);
	return path;
}

int nabz_file__open_spool(const char *dir, const char *name, int (*each)(void *ud, char *line),
		int (*rewrite)(void *ud), void *ud, char **path, size_t *lines, char *err, size_t errlen)
{
	*lines = 0;
	*path = state_path(dir, name, err, errlen);
	if(*path == NULL) return -1;
	nabz_file__read_lines(*path, "spool", each, ud, lines);   /* ENOENT: a first start */
	if(rewrite(ud) != 0){
		snprintf(err, errlen, "cannot write %s: %s", *path, strerror(errno));
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

char *nabz_file__read_all(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int err;

	*len = 0;
	if(f == NULL) return NULL;
	if(fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0){
		err = errno ? errno : EIO;
		fclose(f);
		errno = err;
		return NULL;
	}
	if((size_t)n > max){
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if(buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n){
		err = buf ? EIO : ENOMEM;
		free(buf);
		fclose(f);
		errno = err;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

int nabz_file__load_logged(const char *path, size_t max, const char *what, const char *consequence,
		int (*read)(void *ud, const char *text, size_t len, char *err, size_t errlen), void *ud)
{
	char err[160];
	size_t len;
	char *text = nabz_file__read_all(path, max, &len);
	int rc;

	if(text == NULL){
		if(errno != ENOENT){
			nabz_log(LOG_ERR, "%s: cannot read %s: %s; %s", what, path, strerror(errno), consequence);
		}
		return -1;
	}
	err[0] = '\0';
	rc = read(ud, text, len, err, sizeof(err));
	free(text);
	if(rc != 0){
		nabz_log(LOG_ERR, "%s: %s is damaged (%s); %s", what, path, err, consequence);
		return -1;
	}
	return 0;
}

int nabz_file__replace_logged(const char *path, const char *text, const char *what,
		const char *consequence, bool *failed)
{
	if(text && nabz_file__replace(path, text, strlen(text)) == 0){
		if(*failed) nabz_log(LOG_NOTICE, "%s: %s written again", what, path);
		*failed = false;
		return 0;
	}
	if(!*failed){
		nabz_log(LOG_ERR, "%s: cannot write %s: %s; %s", what, path, text ? strerror(errno) : "out of memory",
				consequence);
		*failed = true;
	}
	return -1;
}
