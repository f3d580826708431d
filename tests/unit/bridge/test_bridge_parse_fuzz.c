/*
 * Every parser against every fixture, and against each fixture with one
 * byte changed at every offset: whatever comes in, a parser returns 0 or
 * -1 and never hands out a value the bridge must not publish. Run under
 * the sanitizer build to catch reads past the body.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nabz_test.h"

#include "fixture.h"
#include "parser_table.h"

/* One run of parser p; fails the test with ctx when its promise breaks. */
static void run(size_t p, const char *body, size_t len, const char *ctx)
{
	const char *broken = parser_table_run(p, body, len);

	check_row(broken == NULL, "%s: %s", ctx, broken);
}

/* The fixture files, as paths relative to NABZ_FIXTURES. */
static size_t list_fixtures(char names[][128], size_t max)
{
	static const char *const dirs[] = {
		"coingecko", "binance", "kraken", "coinbase", "nobitex", "wallex", "cryptocompare", "feeds", "common",
	};
	const char *root = getenv("NABZ_FIXTURES");
	size_t n = 0;

	assert_non_null(root);
	for(size_t d = 0; d < N_ELEMS(dirs); d++){
		char path[1024];
		struct dirent *e;
		DIR *dir;

		(void)snprintf(path, sizeof(path), "%s/%s", root, dirs[d]);
		dir = opendir(path);
		check_row(dir != NULL, "cannot list %s", path);
		while((e = readdir(dir)) != NULL){
			if(e->d_name[0] == '.') continue;
			assert_true(n < max);
			check_row(snprintf(names[n], 128, "%s/%s", dirs[d], e->d_name) < 128, "name too long");
			n++;
		}
		closedir(dir);
	}
	return n;
}

static void test_every_parser_every_fixture(void **state)
{
	static char names[128][128];
	size_t n = list_fixtures(names, N_ELEMS(names)), runs = 0;

	(void)state;
	assert_true(n >= 40);
	for(size_t f = 0; f < n; f++){
		size_t len;
		char *body = fx_load(names[f], &len);
		char ctx[256];

		for(size_t p = 0; p < parser_table_len; p++){
			(void)snprintf(ctx, sizeof(ctx), "%s on %s", parser_table[p].name, names[f]);
			run(p, body, len, ctx);
			runs++;
		}
		free(body);
	}
	print_message("%zu fixtures, %zu runs\n", n, runs);
}

/* Bytes that change a JSON or XML document's structure or meaning. */
static const char mutations[] = {'"', '}', ']', ',', '-', '9', '\\', '<', '&', '\0', '\xff', 'e'};

static void test_one_byte_mutations(void **state)
{
	static char names[128][128];
	size_t n = list_fixtures(names, N_ELEMS(names)), runs = 0;

	(void)state;
	for(size_t f = 0; f < n; f++){
		size_t len;
		char *body;
		char ctx[256];

		body = fx_load(names[f], &len);
		for(size_t p = 0; p < parser_table_len; p++){
			const char *dir = parser_table[p].dir;

			if(strncmp(names[f], dir, strlen(dir)) != 0) continue;
			for(size_t at = 0; at < len; at++){
				char saved = body[at];

				/* Three of the bytes at each offset, a different three at the
				 * next: every byte at every fourth offset, in a few seconds. */
				for(size_t k = 0; k < 3; k++){
					size_t m = (at + 4 * k) % sizeof(mutations);

					if(mutations[m] == saved) continue;
					body[at] = mutations[m];
					(void)snprintf(ctx, sizeof(ctx), "%s: byte %zu -> 0x%02x", names[f], at,
							(unsigned)(unsigned char)mutations[m]);
					run(p, body, len, ctx);
					runs++;
				}
				body[at] = saved;
			}
		}
		free(body);
	}
	print_message("%zu mutated runs\n", runs);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(parser_table_init(), 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_parser_every_fixture),
		cmocka_unit_test(test_one_byte_mutations),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
