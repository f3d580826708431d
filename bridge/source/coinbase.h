/*
 * The "coinbase" source (a row of source.h's table).
 * Coinbase Exchange REST bodies (api.exchange.coinbase.com).
 * Coinbase answers errors as {"message":"NotFound"}: "API error: NotFound".
 */
#ifndef NABZ_BRIDGE_SOURCE_COINBASE_H
#define NABZ_BRIDGE_SOURCE_COINBASE_H

#include <stddef.h>

#include "quote.h"
#include "source.h"

/* /products/<SYMBOL>-USD/ticker: {"trade_id","price","size","time","bid",
 * "ask","volume"}. The body names no product, so the caller gives the
 * symbol. Fills price_usd and source_ts_ms (time); the ticker has no 24 h
 * change (NAN) and its volume is in the base asset (not used). Returns 0
 * with *out filled, or -1 with a reason in err ("bad value for price"
 * when the price is unfit: a single quote has nothing to skip to). *out is
 * written only on success. */
int nabz_parse__coinbase_ticker(const char *body, size_t len, const char *symbol,
		struct nabz_quote *out, char *err, size_t errlen);

/* The coinbase source: its requests, its parsers above, its quirks. */
extern const struct nabz_source_ops nabz_source_coinbase;

#endif
