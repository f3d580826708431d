/*
 * The "binance" source (a row of source.h's table).
 * Binance spot API bodies (api.binance.com) and WebSocket stream messages
 * (stream.binance.com). Only USDT pairs give quotes, the quote asset cut
 * off ("BTCUSDT" is BTC, priced in USD since USDT is pegged to it); other
 * pairs, and bases Binance quotes per thousand or million units
 * ("1000SATS", "1MBABYDOGE", whose prices would not match other sources),
 * are ignored.
 *
 * Calling convention as in source/coingecko.h: 0, or -1 with a reason in
 * err and nothing appended to out; *skipped (may be NULL) counts USDT
 * pairs refused for bad values. Binance's error body
 * {"code":-1121,"msg":"Invalid symbol."} gives "API error: Invalid symbol.".
 */
#ifndef NABZ_BRIDGE_SOURCE_BINANCE_H
#define NABZ_BRIDGE_SOURCE_BINANCE_H

#include <stddef.h>

#include "quote.h"
#include "source.h"

/* GET /api/v3/ticker/24hr (with or without symbols=...): an array of
 * tickers, or one ticker object when a single symbol was asked. Fills
 * price_usd (lastPrice), change_24h_pct (priceChangePercent),
 * volume_24h_usd (quoteVolume) and source_ts_ms (closeTime). */
int nabz_parse__binance_ticker_24hr(const char *body, size_t len,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen);

/* One WebSocket message of the !miniTicker@arr stream: an array of
 * {"e":"24hrMiniTicker","E":ms,"s":"BTCUSDT","c","o","h","l","v","q"};
 * also a single <symbol>@miniTicker event and the combined-stream wrapper
 * {"stream":..,"data":..}. change_24h_pct is (c - o) / o * 100;
 * volume_24h_usd is q; source_ts_ms is E. Events of other types are
 * ignored. */
int nabz_parse__binance_mini_ticker(const char *body, size_t len,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen);

/* The binance source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_binance;

#endif
