#include "fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *fx_load(const char *rel, size_t *len)
{
	const char *dir = getenv("NABZ_FIXTURES");
	char path[1024];
	char *buf;
	long size = -1;
	FILE *f;
	int n;

	check_row(dir != NULL, "NABZ_FIXTURES is not set (run through ctest)");
	n = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	check_row(n > 0 && (size_t)n < sizeof(path), "fixture path too long: %s", rel);
	f = fopen(path, "rb");
	check_row(f != NULL, "cannot open %s: %s", path, strerror(errno));
	if(fseek(f, 0, SEEK_END) == 0) size = ftell(f);
	check_row(size >= 0 && fseek(f, 0, SEEK_SET) == 0, "cannot size %s", path);
	buf = malloc(size > 0 ? (size_t)size : 1);
	assert_non_null(buf);
	check_row(fread(buf, 1, (size_t)size, f) == (size_t)size, "short read on %s", path);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

char *fx_copy(const char *s, size_t n)
{
	char *buf = malloc(n ? n : 1);

	assert_non_null(buf);
	if(n) memcpy(buf, s, n);
	return buf;
}

bool fx_close(double a, double b)
{
	if(isnan(a) || isnan(b)) return isnan(a) && isnan(b);
	return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

bool fx_quote_eq(const struct nabz_quote *a, const struct nabz_quote *b)
{
	return strcmp(a->symbol, b->symbol) == 0 && fx_close(a->price_usd, b->price_usd)
			&& fx_close(a->price_irt, b->price_irt) && fx_close(a->change_24h_pct, b->change_24h_pct)
			&& fx_close(a->volume_24h_usd, b->volume_24h_usd) && fx_close(a->market_cap_usd, b->market_cap_usd)
			&& a->source_ts_ms == b->source_ts_ms;
}

const struct nabz_quote *fx_find(const struct nabz_quote_list *l, const char *symbol)
{
	for(size_t i = 0; i < l->count; i++){
		if(strcmp(l->items[i].symbol, symbol) == 0) return &l->items[i];
	}
	return NULL;
}

static void print_quote(const char *label, const struct nabz_quote *q)
{
	print_error("  %s %s usd=%.17g irt=%.17g chg=%.17g vol=%.17g cap=%.17g ts=%lld\n", label, q->symbol,
			q->price_usd, q->price_irt, q->change_24h_pct, q->volume_24h_usd, q->market_cap_usd,
			(long long)q->source_ts_ms);
}

void fx_check_quotes(const struct nabz_quote_list *got, const struct nabz_quote *want, size_t n, const char *ctx)
{
	for(size_t i = 0; i < n; i++){
		const struct nabz_quote *q = fx_find(got, want[i].symbol);

		if(q == NULL || !fx_quote_eq(q, &want[i])){
			print_quote("want", &want[i]);
			if(q) print_quote("got ", q);
		}
		check_row(q != NULL, "%s: no quote for %s", ctx, want[i].symbol);
		check_row(fx_quote_eq(q, &want[i]), "%s: quote for %s differs", ctx, want[i].symbol);
	}
	if(got->count != n){
		for(size_t i = 0; i < got->count; i++) print_quote("got ", &got->items[i]);
	}
	check_row(got->count == n, "%s: %zu quotes, want %zu", ctx, got->count, n);
}

int fx_run_quotes(fx_quotes_fn fn, const char *body, size_t len, struct nabz_quote_list *out, char *err, size_t errlen)
{
	char *copy = fx_copy(body, len);
	int rc;

	err[0] = '\0';
	rc = fn(copy, len, out, err, errlen);
	free(copy);
	return rc;
}

size_t fx_prefixes_quotes(fx_quotes_fn fn, const char *body, size_t len)
{
	struct nabz_quote_list full = {0};
	char err[128];

	check_row(fx_run_quotes(fn, body, len, &full, err, sizeof(err)) == 0, "full body refused: %s", err);
	for(size_t n = 0; n < len; n++){
		struct nabz_quote_list part = {0};
		int rc = fx_run_quotes(fn, body, n, &part, err, sizeof(err));

		check_row(rc == 0 || rc == -1, "prefix %zu: rc %d", n, rc);
		if(rc == -1){
			check_row(part.count == 0, "prefix %zu: refused but %zu quotes appended", n, part.count);
			check_row(err[0] != '\0', "prefix %zu: refused without a reason", n);
		}
		for(size_t i = 0; i < part.count; i++){
			const struct nabz_quote *f = fx_find(&full, part.items[i].symbol);

			check_row(f != NULL && fx_quote_eq(f, &part.items[i]), "prefix %zu: quote %s not in the full parse",
					n, part.items[i].symbol);
		}
		nabz_quotes__free(&part);
	}
	nabz_quotes__free(&full);
	return len;
}

void fx_refused(fx_quotes_fn fn, const char *body, size_t len, const char *want_err, const char *ctx)
{
	struct nabz_quote_list out = {0};
	char err[256];
	int rc = fx_run_quotes(fn, body, len, &out, err, sizeof(err));

	check_row(rc == -1, "%s: accepted (%zu quotes)", ctx, out.count);
	check_row(out.count == 0, "%s: refused but %zu quotes appended", ctx, out.count);
	check_row(strcmp(err, want_err) == 0, "%s: err \"%s\", want \"%s\"", ctx, err, want_err);
	nabz_quotes__free(&out);
}

void fx_refused_fixture(fx_quotes_fn fn, const char *rel, const char *want_err)
{
	size_t len;
	char *body = fx_load(rel, &len);

	fx_refused(fn, body, len, want_err, rel);
	free(body);
}

size_t fx_json_junk(fx_quotes_fn fn)
{
	static const struct {
		const char *body;
		size_t len;     /* 0: strlen */
		const char *err;
	} rows[] = {
		{"", 0, "empty body"},
		{" \r\n\t ", 0, "empty body"},
		{"not json", 0, "not JSON"},
		{"{\"a\":", 0, "not JSON"},
		{"{\"a\":1,}", 0, "not JSON"},
		{"{'a':1}", 0, "not JSON"},
		{"[1 2]", 0, "not JSON"},
		{"\xff\xfe{\x00}", 4, "not JSON"},
		{"\x00{}", 3, "not JSON"},
		{"{}\x00", 3, "not JSON"},
		{"{\"a\":\"x\x01y\"}", 0, "not JSON"},
		{"{\"a\":1} trailing", 0, "trailing data after JSON"},
		{"[]{}", 0, "trailing data after JSON"},
		{"{\"a\":1}\n\n<html>", 0, "trailing data after JSON"},
		{"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>", 0, "not JSON"},
		{"<!DOCTYPE html><html><body>Error 1015: rate limited</body></html>", 0, "HTML instead of JSON"},
		{"\n\n<html>\n<head><title>503 Service Temporarily Unavailable</title></head></html>", 0,
			"HTML instead of JSON"},
		{"<!doctype HTML>", 0, "HTML instead of JSON"},
	};
	static const char *const html_fixtures[] = {"common/cloudflare_403.html", "common/nginx_502.html"};
	size_t count = 0;
	char *deep;

	for(size_t i = 0; i < N_ELEMS(rows); i++){
		char ctx[64];

		(void)snprintf(ctx, sizeof(ctx), "junk row %zu", i);
		fx_refused(fn, rows[i].body, rows[i].len ? rows[i].len : strlen(rows[i].body), rows[i].err, ctx);
		count++;
	}
	for(size_t i = 0; i < N_ELEMS(html_fixtures); i++){
		fx_refused_fixture(fn, html_fixtures[i], "HTML instead of JSON");
		count++;
	}
	/* Nesting past CJSON_NESTING_LIMIT (1000): refused, no deep recursion. */
	deep = malloc(4000);
	assert_non_null(deep);
	memset(deep, '[', 2000);
	memset(deep + 2000, ']', 2000);
	fx_refused(fn, deep, 4000, "not JSON", "2000-deep nesting");
	free(deep);
	return count + 1;
}

const struct nabz_news_item *fx_find_news(const struct nabz_news_list *l, const char *id)
{
	for(size_t i = 0; i < l->count; i++){
		if(strcmp(l->items[i].id, id) == 0) return &l->items[i];
	}
	return NULL;
}

static bool str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool fx_news_eq(const struct nabz_news_item *a, const struct nabz_news_item *b)
{
	return str_eq(a->id, b->id) && str_eq(a->title, b->title) && str_eq(a->url, b->url)
			&& str_eq(a->source, b->source) && str_eq(a->summary, b->summary)
			&& a->published_ms == b->published_ms;
}

static int run_news(fx_news_fn fn, const char *body, size_t len, struct nabz_news_list *out, char *err, size_t errlen)
{
	char *copy = fx_copy(body, len);
	int rc;

	err[0] = '\0';
	rc = fn(copy, len, out, err, errlen);
	free(copy);
	return rc;
}

size_t fx_prefixes_news(fx_news_fn fn, const char *body, size_t len)
{
	struct nabz_news_list full = {0};
	char err[128];

	check_row(run_news(fn, body, len, &full, err, sizeof(err)) == 0, "full body refused: %s", err);
	for(size_t n = 0; n < len; n++){
		struct nabz_news_list part = {0};
		int rc = run_news(fn, body, n, &part, err, sizeof(err));

		check_row(rc == 0 || rc == -1, "prefix %zu: rc %d", n, rc);
		if(rc == -1) check_row(part.count == 0 && err[0] != '\0', "prefix %zu: refused badly", n);
		for(size_t i = 0; i < part.count; i++){
			const struct nabz_news_item *f = fx_find_news(&full, part.items[i].id);

			check_row(f != NULL && fx_news_eq(f, &part.items[i]), "prefix %zu: item %s not in the full parse",
					n, part.items[i].id);
		}
		nabz_news__free(&part);
	}
	nabz_news__free(&full);
	return len;
}

void fx_refused_news(fx_news_fn fn, const char *body, size_t len, const char *want_err, const char *ctx)
{
	struct nabz_news_list out = {0};
	char err[256];
	int rc = run_news(fn, body, len, &out, err, sizeof(err));

	check_row(rc == -1, "%s: accepted (%zu items)", ctx, out.count);
	check_row(out.count == 0, "%s: refused but %zu items appended", ctx, out.count);
	check_row(strcmp(err, want_err) == 0, "%s: err \"%s\", want \"%s\"", ctx, err, want_err);
	nabz_news__free(&out);
}
