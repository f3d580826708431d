/*
 * The last price_update seen for each symbol (from the retained
 * <prefix>/prices/<SYM> topics), for /price. Bounded. Single-threaded.
 */
#ifndef NABZ_TG_PRICES_H
#define NABZ_TG_PRICES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define NABZ_TG_PRICES_MAX 5000

struct nabz_tg_price;

struct nabz_tg_prices {
	struct nabz_tg_price *by_symbol;     /* uthash */
	size_t count;
};

/* Keeps the data object of payload (a price_update envelope) under
 * symbol. Returns 0, or -1 when not a price_update (nothing kept). */
int nabz_tg_prices__put(struct nabz_tg_prices *p, const char *symbol, const char *payload, size_t len);
/* The data object, valid until the next put of that symbol; NULL: none. */
const cJSON *nabz_tg_prices__get(const struct nabz_tg_prices *p, const char *symbol);
/* Its price_usd, or NAN when there is none (or it is not a finite number). */
double nabz_tg_prices__usd(const struct nabz_tg_prices *p, const char *symbol);
void nabz_tg_prices__cleanup(struct nabz_tg_prices *p);

#endif
