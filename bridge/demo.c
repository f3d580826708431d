/* Demo mode: the recorded responses in place of the APIs. */
#include "demo.h"

#include <stdio.h>

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
