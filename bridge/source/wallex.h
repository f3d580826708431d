/*
 * The "wallex" source (a row of source.h's table).
 * Wallex public REST bodies (api.wallex.ir). Wallex's TMN markets are
 * priced in TOMAN already: price_irt is lastPrice as given.
 * Calling convention as in source/coingecko.h. {"success":false,
 * "message":"..."} gives "API error: <message>".
 */
#ifndef NABZ_BRIDGE_SOURCE_WALLEX_H
#define NABZ_BRIDGE_SOURCE_WALLEX_H

#include <stddef.h>

#include "quote.h"
#include "source.h"

/* /v1/markets: {"result":{"symbols":{"BTCTMN":{"baseAsset","quoteAsset",
 * "stats":{"lastPrice","24h_ch",..}},..}},"message","success"}. One quote
 * per TMN market (symbol from baseAsset) with price_irt (lastPrice) and
 * change_24h_pct (24h_ch; Wallex's "-" placeholder reads as absent);
 * markets in other quote assets are ignored. *usdt_irt (may be NULL)
 * gets toman per USDT from USDTTMN, or NAN. */
int nabz_parse__wallex_markets(const char *body, size_t len,
		struct nabz_quote_list *out, double *usdt_irt, size_t *skipped, char *err, size_t errlen);

/* The wallex source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_wallex;

#endif
