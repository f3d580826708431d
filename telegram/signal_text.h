/*
 * A trading signal (<prefix>/signals, docs/CONTRACT.md) as a Telegram
 * chat reads it, in Persian or English, HTML parse mode, every value from
 * outside escaped, and always ending with the note that it is an
 * indicator, not advice. Pure.
 */
#ifndef NABZ_TG_SIGNAL_TEXT_H
#define NABZ_TG_SIGNAL_TEXT_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The message for a signal's data object in lang ("en"; anything else:
 * Persian); 0, or -1 when it is not a signal (no symbol, or an indicator,
 * time frame or direction this bot does not know) or out is too small. */
int nabz_tg_signal_text__format(const cJSON *data, const char *lang, char *out, size_t outlen);
/* "An indicator, not advice." in lang. */
const char *nabz_tg_signal_text__note(const char *lang);

#endif
