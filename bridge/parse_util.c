/*
 * The parts every parser shares (the value readers and the bounds they
 * check: common/jsonval.c).
 */
#include "parse_util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nabz_parse__err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if(err == NULL || errlen == 0) return;
	va_start(ap, fmt);
	/* A cut reason is still a reason: truncation is accepted here. */
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
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

static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	if(n < k) return false;
	for(size_t i = 0; i < k; i++){
		if(tolower((unsigned char)s[i]) != prefix[i]) return false;
	}
	return true;
}

bool nabz_parse__looks_like_html(const char *body, size_t len)
{
	static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body", "<!--"};
	size_t i = 0;

	if(body == NULL) return false;
	if(len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) i = 3;
	while(i < len && isspace((unsigned char)body[i])) i++;
	for(size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++){
		if(has_prefix_ci(body + i, len - i, starts[k])) return true;
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
	int rc = nabz_parse__number(item, &v);

	*out = NAN;
	if(rc == NABZ_VAL_MISSING) return true;
	if(rc != NABZ_VAL_OK || !ok(v)) return false;
	*out = v;
	return true;
}

int nabz_parse__epoch(const cJSON *item, int64_t unit_ms, int64_t *out_ms)
{
	double v, ms;
	int rc = nabz_parse__number(item, &v);

	if(rc != NABZ_VAL_OK) return rc;
	ms = v * (double)unit_ms;
	/* Compared as doubles first: the cast below is then defined. */
	if(!(ms >= (double)NABZ_TS_MS_MIN && ms < (double)NABZ_TS_MS_MAX)) return NABZ_VAL_BAD;
	*out_ms = (int64_t)ms;
	return nabz_parse__ts_ok(*out_ms) ? NABZ_VAL_OK : NABZ_VAL_BAD;
}

/* Howard Hinnant's days_from_civil. */
int64_t nabz_parse__days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Exactly n digits at *p; advances *p. */
static bool read_digits(const char **p, int n, int *out)
{
	int v = 0;

	for(int i = 0; i < n; i++){
		if(!isdigit((unsigned char)(*p)[i])) return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Epoch ms of a validated UTC date and time, minus an offset in minutes. */
static int to_epoch_ms(int64_t y, int mo, int d, int h, int mi, int s, int ms, int offset_min, int64_t *out)
{
	int64_t days;

	if(mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
	if(h > 23 || mi > 59 || s > 60) return -1;
	days = nabz_parse__days_from_civil(y, mo, d);
	*out = (((days * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms - (int64_t)offset_min * 60000;
	return 0;
}

/* "+03:30", "+0330" or "-05"; returns minutes east of UTC in *out. */
static bool read_numeric_zone(const char **p, int *out)
{
	int sign = **p == '-' ? -1 : 1;
	int oh, om = 0;

	if(**p != '+' && **p != '-') return false;
	(*p)++;
	if(!read_digits(p, 2, &oh)) return false;
	if(**p == ':') (*p)++;
	if(isdigit((unsigned char)**p) && !read_digits(p, 2, &om)) return false;
	if(oh > 23 || om > 59) return false;
	*out = sign * (oh * 60 + om);
	return true;
}

int nabz_parse__rfc3339_ms(const char *s, int64_t *out_ms)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, ms = 0, offset = 0;

	if(s == NULL) return -1;
	if(!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-'
			|| !read_digits(&p, 2, &d)) return -1;
	if(*p != 'T' && *p != 't' && *p != ' ') return -1;
	p++;
	if(!read_digits(&p, 2, &h) || *p++ != ':' || !read_digits(&p, 2, &mi) || *p++ != ':'
			|| !read_digits(&p, 2, &sec)) return -1;
	if(*p == '.'){
		int scale = 100;

		p++;
		if(!isdigit((unsigned char)*p)) return -1;
		for(; isdigit((unsigned char)*p); p++){
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if(*p == 'Z' || *p == 'z'){
		p++;
	}else if(!read_numeric_zone(&p, &offset)){
		return -1;
	}
	if(*p != '\0') return -1;
	return to_epoch_ms(y, mo, d, h, mi, sec, ms, offset, out_ms);
}

static const char *skip_blanks(const char *p)
{
	while(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
	return p;
}

/* Letters at *p into buf (lower case, cut to bufsize-1); returns the count. */
static size_t read_word(const char **p, char *buf, size_t bufsize)
{
	size_t n = 0;

	while(isalpha((unsigned char)**p)){
		if(n + 1 < bufsize) buf[n] = (char)tolower((unsigned char)**p);
		n++;
		(*p)++;
	}
	buf[n + 1 < bufsize ? n : bufsize - 1] = '\0';
	return n;
}

/* 1 to max digits at *p. */
static int read_number(const char **p, int max, int *out)
{
	int n = 0, v = 0;

	while(n < max && isdigit((unsigned char)**p)){
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if(n == 0 || isdigit((unsigned char)**p)) return 0;
	*out = v;
	return n;
}

static bool alpha_zone(const char *w, size_t n, int *out)
{
	static const struct {
		const char *name;
		int minutes;
	} zones[] = {
		{"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0},
		{"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
		{"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
	};

	for(size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++){
		if(strcmp(w, zones[i].name) == 0){
			*out = zones[i].minutes;
			return true;
		}
	}
	/* RFC 2822 4.3: military zones were defined with the wrong sign and
	 * are to be read as -0000, that is UTC. */
	if(n == 1 && w[0] != 'j'){
		*out = 0;
		return true;
	}
	return false;
}

int nabz_parse__rfc822_ms(const char *s, int64_t *out_ms)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p;
	char word[16];
	int d, mo = 0, y, h, mi, sec = 0, offset = 0, ny;
	size_t n;

	if(s == NULL) return -1;
	p = skip_blanks(s);
	if(isalpha((unsigned char)*p)){
		/* The weekday: not checked against the date. */
		if(read_word(&p, word, sizeof(word)) > 9) return -1;
		p = skip_blanks(p);
		if(*p == ',') p = skip_blanks(p + 1);
	}
	if(!read_number(&p, 2, &d)) return -1;
	p = skip_blanks(p);
	n = read_word(&p, word, sizeof(word));
	if(n < 3 || n > 9) return -1;
	for(int i = 0; i < 12; i++){
		if(memcmp(word, months + 3 * i, 3) == 0) mo = i + 1;
	}
	if(mo == 0) return -1;
	p = skip_blanks(p);
	ny = read_number(&p, 4, &y);
	if(ny == 2){
		y += y < 50 ? 2000 : 1900;
	}else if(ny == 3){
		y += 1900;
	}else if(ny != 4){
		return -1;
	}
	p = skip_blanks(p);
	if(read_number(&p, 2, &h) != 2 || *p++ != ':' || read_number(&p, 2, &mi) != 2) return -1;
	if(*p == ':'){
		p++;
		if(read_number(&p, 2, &sec) != 2) return -1;
	}
	p = skip_blanks(p);
	if(*p == '+' || *p == '-'){
		if(!read_numeric_zone(&p, &offset)) return -1;
	}else{
		n = read_word(&p, word, sizeof(word));
		if(n == 0 || n >= sizeof(word) || !alpha_zone(word, n, &offset)) return -1;
	}
	if(*skip_blanks(p) != '\0') return -1;
	return to_epoch_ms(y, mo, d, h, mi, sec, 0, offset, out_ms);
}

size_t nabz_parse__utf8_truncate(char *s, size_t max_bytes)
{
	size_t n = strlen(s), cut;

	if(n <= max_bytes) return n;
	cut = max_bytes;
	while(cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
	s[cut] = '\0';
	return cut;
}

/* One code point from s[0..n); *used gets its length. Invalid input
 * (overlong, surrogate, past U+10FFFF, cut short) gives U+FFFD, 1 byte. */
static uint32_t utf8_decode(const unsigned char *s, size_t n, size_t *used)
{
	uint32_t cp;
	size_t len;

	*used = 1;
	if(s[0] < 0x80) return s[0];
	if(s[0] >= 0xC2 && s[0] <= 0xDF){
		len = 2;
		cp = s[0] & 0x1Fu;
	}else if(s[0] >= 0xE0 && s[0] <= 0xEF){
		len = 3;
		cp = s[0] & 0x0Fu;
	}else if(s[0] >= 0xF0 && s[0] <= 0xF4){
		len = 4;
		cp = s[0] & 0x07u;
	}else{
		return 0xFFFD;
	}
	if(len > n) return 0xFFFD;
	for(size_t i = 1; i < len; i++){
		if((s[i] & 0xC0) != 0x80) return 0xFFFD;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
			|| (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
	*used = len;
	return cp;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if(cp < 0x80){
		out[0] = (char)cp;
		return 1;
	}
	if(cp < 0x800){
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if(cp < 0x10000){
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The output of nabz_parse__text while it is built. */
struct text_out {
	char *buf;
	size_t len;
	size_t chars;           /* code points written */
	size_t max_chars;       /* stop once past this */
	bool pending_space;
};

static bool is_space_cp(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x2028 || cp == 0x2029;
}

static void emit(struct text_out *o, uint32_t cp)
{
	if(o->chars > o->max_chars) return;
	if(cp == 0xFEFF) return;
	if(is_space_cp(cp) || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)){
		if(o->len > 0) o->pending_space = true;
		return;
	}
	if(o->pending_space){
		o->buf[o->len++] = ' ';
		o->chars++;
		o->pending_space = false;
	}
	o->len += utf8_encode(cp, o->buf + o->len);
	o->chars++;
}

/* An entity at s[0] == '&'; returns the bytes it takes, 0 when none. */
static size_t decode_entity(const char *s, size_t n, uint32_t *cp)
{
	static const struct {
		const char *name;
		uint32_t cp;
	} named[] = {
		{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
		{"nbsp", 0xA0}, {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},
		{"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
		{"laquo", 0xAB}, {"raquo", 0xBB}, {"euro", 0x20AC}, {"pound", 0xA3},
		{"yen", 0xA5}, {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122},
		{"deg", 0xB0}, {"times", 0xD7}, {"middot", 0xB7}, {"bull", 0x2022},
	};
	size_t semi = 1;

	while(semi < n && semi < 12 && s[semi] != ';') semi++;
	if(semi >= n || s[semi] != ';' || semi < 2) return 0;
	if(s[1] == '#'){
		bool hex = semi > 2 && (s[2] == 'x' || s[2] == 'X');
		size_t i = hex ? 3 : 2;
		uint32_t v = 0;

		if(i == semi) return 0;
		for(; i < semi; i++){
			int c = (unsigned char)s[i];
			uint32_t digit;

			if(isdigit(c)){
				digit = (uint32_t)(c - '0');
			}else if(hex && isxdigit(c)){
				digit = (uint32_t)(tolower(c) - 'a' + 10);
			}else{
				return 0;
			}
			v = v * (hex ? 16u : 10u) + digit;
			if(v > 0x10FFFF) return 0;
		}
		*cp = (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) ? 0xFFFD : v;
		return semi + 1;
	}
	for(size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++){
		size_t len = strlen(named[k].name);

		if(len == semi - 1 && memcmp(s + 1, named[k].name, len) == 0){
			*cp = named[k].cp;
			return semi + 1;
		}
	}
	return 0;
}

/* Finds needle (ASCII, lower case) in s[0..n) ignoring case. */
static size_t find_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for(size_t i = 0; i + k <= n; i++){
		if(has_prefix_ci(s + i, n - i, needle)) return i;
	}
	return n;
}

/* Inline elements: dropping their tags must not split the words they mark up. */
static bool inline_tag(const char *s, size_t n)
{
	static const char *const names[] = {
		"a", "abbr", "b", "bdi", "bdo", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s",
		"samp", "small", "span", "strike", "strong", "sub", "sup", "time", "u", "var",
	};
	size_t i = s[1] == '/' ? 2 : 1, len = 0;

	while(i + len < n && isalnum((unsigned char)s[i + len])) len++;
	for(size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++){
		if(strlen(names[k]) == len && has_prefix_ci(s + i, len, names[k])) return true;
	}
	return false;
}

/* A tag at s[0] == '<'; returns the bytes to skip (up to n), 0 when '<'
 * does not open markup. *space tells whether the tag separates words. */
static size_t skip_tag(const char *s, size_t n, bool *space)
{
	size_t end;

	if(n < 2 || !(isalpha((unsigned char)s[1]) || s[1] == '/' || s[1] == '!' || s[1] == '?')) return 0;
	*space = true;
	if(has_prefix_ci(s, n, "<!--")){
		end = find_ci(s + 4, n - 4, "-->");
		return end == n - 4 ? n : 4 + end + 3;
	}
	for(end = 1; end < n && s[end] != '>'; end++){
	}
	if(end == n) return n;
	end++;
	if(has_prefix_ci(s, n, "<script") || has_prefix_ci(s, n, "<style")){
		const char *close = (s[2] == 'c' || s[2] == 'C') ? "</script" : "</style";
		size_t at = find_ci(s + end, n - end, close);
		size_t gt;

		if(at == n - end) return n;
		for(gt = end + at; gt < n && s[gt] != '>'; gt++){
		}
		return gt == n ? n : gt + 1;
	}
	*space = !inline_tag(s, end);
	return end;
}

char *nabz_parse__text(const char *s, size_t n, unsigned flags, size_t max_chars)
{
	struct text_out o = {.max_chars = max_chars};
	size_t cap, i = 0;

	if(s == NULL) n = 0;
	if(max_chars == 0) max_chars = o.max_chars = 1;
	/* Every input byte gives at most 3 output bytes (U+FFFD); we stop
	 * after max_chars + 1 characters of at most 4 bytes, each after a space. */
	cap = n < SIZE_MAX / 4 ? 3 * n + 8 : SIZE_MAX;
	if(max_chars < SIZE_MAX / 8 && (max_chars + 2) * 5 + 8 < cap) cap = (max_chars + 2) * 5 + 8;
	o.buf = malloc(cap);
	if(o.buf == NULL) return NULL;
	while(i < n && o.chars <= max_chars){
		size_t used;
		uint32_t cp;
		bool space;

		if((flags & NABZ_TEXT_STRIP_TAGS) && s[i] == '<' && (used = skip_tag(s + i, n - i, &space)) > 0){
			if(space) emit(&o, ' ');
			i += used;
			continue;
		}
		if((flags & NABZ_TEXT_DECODE_ENTITIES) && s[i] == '&' && (used = decode_entity(s + i, n - i, &cp)) > 0){
			emit(&o, cp);
			i += used;
			continue;
		}
		cp = utf8_decode((const unsigned char *)s + i, n - i, &used);
		emit(&o, cp);
		i += used;
	}
	if(o.chars > max_chars){
		/* Back to max_chars - 1 characters, then the ellipsis. */
		size_t keep = 0, at = 0;

		while(keep < max_chars - 1){
			size_t used;

			(void)utf8_decode((const unsigned char *)o.buf + at, o.len - at, &used);
			at += used;
			keep++;
		}
		while(at > 0 && o.buf[at - 1] == ' ') at--;
		memcpy(o.buf + at, "\xE2\x80\xA6", 3);
		o.len = at + 3;
	}
	o.buf[o.len] = '\0';
	return o.buf;
}

static bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while(i < n){
		size_t used;
		uint32_t cp = utf8_decode((const unsigned char *)s + i, n - i, &used);

		if(cp == 0xFFFD && used == 1 && (unsigned char)s[i] >= 0x80) return false;
		i += used;
	}
	return true;
}

char *nabz_parse__url(const char *url, bool *oom)
{
	size_t start = 0, end, scheme;
	char *copy;

	if(oom) *oom = false;
	if(url == NULL) return NULL;
	end = strlen(url);
	while(start < end && isspace((unsigned char)url[start])) start++;
	while(end > start && isspace((unsigned char)url[end - 1])) end--;
	if(has_prefix_ci(url + start, end - start, "https://")){
		scheme = 8;
	}else if(has_prefix_ci(url + start, end - start, "http://")){
		scheme = 7;
	}else{
		return NULL;
	}
	if(end - start <= scheme || end - start > 2048) return NULL;
	for(size_t i = start; i < end; i++){
		unsigned char c = (unsigned char)url[i];

		if(c <= 0x20 || c == 0x7F) return NULL;
	}
	if(!utf8_valid(url + start, end - start)) return NULL;
	copy = malloc(end - start + 1);
	if(copy == NULL){
		if(oom) *oom = true;
		return NULL;
	}
	memcpy(copy, url + start, end - start);
	copy[end - start] = '\0';
	return copy;
}

int nabz_parse__push_unique(struct nabz_quote_list *list, size_t from, const struct nabz_quote *q)
{
	if(nabz_quotes__find(list, from, q->symbol)) return 1;
	return nabz_quotes__push(list, q) == 0 ? 0 : -1;
}

int nabz_parse__each_quote(const cJSON *container, nabz_item_fn fn, void *ctx,
		struct nabz_quote_list *out, size_t from, size_t *bad, char *err, size_t errlen)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, container){
		struct nabz_quote q;
		int rc = fn(item, ctx, &q);

		if(rc == NABZ_ITEM_BAD) (*bad)++;
		if(rc != NABZ_ITEM_OK) continue;
		if(nabz_parse__push_unique(out, from, &q) < 0){
			nabz_parse__err(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

void nabz_parse__quotes_truncate(struct nabz_quote_list *list, size_t count)
{
	nabz_quotes__truncate(list, count);
}

void nabz_parse__news_truncate(struct nabz_news_list *list, size_t count)
{
	while(list->count > count){
		struct nabz_news_item *it = &list->items[--list->count];

		free(it->id);
		free(it->title);
		free(it->url);
		free(it->source);
		free(it->summary);
		memset(it, 0, sizeof(*it));
	}
}

/* A copy of an id: trimmed, 1 to 512 bytes of valid UTF-8 without
 * control characters; NULL when unfit (*oom set when out of memory). */
static char *clean_id(const char *s, bool *oom)
{
	size_t start = 0, end;
	char *copy;

	*oom = false;
	if(s == NULL) return NULL;
	end = strlen(s);
	while(start < end && isspace((unsigned char)s[start])) start++;
	while(end > start && isspace((unsigned char)s[end - 1])) end--;
	if(end == start || end - start > 512 || !utf8_valid(s + start, end - start)) return NULL;
	for(size_t i = start; i < end; i++){
		if((unsigned char)s[i] < 0x20 || s[i] == 0x7F) return NULL;
	}
	copy = malloc(end - start + 1);
	if(copy == NULL){
		*oom = true;
		return NULL;
	}
	memcpy(copy, s + start, end - start);
	copy[end - start] = '\0';
	return copy;
}

static char *clean_text(const char *s, size_t max_chars, bool *oom)
{
	char *t;

	*oom = false;
	if(s == NULL) return NULL;
	t = nabz_parse__text(s, strlen(s), NABZ_TEXT_STRIP_TAGS | NABZ_TEXT_DECODE_ENTITIES, max_chars);
	if(t == NULL){
		*oom = true;
	}else if(t[0] == '\0'){
		free(t);
		t = NULL;
	}
	return t;
}

int nabz_parse__push_news(struct nabz_news_list *out, size_t from, const struct nabz_news_raw *raw)
{
	struct nabz_news_item it = {.published_ms = raw->published_ms};
	bool oom[5];
	int rc = NABZ_ITEM_BAD;

	it.title = clean_text(raw->title, NABZ_TITLE_MAX_CHARS, &oom[0]);
	it.url = nabz_parse__url(raw->url, &oom[1]);
	it.id = clean_id(raw->id, &oom[2]);
	it.source = clean_text(raw->source, 100, &oom[3]);
	it.summary = clean_text(raw->summary, NABZ_SUMMARY_MAX_CHARS, &oom[4]);
	for(size_t i = 0; i < sizeof(oom) / sizeof(oom[0]); i++){
		if(oom[i]) rc = -1;
	}
	if(rc == -1) goto done;
	if(it.id == NULL && it.url != NULL){
		it.id = strdup(it.url);
		if(it.id == NULL){
			rc = -1;
			goto done;
		}
	}
	if(it.title == NULL || it.id == NULL) goto done;
	for(size_t i = from; i < out->count; i++){
		if(strcmp(out->items[i].id, it.id) == 0){
			rc = NABZ_ITEM_IGNORED;
			goto done;
		}
	}
	if(nabz_news__push(out, &it) != 0){
		rc = -1;
		goto done;
	}
	return NABZ_ITEM_OK;
done:
	free(it.id);
	free(it.title);
	free(it.url);
	free(it.source);
	free(it.summary);
	return rc;
}

int nabz_coin_ids__push(struct nabz_coin_id_list *list, const struct nabz_coin_id *c)
{
	if(list->count == list->cap){
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct nabz_coin_id *grown = realloc(list->items, cap * sizeof(*grown));

		if(grown == NULL) return -1;
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = *c;
	return 0;
}

void nabz_coin_ids__free(struct nabz_coin_id_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

int nabz_coin_id__init(struct nabz_coin_id *c, const char *id, const char *symbol)
{
	struct nabz_quote q;
	size_t n = id ? strlen(id) : 0;

	memset(c, 0, sizeof(*c));
	if(n == 0 || n >= NABZ_COIN_ID_MAX) return -1;
	for(size_t i = 0; i < n; i++){
		unsigned char ch = (unsigned char)id[i];

		if(!(islower(ch) || isdigit(ch) || ch == '-' || ch == '_' || ch == '.')) return -1;
	}
	if(nabz_quote__init(&q, symbol) != 0) return -1;
	memcpy(c->id, id, n + 1);
	memcpy(c->symbol, q.symbol, sizeof(c->symbol));
	return 0;
}
