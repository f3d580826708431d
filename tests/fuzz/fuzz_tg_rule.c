/*
 * A chat's /alert text (telegram/alerts.c), as anyone on Telegram may
 * write it, then a walk of prices. Invariants: an accepted rule names a
 * valid symbol and a publishable threshold; it fires only when armed and
 * the price has reached the threshold, never twice without having re-armed
 * on the far side of the band.
 *
 * Input: the text up to the first NUL, then prices as 4-byte values
 * scaled around the threshold.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "jsonval.h"
#include "alerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t text_len = nul ? (size_t)(nul - data) : size;
	char *text = malloc(text_len + 1);
	struct nabz_tg_rule r;
	bool fired_since_rearm = false;

	FUZZ_CHECK(text != NULL);
	memcpy(text, data, text_len);
	text[text_len] = '\0';
	if(nabz_tg_rule__parse(text, &r) != 0){
		free(text);
		return 0;
	}
	free(text);
	FUZZ_CHECK(r.armed && nabz_jsonval__price_usd_ok(r.threshold));
	FUZZ_CHECK(r.symbol[0] != '\0' && strlen(r.symbol) < NABZ_SYMBOL_MAX);
	for(size_t i = 0; i < strlen(r.symbol); i++){
		FUZZ_CHECK((r.symbol[i] >= 'A' && r.symbol[i] <= 'Z') || (r.symbol[i] >= '0' && r.symbol[i] <= '9'));
	}
	if(nul == NULL) return 0;
	for(const uint8_t *p = nul + 1; p + 4 <= data + size; p += 4){
		/* a factor in [0.9, 1.1): prices that cross the threshold and the band */
		uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		double price = r.threshold * (0.9 + 0.2 * (v / 4294967296.0));
		bool was_armed = r.armed;
		bool fired = nabz_tg_rule__check(&r, price);

		FUZZ_CHECK(fired == (was_armed && !r.armed));
		if(fired){
			FUZZ_CHECK(was_armed && nabz_tg_rule__reached(&r, price) && !r.armed);
			FUZZ_CHECK(!fired_since_rearm);
			fired_since_rearm = true;
		}
		if(!was_armed && r.armed){
			/* re-armed only beyond the band, on the far side */
			FUZZ_CHECK(r.above ? price < r.threshold * (1 - NABZ_TG_REARM_PCT / 100.0) + 1e-9 * r.threshold
					: price > r.threshold * (1 + NABZ_TG_REARM_PCT / 100.0) - 1e-9 * r.threshold);
			fired_since_rearm = false;
		}
	}
	return 0;
}
