/* The "wallex" source: its request, and Wallex markets to toman quotes. */
#include "source/wallex.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parse_json.h"
#include "parse_items.h"

/* Wallex writes "-" for a figure it does not have. */
static const cJSON *figure(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) && strcmp(item->valuestring, "-") == 0 ? NULL : item;
}

static int market_item(const cJSON *m, void *ctx, struct nabz_quote *q)
{
	double *usdt_irt = ctx;
	const cJSON *quote = cJSON_GetObjectItemCaseSensitive(m, "quoteAsset");
	const cJSON *base = cJSON_GetObjectItemCaseSensitive(m, "baseAsset");
	const cJSON *stats = cJSON_GetObjectItemCaseSensitive(m, "stats");
	double price;

	if(!cJSON_IsObject(m) || !cJSON_IsString(quote)) return NABZ_ITEM_BAD;
	if(strcmp(quote->valuestring, "TMN") != 0) return NABZ_ITEM_IGNORED;
	if(!cJSON_IsString(base) || nabz_quote__init(q, base->valuestring) != 0 || !cJSON_IsObject(stats))
		return NABZ_ITEM_BAD;
	if(nabz_jsonval__number(figure(stats, "lastPrice"), &price) != NABZ_VAL_OK
			|| !nabz_jsonval__price_irt_ok(price)) return NABZ_ITEM_BAD;
	q->price_irt = price;
	if(!nabz_parse__opt(figure(stats, "24h_ch"), nabz_jsonval__change_ok, &q->change_24h_pct))
		return NABZ_ITEM_BAD;
	if(strcmp(q->symbol, "USDT") == 0 && isnan(*usdt_irt)) *usdt_irt = price;
	return NABZ_ITEM_OK;
}

int nabz_parse__wallex_markets(const char *body, size_t len,
		struct nabz_quote_list *out, double *usdt_irt, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	const cJSON *success, *result, *symbols;
	double usdt = NAN;
	cJSON *root = nabz_parse__json(body, len, err, errlen);
	int rc = -1;

	if(skipped) *skipped = 0;
	if(usdt_irt) *usdt_irt = NAN;
	if(root == NULL) return -1;
	if(!cJSON_IsObject(root)){
		nabz_parse__err(err, errlen, "expected an object");
		goto done;
	}
	success = cJSON_GetObjectItemCaseSensitive(root, "success");
	if(cJSON_IsFalse(success)){
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");

		nabz_parse__api_error(err, errlen, cJSON_IsString(msg) ? msg->valuestring : NULL);
		goto done;
	}
	if(success != NULL && !cJSON_IsTrue(success)){
		nabz_parse__err(err, errlen, "wrong type for success");
		goto done;
	}
	result = nabz_parse__field(root, "result", "result", cJSON_IsObject, err, errlen);
	if(result == NULL) goto done;
	symbols = nabz_parse__field(result, "symbols", "result.symbols", cJSON_IsObject, err, errlen);
	if(symbols == NULL) goto done;
	rc = nabz_parse__each_quote(symbols, market_item, &usdt, out, start, &bad, err, errlen);
done:
	if(rc != 0) nabz_parse__quotes_truncate(out, start);
	if(rc == 0 && skipped) *skipped = bad;
	if(rc == 0 && usdt_irt) *usdt_irt = usdt;
	cJSON_Delete(root);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

/* Wallex answers every market at once; the watched ones are picked out
 * later (the scheduler takes the watched symbols' quotes only). */
static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	char url[NABZ_SOURCE_URL_MAX];

	snprintf(url, sizeof(url), "%s/v1/markets", r->cfg->base_url);
	return nabz_requests__add(out, NABZ_REQ_PRICES, NULL, 0, url);
}

static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	(void)req;
	(void)coin_ids;
	return nabz_parse__wallex_markets(body, len, &res->quotes, &res->usdt_irt, &res->skipped, err, errlen);
}

const struct nabz_source_ops nabz_source_wallex = {
	.id = NABZ_SRC_WALLEX,
	.requests = requests,
	.parse = parse,
	.demo = {{"prices", NABZ_REQ_PRICES}},
	.demo_ext = "json",
};
