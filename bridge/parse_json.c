/*
 * Reading a response body as JSON: the body checked and parsed, fields
 * looked up with a reason when missing, optional values, and the reasons
 * written into err (the value readers and their bounds: common/jsonval.c).
 */
#include "parse_json.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse_text.h"

int nabz_parse__err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if(err == NULL || errlen == 0) return -1;
	va_start(ap, fmt);
	/* A cut reason is still a reason: truncation is accepted here. */
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const cJSON *nabz_parse__field(const cJSON *parent, const char *name, const char *path,
		cJSON_bool (*is)(const cJSON *), char *err, size_t errlen)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, name);

	if(is(item)) return item;
	nabz_parse__err(err, errlen, "%s %s", item ? "wrong type for" : "missing field", path);
	return NULL;
}

int nabz_parse__api_error(char *err, size_t errlen, const char *msg)
{
	char clean[NABZ_API_MSG_MAX + 1];
	size_t n = 0;

	if(msg == NULL || msg[0] == '\0') msg = "(no message)";
	for(; msg[n] != '\0' && n < NABZ_API_MSG_MAX; n++){
		unsigned char c = (unsigned char)msg[n];
		clean[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	clean[n] = '\0';
	nabz_parse__err(err, errlen, "API error: %s", clean);
	return -1;
}

static bool is_json_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool nabz_parse__looks_like_html(const char *body, size_t len)
{
	static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body", "<!--"};
	size_t i = 0;

	if(body == NULL) return false;
	if(len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) i = 3;
	while(i < len && isspace((unsigned char)body[i])) i++;
	for(size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++){
		if(nabz_parse__has_prefix_ci(body + i, len - i, starts[k])) return true;
	}
	return false;
}

cJSON *nabz_parse__json(const char *body, size_t len, char *err, size_t errlen)
{
	const char *end = NULL;
	size_t i = 0;
	cJSON *root;

	if(body != NULL && len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) i = 3;
	while(body != NULL && i < len && is_json_blank(body[i])) i++;
	if(body == NULL || i == len){
		nabz_parse__err(err, errlen, "empty body");
		return NULL;
	}
	if(body[i] == '<'){
		nabz_parse__err(err, errlen, nabz_parse__looks_like_html(body, len) ? "HTML instead of JSON" : "not JSON");
		return NULL;
	}
	/* JSON has no raw control characters, in strings or between tokens;
	 * cJSON would take them (and NUL) for blanks. */
	for(size_t k = i; k < len; k++){
		unsigned char c = (unsigned char)body[k];

		if(c < 0x20 && !is_json_blank((char)c)){
			nabz_parse__err(err, errlen, "not JSON");
			return NULL;
		}
	}
	/* Not require_null_terminated: with it, 1.7.15 refuses a body whose
	 * length does not count a terminator. The tail is checked below. */
	root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if(root == NULL){
		nabz_parse__err(err, errlen, "not JSON");
		return NULL;
	}
	if(end == NULL || end < body || end > body + len){
		cJSON_Delete(root);
		nabz_parse__err(err, errlen, "not JSON");
		return NULL;
	}
	for(; end < body + len; end++){
		if(!is_json_blank(*end)){
			cJSON_Delete(root);
			nabz_parse__err(err, errlen, "trailing data after JSON");
			return NULL;
		}
	}
	return root;
}

bool nabz_parse__opt(const cJSON *item, bool (*ok)(double), double *out)
{
	double v;
	int rc = nabz_jsonval__number(item, &v);

	*out = NAN;
	if(rc == NABZ_VAL_MISSING) return true;
	if(rc != NABZ_VAL_OK || !ok(v)) return false;
	*out = v;
	return true;
}
