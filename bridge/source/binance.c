/* The "binance" source: its request, and Binance REST and WebSocket
 * tickers to quotes. */
#include "source/binance.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parse_json.h"
#include "parse_items.h"
#include "parse_time.h"

/* Starts q from a pair: NABZ_ITEM_OK for "<BASE>USDT", else ignored. */
static int usdt_pair(const char *pair, struct nabz_quote *q)
{
	char base[NABZ_SYMBOL_MAX];
	size_t n = strlen(pair);

	if(n <= 4 || strcmp(pair + n - 4, "USDT") != 0) return NABZ_ITEM_IGNORED;
	n -= 4;
	if(n >= sizeof(base)) return NABZ_ITEM_BAD;
	memcpy(base, pair, n);
	base[n] = '\0';
	if(strncmp(base, "1000", 4) == 0 || (base[0] == '1' && base[1] == 'M' && isupper((unsigned char)base[2])))
		return NABZ_ITEM_IGNORED;
	return nabz_quote__init(q, base) == 0 ? NABZ_ITEM_OK : NABZ_ITEM_BAD;
}

/* True (err set) for {"code":..,"msg":..} and {"error":{"code","msg"}}. */
static bool binance_error(const cJSON *root, char *err, size_t errlen)
{
	const cJSON *msg, *e;

	if(!cJSON_IsObject(root)) return false;
	e = cJSON_GetObjectItemCaseSensitive(root, "error");
	if(cJSON_IsObject(e)) root = e;
	msg = cJSON_GetObjectItemCaseSensitive(root, "msg");
	if(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "code")) && cJSON_IsString(msg)){
		nabz_parse__api_error(err, errlen, msg->valuestring);
		return true;
	}
	return false;
}

static int ticker_24hr_item(const cJSON *t, void *ctx, struct nabz_quote *q)
{
	const cJSON *sym = cJSON_GetObjectItemCaseSensitive(t, "symbol");
	double price;
	int rc;

	(void)ctx;
	if(!cJSON_IsString(sym)) return NABZ_ITEM_BAD;
	rc = usdt_pair(sym->valuestring, q);
	if(rc != NABZ_ITEM_OK) return rc;
	if(nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(t, "lastPrice"), &price) != NABZ_VAL_OK
			|| !nabz_jsonval__price_usd_ok(price)) return NABZ_ITEM_BAD;
	q->price_usd = price;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(t, "priceChangePercent"), nabz_jsonval__change_ok,
			&q->change_24h_pct)) return NABZ_ITEM_BAD;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(t, "quoteVolume"), nabz_jsonval__amount_ok,
			&q->volume_24h_usd)) return NABZ_ITEM_BAD;
	if(nabz_parse__epoch(cJSON_GetObjectItemCaseSensitive(t, "closeTime"), 1, &q->source_ts_ms) == NABZ_VAL_BAD)
		return NABZ_ITEM_BAD;
	return NABZ_ITEM_OK;
}

/* Binance answers with one ticker object (recognised by its marker key)
 * or an array of them. Returns 0 or -1 with err set. */
static int one_or_many(const cJSON *msg, const char *marker, nabz_item_fn fn, struct nabz_quote_list *out,
		size_t start, size_t *bad, char *err, size_t errlen)
{
	if(cJSON_IsObject(msg) && cJSON_GetObjectItemCaseSensitive(msg, marker) != NULL){
		struct nabz_quote q;
		int item = fn(msg, NULL, &q);

		if(item == NABZ_ITEM_BAD) (*bad)++;
		if(item == NABZ_ITEM_OK && nabz_quotes__push(out, &q) != 0){
			nabz_parse__err(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	if(!cJSON_IsArray(msg)){
		nabz_parse__err(err, errlen, "expected an array");
		return -1;
	}
	return nabz_parse__each_quote(msg, fn, NULL, out, start, bad, err, errlen);
}

int nabz_parse__binance_ticker_24hr(const char *body, size_t len,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	cJSON *root = nabz_parse__json(body, len, err, errlen);
	int rc = -1;

	if(skipped) *skipped = 0;
	if(root == NULL) return -1;
	if(binance_error(root, err, errlen)) goto done;
	rc = one_or_many(root, "symbol", ticker_24hr_item, out, start, &bad, err, errlen);
done:
	if(rc != 0) nabz_parse__quotes_truncate(out, start);
	if(skipped && rc == 0) *skipped = bad;
	cJSON_Delete(root);
	return rc;
}

static int mini_ticker_item(const cJSON *t, void *ctx, struct nabz_quote *q)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(t, "e");
	const cJSON *sym = cJSON_GetObjectItemCaseSensitive(t, "s");
	double close, open;
	int rc;

	(void)ctx;
	if(!cJSON_IsString(e)) return NABZ_ITEM_BAD;
	if(strcmp(e->valuestring, "24hrMiniTicker") != 0) return NABZ_ITEM_IGNORED;
	if(!cJSON_IsString(sym)) return NABZ_ITEM_BAD;
	rc = usdt_pair(sym->valuestring, q);
	if(rc != NABZ_ITEM_OK) return rc;
	if(nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(t, "c"), &close) != NABZ_VAL_OK
			|| !nabz_jsonval__price_usd_ok(close)) return NABZ_ITEM_BAD;
	q->price_usd = close;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(t, "o"), nabz_jsonval__price_usd_ok, &open))
		return NABZ_ITEM_BAD;
	if(!isnan(open)){
		q->change_24h_pct = (close - open) / open * 100.0;
		if(!nabz_jsonval__change_ok(q->change_24h_pct)) return NABZ_ITEM_BAD;
	}
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(t, "q"), nabz_jsonval__amount_ok, &q->volume_24h_usd))
		return NABZ_ITEM_BAD;
	if(nabz_parse__epoch(cJSON_GetObjectItemCaseSensitive(t, "E"), 1, &q->source_ts_ms) == NABZ_VAL_BAD)
		return NABZ_ITEM_BAD;
	return NABZ_ITEM_OK;
}

int nabz_parse__binance_mini_ticker(const char *body, size_t len,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	cJSON *root = nabz_parse__json(body, len, err, errlen);
	const cJSON *msg = root;
	int rc = -1;

	if(skipped) *skipped = 0;
	if(root == NULL) return -1;
	if(binance_error(root, err, errlen)) goto done;
	if(cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "stream") != NULL){
		msg = cJSON_GetObjectItemCaseSensitive(root, "data");
		if(msg == NULL){
			nabz_parse__err(err, errlen, "missing field data");
			goto done;
		}
	}
	rc = one_or_many(msg, "e", mini_ticker_item, out, start, &bad, err, errlen);
done:
	if(rc != 0) nabz_parse__quotes_truncate(out, start);
	if(skipped && rc == 0) *skipped = bad;
	cJSON_Delete(root);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

/* One request for every watched symbol's USDT pair (USDT itself has
 * none). */
static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	char list[NABZ_SOURCE_LIST_MAX] = "", url[NABZ_SOURCE_URL_MAX];

	for(size_t i = 0; i < r->watch_count; i++){
		char pair[40];
		if(strcmp(r->watch[i], "USDT") == 0) continue;
		snprintf(pair, sizeof(pair), "%%22%sUSDT%%22", r->watch[i]);
		nabz_source__append(list, sizeof(list), ",", pair, false);
	}
	snprintf(url, sizeof(url), "%s/api/v3/ticker/24hr?symbols=%%5B%s%%5D", r->cfg->base_url, list);
	return nabz_requests__add(out, NABZ_REQ_PRICES, NULL, 0, url);
}

static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	(void)req;
	(void)coin_ids;
	return nabz_parse__binance_ticker_24hr(body, len, &res->quotes, &res->skipped, err, errlen);
}

const struct nabz_source_ops nabz_source_binance = {
	.id = NABZ_SRC_BINANCE,
	.requests = requests,
	.parse = parse,
	.demo = {{"prices", NABZ_REQ_PRICES}},
	.demo_ext = "json",
};
