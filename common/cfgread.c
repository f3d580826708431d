#include "cfgread.h"
#include "fileutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"

int nabz_cfg__fail(struct nabz_cfg_reader *r, const char *path, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if(r->failed) return -1;   /* the first error is the one reported */
	r->failed = 1;
	n = (size_t)snprintf(r->err, r->errlen, "%s: ", path);
	if(n < r->errlen){
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void nabz_cfg__join(char *out, size_t outlen, const char *path, const char *key)
{
	snprintf(out, outlen, "%s%s%s", path, path[0] ? "." : "", key);
}

int nabz_cfg__check_keys(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *const *allowed)
{
	char p[256];

	for(const cJSON *it = obj ? obj->child : NULL; it; it = it->next){
		bool known = false;
		for(size_t i = 0; allowed[i]; i++){
			if(strcmp(it->string, allowed[i]) == 0) known = true;
		}
		if(!known){
			nabz_cfg__join(p, sizeof(p), path, it->string);
			return nabz_cfg__fail(r, p, "unknown key");
		}
	}
	return 0;
}

const cJSON *nabz_cfg__object(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	if(v == NULL) return NULL;
	if(!cJSON_IsObject(v)){
		nabz_cfg__join(p, sizeof(p), path, key);
		nabz_cfg__fail(r, p, "must be an object");
		return NULL;
	}
	return v;
}

int nabz_cfg__string(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		const char *def, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];
	const char *s = def;

	if(v){
		if(!cJSON_IsString(v)){
			nabz_cfg__join(p, sizeof(p), path, key);
			return nabz_cfg__fail(r, p, "must be a string");
		}
		s = v->valuestring;
	}
	free(*out);
	*out = strdup(s ? s : "");
	if(*out == NULL) return nabz_cfg__fail(r, path, "out of memory");
	return 0;
}

int nabz_cfg__long(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		long min, long max, long def, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	*out = def;
	if(v == NULL) return 0;
	nabz_cfg__join(p, sizeof(p), path, key);
	if(!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)
			|| v->valuedouble < (double)min || v->valuedouble > (double)max){
		return nabz_cfg__fail(r, p, "must be a whole number in %ld..%ld", min, max);
	}
	*out = (long)v->valuedouble;
	return 0;
}

int nabz_cfg__double(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		double min, double max, double def, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	*out = def;
	if(v == NULL) return 0;
	nabz_cfg__join(p, sizeof(p), path, key);
	if(!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max){
		return nabz_cfg__fail(r, p, "must be a number in %g..%g", min, max);
	}
	*out = v->valuedouble;
	return 0;
}

int nabz_cfg__bool(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		bool def, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	*out = def;
	if(v == NULL) return 0;
	if(!cJSON_IsBool(v)){
		nabz_cfg__join(p, sizeof(p), path, key);
		return nabz_cfg__fail(r, p, "must be true or false");
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

void nabz_cfg__free_strings(char **list, size_t n)
{
	for(size_t i = 0; i < n; i++) free(list[i]);
	free(list);
}

/* An array of strings; symbols are checked and upper-cased. */
int nabz_cfg__strings(struct nabz_cfg_reader *r, const cJSON *obj, const char *path, const char *key,
		bool symbols, char ***out, size_t *count)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];
	size_t n, i = 0;

	if(v == NULL) return 0;
	nabz_cfg__join(p, sizeof(p), path, key);
	if(!cJSON_IsArray(v)) return nabz_cfg__fail(r, p, "must be an array of strings");
	n = (size_t)cJSON_GetArraySize(v);
	nabz_cfg__free_strings(*out, *count);
	*out = calloc(n ? n : 1, sizeof(char *));
	*count = 0;
	if(*out == NULL) return nabz_cfg__fail(r, p, "out of memory");
	for(const cJSON *it = v->child; it; it = it->next, i++){
		char ip[280];
		snprintf(ip, sizeof(ip), "%s[%zu]", p, i);
		if(!cJSON_IsString(it) || it->valuestring[0] == '\0') return nabz_cfg__fail(r, ip, "must be a non-empty string");
		if(symbols){
			struct nabz_quote q;
			if(nabz_quote__init(&q, it->valuestring) != 0){
				return nabz_cfg__fail(r, ip, "\"%s\" is not a symbol (letters and digits, at most %d)",
						it->valuestring, NABZ_SYMBOL_MAX - 1);
			}
			(*out)[i] = strdup(q.symbol);
		}else{
			(*out)[i] = strdup(it->valuestring);
		}
		if((*out)[i] == NULL) return nabz_cfg__fail(r, ip, "out of memory");
		(*count)++;
	}
	return 0;
}

/* "$CREDENTIALS_DIRECTORY/NAME" is NAME in the directory systemd's
 * LoadCredential= fills for the unit (only readable by the unit's user, never
 * in any process's environment): the packaged configs name their secrets so.
 * Writes the path to use into out; -1 (logged through r) when the variable is
 * unset or the result does not fit. */
static int credential_path(struct nabz_cfg_reader *r, const char *path, const char *file,
		char *out, size_t outlen)
{
	static const char prefix[] = "$CREDENTIALS_DIRECTORY/";
	const char *dir;
	int n;

	if(strncmp(file, prefix, sizeof(prefix) - 1) != 0){
		n = snprintf(out, outlen, "%s", file);
	}else{
		dir = getenv("CREDENTIALS_DIRECTORY");
		if(dir == NULL || dir[0] == '\0'){
			return nabz_cfg__fail(r, path, "%s: $CREDENTIALS_DIRECTORY is not set (systemd's LoadCredential= "
					"sets it; by hand: CREDENTIALS_DIRECTORY=<dir holding %s>)", file, file + sizeof(prefix) - 1);
		}
		n = snprintf(out, outlen, "%s/%s", dir, file + sizeof(prefix) - 1);
	}
	if(n < 0 || (size_t)n >= outlen) return nabz_cfg__fail(r, path, "%s: path too long", file);
	return 0;
}

int nabz_cfg__secret_file(struct nabz_cfg_reader *r, const char *path, const char *file, char **out)
{
	char buf[512], name[4096];
	size_t n;
	FILE *f;

	if(credential_path(r, path, file, name, sizeof(name)) != 0) return -1;
	f = fopen(name, "r");
	if(f == NULL) return nabz_cfg__fail(r, path, "cannot read %s: %s", name, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	free(*out);
	*out = strdup(buf);
	return *out ? 0 : nabz_cfg__fail(r, path, "out of memory");
}

int nabz_cfg__read_file(const char *file, char **buf, size_t *len, char *err, size_t errlen)
{
	*buf = nabz_file__read_all(file, 4 * 1024 * 1024, len);
	if(*buf) return 0;
	if(errno == EFBIG) snprintf(err, errlen, "%s: larger than 4 MiB", file);
	else snprintf(err, errlen, "%s: %s", file, strerror(errno));
	return -1;
}

cJSON *nabz_cfg__parse_root(const char *json, size_t len, char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(json, len);

	if(root == NULL || !cJSON_IsObject(root)){
		snprintf(err, errlen, "(top): not a JSON object%s", root ? "" : " (syntax error)");
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

cJSON *nabz_cfg__load_root(const char *file, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	cJSON *root;

	if(nabz_cfg__read_file(file, &buf, &n, err, errlen) != 0) return NULL;
	root = nabz_cfg__parse_root(buf, n, err, errlen);
	free(buf);
	return root;
}
