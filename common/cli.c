#include "cli.h"

#include <getopt.h>
#include <string.h>

#include "log.h"

enum { OPT_CHECK_CONFIG = 256, OPT_FLAG };

int nabz_cli__parse(int argc, char **argv, const struct nabz_cli_flag *flags, void (*usage)(FILE *out),
		const char **config_path, bool *check_only)
{
	struct option opts[4 + NABZ_CLI_FLAGS_MAX + 1] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
	};
	size_t nflags = 0;
	int opt;

	while(flags && flags[nflags].name && nflags < NABZ_CLI_FLAGS_MAX){
		opts[4 + nflags] = (struct option){flags[nflags].name, no_argument, NULL, OPT_FLAG + (int)nflags};
		nflags++;
	}
	*config_path = NULL;
	*check_only = false;
	while((opt = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1){
		if(opt >= OPT_FLAG && opt < OPT_FLAG + (int)nflags){
			*flags[opt - OPT_FLAG].set = true;
			continue;
		}
		switch(opt){
			case 'c': *config_path = optarg; break;
			case OPT_CHECK_CONFIG: *check_only = true; break;
			case 'v': nabz_log_level = nabz_log_level >= LOG_INFO ? LOG_DEBUG : LOG_INFO; break;
			case 'h': usage(stdout); return 0;
			default: usage(stderr); return 2;
		}
	}
	if(*config_path == NULL){
		usage(stderr);
		return 2;
	}
	return -1;
}
