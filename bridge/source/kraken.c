/* The "kraken" source: its request (with Kraken's pair names), and Kraken
 * tickers to quotes. */
#include "source/kraken.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parse_json.h"
#include "parse_items.h"

int nabz_parse__kraken_symbol(const char *pair, char symbol[NABZ_SYMBOL_MAX])
{
	static const struct {
		const char *kraken;
		const char *symbol;
	} aliases[] = {
		{"XBT", "BTC"},
		{"XDG", "DOGE"},
	};
	char base[NABZ_SYMBOL_MAX];
	size_t n = pair ? strlen(pair) : 0;
	struct nabz_quote q;
	const char *sym = base;

	if(n == 8 && strcmp(pair + 4, "ZUSD") == 0){
		/* The legacy names: X + asset + Z + currency, "XXBTZUSD". */
		if(pair[0] == 'X'){
			memcpy(base, pair + 1, 3);
			base[3] = '\0';
		}else{
			memcpy(base, pair, 4);
			base[4] = '\0';
		}
	}else if(n > 3 && strcmp(pair + n - 3, "USD") == 0 && n - 3 < sizeof(base)){
		memcpy(base, pair, n - 3);
		base[n - 3] = '\0';
		/* "ZUSD" is Kraken's name of the dollar itself, not a pair. */
		if(strcmp(base, "Z") == 0) return -1;
	}else{
		return -1;
	}
	for(size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++){
		if(strcmp(base, aliases[i].kraken) == 0) sym = aliases[i].symbol;
	}
	if(nabz_quote__init(&q, sym) != 0) return -1;
	memcpy(symbol, q.symbol, NABZ_SYMBOL_MAX);
	return 0;
}

/* Element i of a JSON array of numbers-as-strings. */
static int array_number(const cJSON *arr, int i, double *out)
{
	if(arr == NULL) return NABZ_VAL_MISSING;
	if(!cJSON_IsArray(arr)) return NABZ_VAL_BAD;
	return nabz_jsonval__number(cJSON_GetArrayItem(arr, i), out) == NABZ_VAL_OK ? NABZ_VAL_OK : NABZ_VAL_BAD;
}

static int ticker_item(const cJSON *t, void *ctx, struct nabz_quote *q)
{
	char symbol[NABZ_SYMBOL_MAX];
	double last, open, vol, vwap;
	int rc_v, rc_p;

	(void)ctx;
	if(t->string == NULL || nabz_parse__kraken_symbol(t->string, symbol) != 0) return NABZ_ITEM_IGNORED;
	if(!cJSON_IsObject(t) || nabz_quote__init(q, symbol) != 0) return NABZ_ITEM_BAD;
	if(array_number(cJSON_GetObjectItemCaseSensitive(t, "c"), 0, &last) != NABZ_VAL_OK
			|| !nabz_jsonval__price_usd_ok(last)) return NABZ_ITEM_BAD;
	q->price_usd = last;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(t, "o"), nabz_jsonval__price_usd_ok, &open))
		return NABZ_ITEM_BAD;
	if(!isnan(open)){
		q->change_24h_pct = (last - open) / open * 100.0;
		if(!nabz_jsonval__change_ok(q->change_24h_pct)) return NABZ_ITEM_BAD;
	}
	rc_v = array_number(cJSON_GetObjectItemCaseSensitive(t, "v"), 1, &vol);
	rc_p = array_number(cJSON_GetObjectItemCaseSensitive(t, "p"), 1, &vwap);
	if(rc_v == NABZ_VAL_BAD || rc_p == NABZ_VAL_BAD) return NABZ_ITEM_BAD;
	if(rc_v == NABZ_VAL_OK && rc_p == NABZ_VAL_OK){
		if(!nabz_jsonval__amount_ok(vol) || !nabz_jsonval__amount_ok(vwap)) return NABZ_ITEM_BAD;
		q->volume_24h_usd = vol * vwap;
		if(!nabz_jsonval__amount_ok(q->volume_24h_usd)) return NABZ_ITEM_BAD;
	}
	return NABZ_ITEM_OK;
}

/* True (err set) when "error" holds an entry that is not a warning. */
static bool kraken_error(const cJSON *root, char *err, size_t errlen)
{
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *e;

	if(errors == NULL) return false;
	if(!cJSON_IsArray(errors)){
		nabz_parse__err(err, errlen, "wrong type for error");
		return true;
	}
	cJSON_ArrayForEach(e, errors){
		if(cJSON_IsString(e) && e->valuestring[0] == 'W') continue;
		nabz_parse__api_error(err, errlen, cJSON_IsString(e) ? e->valuestring : NULL);
		return true;
	}
	return false;
}

int nabz_parse__kraken_ticker(const char *body, size_t len,
		struct nabz_quote_list *out, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	const cJSON *result;
	cJSON *root = nabz_parse__json(body, len, err, errlen);
	int rc = -1;

	if(skipped) *skipped = 0;
	if(root == NULL) return -1;
	if(!cJSON_IsObject(root)){
		nabz_parse__err(err, errlen, "expected an object");
		goto done;
	}
	if(kraken_error(root, err, errlen)) goto done;
	result = nabz_parse__field(root, "result", "result", cJSON_IsObject, err, errlen);
	if(result == NULL) goto done;
	rc = nabz_parse__each_quote(result, ticker_item, NULL, out, start, &bad, err, errlen);
done:
	if(rc != 0) nabz_parse__quotes_truncate(out, start);
	if(skipped && rc == 0) *skipped = bad;
	cJSON_Delete(root);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

/* Kraken's own names for two bases in a pair it is asked for: XBT for
 * BTC, XDG for DOGE (its answers name them as nabz_parse__kraken_symbol
 * reads them back). */
static const char *pair_base(const char *sym)
{
	return strcmp(sym, "BTC") == 0 ? "XBT" : strcmp(sym, "DOGE") == 0 ? "XDG" : sym;
}

static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	char list[NABZ_SOURCE_LIST_MAX] = "", url[NABZ_SOURCE_URL_MAX];

	for(size_t i = 0; i < r->watch_count; i++){
		char pair[40];
		snprintf(pair, sizeof(pair), "%sUSD", pair_base(r->watch[i]));
		nabz_source__append(list, sizeof(list), ",", pair, false);
	}
	snprintf(url, sizeof(url), "%s/0/public/Ticker?pair=%s", r->cfg->base_url, list);
	return nabz_requests__add(out, NABZ_REQ_PRICES, NULL, 0, url);
}

static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	(void)req;
	(void)coin_ids;
	return nabz_parse__kraken_ticker(body, len, &res->quotes, &res->skipped, err, errlen);
}

const struct nabz_source_ops nabz_source_kraken = {
	.id = NABZ_SRC_KRAKEN,
	.requests = requests,
	.parse = parse,
	.demo = {{"prices", NABZ_REQ_PRICES}},
	.demo_ext = "json",
};
