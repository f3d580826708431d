#include "state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define STATE_VERSION 1
#define STATE_MAX_BYTES 4096

static int read_all(int fd, char *buf, size_t cap, size_t *len)
{
	size_t got = 0;

	for(;;){
		ssize_t n = read(fd, buf + got, cap - got);
		if(n < 0){
			if(errno == EINTR) continue;
			return -1;
		}
		if(n == 0) break;
		got += (size_t)n;
		if(got == cap) break;
	}
	*len = got;
	return 0;
}

static int read_count(const cJSON *root, const char *name, uint64_t *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, name);

	if(!cJSON_IsNumber(item) || item->valuedouble < 0 || item->valuedouble > 9007199254740992.0
			|| item->valuedouble != (double)(uint64_t)item->valuedouble){
		return -1;
	}
	*out = (uint64_t)item->valuedouble;
	return 0;
}

enum nabz_state_load nabz_state__load(const char *path, struct nabz_persisted *out,
		char *err, size_t errlen)
{
	char buf[STATE_MAX_BYTES + 1];
	size_t len;
	int fd;
	cJSON *root;
	const cJSON *version;
	const char *end = NULL;
	struct nabz_persisted p = {0, 0, 0};   /* the optional field stays 0 when absent */

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if(fd < 0){
		if(errno == ENOENT) return NABZ_STATE_MISSING;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NABZ_STATE_IO_ERROR;
	}
	if(read_all(fd, buf, sizeof(buf), &len) != 0){
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return NABZ_STATE_IO_ERROR;
	}
	close(fd);
	if(len > STATE_MAX_BYTES){
		snprintf(err, errlen, "%s is larger than %d bytes", path, STATE_MAX_BYTES);
		return NABZ_STATE_CORRUPT;
	}
	buf[len] = '\0';
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	/* Only whitespace may follow the object that save wrote. */
	if(root && end[strspn(end, " \t\r\n")] != '\0'){
		cJSON_Delete(root);
		root = NULL;
	}
	if(root == NULL || !cJSON_IsObject(root)){
		snprintf(err, errlen, "%s is not a JSON object", path);
		cJSON_Delete(root);
		return NABZ_STATE_CORRUPT;
	}
	version = cJSON_GetObjectItemCaseSensitive(root, "version");
	if(!cJSON_IsNumber(version) || version->valuedouble != STATE_VERSION
			|| read_count(root, "total_sessions", &p.total_sessions)
			|| read_count(root, "peak_connections", &p.peak_connections)){
		snprintf(err, errlen, "%s lacks version %d, total_sessions or peak_connections", path, STATE_VERSION);
		cJSON_Delete(root);
		return NABZ_STATE_CORRUPT;
	}
	/* Optional: only a clustered node writes it. */
	if(cJSON_GetObjectItemCaseSensitive(root, "cluster_peak_connections")
			&& read_count(root, "cluster_peak_connections", &p.cluster_peak_connections)){
		snprintf(err, errlen, "%s has a cluster_peak_connections that is not a count", path);
		cJSON_Delete(root);
		return NABZ_STATE_CORRUPT;
	}
	cJSON_Delete(root);
	*out = p;
	return NABZ_STATE_LOADED;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while(len > 0){
		ssize_t n = write(fd, buf, len);
		if(n < 0){
			if(errno == EINTR) continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	if(snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy)) return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if(fd < 0) return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int nabz_state__save(const char *path, const struct nabz_persisted *in, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	char body[256];
	int fd, n;

	if(in->cluster_peak_connections){
		n = snprintf(body, sizeof(body),
				"{\"version\":%d,\"total_sessions\":%llu,\"peak_connections\":%llu,"
				"\"cluster_peak_connections\":%llu}\n",
				STATE_VERSION, (unsigned long long)in->total_sessions,
				(unsigned long long)in->peak_connections,
				(unsigned long long)in->cluster_peak_connections);
	}else{
		n = snprintf(body, sizeof(body),
				"{\"version\":%d,\"total_sessions\":%llu,\"peak_connections\":%llu}\n",
				STATE_VERSION, (unsigned long long)in->total_sessions,
				(unsigned long long)in->peak_connections);
	}
	if(n < 0 || (size_t)n >= sizeof(body)){
		snprintf(err, errlen, "state too large to format");
		return -1;
	}
	if(snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)){
		snprintf(err, errlen, "state file path too long");
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if(fd < 0){
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if(write_all(fd, body, (size_t)n) != 0 || fsync(fd) != 0){
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if(close(fd) != 0){
		snprintf(err, errlen, "cannot close %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if(rename(tmp, path) != 0){
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if(fsync_dir_of(path) != 0){
		snprintf(err, errlen, "cannot fsync the directory of %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
