/* Unit tests for plugin/state_file.c: atomic save and strict load. */
#define _GNU_SOURCE /* mkdtemp, nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "nabz_test.h"

#include "state_file.h"

#define ERRLEN 1024

struct fixture {
	char dir[64];
	char path[128];      /* <dir>/state.json */
	char tmp[160];       /* <path>.tmp */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if(f == NULL) return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nabz-unit-state-XXXXXX");
	if(mkdtemp(f->dir) == NULL){
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/state.json", f->dir);
	snprintf(f->tmp, sizeof(f->tmp), "%s.tmp", f->path);
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(f);
	return rc;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	if(len) assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/* Reads the whole file into a NUL-terminated heap buffer. */
static char *read_text(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = malloc(8192);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, 8191, fp);
	buf[n] = '\0';
	fclose(fp);
	if(len) *len = n;
	return buf;
}

static enum nabz_state_load load(const char *path, struct nabz_persisted *out, char *err)
{
	/* Junk in out first: load must zero it unless it loads. */
	memset(out, 0xA5, sizeof(*out));
	err[0] = '\0';
	return nabz_state__load(path, out, err, ERRLEN);
}

static void assert_zeroed(const struct nabz_persisted *p)
{
	assert_int_equal(p->total_sessions, 0);
	assert_int_equal(p->peak_connections, 0);
}

static void test_round_trip(void **state)
{
	static const struct nabz_persisted rows[] = {
		{0, 0, 0}, {1, 1, 0}, {23, 17, 0}, {17, 23, 0}, {123456789, 42, 0},
		{UINT64_C(4294967296), UINT64_C(4294967297), 0},
		{UINT64_C(9007199254740992), UINT64_C(9007199254740991), 0},
		{5, 3, 40}, {1, 1, UINT64_C(9007199254740992)},   /* a clustered node */
	};
	struct fixture *f = *state;

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_persisted got;
		char err[ERRLEN] = "";
		enum nabz_state_load rc;

		check_row(nabz_state__save(f->path, &rows[i], err, sizeof(err)) == 0, "row %zu: %s", i, err);
		check_row(!exists(f->tmp), "row %zu: %s left behind", i, f->tmp);
		rc = load(f->path, &got, err);
		check_row(rc == NABZ_STATE_LOADED, "row %zu: load %d: %s", i, (int)rc, err);
		check_row(got.total_sessions == rows[i].total_sessions
				&& got.peak_connections == rows[i].peak_connections
				&& got.cluster_peak_connections == rows[i].cluster_peak_connections,
				"row %zu: got %llu/%llu", i, (unsigned long long)got.total_sessions,
				(unsigned long long)got.peak_connections);
	}
}

/* The file is the small JSON object other tools may read too. */
static void test_saved_format(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {23, 17, 0};
	char err[ERRLEN];
	char *text;
	cJSON *o, *want;

	assert_int_equal(nabz_state__save(f->path, &p, err, sizeof(err)), 0);
	text = read_text(f->path, NULL);
	o = cJSON_Parse(text);
	want = cJSON_Parse("{\"version\":1,\"total_sessions\":23,\"peak_connections\":17}");
	assert_non_null(o);
	assert_true(cJSON_Compare(o, want, true));
	cJSON_Delete(o);
	cJSON_Delete(want);
	free(text);
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted got;
	char err[ERRLEN], path[256];

	assert_int_equal(load(f->path, &got, err), NABZ_STATE_MISSING);
	assert_zeroed(&got);
	snprintf(path, sizeof(path), "%s/no/such/dir/state.json", f->dir);
	assert_int_equal(load(path, &got, err), NABZ_STATE_MISSING);
	assert_zeroed(&got);
}

static void test_corrupt(void **state)
{
	static const char *const rows[] = {
		"",
		" ",
		"\n",
		"{",
		"}",
		"garbage",
		"nul\0l",
		"null",
		"true",
		"42",
		"\"text\"",
		"[]",
		"[{\"version\":1,\"total_sessions\":1,\"peak_connections\":1}]",
		"{}",
		"{\"version\":1}",
		"{\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1}",
		"{\"version\":1,\"peak_connections\":1}",
		"{\"version\":2,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":0,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":-1,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":\"1\",\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":null,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":true,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":4294967297,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"Version\":1,\"total_sessions\":1,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":-1,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1,\"peak_connections\":-1}",
		"{\"version\":1,\"total_sessions\":-0.5,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1.5,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1,\"peak_connections\":0.001}",
		"{\"version\":1,\"total_sessions\":\"5\",\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1,\"peak_connections\":\"1\"}",
		"{\"version\":1,\"total_sessions\":1,\"peak_connections\":1,\"cluster_peak_connections\":-1}",
		"{\"version\":1,\"total_sessions\":1,\"peak_connections\":1,\"cluster_peak_connections\":\"2\"}",
		"{\"version\":1,\"total_sessions\":null,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":true,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":[1],\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":{\"n\":1},\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1e300,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1e16,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":-1e300,\"peak_connections\":1}",
		"{\"version\":1,\"TOTAL_SESSIONS\":1,\"peak_connections\":1}",
		"{\"version\":1,\"total_sessions\":1,\"peak_connections\":1",
		"{\"version\":1,\"total_sessions\":1,,\"peak_connections\":1}",
		"{'version':1,'total_sessions':1,'peak_connections':1}",
		"version=1\ntotal_sessions=1\npeak_connections=1\n",
	};
	struct fixture *f = *state;

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_persisted got;
		char err[ERRLEN];
		enum nabz_state_load rc;

		write_bytes(f->path, rows[i], i == 6 ? 5 : strlen(rows[i]));
		rc = load(f->path, &got, err);
		check_row(rc == NABZ_STATE_CORRUPT, "row %zu (%s): load gave %d", i, rows[i], (int)rc);
		check_row(got.total_sessions == 0 && got.peak_connections == 0, "row %zu: out not zeroed", i);
		check_row(strstr(err, f->path) != NULL, "row %zu: message \"%s\" lacks the path", i, err);
	}
}

static void test_garbage_bytes(void **state)
{
	struct fixture *f = *state;
	unsigned char junk[512];
	unsigned seed = 12345;

	for(int round = 0; round < 50; round++){
		struct nabz_persisted got;
		char err[ERRLEN];
		size_t len = (size_t)round * 10 + 1;

		for(size_t i = 0; i < len; i++){
			seed = seed * 1103515245u + 12345u;
			junk[i] = (unsigned char)(seed >> 16);
		}
		junk[0] = (unsigned char)(junk[0] | 0x80); /* never starts a JSON value */
		write_bytes(f->path, junk, len);
		check_row(load(f->path, &got, err) == NABZ_STATE_CORRUPT, "round %d", round);
		assert_zeroed(&got);
	}
}

/* A file torn at any byte (as a non-atomic writer would leave it) is
 * refused, never half read. */
static void test_truncated(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {123456789, 98765, 0};
	char err[ERRLEN];
	size_t len;
	char *full;
	size_t close_at;

	assert_int_equal(nabz_state__save(f->path, &p, err, sizeof(err)), 0);
	full = read_text(f->path, &len);
	assert_non_null(strchr(full, '}'));
	close_at = (size_t)(strchr(full, '}') - full);
	for(size_t n = 0; n <= len; n++){
		struct nabz_persisted got;
		enum nabz_state_load rc;

		write_bytes(f->path, full, n);
		rc = load(f->path, &got, err);
		if(n <= close_at){
			check_row(rc == NABZ_STATE_CORRUPT, "prefix of %zu bytes \"%.*s\": %d", n, (int)n, full, (int)rc);
			assert_zeroed(&got);
		}else{
			check_row(rc == NABZ_STATE_LOADED && got.total_sessions == p.total_sessions
					&& got.peak_connections == p.peak_connections, "prefix of %zu bytes: %d", n, (int)rc);
		}
	}
	free(full);
}

static void test_size_limit(void **state)
{
	static const struct {
		size_t size;
		enum nabz_state_load want;
	} rows[] = {
		{4095, NABZ_STATE_LOADED},
		{4096, NABZ_STATE_LOADED},
		{4097, NABZ_STATE_CORRUPT},
		{5000, NABZ_STATE_CORRUPT},
		{100000, NABZ_STATE_CORRUPT},
	};
	static const char body[] = "{\"version\":1,\"total_sessions\":5,\"peak_connections\":3}";
	struct fixture *f = *state;

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *buf = malloc(rows[i].size);
		struct nabz_persisted got;
		char err[ERRLEN];
		enum nabz_state_load rc;

		assert_non_null(buf);
		/* Valid JSON, padded with whitespace to the size. */
		memset(buf, ' ', rows[i].size);
		memcpy(buf, body, sizeof(body) - 1);
		buf[rows[i].size - 1] = '\n';
		write_bytes(f->path, buf, rows[i].size);
		free(buf);
		rc = load(f->path, &got, err);
		check_row(rc == rows[i].want, "%zu bytes: %d", rows[i].size, (int)rc);
		if(rc == NABZ_STATE_LOADED){
			assert_int_equal(got.total_sessions, 5);
			assert_int_equal(got.peak_connections, 3);
		}else{
			assert_zeroed(&got);
			check_row(strstr(err, "4096") != NULL, "message \"%s\"", err);
		}
	}
}

/* A crash between creating "<path>.tmp" and the rename leaves the tmp
 * file: load ignores it and the next save replaces it. */
static void test_leftover_tmp(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {5, 4, 0}, got;
	char err[ERRLEN];

	assert_int_equal(nabz_state__save(f->path, &p, err, sizeof(err)), 0);
	write_text(f->tmp, "{\"version\":1,\"total_sessions\":99,\"peak_con");
	assert_int_equal(load(f->path, &got, err), NABZ_STATE_LOADED);
	assert_int_equal(got.total_sessions, 5);
	assert_int_equal(got.peak_connections, 4);

	p.total_sessions = 6;
	assert_int_equal(nabz_state__save(f->path, &p, err, sizeof(err)), 0);
	assert_false(exists(f->tmp));
	assert_int_equal(load(f->path, &got, err), NABZ_STATE_LOADED);
	assert_int_equal(got.total_sessions, 6);

	/* A tmp file longer than the new content is truncated, not merged. */
	{
		char big[3000];
		memset(big, '9', sizeof(big));
		write_bytes(f->tmp, big, sizeof(big));
	}
	assert_int_equal(nabz_state__save(f->path, &p, err, sizeof(err)), 0);
	assert_int_equal(load(f->path, &got, err), NABZ_STATE_LOADED);
	assert_int_equal(got.total_sessions, 6);
	{
		struct stat st;
		assert_int_equal(stat(f->path, &st), 0);
		assert_true(st.st_size < 200);
	}

	/* Only a tmp file, no state file yet: still a fresh start. */
	assert_int_equal(unlink(f->path), 0);
	write_text(f->tmp, "{\"version\":1,\"total_sessions\":99,\"peak_connections\":1}");
	assert_int_equal(load(f->path, &got, err), NABZ_STATE_MISSING);
}

static void test_save_errors(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted p = {1, 1, 0};
	char err[ERRLEN], path[PATH_MAX + 64];

	/* Into a directory that does not exist. */
	snprintf(path, sizeof(path), "%s/missing/state.json", f->dir);
	err[0] = '\0';
	assert_int_equal(nabz_state__save(path, &p, err, sizeof(err)), -1);
	check_row(strstr(err, "/missing/state.json.tmp") != NULL, "message \"%s\"", err);
	assert_false(exists(path));

	/* Over a directory: the rename fails and the tmp file is removed. */
	snprintf(path, sizeof(path), "%s/adir", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	{
		char sub[PATH_MAX + 96];
		snprintf(sub, sizeof(sub), "%s/x", path);
		write_text(sub, "keep");
	}
	err[0] = '\0';
	assert_int_equal(nabz_state__save(path, &p, err, sizeof(err)), -1);
	check_row(strstr(err, "adir") != NULL, "message \"%s\"", err);
	{
		char tmp[PATH_MAX + 96];
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		assert_false(exists(tmp));
	}

	/* A path too long for "<path>.tmp". */
	memset(path, 'a', PATH_MAX);
	path[0] = '/';
	path[PATH_MAX - 2] = '\0';
	err[0] = '\0';
	assert_int_equal(nabz_state__save(path, &p, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');

	/* A failed save leaves the previous file as it was. */
	assert_int_equal(nabz_state__save(f->path, &p, err, sizeof(err)), 0);
	assert_int_equal(chmod(f->dir, 0500), 0);
	if(access(f->dir, W_OK) != 0){ /* root ignores the mode */
		struct nabz_persisted q = {2, 2, 0}, got;
		assert_int_equal(nabz_state__save(f->path, &q, err, sizeof(err)), -1);
		assert_int_equal(load(f->path, &got, err), NABZ_STATE_LOADED);
		assert_int_equal(got.total_sessions, 1);
	}
	assert_int_equal(chmod(f->dir, 0700), 0);
}

static void test_load_io_error(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted got;
	char err[ERRLEN], path[256];

	/* A directory in place of the file: it opens but cannot be read. */
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(load(f->path, &got, err), NABZ_STATE_IO_ERROR);
	assert_zeroed(&got);
	check_row(strstr(err, f->path) != NULL, "message \"%s\"", err);
	/* A path through a regular file. */
	write_text(f->tmp, "x");
	snprintf(path, sizeof(path), "%s/state.json", f->tmp);
	assert_int_equal(load(path, &got, err), NABZ_STATE_IO_ERROR);
	assert_zeroed(&got);
}

/* A version that is not exactly 1 (here 1.5) is refused as well. */
static void test_fractional_version(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted got;
	char err[ERRLEN];
	enum nabz_state_load rc;

	write_text(f->path, "{\"version\":1.5,\"total_sessions\":7,\"peak_connections\":7}");
	rc = load(f->path, &got, err);
	assert_int_equal(rc, NABZ_STATE_CORRUPT);
	assert_zeroed(&got);
}

/* Bytes after the object mean the file is not what save wrote. */
static void test_trailing_garbage(void **state)
{
	struct fixture *f = *state;
	struct nabz_persisted got;
	char err[ERRLEN];
	enum nabz_state_load rc;

	write_text(f->path, "{\"version\":1,\"total_sessions\":7,\"peak_connections\":7}garbage");
	rc = load(f->path, &got, err);
	assert_int_equal(rc, NABZ_STATE_CORRUPT);
	assert_zeroed(&got);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_saved_format),
		T(test_missing),
		T(test_corrupt),
		T(test_garbage_bytes),
		T(test_truncated),
		T(test_size_limit),
		T(test_leftover_tmp),
		T(test_save_errors),
		T(test_load_io_error),
		T(test_fractional_version),
		T(test_trailing_garbage),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
