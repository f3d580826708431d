/*
 * main() for a fuzz target built without libFuzzer: runs the target once on
 * every file named on the command line, and on every file of every
 * directory named there (its corpus). Exits 0 when every input went
 * through; a broken invariant or a sanitizer report aborts first.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads path whole into a heap buffer of exactly its size (so ASan sees a
 * read past the end); *len gets the size. NULL with errno on failure. */
static uint8_t *read_input(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if(f == NULL) return NULL;
	if(fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) goto fail;
	buf = malloc(n > 0 ? (size_t)n : 1);
	if(buf == NULL) goto fail;
	if(n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) goto fail;
	fclose(f);
	*len = (size_t)n;
	return buf;
fail:
	free(buf);
	fclose(f);
	if(errno == 0) errno = EIO;
	return NULL;
}

static int run_file(const char *path)
{
	size_t len;
	uint8_t *buf = read_input(path, &len);

	if(buf == NULL){
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int run_dir(const char *dir, unsigned *runs)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int rc = 0;

	if(n < 0){
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	for(int i = 0; i < n; i++){
		char path[4096];
		struct stat st;

		if(rc == 0 && names[i]->d_name[0] != '.'){
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if(stat(path, &st) == 0 && S_ISREG(st.st_mode)){
				rc = run_file(path);
				(*runs)++;
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned runs = 0;

	/* The empty input is every target's first case. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	for(int i = 1; i < argc; i++){
		struct stat st;

		if(stat(argv[i], &st) != 0){
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if(S_ISDIR(st.st_mode) ? run_dir(argv[i], &runs) != 0 : (runs++, run_file(argv[i]) != 0)) return 1;
	}
	if(runs == 0){
		fprintf(stderr, "no inputs: name a corpus directory or files\n");
		return 1;
	}
	printf("%u inputs, no invariant broken\n", runs);
	return 0;
}
