/* Text made safe to publish: valid UTF-8, no markup, cut on a character
 * boundary; and URLs kept only when plainly http(s). */
#include "parse_text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool nabz_parse__has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	if(n < k) return false;
	for(size_t i = 0; i < k; i++){
		if(tolower((unsigned char)s[i]) != prefix[i]) return false;
	}
	return true;
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
		if(nabz_parse__has_prefix_ci(s + i, n - i, needle)) return i;
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
		if(strlen(names[k]) == len && nabz_parse__has_prefix_ci(s + i, len, names[k])) return true;
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
	if(nabz_parse__has_prefix_ci(s, n, "<!--")){
		end = find_ci(s + 4, n - 4, "-->");
		return end == n - 4 ? n : 4 + end + 3;
	}
	for(end = 1; end < n && s[end] != '>'; end++){
	}
	if(end == n) return n;
	end++;
	if(nabz_parse__has_prefix_ci(s, n, "<script") || nabz_parse__has_prefix_ci(s, n, "<style")){
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

bool nabz_parse__utf8_valid(const char *s, size_t n)
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
	if(nabz_parse__has_prefix_ci(url + start, end - start, "https://")){
		scheme = 8;
	}else if(nabz_parse__has_prefix_ci(url + start, end - start, "http://")){
		scheme = 7;
	}else{
		return NULL;
	}
	if(end - start <= scheme || end - start > 2048) return NULL;
	for(size_t i = start; i < end; i++){
		unsigned char c = (unsigned char)url[i];

		if(c <= 0x20 || c == 0x7F) return NULL;
	}
	if(!nabz_parse__utf8_valid(url + start, end - start)) return NULL;
	copy = malloc(end - start + 1);
	if(copy == NULL){
		if(oom) *oom = true;
		return NULL;
	}
	memcpy(copy, url + start, end - start);
	copy[end - start] = '\0';
	return copy;
}
