/* Demo mode: the recorded responses in place of the APIs. */
#include "demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fileutil.h"

unsigned nabz_demo__rounds(const char *dir)
{
	unsigned n = 0;
	char path[4096];
	FILE *f;

	while(n < 1000){
		snprintf(path, sizeof(path), "%s/coingecko/prices-%u.json", dir, n);
		f = fopen(path, "r");
		if(f == NULL) break;
		fclose(f);
		n++;
	}
	return n;
}

int nabz_demo__requests(const struct nabz_source_ops *ops, const struct nabz_source_round *r,
		const char *dir, unsigned n, struct nabz_request_list *out)
{
	const char *name = nabz_source__name(ops->id);
	char url[4200];
	int rc = 0;

	if(ops->demo_per_symbol){
		for(size_t i = 0; i < r->watch_count; i++){
			snprintf(url, sizeof(url), "file://%s/%s/%s-%u.json", dir, name, r->watch[i], n);
			rc |= nabz_requests__add(out, NABZ_REQ_PRICES, r->watch[i], 0, url);
		}
		return rc;
	}
	for(size_t k = 0; k < sizeof(ops->demo) / sizeof(ops->demo[0]) && ops->demo[k].file; k++){
		snprintf(url, sizeof(url), "file://%s/%s/%s-%u.%s", dir, name, ops->demo[k].file, n, ops->demo_ext);
		rc |= nabz_requests__add(out, ops->demo[k].kind, NULL, 0, url);
	}
	return rc;
}

size_t nabz_demo__rules(const char *dir, unsigned n, struct nabz_rule *out)
{
	static const char *const coins[NABZ_DEMO_RULES_MAX][2] = {{"BTC", "bitcoin"}, {"ETH", "ethereum"}};
	double lo[NABZ_DEMO_RULES_MAX], hi[NABZ_DEMO_RULES_MAX];
	size_t count = 0;

	for(size_t c = 0; c < NABZ_DEMO_RULES_MAX; c++){
		lo[c] = INFINITY;
		hi[c] = 0;
	}
	/* each snapshot read once, for both coins */
	for(unsigned i = 0; i < n; i++){
		char path[4096], *text;
		size_t len;
		cJSON *root;

		snprintf(path, sizeof(path), "%s/coingecko/prices-%u.json", dir, i);
		text = nabz_file__read_all(path, 1 << 20, &len);
		if(text == NULL) continue;
		root = cJSON_ParseWithLength(text, len);
		for(size_t c = 0; c < NABZ_DEMO_RULES_MAX; c++){
			const cJSON *usd = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, coins[c][1]), "usd");
			if(!cJSON_IsNumber(usd) || !(usd->valuedouble > 0)) continue;
			if(usd->valuedouble < lo[c]) lo[c] = usd->valuedouble;
			if(usd->valuedouble > hi[c]) hi[c] = usd->valuedouble;
		}
		cJSON_Delete(root);
		free(text);
	}
	for(size_t c = 0; c < NABZ_DEMO_RULES_MAX; c++){
		double pct, scale;
		char name[96];

		if(hi[c] <= lo[c]) continue;
		/* two significant digits: a rule a person can read */
		pct = (hi[c] - lo[c]) / lo[c] * 100.0 / 3.0;
		scale = pow(10, 1 - floor(log10(pct)));
		pct = round(pct * scale) / scale;
		memset(&out[count], 0, sizeof(out[count]));
		snprintf(out[count].symbol, sizeof(out[count].symbol), "%s", coins[c][0]);
		out[count].kind = NABZ_RULE_MOVE;
		out[count].threshold = pct;
		out[count].window_s = 300;
		snprintf(name, sizeof(name), "demo: %s moves %g%% within 300s", coins[c][0], pct);
		out[count].name = strdup(name);
		if(out[count].name == NULL) break;
		count++;
	}
	return count;
}
