/* The "news" source: CryptoCompare's news list. */
#include "source/news.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_items.h"
#include "parse_json.h"
#include "parse_time.h"

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* True (err set) for {"Response":"Error",..} or a Type other than 100. */
static bool cryptocompare_error(const cJSON *root, char *err, size_t errlen)
{
	const char *response = json_string(root, "Response");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "Type");

	if((response != NULL && strcmp(response, "Error") == 0)
			|| (cJSON_IsNumber(type) && type->valuedouble != 100)){
		nabz_parse__api_error(err, errlen, json_string(root, "Message"));
		return true;
	}
	return false;
}

int nabz_parse__cryptocompare_news(const char *body, size_t len,
		struct nabz_news_list *out, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0;
	const cJSON *data, *it;
	cJSON *root = nabz_parse__json(body, len, err, errlen);
	int rc = -1;

	if(skipped) *skipped = 0;
	if(root == NULL) return -1;
	if(!cJSON_IsObject(root)){
		nabz_parse__err(err, errlen, "expected an object");
		goto done;
	}
	if(cryptocompare_error(root, err, errlen)) goto done;
	data = nabz_parse__field(root, "Data", "Data", cJSON_IsArray, err, errlen);
	if(data == NULL) goto done;
	cJSON_ArrayForEach(it, data){
		struct nabz_news_raw raw = {0};
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		char id_buf[32];
		int item;

		if(!cJSON_IsObject(it)){
			bad++;
			continue;
		}
		if(cJSON_IsString(id)){
			raw.id = id->valuestring;
		}else if(cJSON_IsNumber(id) && id->valuedouble >= 0 && id->valuedouble < 9e15
				&& id->valuedouble == floor(id->valuedouble)){
			(void)snprintf(id_buf, sizeof(id_buf), "%.0f", id->valuedouble); /* fits: < 9e15 */
			raw.id = id_buf;
		}
		raw.title = json_string(it, "title");
		raw.url = json_string(it, "url");
		raw.source = json_string(cJSON_GetObjectItemCaseSensitive(it, "source_info"), "name");
		if(raw.source == NULL) raw.source = json_string(it, "source");
		raw.summary = json_string(it, "body");
		if(nabz_parse__epoch(cJSON_GetObjectItemCaseSensitive(it, "published_on"), 1000, &raw.published_ms)
				!= NABZ_VAL_OK) raw.published_ms = 0;
		item = nabz_parse__push_news(out, start, &raw);
		if(item == NABZ_ITEM_BAD) bad++;
		if(item < 0){
			nabz_parse__err(err, errlen, "out of memory");
			goto done;
		}
	}
	rc = 0;
done:
	if(rc != 0) nabz_parse__news_truncate(out, start);
	if(rc == 0 && skipped) *skipped = bad;
	cJSON_Delete(root);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	char url[NABZ_SOURCE_URL_MAX];

	snprintf(url, sizeof(url), "%s/data/v2/news/?lang=EN", r->cfg->base_url);
	return nabz_requests__add(out, NABZ_REQ_NEWS, NULL, 0, url);
}

static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	(void)req;
	(void)coin_ids;
	if(nabz_parse__cryptocompare_news(body, len, &res->news, &res->skipped, err, errlen) != 0) return -1;
	res->has_news = true;
	return 0;
}

const struct nabz_source_ops nabz_source_news = {
	.id = NABZ_SRC_NEWS,
	.requests = requests,
	.parse = parse,
	.demo = {{"news", NABZ_REQ_NEWS}},
	.demo_ext = "json",
};
