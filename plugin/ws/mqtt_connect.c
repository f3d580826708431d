#include "mqtt_connect.h"

#include <string.h>

#include "utf8.h"

#define MQTT_MAX_REMAINING 268435455u

/* A cursor over the packet body that knows whether it ran out because the
 * bytes have not arrived yet or because the packet itself is too short. */
struct cursor {
	const uint8_t *buf;
	size_t pos;
	size_t have;   /* bytes received */
	size_t end;    /* end of the packet */
};

enum step { STEP_OK, STEP_MORE, STEP_BAD };

static enum step need(const struct cursor *c, size_t n)
{
	if(c->pos + n > c->end) return STEP_BAD;
	if(c->pos + n > c->have) return STEP_MORE;
	return STEP_OK;
}

static enum step read_u16(struct cursor *c, uint16_t *out)
{
	enum step s = need(c, 2);
	if(s != STEP_OK) return s;
	*out = (uint16_t)((c->buf[c->pos] << 8) | c->buf[c->pos + 1]);
	c->pos += 2;
	return STEP_OK;
}

#define STEP(expr, why) do{ \
	enum step s_ = (expr); \
	if(s_ == STEP_MORE) return NABZ_CONNECT_NEED_MORE; \
	if(s_ == STEP_BAD){ info->error = (why); return NABZ_CONNECT_INVALID; } \
}while(0)

enum nabz_connect_result nabz_mqtt_connect__parse(const uint8_t *buf, size_t len,
		size_t max_packet, struct nabz_connect_info *info)
{
	struct cursor c;
	uint32_t remaining;
	int vlen;
	uint16_t name_len, id_len, keepalive;
	uint8_t flags;

	memset(info, 0, sizeof(*info));
	if(len == 0) return NABZ_CONNECT_NEED_MORE;
	if(buf[0] != 0x10){
		info->error = "first packet is not CONNECT";
		return NABZ_CONNECT_INVALID;
	}
	vlen = nabz_mqtt__read_varint(buf + 1, len - 1, &remaining);
	if(vlen == 0) return NABZ_CONNECT_NEED_MORE;
	if(vlen < 0){
		info->error = "malformed remaining length";
		return NABZ_CONNECT_INVALID;
	}
	info->packet_len = 1 + (size_t)vlen + remaining;
	if(info->packet_len > max_packet){
		info->error = "CONNECT larger than the message limit";
		return NABZ_CONNECT_INVALID;
	}
	c.buf = buf;
	c.pos = 1 + (size_t)vlen;
	c.have = len;
	c.end = info->packet_len;

	STEP(read_u16(&c, &name_len), "truncated protocol name");
	STEP(need(&c, name_len), "truncated protocol name");
	if(!((name_len == 4 && memcmp(buf + c.pos, "MQTT", 4) == 0)
				|| (name_len == 6 && memcmp(buf + c.pos, "MQIsdp", 6) == 0))){
		info->error = "unknown protocol name";
		return NABZ_CONNECT_INVALID;
	}
	c.pos += name_len;
	STEP(need(&c, 2), "truncated CONNECT header");
	info->protocol_level = buf[c.pos];
	flags = buf[c.pos + 1];
	c.pos += 2;
	if(!((name_len == 6 && info->protocol_level == 3)
				|| (name_len == 4 && (info->protocol_level == 4 || info->protocol_level == 5)))){
		info->error = "unsupported protocol level";
		return NABZ_CONNECT_INVALID;
	}
	if(flags & 0x01){
		info->error = "reserved connect flag set";
		return NABZ_CONNECT_INVALID;
	}
	info->clean_start = (flags & 0x02) != 0;
	STEP(read_u16(&c, &keepalive), "truncated CONNECT header");
	if(info->protocol_level == 5){
		uint32_t props_len;
		size_t limit = c.have < c.end ? c.have : c.end;
		size_t avail = limit > c.pos ? limit - c.pos : 0;
		int plen = nabz_mqtt__read_varint(buf + c.pos, avail, &props_len);
		if(plen == 0){
			if(c.have >= c.end){
				info->error = "truncated properties";
				return NABZ_CONNECT_INVALID;
			}
			return NABZ_CONNECT_NEED_MORE;
		}
		if(plen < 0){
			info->error = "malformed properties length";
			return NABZ_CONNECT_INVALID;
		}
		c.pos += (size_t)plen;
		STEP(need(&c, props_len), "truncated properties");
		c.pos += props_len;
	}
	info->client_id_offset = c.pos;
	STEP(read_u16(&c, &id_len), "truncated client id");
	STEP(need(&c, id_len), "truncated client id");
	info->client_id_len = id_len;
	/* The rest (will, username, password) is the broker's to judge; the
	 * packet must only be complete. The id is judged then too: the
	 * refusal is a CONNACK and a close, and closing a socket with unread
	 * bytes would reset it under the CONNACK. */
	if(len < info->packet_len) return NABZ_CONNECT_NEED_MORE;
	if(id_len > NABZ_CLIENT_ID_MAX){
		info->error = "client id longer than 256 bytes";
		return NABZ_CONNECT_BAD_CLIENT_ID;
	}
	if(!nabz_utf8__valid_mqtt(buf + c.pos, id_len)){
		info->error = "client id is not valid UTF-8 (or holds a control character)";
		return NABZ_CONNECT_BAD_CLIENT_ID;
	}
	return NABZ_CONNECT_OK;
}

size_t nabz_mqtt_connect__with_client_id(const uint8_t *packet, const struct nabz_connect_info *info,
		const char *new_id, uint8_t *out, size_t out_cap)
{
	size_t id_len = strlen(new_id);
	uint32_t old_remaining;
	int old_vlen = nabz_mqtt__read_varint(packet + 1, info->packet_len - 1, &old_remaining);
	size_t head_len, tail_off, tail_len, new_remaining, total, pos;
	uint8_t varint[4];
	size_t vlen;

	if(old_vlen <= 0 || id_len > 0xFFFF) return 0;
	head_len = info->client_id_offset - 1 - (size_t)old_vlen;   /* variable header */
	tail_off = info->client_id_offset + 2 + info->client_id_len;
	tail_len = info->packet_len - tail_off;
	new_remaining = head_len + 2 + id_len + tail_len;
	if(new_remaining > MQTT_MAX_REMAINING) return 0;
	vlen = nabz_mqtt__write_varint((uint32_t)new_remaining, varint);
	total = 1 + vlen + new_remaining;
	if(total > out_cap) return 0;

	pos = 0;
	out[pos++] = 0x10;
	memcpy(out + pos, varint, vlen);
	pos += vlen;
	memcpy(out + pos, packet + 1 + old_vlen, head_len);
	pos += head_len;
	out[pos++] = (uint8_t)(id_len >> 8);
	out[pos++] = (uint8_t)(id_len & 0xFF);
	memcpy(out + pos, new_id, id_len);
	pos += id_len;
	memcpy(out + pos, packet + tail_off, tail_len);
	pos += tail_len;
	return pos;
}
