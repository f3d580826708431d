/*
 * Values read out of JSON, and the bounds a published value keeps: what
 * the bridge's response parsers (bridge/parse_*.c) and nabz-telegram (Bot API
 * answers, prices read back from MQTT) both use. Named nabz_jsonval__
 * (the bridge's parsers still spell them nabz_parse__: parse_util.h maps
 * those names), so nothing named after the bridge's parsers is in the bot.
 *
 * Pure functions: no I/O, no globals; any thread may call them.
 */
#ifndef NABZ_JSONVAL_H
#define NABZ_JSONVAL_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Bounds a value must keep to be published (jsonval.c says why). */
#define NABZ_PRICE_USD_MAX 1e9          /* per coin */
#define NABZ_PRICE_IRT_MAX 1e14         /* toman per coin */
#define NABZ_CHANGE_PCT_MIN (-100.0)    /* exclusive: a price of zero */
#define NABZ_CHANGE_PCT_MAX 1e6
#define NABZ_AMOUNT_USD_MAX 1e15        /* market caps and volumes */
#define NABZ_TS_MS_MIN INT64_C(1230940800000)  /* 2009-01-03, the genesis block */
#define NABZ_TS_MS_MAX INT64_C(4102444800000)  /* 2100-01-01 */

/* Outcome of reading one optional value. */
enum {
	NABZ_VAL_BAD = -1,      /* present but wrong type, unparsable or out of range */
	NABZ_VAL_OK = 0,
	NABZ_VAL_MISSING = 1,   /* absent (item NULL) or JSON null */
};

/* A decimal number written as text: optional sign, digits, optional
 * fraction and exponent, nothing else (no blanks, hex, inf or nan).
 * Returns NABZ_VAL_OK with *out finite, else NABZ_VAL_BAD. */
int nabz_jsonval__decimal(const char *s, double *out);
/* A finite number from a JSON number or a JSON string that
 * nabz_jsonval__decimal accepts; NABZ_VAL_MISSING for NULL or null. */
int nabz_jsonval__number(const cJSON *item, double *out);
/* Whole numbers JSON carries exactly: within +-(2^53 - 1), where every
 * integer is a double (Telegram's ids, update ids). */
#define NABZ_JSON_INT_MAX 9007199254740991LL
/* A JSON number (not a string) that is whole and within [min, max] (both
 * within +-NABZ_JSON_INT_MAX); NABZ_VAL_MISSING for NULL or null. The
 * range is checked on the double, so no cast is ever out of range. */
int nabz_jsonval__whole(const cJSON *item, int64_t min, int64_t max, int64_t *out);
/* A non-empty JSON string; NABZ_VAL_MISSING for NULL or null. */
int nabz_jsonval__string(const cJSON *item, const char **out);

/* Bounds for publishing: */
bool nabz_jsonval__price_usd_ok(double v);   /* finite, > 0, <= NABZ_PRICE_USD_MAX */
bool nabz_jsonval__price_irt_ok(double v);   /* finite, > 0, <= NABZ_PRICE_IRT_MAX */
bool nabz_jsonval__change_ok(double v);      /* finite, in (-100, 1e6] */
bool nabz_jsonval__amount_ok(double v);      /* finite, >= 0, <= NABZ_AMOUNT_USD_MAX */
bool nabz_jsonval__ts_ok(int64_t ms);        /* in [2009-01-03, 2100-01-01) */

#endif
