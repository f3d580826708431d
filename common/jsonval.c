/*
 * The bounds in jsonval.h are wide enough for any real coin and narrow
 * enough to catch a unit mistake: no coin trades above a billion dollars,
 * BTC is about 1e10 toman, and a percent change below -100 means a
 * negative price.
 */
#include "jsonval.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>

int nabz_jsonval__decimal(const char *s, double *out)
{
	const char *p = s;
	bool digits = false;
	char *end = NULL;
	double v;

	if(s == NULL) return NABZ_VAL_BAD;
	if(*p == '+' || *p == '-') p++;
	while(isdigit((unsigned char)*p)){
		p++;
		digits = true;
	}
	if(*p == '.'){
		p++;
		while(isdigit((unsigned char)*p)){
			p++;
			digits = true;
		}
	}
	if(!digits) return NABZ_VAL_BAD;
	if(*p == 'e' || *p == 'E'){
		p++;
		if(*p == '+' || *p == '-') p++;
		if(!isdigit((unsigned char)*p)) return NABZ_VAL_BAD;
		while(isdigit((unsigned char)*p)) p++;
	}
	if(*p != '\0') return NABZ_VAL_BAD;
	/* strtod follows LC_NUMERIC; neither program calls setlocale. */
	v = strtod(s, &end);
	if(end != p || !isfinite(v)) return NABZ_VAL_BAD;
	*out = v;
	return NABZ_VAL_OK;
}

int nabz_jsonval__number(const cJSON *item, double *out)
{
	if(item == NULL || cJSON_IsNull(item)) return NABZ_VAL_MISSING;
	if(cJSON_IsNumber(item)){
		if(!isfinite(item->valuedouble)) return NABZ_VAL_BAD;
		*out = item->valuedouble;
		return NABZ_VAL_OK;
	}
	if(cJSON_IsString(item)) return nabz_jsonval__decimal(item->valuestring, out);
	return NABZ_VAL_BAD;
}

int nabz_jsonval__whole(const cJSON *item, int64_t min, int64_t max, int64_t *out)
{
	double v;

	if(item == NULL || cJSON_IsNull(item)) return NABZ_VAL_MISSING;
	if(!cJSON_IsNumber(item)) return NABZ_VAL_BAD;
	v = item->valuedouble;
	/* NaN and the infinities fail the range test too. */
	if(!(v >= (double)min && v <= (double)max) || v != floor(v)) return NABZ_VAL_BAD;
	*out = (int64_t)v;
	return NABZ_VAL_OK;
}

int nabz_jsonval__string(const cJSON *item, const char **out)
{
	if(item == NULL || cJSON_IsNull(item)) return NABZ_VAL_MISSING;
	if(!cJSON_IsString(item) || item->valuestring == NULL || item->valuestring[0] == '\0') return NABZ_VAL_BAD;
	*out = item->valuestring;
	return NABZ_VAL_OK;
}

bool nabz_jsonval__price_usd_ok(double v)
{
	return isfinite(v) && v > 0 && v <= NABZ_PRICE_USD_MAX;
}

bool nabz_jsonval__price_irt_ok(double v)
{
	return isfinite(v) && v > 0 && v <= NABZ_PRICE_IRT_MAX;
}

bool nabz_jsonval__change_ok(double v)
{
	return isfinite(v) && v > NABZ_CHANGE_PCT_MIN && v <= NABZ_CHANGE_PCT_MAX;
}

bool nabz_jsonval__amount_ok(double v)
{
	return isfinite(v) && v >= 0 && v <= NABZ_AMOUNT_USD_MAX;
}

bool nabz_jsonval__ts_ok(int64_t ms)
{
	return ms >= NABZ_TS_MS_MIN && ms < NABZ_TS_MS_MAX;
}
