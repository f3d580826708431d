/* The "coinbase" source: one request per product, and Coinbase Exchange
 * tickers to quotes. */
#include "source/coinbase.h"

#include <stdio.h>

#include "parse_json.h"
#include "parse_time.h"

int nabz_parse__coinbase_ticker(const char *body, size_t len, const char *symbol,
		struct nabz_quote *out, char *err, size_t errlen)
{
	struct nabz_quote q;
	const cJSON *price, *msg;
	const char *time;
	double v;
	int rc = -1;
	cJSON *root;

	if(nabz_quote__init(&q, symbol) != 0){
		nabz_parse__err(err, errlen, "bad symbol");
		return -1;
	}
	root = nabz_parse__json(body, len, err, errlen);
	if(root == NULL) return -1;
	if(!cJSON_IsObject(root)){
		nabz_parse__err(err, errlen, "expected an object");
		goto done;
	}
	price = cJSON_GetObjectItemCaseSensitive(root, "price");
	msg = cJSON_GetObjectItemCaseSensitive(root, "message");
	if(price == NULL && cJSON_IsString(msg)){
		nabz_parse__api_error(err, errlen, msg->valuestring);
		goto done;
	}
	switch(nabz_jsonval__number(price, &v)){
		case NABZ_VAL_MISSING:
			nabz_parse__err(err, errlen, "missing field price");
			goto done;
		case NABZ_VAL_BAD:
			nabz_parse__err(err, errlen, cJSON_IsString(price) ? "bad value for price" : "wrong type for price");
			goto done;
		default:
			break;
	}
	if(!nabz_jsonval__price_usd_ok(v)){
		nabz_parse__err(err, errlen, "bad value for price");
		goto done;
	}
	q.price_usd = v;
	switch(nabz_jsonval__string(cJSON_GetObjectItemCaseSensitive(root, "time"), &time)){
		case NABZ_VAL_BAD:
			nabz_parse__err(err, errlen, "wrong type for time");
			goto done;
		case NABZ_VAL_OK:
			if(nabz_parse__rfc3339_ms(time, &q.source_ts_ms) != 0 || !nabz_jsonval__ts_ok(q.source_ts_ms)){
				nabz_parse__err(err, errlen, "bad value for time");
				goto done;
			}
			break;
		default:
			break;
	}
	*out = q;
	rc = 0;
done:
	cJSON_Delete(root);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

/* Coinbase's ticker names one product: one request per watched symbol. */
static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	char url[NABZ_SOURCE_URL_MAX];
	int rc = 0;

	for(size_t i = 0; i < r->watch_count; i++){
		snprintf(url, sizeof(url), "%s/products/%s-USD/ticker", r->cfg->base_url, r->watch[i]);
		rc |= nabz_requests__add(out, NABZ_REQ_PRICES, r->watch[i], 0, url);
	}
	return rc;
}

static unsigned round_size(const struct nabz_source_round *r)
{
	return (unsigned)r->watch_count;
}

/* The body names no product: the request's symbol says which. */
static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	struct nabz_quote one;

	(void)coin_ids;
	if(nabz_parse__coinbase_ticker(body, len, req->symbol, &one, err, errlen) != 0) return -1;
	if(nabz_quotes__push(&res->quotes, &one) != 0){
		nabz_parse__err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const struct nabz_source_ops nabz_source_coinbase = {
	.id = NABZ_SRC_COINBASE,
	.requests = requests,
	.round_size = round_size,
	.parse = parse,
	.demo_per_symbol = true,
};
