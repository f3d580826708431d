/*
 * Shared by the unit tests: cmocka's prerequisite headers and a check that
 * names the table row on failure (cmocka's own asserts only give a line).
 */
#ifndef NABZ_TEST_H
#define NABZ_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

/* Fails the test with the row's description when cond is false. */
#define check_row(cond, ...) \
	do { \
		if(!(cond)){ \
			print_error("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			print_error(__VA_ARGS__); \
			print_error("\n"); \
			fail(); \
		} \
	} while(0)

/* A fresh directory /tmp/<prefix>-XXXXXX into dir (len: at least
 * strlen(prefix) + 12); fails the test when it cannot be made. */
static inline void nabz_test_tmpdir(char *dir, size_t len, const char *prefix)
{
	snprintf(dir, len, "/tmp/%s-XXXXXX", prefix);
	assert_non_null(mkdtemp(dir));
}

/* rm -rf dir; fails the test when that fails. */
static inline void nabz_test_rmtree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#endif
