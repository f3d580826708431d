/* CoinGecko ids and the symbols they stand for. */
#include "coin_id.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int nabz_coin_ids__push(struct nabz_coin_id_list *list, const struct nabz_coin_id *c)
{
	if(list->count == list->cap){
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct nabz_coin_id *grown = realloc(list->items, cap * sizeof(*grown));

		if(grown == NULL) return -1;
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = *c;
	return 0;
}

void nabz_coin_ids__free(struct nabz_coin_id_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

int nabz_coin_id__init(struct nabz_coin_id *c, const char *id, const char *symbol)
{
	struct nabz_quote q;
	size_t n = id ? strlen(id) : 0;

	memset(c, 0, sizeof(*c));
	if(n == 0 || n >= NABZ_COIN_ID_MAX) return -1;
	for(size_t i = 0; i < n; i++){
		unsigned char ch = (unsigned char)id[i];

		if(!(islower(ch) || isdigit(ch) || ch == '-' || ch == '_' || ch == '.')) return -1;
	}
	if(nabz_quote__init(&q, symbol) != 0) return -1;
	memcpy(c->id, id, n + 1);
	memcpy(c->symbol, q.symbol, sizeof(c->symbol));
	return 0;
}

/* CoinGecko ids of the symbols people watch most; discovery adds more. */
static const struct { const char *symbol, *id; } known_ids[] = {
	{"BTC", "bitcoin"}, {"ETH", "ethereum"}, {"USDT", "tether"}, {"BNB", "binancecoin"},
	{"SOL", "solana"}, {"XRP", "ripple"}, {"DOGE", "dogecoin"}, {"ADA", "cardano"},
	{"TRX", "tron"}, {"TON", "the-open-network"}, {"USDC", "usd-coin"}, {"AVAX", "avalanche-2"},
	{"SHIB", "shiba-inu"}, {"DOT", "polkadot"}, {"LINK", "chainlink"}, {"LTC", "litecoin"},
	{"BCH", "bitcoin-cash"}, {"XLM", "stellar"}, {"NOT", "notcoin"}, {"PEPE", "pepe"},
};

const char *nabz_coin_id__known(const char *symbol)
{
	const char *id = NULL;

	for(size_t k = 0; k < sizeof(known_ids) / sizeof(known_ids[0]); k++){
		if(strcmp(known_ids[k].symbol, symbol) == 0) id = known_ids[k].id;
	}
	return id;
}
