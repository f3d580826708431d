#include "envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

char *nabz_envelope__wrap(const char *type, const char *data_text, int64_t wall_ms)
{
	static const char fmt[] = "{\"type\":\"%s\",\"data\":%s,\"ts\":\"%s\"}";
	char ts[40];
	size_t cap;
	char *out;
	int n;

	if(type[0] == '\0' || type[strspn(type, "abcdefghijklmnopqrstuvwxyz_")] != '\0') return NULL;
	nabz_time__rfc3339(wall_ms, ts, sizeof(ts));
	cap = sizeof(fmt) + strlen(type) + strlen(data_text) + strlen(ts);
	out = malloc(cap);
	if(out == NULL) return NULL;
	n = snprintf(out, cap, fmt, type, data_text, ts);
	if(n < 0 || (size_t)n >= cap){
		free(out);
		return NULL;
	}
	return out;
}
