#include "timeutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

int64_t nabz_time__mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nabz_time__wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void nabz_time__rfc3339(int64_t wall_ms, char *buf, size_t buflen)
{
	time_t secs = (time_t)(wall_ms / 1000);
	int ms = (int)(wall_ms % 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

int64_t nabz_time__days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char **p, int count, int *out)
{
	int v = 0;

	for(int i = 0; i < count; i++){
		char c = (*p)[i];
		if(c < '0' || c > '9') return false;
		v = v * 10 + (c - '0');
	}
	*p += count;
	*out = v;
	return true;
}

int nabz_time__parse_rfc3339(const char *s, int64_t *out_ms)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, ms = 0;

	if(s == NULL) return -1;
	if(!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d)
			|| *p++ != 'T' || !digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':'
			|| !digits(&p, 2, &sec)){
		return -1;
	}
	if(*p == '.'){
		int scale = 100;
		p++;
		if(*p < '0' || *p > '9') return -1;
		for(; *p >= '0' && *p <= '9'; p++){
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if(*p++ != 'Z' || *p != '\0') return -1;
	if(mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
	*out_ms = ((nabz_time__days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + ms;
	return 0;
}
