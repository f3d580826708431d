/*
 * Reading a JSON configuration: every bad value is reported with its JSON
 * path and the reason ("sources.kraken.interval_s: must be a whole number
 * in 1..86400"), unknown keys too. Shared by nabz-bridge and nabz-telegram.
 * A reader keeps the first error only; every reader function does nothing
 * useful after a failure, so a parser may call them in sequence and check
 * r->failed once.
 */
#ifndef NABZ_CFGREAD_H
#define NABZ_CFGREAD_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct nabz_cfg_reader {
	char *err;                  /* "json.path: reason" */
	size_t errlen;
	int failed;
};

__attribute__((format(printf, 3, 4)))
int nabz_cfg__fail(struct nabz_cfg_reader *r, const char *path, const char *fmt, ...);
/* "path.key" (or "key" at the top) into out. */
void nabz_cfg__join(char *out, size_t outlen, const char *path, const char *key);
/* Fails on the first key of obj not in allowed (NULL-terminated). */
int nabz_cfg__check_keys(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *const *allowed);
/* obj[key] when it is an object; NULL when absent (or not an object: fails). */
const cJSON *nabz_cfg__object(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key);
/* Each reader sets *out to the value or to def when key is absent.
 * Strings are heap copies the caller frees (*out is freed first). */
int nabz_cfg__string(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		const char *def, char **out);
int nabz_cfg__long(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		long min, long max, long def, long *out);
int nabz_cfg__double(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		double min, double max, double def, double *out);
int nabz_cfg__bool(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		bool def, bool *out);
/* An array of non-empty strings; with symbols, each checked and upper-cased. */
int nabz_cfg__strings(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		bool symbols, char ***out, size_t *count);
void nabz_cfg__free_strings(char **list, size_t n);
/* The first line of file (a password, a token) into *out. The error names
 * the file, never its content. A file written "$CREDENTIALS_DIRECTORY/NAME"
 * is NAME among the unit's systemd credentials (LoadCredential=). */
int nabz_cfg__secret_file(struct nabz_cfg_reader *r, const char *path, const char *file, char **out);
/* Reads a whole file (at most 4 MiB) into a NUL-terminated heap buffer the
 * caller frees. Returns 0, or -1 with "file: reason" in err. */
int nabz_cfg__read_file(const char *file, char **buf, size_t *len, char *err, size_t errlen);
/* The configuration's top object, parsed from json (len bytes) or read
 * from file. Returns a tree the caller deletes (cJSON_Delete), or NULL
 * with "(top): not a JSON object" (" (syntax error)") or the file's
 * error in err. */
cJSON *nabz_cfg__parse_root(const char *json, size_t len, char *err, size_t errlen);
cJSON *nabz_cfg__load_root(const char *file, char *err, size_t errlen);

#endif
