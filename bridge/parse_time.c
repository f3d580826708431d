/* Times as APIs and feeds write them: epoch numbers, RFC 3339, RFC 822. */
#include "parse_time.h"
#include "timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int nabz_parse__epoch(const cJSON *item, int64_t unit_ms, int64_t *out_ms)
{
	double v, ms;
	int rc = nabz_jsonval__number(item, &v);

	if(rc != NABZ_VAL_OK) return rc;
	ms = v * (double)unit_ms;
	/* Compared as doubles first: the cast below is then defined. */
	if(!(ms >= (double)NABZ_TS_MS_MIN && ms < (double)NABZ_TS_MS_MAX)) return NABZ_VAL_BAD;
	*out_ms = (int64_t)ms;
	return nabz_jsonval__ts_ok(*out_ms) ? NABZ_VAL_OK : NABZ_VAL_BAD;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Exactly n digits at *p; advances *p. */
static bool read_digits(const char **p, int n, int *out)
{
	int v = 0;

	for(int i = 0; i < n; i++){
		if(!isdigit((unsigned char)(*p)[i])) return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Epoch ms of a validated UTC date and time, minus an offset in minutes. */
static int to_epoch_ms(int64_t y, int mo, int d, int h, int mi, int s, int ms, int offset_min, int64_t *out)
{
	int64_t days;

	if(mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
	if(h > 23 || mi > 59 || s > 60) return -1;
	days = nabz_time__days_from_civil(y, mo, d);
	*out = (((days * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms - (int64_t)offset_min * 60000;
	return 0;
}

/* "+03:30", "+0330" or "-05"; returns minutes east of UTC in *out. */
static bool read_numeric_zone(const char **p, int *out)
{
	int sign = **p == '-' ? -1 : 1;
	int oh, om = 0;

	if(**p != '+' && **p != '-') return false;
	(*p)++;
	if(!read_digits(p, 2, &oh)) return false;
	if(**p == ':') (*p)++;
	if(isdigit((unsigned char)**p) && !read_digits(p, 2, &om)) return false;
	if(oh > 23 || om > 59) return false;
	*out = sign * (oh * 60 + om);
	return true;
}

int nabz_parse__rfc3339_ms(const char *s, int64_t *out_ms)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, ms = 0, offset = 0;

	if(s == NULL) return -1;
	if(!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-'
			|| !read_digits(&p, 2, &d)) return -1;
	if(*p != 'T' && *p != 't' && *p != ' ') return -1;
	p++;
	if(!read_digits(&p, 2, &h) || *p++ != ':' || !read_digits(&p, 2, &mi) || *p++ != ':'
			|| !read_digits(&p, 2, &sec)) return -1;
	if(*p == '.'){
		int scale = 100;

		p++;
		if(!isdigit((unsigned char)*p)) return -1;
		for(; isdigit((unsigned char)*p); p++){
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if(*p == 'Z' || *p == 'z'){
		p++;
	}else if(!read_numeric_zone(&p, &offset)){
		return -1;
	}
	if(*p != '\0') return -1;
	return to_epoch_ms(y, mo, d, h, mi, sec, ms, offset, out_ms);
}

static const char *skip_blanks(const char *p)
{
	while(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
	return p;
}

/* Letters at *p into buf (lower case, cut to bufsize-1); returns the count. */
static size_t read_word(const char **p, char *buf, size_t bufsize)
{
	size_t n = 0;

	while(isalpha((unsigned char)**p)){
		if(n + 1 < bufsize) buf[n] = (char)tolower((unsigned char)**p);
		n++;
		(*p)++;
	}
	buf[n + 1 < bufsize ? n : bufsize - 1] = '\0';
	return n;
}

/* 1 to max digits at *p. */
static int read_number(const char **p, int max, int *out)
{
	int n = 0, v = 0;

	while(n < max && isdigit((unsigned char)**p)){
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if(n == 0 || isdigit((unsigned char)**p)) return 0;
	*out = v;
	return n;
}

static bool alpha_zone(const char *w, size_t n, int *out)
{
	static const struct {
		const char *name;
		int minutes;
	} zones[] = {
		{"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0},
		{"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
		{"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
	};

	for(size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++){
		if(strcmp(w, zones[i].name) == 0){
			*out = zones[i].minutes;
			return true;
		}
	}
	/* RFC 2822 4.3: military zones were defined with the wrong sign and
	 * are to be read as -0000, that is UTC. */
	if(n == 1 && w[0] != 'j'){
		*out = 0;
		return true;
	}
	return false;
}

int nabz_parse__rfc822_ms(const char *s, int64_t *out_ms)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p;
	char word[16];
	int d, mo = 0, y, h, mi, sec = 0, offset = 0, ny;
	size_t n;

	if(s == NULL) return -1;
	p = skip_blanks(s);
	if(isalpha((unsigned char)*p)){
		/* The weekday: not checked against the date. */
		if(read_word(&p, word, sizeof(word)) > 9) return -1;
		p = skip_blanks(p);
		if(*p == ',') p = skip_blanks(p + 1);
	}
	if(!read_number(&p, 2, &d)) return -1;
	p = skip_blanks(p);
	n = read_word(&p, word, sizeof(word));
	if(n < 3 || n > 9) return -1;
	for(int i = 0; i < 12; i++){
		if(memcmp(word, months + 3 * i, 3) == 0) mo = i + 1;
	}
	if(mo == 0) return -1;
	p = skip_blanks(p);
	ny = read_number(&p, 4, &y);
	if(ny == 2){
		y += y < 50 ? 2000 : 1900;
	}else if(ny == 3){
		y += 1900;
	}else if(ny != 4){
		return -1;
	}
	p = skip_blanks(p);
	if(read_number(&p, 2, &h) != 2 || *p++ != ':' || read_number(&p, 2, &mi) != 2) return -1;
	if(*p == ':'){
		p++;
		if(read_number(&p, 2, &sec) != 2) return -1;
	}
	p = skip_blanks(p);
	if(*p == '+' || *p == '-'){
		if(!read_numeric_zone(&p, &offset)) return -1;
	}else{
		n = read_word(&p, word, sizeof(word));
		if(n == 0 || n >= sizeof(word) || !alpha_zone(word, n, &offset)) return -1;
	}
	if(*skip_blanks(p) != '\0') return -1;
	return to_epoch_ms(y, mo, d, h, mi, sec, 0, offset, out_ms);
}
