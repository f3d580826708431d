/* Unit tests for bridge/parse_text.c: UTF-8 cutting, text cleaning, URLs. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "parse_text.h"

static void test_utf8_truncate(void **state)
{
	static const struct {
		const char *s;
		size_t max;
		const char *want;
	} rows[] = {
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abcdef", 3, "abc"},
		{"a\xc3\xa9", 2, "a"},                       /* é cut in half */
		{"a\xc3\xa9", 3, "a\xc3\xa9"},
		{"\xe2\x82\xac", 2, ""},                     /* € */
		{"\xe2\x82\xac" "x", 3, "\xe2\x82\xac"},
		{"ab\xf0\x9f\x98\x80", 5, "ab"},             /* 😀 */
		{"ab\xf0\x9f\x98\x80", 6, "ab\xf0\x9f\x98\x80"},
		{"\xd8\xa8\xd8\xa7\xd8\xb2\xd8\xa7\xd8\xb1", 5, "\xd8\xa8\xd8\xa7"},  /* بازار */
		{"abc", 0, ""},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *s = strdup(rows[i].s);
		size_t n;

		assert_non_null(s);
		n = nabz_parse__utf8_truncate(s, rows[i].max);
		check_row(strcmp(s, rows[i].want) == 0 && n == strlen(rows[i].want), "row %zu: \"%s\"", i, s);
		free(s);
	}
}

static void test_text(void **state)
{
	static const unsigned S = NABZ_TEXT_STRIP_TAGS, D = NABZ_TEXT_DECODE_ENTITIES;
	static const struct {
		const char *in;
		unsigned flags;
		size_t max;
		const char *want;
	} rows[] = {
		{"  hello   world  ", 0, 100, "hello world"},
		{"a\tb\nc\r\nd", 0, 100, "a b c d"},
		{"x\x01y\x7fz\xc2\x85w", 0, 100, "x y z w"},          /* C0, DEL, C1 (NEL) */
		{"a\xffz", 0, 100, "a\xef\xbf\xbdz"},
		{"\xc0\xaf", 0, 100, "\xef\xbf\xbd\xef\xbf\xbd"},     /* overlong '/' */
		{"\xed\xa0\x80", 0, 100, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
		{"\xf4\x90\x80\x80", 0, 100, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
		{"ab\xe2\x82", 0, 100, "ab\xef\xbf\xbd\xef\xbf\xbd"},  /* cut sequence */
		{"\xef\xbb\xbfhi", 0, 100, "hi"},                      /* BOM dropped */
		{"\xd9\x85\xe2\x80\x8c\xd8\xb1", 0, 100, "\xd9\x85\xe2\x80\x8c\xd8\xb1"}, /* ZWNJ kept */
		{"<p>Hello <b>world</b></p>", S, 100, "Hello world"},
		{"<p>Hello <b>world</b></p>", 0, 100, "<p>Hello <b>world</b></p>"},
		{"a<br/>b", S, 100, "a b"},
		{"BTC < $100k and 5<6", S, 100, "BTC < $100k and 5<6"},
		{"x<script>alert('<b>')</script>y", S, 100, "x y"},
		{"x<SCRIPT type=\"a\">var a = 1 < 2;</Script >y", S, 100, "x y"},
		{"x<style>p{color:red}</style>y", S, 100, "x y"},
		{"x<!-- <b>c</b> -->y", S, 100, "x y"},
		{"x<b unterminated", S, 100, "x"},
		{"<b>Kept</b>: no<i>space</i> added, <p>but</p>here<br>yes", S, 100, "Kept: nospace added, but here yes"},
		{"a<span class=\"x\">b</span>c<div>d</div>e", S, 100, "abc d e"},
		{"x<script>never closed", S, 100, "x"},
		{"Tom &amp; Jerry &lt;3 &#8217; &#x2014; &nbsp;end", D, 100,
			"Tom & Jerry <3 \xe2\x80\x99 \xe2\x80\x94 end"},
		{"&unknown; &#0; &#xD800; &#1114112; & &#; &#x; &amp", D, 100,
			"&unknown; \xef\xbf\xbd \xef\xbf\xbd &#1114112; & &#; &#x; &amp"},
		{"a&#10;b&#x9;c", D, 100, "a b c"},
		{"&lt;b&gt;shown&lt;/b&gt;", S | D, 100, "<b>shown</b>"},
		{"Tom &amp; Jerry", 0, 100, "Tom &amp; Jerry"},
		{"abcdef", 0, 4, "abc\xe2\x80\xa6"},
		{"abcd", 0, 4, "abcd"},
		{"abc def", 0, 5, "abc\xe2\x80\xa6"},
		{"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0, 3, "\xc3\xa9\xc3\xa9\xe2\x80\xa6"},
		{"<p>a</p>            <p>b</p>", S, 3, "a b"},
		{"", 0, 10, ""},
		{"   ", 0, 10, ""},
		{"<p></p>", S, 10, ""},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char *got = nabz_parse__text(rows[i].in, strlen(rows[i].in), rows[i].flags, rows[i].max);

		assert_non_null(got);
		check_row(strcmp(got, rows[i].want) == 0, "row %zu: \"%s\", want \"%s\"", i, got, rows[i].want);
		free(got);
	}
}

/* Long input: output capped, always valid UTF-8, never past max chars. */
static void test_text_long(void **state)
{
	size_t n = 100000;
	char *in = malloc(n);
	char *got;

	(void)state;
	assert_non_null(in);
	for(size_t i = 0; i + 1 < n; i += 2){
		in[i] = '\xd8';
		in[i + 1] = '\xa8';   /* ب */
	}
	got = nabz_parse__text(in, n, NABZ_TEXT_STRIP_TAGS | NABZ_TEXT_DECODE_ENTITIES, NABZ_SUMMARY_MAX_CHARS);
	assert_non_null(got);
	/* 299 two-byte letters and the 3-byte ellipsis. */
	assert_int_equal(strlen(got), 299 * 2 + 3);
	assert_memory_equal(got + 299 * 2, "\xe2\x80\xa6", 3);
	free(got);
	got = nabz_parse__text(NULL, 0, 0, 10);
	assert_string_equal(got, "");
	free(got);
	free(in);
}

static void test_url(void **state)
{
	static const struct {
		const char *in;
		const char *want;   /* NULL: refused */
	} rows[] = {
		{"https://example.com/a", "https://example.com/a"},
		{"http://x.y", "http://x.y"},
		{" \n https://example.com/f \t", "https://example.com/f"},
		{"HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"},
		{"https://example.com/caf\xc3\xa9", "https://example.com/caf\xc3\xa9"},
		{"javascript:alert(1)", NULL},
		{"JavaScript:alert(1)", NULL},
		{"data:text/html,<script>alert(1)</script>", NULL},
		{"ftp://example.com/", NULL},
		{"//example.com/", NULL},
		{"/relative/path", NULL},
		{"https://", NULL},
		{"https://exa mple.com", NULL},
		{"https://example.com/\x01", NULL},
		{"https://example.com/\xff", NULL},
		{"", NULL},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		bool oom = true;
		char *got = nabz_parse__url(rows[i].in, &oom);

		check_row(!oom, "row %zu: oom", i);
		if(rows[i].want == NULL){
			check_row(got == NULL, "row %zu: \"%s\" kept", i, got);
		}else{
			check_row(got != NULL && strcmp(got, rows[i].want) == 0, "row %zu: \"%s\"", i, got ? got : "(null)");
		}
		free(got);
	}
	assert_null(nabz_parse__url(NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_truncate),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_long),
		cmocka_unit_test(test_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
