#include "alerts.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "jsonval.h"

/* Copies text into out with Persian (U+06F0..9) and Arabic-Indic
 * (U+0660..9) digits made ASCII and the thousands separators (",", the
 * Arabic U+066C) dropped; the Arabic decimal separator (U+066B) becomes
 * ".". Returns -1 when it does not fit. */
static int ascii_number(const char *text, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t o = 0;

	while(*s){
		char c;
		if(s[0] == 0xDB && s[1] >= 0xB0 && s[1] <= 0xB9){            /* ۰..۹ */
			c = (char)('0' + (s[1] - 0xB0));
			s += 2;
		}else if(s[0] == 0xD9 && s[1] >= 0xA0 && s[1] <= 0xA9){     /* ٠..٩ */
			c = (char)('0' + (s[1] - 0xA0));
			s += 2;
		}else if(s[0] == 0xD9 && s[1] == 0xAC){                     /* ٬ */
			s += 2;
			continue;
		}else if(s[0] == 0xD9 && s[1] == 0xAB){                     /* ٫ */
			c = '.';
			s += 2;
		}else if(s[0] == ','){
			s++;
			continue;
		}else{
			c = (char)*s++;
		}
		if(o + 1 >= outlen) return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Copies the run of bytes at *p that ok() accepts (after blanks) into
 * out and moves *p past it; -1 when the run is empty or too long. */
static int take(const char **p, int (*ok)(int c), char *out, size_t outlen)
{
	const char *s = *p + strspn(*p, " \t\n");
	size_t n = 0;

	while(s[n] && ok((unsigned char)s[n])) n++;
	if(n == 0 || n >= outlen) return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = s + n;
	return 0;
}

static int is_operator(int c)
{
	return c == '<' || c == '>' || c == '=';
}

/* The number: anything up to a blank (digits of any script are sorted
 * out by ascii_number and nabz_jsonval__decimal). */
static int not_blank(int c)
{
	return c != ' ' && c != '\t' && c != '\n';
}

int nabz_tg_rule__parse(const char *text, struct nabz_tg_rule *out)
{
	char symbol[32], op[16], number[64], ascii[64];
	const char *p = text;
	struct nabz_quote q;
	double v;

	memset(out, 0, sizeof(*out));
	/* "BTC > 100000", "BTC>100000", "btc above 100,000" */
	if(take(&p, isalnum, symbol, sizeof(symbol)) != 0) return -1;
	if(take(&p, is_operator, op, sizeof(op)) != 0 && take(&p, isalpha, op, sizeof(op)) != 0) return -1;
	if(take(&p, not_blank, number, sizeof(number)) != 0) return -1;
	if(p[strspn(p, " \t\n")] != '\0') return -1;              /* nothing after the number */
	if(strcmp(op, ">") == 0 || strcmp(op, ">=") == 0 || strcasecmp(op, "above") == 0){
		out->above = true;
	}else if(!(strcmp(op, "<") == 0 || strcmp(op, "<=") == 0 || strcasecmp(op, "below") == 0)){
		return -1;
	}
	if(nabz_quote__init(&q, symbol) != 0 || ascii_number(number, ascii, sizeof(ascii)) != 0
			|| nabz_jsonval__decimal(ascii, &v) != 0 || !nabz_jsonval__price_usd_ok(v)){
		return -1;
	}
	memcpy(out->symbol, q.symbol, sizeof(out->symbol));
	out->threshold = v;
	out->armed = true;
	return 0;
}

bool nabz_tg_rule__reached(const struct nabz_tg_rule *r, double price)
{
	return r->above ? price >= r->threshold : price <= r->threshold;
}

bool nabz_tg_rule__check(struct nabz_tg_rule *r, double price)
{
	double band = r->threshold * NABZ_TG_REARM_PCT / 100.0;

	if(!isfinite(price)) return false;
	if(r->armed){
		if(!nabz_tg_rule__reached(r, price)) return false;
		r->armed = false;
		return true;
	}
	if(r->above ? price < r->threshold - band : price > r->threshold + band) r->armed = true;
	return false;
}
