/*
 * What nabz-telegram makes of a Bot API answer (telegram/api.c): any
 * status, Retry-After header and body, from Telegram or from whatever
 * stands in its way. The outcome is one of the known ones, a pause is
 * between 1 s and an hour, a supergroup's new id is a Telegram chat id,
 * the description is a terminated string.
 *
 * Input: status (2 bytes, big endian), Retry-After (1 byte, 255: absent),
 * a transfer error flag (1 byte), then the body.
 */
#include <string.h>

#include "fuzz.h"
#include "api.h"

#define TG_ID_MAX 9007199254740991LL    /* Telegram's ids fit 52 bits and a sign */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nabz_http_result r;
	struct nabz_tg_answer a;
	char *body;

	if(size < 4) return 0;
	memset(&r, 0, sizeof(r));
	r.status = (long)((data[0] << 8) | data[1]) % 1000;
	r.retry_after_s = data[2] == 255 ? -1 : (long)data[2] * 100;
	r.error = data[3] == 1 ? "Connection refused" : NULL;
	/* http.c hands out a terminated copy of exactly len bytes */
	r.len = size - 4;
	body = malloc(r.len + 1);
	FUZZ_CHECK(body != NULL);
	memcpy(body, data + 4, r.len);
	body[r.len] = '\0';
	r.body = body;

	nabz_tg_api__classify(&r, &a);
	FUZZ_CHECK(strcmp(nabz_tg_api__outcome_name(a.outcome), "unknown") != 0);
	FUZZ_CHECK(memchr(a.description, '\0', sizeof(a.description)) != NULL);
	if(a.outcome == NABZ_TG_RETRY_AFTER) FUZZ_CHECK(a.retry_after_s >= 1 && a.retry_after_s <= 3600);
	if(a.outcome == NABZ_TG_MIGRATED) FUZZ_CHECK(a.migrate_to != 0 && a.migrate_to >= -TG_ID_MAX && a.migrate_to <= TG_ID_MAX);
	if(a.outcome == NABZ_TG_OK) FUZZ_CHECK(r.error == NULL && a.root != NULL);
	nabz_tg_api__answer_free(&a);
	free(body);
	return 0;
}
