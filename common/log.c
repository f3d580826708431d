#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "timeutil.h"

int nabz_log_level = LOG_NOTICE;
const char *nabz_log_ident = "nabz-bridge";

void nabz_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {"", "", "", "error", "warning", "notice", "info", "debug"};
	char ts[40];
	va_list ap;

	if(level > nabz_log_level) return;
	nabz_time__rfc3339(nabz_time__wall_ms(), ts, sizeof(ts));
	fprintf(stderr, "%s %s %s: ", ts, nabz_log_ident, names[level & 7]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
