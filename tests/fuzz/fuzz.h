/*
 * Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput
 * and is built twice: with clang's -fsanitize=fuzzer to search
 * (scripts/fuzz.sh), and with replay.c's main() to run its corpus as a
 * ctest test in every build, the sanitizer one included.
 *
 * A broken invariant is reported with FUZZ_CHECK, which aborts: libFuzzer
 * saves the input, the replay test fails.
 */
#ifndef NABZ_FUZZ_H
#define NABZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	do { \
		if(!(cond)){ \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while(0)

/* Aborts with the difference when reg's figures are not its recount
 * (tests/unit/registry_recount.c); used by the registry's targets. */
#define check_recount(reg, total) \
	do { \
		const char *diff_ = registry_recount((reg), (total)); \
		if(diff_){ \
			fprintf(stderr, "%s:%d: registry figures: %s\n", __FILE__, __LINE__, diff_); \
			abort(); \
		} \
	} while(0)

#endif
