#include "mqtt_packet.h"

#include <string.h>

int nabz_mqtt__read_varint(const uint8_t *buf, size_t len, uint32_t *value)
{
	uint32_t v = 0;

	for(size_t i = 0; i < 4; i++){
		if(i >= len) return 0;
		v |= (uint32_t)(buf[i] & 0x7F) << (7 * i);
		if((buf[i] & 0x80) == 0){
			*value = v;
			return (int)i + 1;
		}
	}
	return -1;
}

size_t nabz_mqtt__write_varint(uint32_t value, uint8_t out[4])
{
	size_t n = 0;

	do{
		uint8_t byte = (uint8_t)(value & 0x7F);
		value >>= 7;
		if(value) byte |= 0x80;
		out[n++] = byte;
	}while(value && n < 4);
	return n;
}

/* A 2-byte length and the bytes; the caller has checked the room. */
static size_t put_string(uint8_t *out, const char *s, size_t len)
{
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)(len & 0xFF);
	memcpy(out + 2, s, len);
	return 2 + len;
}

size_t nabz_mqtt__connect(uint8_t *out, size_t out_cap, const char *client_id,
		const char *user, const char *password, uint16_t keepalive)
{
	size_t idl = strlen(client_id), ul = user ? strlen(user) : 0, pl = password ? strlen(password) : 0;
	size_t body = 10 + 2 + idl + (user ? 2 + ul : 0) + (password ? 2 + pl : 0);
	uint8_t varint[4], flags = 0x02;   /* clean session */
	size_t vlen, n = 0;

	if(idl > 0xFFFF || ul > 0xFFFF || pl > 0xFFFF || body > 268435455u) return 0;
	vlen = nabz_mqtt__write_varint((uint32_t)body, varint);
	if(1 + vlen + body > out_cap) return 0;
	if(user) flags |= 0x80;
	if(password) flags |= 0x40;
	out[n++] = 0x10;
	memcpy(out + n, varint, vlen);
	n += vlen;
	n += put_string(out + n, "MQTT", 4);
	out[n++] = 4;                      /* protocol level: 3.1.1 */
	out[n++] = flags;
	out[n++] = (uint8_t)(keepalive >> 8);
	out[n++] = (uint8_t)(keepalive & 0xFF);
	n += put_string(out + n, client_id, idl);
	if(user) n += put_string(out + n, user, ul);
	if(password) n += put_string(out + n, password, pl);
	return n;
}
