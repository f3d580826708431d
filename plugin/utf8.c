#include "utf8.h"

#include <stdint.h>

/* Walks buf as UTF-8 and asks allowed() of each code point; false at the
 * first ill-formed sequence (RFC 3629: overlong forms, surrogates, past
 * U+10FFFF, cut short, stray continuation bytes) or refused code point. */
static bool walk(const uint8_t *s, size_t len, bool (*allowed)(uint32_t cp))
{
	size_t i = 0;

	while(i < len){
		uint32_t cp;
		size_t n;

		if(s[i] < 0x80){
			cp = s[i];
			n = 1;
		}else if(s[i] >= 0xC2 && s[i] <= 0xDF){     /* C0, C1: overlong */
			cp = s[i] & 0x1Fu;
			n = 2;
		}else if((s[i] & 0xF0) == 0xE0){
			cp = s[i] & 0x0Fu;
			n = 3;
		}else if(s[i] >= 0xF0 && s[i] <= 0xF4){     /* F5..: past U+10FFFF */
			cp = s[i] & 0x07u;
			n = 4;
		}else{
			return false;                         /* a stray continuation byte */
		}
		if(len - i < n) return false;
		for(size_t k = 1; k < n; k++){
			if((s[i + k] & 0xC0) != 0x80) return false;
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		if((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
		if(cp >= 0xD800 && cp <= 0xDFFF) return false;
		if(!allowed(cp)) return false;
		i += n;
	}
	return true;
}

static bool not_nul(uint32_t cp)
{
	return cp != 0;
}

/* mosquitto 2.0.11's lib/utf8_mosq.c: no control characters (NUL
 * included) and no noncharacters. */
static bool mqtt_allowed(uint32_t cp)
{
	if(cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) return false;
	if((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return false;
	return true;
}

bool nabz_utf8__valid(const void *buf, size_t len)
{
	return walk(buf, len, not_nul);
}

bool nabz_utf8__valid_mqtt(const void *buf, size_t len)
{
	return walk(buf, len, mqtt_allowed);
}

static bool chat_allowed(uint32_t cp)
{
	if(cp == '\n') return true;
	if(cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) return false;
	if((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return false;
	return true;
}

bool nabz_utf8__valid_chat(const void *buf, size_t len)
{
	return walk(buf, len, chat_allowed);
}
