/* The "coingecko" source: its requests, and CoinGecko API v3 bodies to
 * quotes, market figures and the top-N listing. */
#include "source/coingecko.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "coin_id.h"
#include "parse_json.h"
#include "parse_items.h"
#include "parse_time.h"

/* True (err set) when root is one of CoinGecko's error bodies. */
static bool coingecko_error(const cJSON *root, char *err, size_t errlen)
{
	const cJSON *status, *error;

	if(!cJSON_IsObject(root)) return false;
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if(cJSON_IsObject(status) && cJSON_GetObjectItemCaseSensitive(status, "error_code") != NULL){
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(status, "error_message");

		nabz_parse__api_error(err, errlen, cJSON_IsString(msg) ? msg->valuestring : NULL);
		return true;
	}
	error = cJSON_GetObjectItemCaseSensitive(root, "error");
	if(cJSON_IsString(error)){
		nabz_parse__api_error(err, errlen, error->valuestring);
		return true;
	}
	return false;
}

static const char *symbol_of(const struct nabz_coin_id *ids, size_t n_ids, const char *id)
{
	for(size_t i = 0; i < n_ids; i++){
		if(strcmp(ids[i].id, id) == 0) return ids[i].symbol;
	}
	return NULL;
}

/* One coin of /simple/price; false when its values are unfit. */
static bool simple_price_quote(const cJSON *coin, const char *symbol, struct nabz_quote *q)
{
	double price;

	if(!cJSON_IsObject(coin) || nabz_quote__init(q, symbol) != 0) return false;
	if(nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(coin, "usd"), &price) != NABZ_VAL_OK
			|| !nabz_jsonval__price_usd_ok(price)) return false;
	q->price_usd = price;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(coin, "usd_24h_change"), nabz_jsonval__change_ok,
			&q->change_24h_pct)) return false;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(coin, "usd_market_cap"), nabz_jsonval__amount_ok,
			&q->market_cap_usd)) return false;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(coin, "usd_24h_vol"), nabz_jsonval__amount_ok,
			&q->volume_24h_usd)) return false;
	return nabz_parse__epoch(cJSON_GetObjectItemCaseSensitive(coin, "last_updated_at"), 1000,
			&q->source_ts_ms) != NABZ_VAL_BAD;
}

int nabz_parse__coingecko_simple_price(const char *body, size_t len,
		const struct nabz_coin_id *ids, size_t n_ids,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	const cJSON *coin;
	cJSON *root = nabz_parse__json(body, len, err, errlen);

	if(skipped) *skipped = 0;
	if(root == NULL) return -1;
	if(coingecko_error(root, err, errlen)) goto fail;
	if(!cJSON_IsObject(root)){
		nabz_parse__err(err, errlen, "expected an object");
		goto fail;
	}
	cJSON_ArrayForEach(coin, root){
		const char *symbol = coin->string ? symbol_of(ids, n_ids, coin->string) : NULL;
		struct nabz_quote q;

		if(symbol == NULL) continue;
		if(!simple_price_quote(coin, symbol, &q)){
			bad++;
			continue;
		}
		if(nabz_parse__push_unique(out, start, &q) < 0){
			nabz_parse__err(err, errlen, "out of memory");
			goto fail;
		}
	}
	cJSON_Delete(root);
	if(skipped) *skipped = bad;
	return 0;
fail:
	nabz_parse__quotes_truncate(out, start);
	cJSON_Delete(root);
	return -1;
}

int nabz_parse__coingecko_global(const char *body, size_t len,
		struct nabz_market *out, char *err, size_t errlen)
{
	struct nabz_market m = {.total_volume_usd = NAN, .btc_dominance_pct = NAN, .usdt_irt = NAN};
	const cJSON *data, *cap, *vol, *pct;
	double v;
	int rc;
	cJSON *root = nabz_parse__json(body, len, err, errlen);

	if(root == NULL) return -1;
	if(coingecko_error(root, err, errlen)) goto fail;
	if(!cJSON_IsObject(root)){
		nabz_parse__err(err, errlen, "expected an object");
		goto fail;
	}
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if(data == NULL){
		nabz_parse__err(err, errlen, "missing field data");
		goto fail;
	}
	if(!cJSON_IsObject(data)){
		nabz_parse__err(err, errlen, "wrong type for data");
		goto fail;
	}

	cap = nabz_parse__field(data, "total_market_cap", "data.total_market_cap", cJSON_IsObject, err, errlen);
	if(cap == NULL) goto fail;
	rc = nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(cap, "usd"), &v);
	if(rc == NABZ_VAL_MISSING){
		nabz_parse__err(err, errlen, "missing field data.total_market_cap.usd");
		goto fail;
	}
	if(rc != NABZ_VAL_OK || !nabz_jsonval__amount_ok(v) || v == 0){
		nabz_parse__err(err, errlen, "bad value for data.total_market_cap.usd");
		goto fail;
	}
	m.total_market_cap_usd = v;

	vol = cJSON_GetObjectItemCaseSensitive(data, "total_volume");
	if(vol != NULL && (!cJSON_IsObject(vol)
			|| !nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(vol, "usd"), nabz_jsonval__amount_ok,
					&m.total_volume_usd))){
		nabz_parse__err(err, errlen, "bad value for data.total_volume.usd");
		goto fail;
	}

	pct = cJSON_GetObjectItemCaseSensitive(data, "market_cap_percentage");
	if(pct != NULL){
		if(!cJSON_IsObject(pct)
				|| !nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(pct, "btc"), nabz_jsonval__amount_ok,
						&m.btc_dominance_pct)
				|| m.btc_dominance_pct > 100){
			nabz_parse__err(err, errlen, "bad value for data.market_cap_percentage.btc");
			goto fail;
		}
	}

	if(nabz_parse__epoch(cJSON_GetObjectItemCaseSensitive(data, "updated_at"), 1000, &m.source_ts_ms)
			== NABZ_VAL_BAD){
		nabz_parse__err(err, errlen, "bad value for data.updated_at");
		goto fail;
	}
	cJSON_Delete(root);
	*out = m;
	return 0;
fail:
	cJSON_Delete(root);
	return -1;
}

/* One coin of /coins/markets; false when it is unfit. */
static bool markets_quote(const cJSON *coin, struct nabz_quote *q, struct nabz_coin_id *cid)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(coin, "id");
	const cJSON *sym = cJSON_GetObjectItemCaseSensitive(coin, "symbol");
	const char *updated;
	double price;
	int rc;

	if(!cJSON_IsObject(coin) || !cJSON_IsString(id) || !cJSON_IsString(sym)) return false;
	if(nabz_coin_id__init(cid, id->valuestring, sym->valuestring) != 0) return false;
	if(nabz_quote__init(q, cid->symbol) != 0) return false;
	if(nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(coin, "current_price"), &price) != NABZ_VAL_OK
			|| !nabz_jsonval__price_usd_ok(price)) return false;
	q->price_usd = price;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(coin, "price_change_percentage_24h"),
			nabz_jsonval__change_ok, &q->change_24h_pct)) return false;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(coin, "market_cap"), nabz_jsonval__amount_ok,
			&q->market_cap_usd)) return false;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(coin, "total_volume"), nabz_jsonval__amount_ok,
			&q->volume_24h_usd)) return false;
	rc = nabz_jsonval__string(cJSON_GetObjectItemCaseSensitive(coin, "last_updated"), &updated);
	if(rc == NABZ_VAL_BAD) return false;
	if(rc == NABZ_VAL_OK){
		if(nabz_parse__rfc3339_ms(updated, &q->source_ts_ms) != 0 || !nabz_jsonval__ts_ok(q->source_ts_ms))
			return false;
	}
	return true;
}

int nabz_parse__coingecko_markets(const char *body, size_t len,
		struct nabz_quote_list *out, struct nabz_coin_id_list *ids_out,
		size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, ids_start = ids_out ? ids_out->count : 0, bad = 0;
	const cJSON *coin;
	cJSON *root = nabz_parse__json(body, len, err, errlen);

	if(skipped) *skipped = 0;
	if(root == NULL) return -1;
	if(coingecko_error(root, err, errlen)) goto fail;
	if(!cJSON_IsArray(root)){
		nabz_parse__err(err, errlen, "expected an array");
		goto fail;
	}
	cJSON_ArrayForEach(coin, root){
		struct nabz_quote q;
		struct nabz_coin_id cid;
		int rc;

		if(!markets_quote(coin, &q, &cid)){
			bad++;
			continue;
		}
		rc = nabz_parse__push_unique(out, start, &q);
		if(rc == 0 && ids_out != NULL && nabz_coin_ids__push(ids_out, &cid) != 0) rc = -1;
		if(rc < 0){
			nabz_parse__err(err, errlen, "out of memory");
			goto fail;
		}
	}
	cJSON_Delete(root);
	if(skipped) *skipped = bad;
	return 0;
fail:
	nabz_parse__quotes_truncate(out, start);
	if(ids_out != NULL && ids_out->count > ids_start) ids_out->count = ids_start;
	cJSON_Delete(root);
	return -1;
}

/* --- the source ---------------------------------------------------------- */

/* Prices of the watched ids and the market totals every round; the top N
 * by market cap when discovery is due, so newly listed coins join by
 * themselves. */
static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	const char *base = r->cfg->base_url;
	char list[NABZ_SOURCE_LIST_MAX] = "", url[NABZ_SOURCE_URL_MAX];
	int rc = 0;

	for(size_t i = 0; i < r->coin_ids->count; i++){
		nabz_source__append(list, sizeof(list), ",", r->coin_ids->items[i].id, false);
	}
	snprintf(url, sizeof(url), "%s/api/v3/simple/price?ids=%s&vs_currencies=usd"
			"&include_24hr_change=true&include_last_updated_at=true", base, list);
	rc |= nabz_requests__add(out, NABZ_REQ_PRICES, NULL, 0, url);
	snprintf(url, sizeof(url), "%s/api/v3/global", base);
	rc |= nabz_requests__add(out, NABZ_REQ_MARKET, NULL, 0, url);
	if(r->discovery_top_n > 0){
		snprintf(url, sizeof(url), "%s/api/v3/coins/markets?vs_currency=usd&order=market_cap_desc"
				"&per_page=%ld&page=1", base, r->discovery_top_n);
		rc |= nabz_requests__add(out, NABZ_REQ_DISCOVERY, NULL, 0, url);
	}
	return rc;
}

/* Counted as the most a round asks for: prices, market and discovery. */
static unsigned round_size(const struct nabz_source_round *r)
{
	(void)r;
	return 3;
}

static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	switch(req->kind){
		case NABZ_REQ_DISCOVERY:
			return nabz_parse__coingecko_markets(body, len, &res->quotes, &res->discovered, &res->skipped,
					err, errlen);
		case NABZ_REQ_MARKET:
			if(nabz_parse__coingecko_global(body, len, &res->market, err, errlen) != 0) return -1;
			res->has_market = true;
			return 0;
		default:
			return nabz_parse__coingecko_simple_price(body, len, coin_ids->items, coin_ids->count,
					&res->quotes, &res->skipped, err, errlen);
	}
}

const struct nabz_source_ops nabz_source_coingecko = {
	.id = NABZ_SRC_COINGECKO,
	.requests = requests,
	.round_size = round_size,
	.parse = parse,
	.demo = {{"prices", NABZ_REQ_PRICES}, {"market", NABZ_REQ_MARKET}},
	.demo_ext = "json",
};
