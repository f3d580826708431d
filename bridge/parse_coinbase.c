/* Coinbase Exchange ticker to a quote. */
#include "parse_coinbase.h"

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
	switch(nabz_parse__number(price, &v)){
		case NABZ_VAL_MISSING:
			nabz_parse__err(err, errlen, "missing field price");
			goto done;
		case NABZ_VAL_BAD:
			nabz_parse__err(err, errlen, cJSON_IsString(price) ? "bad value for price" : "wrong type for price");
			goto done;
		default:
			break;
	}
	if(!nabz_parse__price_usd_ok(v)){
		nabz_parse__err(err, errlen, "bad value for price");
		goto done;
	}
	q.price_usd = v;
	switch(nabz_parse__string(cJSON_GetObjectItemCaseSensitive(root, "time"), &time)){
		case NABZ_VAL_BAD:
			nabz_parse__err(err, errlen, "wrong type for time");
			goto done;
		case NABZ_VAL_OK:
			if(nabz_parse__rfc3339_ms(time, &q.source_ts_ms) != 0 || !nabz_parse__ts_ok(q.source_ts_ms)){
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
