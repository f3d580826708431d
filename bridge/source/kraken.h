/*
 * The "kraken" source (a row of source.h's table).
 * Kraken public REST bodies (api.kraken.com/0/public/...).
 * Calling convention as in source/coingecko.h. Kraken answers
 * {"error":["EQuery:Unknown asset pair"]}: an "error" entry that is not
 * a warning ("W...") gives "API error: <first entry>".
 */
#ifndef NABZ_BRIDGE_SOURCE_KRAKEN_H
#define NABZ_BRIDGE_SOURCE_KRAKEN_H

#include <stddef.h>

#include "quote.h"
#include "source.h"

/* The symbol of a USD pair as Kraken names it in a result: "XXBTZUSD",
 * "XBTUSD" -> "BTC"; "XETHZUSD" -> "ETH"; "XDGUSD", "XXDGZUSD" -> "DOGE";
 * "USDTZUSD" -> "USDT"; "SOLUSD" -> "SOL". Returns 0, or -1 for a pair
 * not quoted in USD or a base that is no symbol. */
int nabz_parse__kraken_symbol(const char *pair, char symbol[NABZ_SYMBOL_MAX]);

/* /0/public/Ticker?pair=XBTUSD,ETHUSD,...: price_usd from c[0] (last
 * trade), change_24h_pct from o (the opening price of today, 00:00 UTC:
 * Kraken gives no rolling 24 h open), volume_24h_usd as v[1] * p[1]
 * (24 h volume times 24 h VWAP). Kraken gives no time: source_ts_ms is 0.
 * Pairs not quoted in USD are ignored. */
int nabz_parse__kraken_ticker(const char *body, size_t len,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen);

/* The kraken source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_kraken;

#endif
