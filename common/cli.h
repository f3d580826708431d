/*
 * What both programs do first: read the command line (-c FILE,
 * --check-config, -v, -h and a program's own flags). The signals are
 * loop.h's. Called from main only, before any thread starts.
 */
#ifndef NABZ_CLI_H
#define NABZ_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define NABZ_CLI_FLAGS_MAX 8

/* A program's own long option without argument (--once): sets *set. */
struct nabz_cli_flag {
	const char *name;
	bool *set;
};

/* Parses argv: -c/--config FILE into *config_path (pointing into argv),
 * --check-config into *check_only, each -v/--verbose one log level more
 * (twice: debug), and flags (NULL-terminated by name, at most
 * NABZ_CLI_FLAGS_MAX; may be NULL). Returns -1 to go on, or the status to
 * exit with: 0 after -h (usage on stdout), 2 for an unknown option or no
 * -c (usage on stderr). */
int nabz_cli__parse(int argc, char **argv, const struct nabz_cli_flag *flags, void (*usage)(FILE *out),
		const char **config_path, bool *check_only);

#endif
