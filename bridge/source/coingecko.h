/*
 * The "coingecko" source (a row of source.h's table).
 * CoinGecko API v3 responses (api.coingecko.com/api/v3/...).
 *
 * Every parser here takes one HTTP body (not NUL-terminated, len bytes)
 * and returns 0, or -1 with a short fixed reason in err. Quotes are
 * appended to out; on -1 nothing is appended. *skipped (may be NULL) gets
 * the number of items refused for bad values; items the caller did not
 * ask for are ignored, not counted. A symbol appears at most once per call.
 *
 * CoinGecko's error bodies, {"status":{"error_code":429,"error_message":..}}
 * and {"error":"..."}, give "API error: <message>".
 */
#ifndef NABZ_BRIDGE_SOURCE_COINGECKO_H
#define NABZ_BRIDGE_SOURCE_COINGECKO_H

#include <stddef.h>

#include "coin_id.h"
#include "quote.h"
#include "source.h"

/* /simple/price?ids=...&vs_currencies=usd&include_24hr_change=true
 * &include_last_updated_at=true (include_market_cap, include_24hr_vol are
 * read when present). ids maps each CoinGecko id to its symbol; ids the
 * body holds but the map lacks are ignored. Fills price_usd,
 * change_24h_pct, source_ts_ms (and market_cap_usd, volume_24h_usd). */
int nabz_parse__coingecko_simple_price(const char *body, size_t len,
		const struct nabz_coin_id *ids, size_t n_ids,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen);

/* /global: total market cap and volume in USD, BTC dominance, updated_at.
 * total_market_cap.usd is required; the others are NAN when absent, and
 * any present but invalid value refuses the body. out->usdt_irt is NAN.
 * *out is written only on success. */
int nabz_parse__coingecko_global(const char *body, size_t len,
		struct nabz_market *out, char *err, size_t errlen);

/* /coins/markets?vs_currency=usd&order=market_cap_desc&per_page=N: one
 * quote per coin (price, 24 h change, volume, market cap, last_updated),
 * and, when ids_out is not NULL, the id/symbol pair of each quote
 * appended to ids_out in the same order (for the top-N discovery). When
 * two coins share a symbol the first, larger one wins. */
int nabz_parse__coingecko_markets(const char *body, size_t len,
		struct nabz_quote_list *out, struct nabz_coin_id_list *ids_out,
		size_t *skipped, char *err, size_t errlen);

/* The coingecko source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_coingecko;

#endif
