#include "prices.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "contract.h"
#include "quote.h"

struct nabz_tg_price {
	char symbol[NABZ_SYMBOL_MAX];        /* key */
	cJSON *root;                         /* owned: the whole envelope */
	UT_hash_handle hh;
};

int nabz_tg_prices__put(struct nabz_tg_prices *p, const char *symbol, const char *payload, size_t len)
{
	struct nabz_tg_price *e;
	cJSON *root;
	const cJSON *type;

	if(strlen(symbol) >= NABZ_SYMBOL_MAX) return -1;
	root = cJSON_ParseWithLength(payload, len);
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	if(!cJSON_IsString(type) || strcmp(type->valuestring, NABZ_TYPE_PRICE_UPDATE) != 0
			|| !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "data"))){
		cJSON_Delete(root);
		return -1;
	}
	HASH_FIND_STR(p->by_symbol, symbol, e);
	if(e == NULL){
		if(p->count >= NABZ_TG_PRICES_MAX || (e = calloc(1, sizeof(*e))) == NULL){
			cJSON_Delete(root);
			return -1;
		}
		memcpy(e->symbol, symbol, strlen(symbol) + 1);
		HASH_ADD_STR(p->by_symbol, symbol, e);
		if(p->by_symbol == NULL){
			free(e);
			cJSON_Delete(root);
			return -1;
		}
		p->count++;
	}
	cJSON_Delete(e->root);
	e->root = root;
	return 0;
}

const cJSON *nabz_tg_prices__get(const struct nabz_tg_prices *p, const char *symbol)
{
	struct nabz_tg_price *e;

	HASH_FIND_STR(p->by_symbol, symbol, e);
	return e ? cJSON_GetObjectItemCaseSensitive(e->root, "data") : NULL;
}

double nabz_tg_prices__usd(const struct nabz_tg_prices *p, const char *symbol)
{
	const cJSON *usd = cJSON_GetObjectItemCaseSensitive(nabz_tg_prices__get(p, symbol), "price_usd");

	return cJSON_IsNumber(usd) && isfinite(usd->valuedouble) ? usd->valuedouble : NAN;
}

void nabz_tg_prices__cleanup(struct nabz_tg_prices *p)
{
	struct nabz_tg_price *e, *tmp;

	HASH_ITER(hh, p->by_symbol, e, tmp){
		HASH_DEL(p->by_symbol, e);
		cJSON_Delete(e->root);
		free(e);
	}
	p->count = 0;
}
