#include "utf8.h"

#include <stdint.h>

/* The table of well-formed byte sequences is RFC 3629 section 4: the
 * second byte's range depends on the first, which is what rules out
 * overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF
 * (F4). */
bool nabz_utf8__valid(const void *buf, size_t len)
{
	const uint8_t *s = buf;
	size_t i = 0;

	while(i < len){
		uint8_t c = s[i];
		uint8_t lo = 0x80, hi = 0xBF;
		size_t n;

		if(c == 0x00) return false;
		if(c < 0x80){
			i++;
			continue;
		}
		if(c >= 0xC2 && c <= 0xDF){
			n = 1;
		}else if(c >= 0xE0 && c <= 0xEF){
			n = 2;
			if(c == 0xE0) lo = 0xA0;
			if(c == 0xED) hi = 0x9F;
		}else if(c >= 0xF0 && c <= 0xF4){
			n = 3;
			if(c == 0xF0) lo = 0x90;
			if(c == 0xF4) hi = 0x8F;
		}else{
			return false;   /* 80..C1: continuation or overlong lead; F5..FF */
		}
		if(len - i - 1 < n) return false;
		if(s[i + 1] < lo || s[i + 1] > hi) return false;
		for(size_t k = 2; k <= n; k++){
			if(s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
		}
		i += n + 1;
	}
	return true;
}
