/*
 * The "nobitex" source (a row of source.h's table).
 * Nobitex public REST bodies (api.nobitex.ir). Nobitex prices are in
 * RIALS; quotes carry toman (price_irt = rials / 10).
 * Calling convention as in source/coingecko.h. Nobitex's error body
 * {"status":"failed","message":"..."} gives "API error: <message>".
 */
#ifndef NABZ_BRIDGE_SOURCE_NOBITEX_H
#define NABZ_BRIDGE_SOURCE_NOBITEX_H

#include <stddef.h>

#include "quote.h"
#include "source.h"

/* /market/stats?srcCurrency=btc,eth,usdt&dstCurrency=rls: one quote per
 * open "<src>-rls" market with price_irt (latest / 10) and
 * change_24h_pct (dayChange); price_usd is NAN and source_ts_ms 0 (the
 * body has no time). Markets with "isClosed": true, other destination
 * currencies and sources that are no symbol ("1m_btt") are ignored.
 * *usdt_irt (may be NULL) gets toman per USDT from usdt-rls, or NAN. */
int nabz_parse__nobitex_stats(const char *body, size_t len,
		struct nabz_quote_list *out, double *usdt_irt, size_t *skipped, char *err, size_t errlen);

/* The nobitex source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_nobitex;

#endif
