/* The "nobitex" source: its request, and Nobitex market stats to toman
 * quotes. */
#include "source/nobitex.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse_json.h"
#include "parse_items.h"

#define RIALS_PER_TOMAN 10.0

static int stats_item(const cJSON *m, void *ctx, struct nabz_quote *q)
{
	double *usdt_irt = ctx;
	const char *key = m->string, *dash;
	const cJSON *closed;
	char src[NABZ_SYMBOL_MAX];
	double rials;

	if(key == NULL || (dash = strchr(key, '-')) == NULL || strcasecmp(dash + 1, "rls") != 0)
		return NABZ_ITEM_IGNORED;
	if((size_t)(dash - key) >= sizeof(src)) return NABZ_ITEM_IGNORED;
	memcpy(src, key, (size_t)(dash - key));
	src[dash - key] = '\0';
	if(nabz_quote__init(q, src) != 0) return NABZ_ITEM_IGNORED;
	if(!cJSON_IsObject(m)) return NABZ_ITEM_BAD;
	closed = cJSON_GetObjectItemCaseSensitive(m, "isClosed");
	if(cJSON_IsTrue(closed)) return NABZ_ITEM_IGNORED;
	if(closed != NULL && !cJSON_IsBool(closed)) return NABZ_ITEM_BAD;
	if(nabz_jsonval__number(cJSON_GetObjectItemCaseSensitive(m, "latest"), &rials) != NABZ_VAL_OK)
		return NABZ_ITEM_BAD;
	q->price_irt = rials / RIALS_PER_TOMAN;
	if(!nabz_jsonval__price_irt_ok(q->price_irt)) return NABZ_ITEM_BAD;
	if(!nabz_parse__opt(cJSON_GetObjectItemCaseSensitive(m, "dayChange"), nabz_jsonval__change_ok,
			&q->change_24h_pct)) return NABZ_ITEM_BAD;
	if(strcmp(q->symbol, "USDT") == 0 && isnan(*usdt_irt)) *usdt_irt = q->price_irt;
	return NABZ_ITEM_OK;
}

int nabz_parse__nobitex_stats(const char *body, size_t len,
		struct nabz_quote_list *out, double *usdt_irt, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	const cJSON *status, *stats;
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
	status = nabz_parse__field(root, "status", "status", cJSON_IsString, err, errlen);
	if(status == NULL) goto done;
	if(strcmp(status->valuestring, "ok") != 0){
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");

		nabz_parse__api_error(err, errlen, cJSON_IsString(msg) ? msg->valuestring : status->valuestring);
		goto done;
	}
	stats = nabz_parse__field(root, "stats", "stats", cJSON_IsObject, err, errlen);
	if(stats == NULL) goto done;
	rc = nabz_parse__each_quote(stats, stats_item, &usdt, out, start, &bad, err, errlen);
done:
	if(rc != 0) nabz_parse__quotes_truncate(out, start);
	if(rc == 0 && skipped) *skipped = bad;
	if(rc == 0 && usdt_irt) *usdt_irt = usdt;
	cJSON_Delete(root);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

/* Nobitex names currencies in lower case; usdt is always asked for, as
 * it gives the toman rate of the dollar. */
static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	char list[NABZ_SOURCE_LIST_MAX] = "", url[NABZ_SOURCE_URL_MAX];

	for(size_t i = 0; i < r->watch_count; i++) nabz_source__append(list, sizeof(list), ",", r->watch[i], true);
	if(strstr(list, "usdt") == NULL) nabz_source__append(list, sizeof(list), ",", "usdt", false);
	snprintf(url, sizeof(url), "%s/market/stats?srcCurrency=%s&dstCurrency=rls", r->cfg->base_url, list);
	return nabz_requests__add(out, NABZ_REQ_PRICES, NULL, 0, url);
}

static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	(void)req;
	(void)coin_ids;
	return nabz_parse__nobitex_stats(body, len, &res->quotes, &res->usdt_irt, &res->skipped, err, errlen);
}

const struct nabz_source_ops nabz_source_nobitex = {
	.id = NABZ_SRC_NOBITEX,
	.requests = requests,
	.parse = parse,
	.demo = {{"prices", NABZ_REQ_PRICES}},
	.demo_ext = "json",
};
