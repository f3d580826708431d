/*
 * The first packet of a WebSocket client (plugin/ws/mqtt_connect.c): any
 * bytes, whole or cut anywhere. Invariants: what is accepted lies inside
 * the bytes and the limit; a valid CONNECT cut short is "need more", never
 * "invalid" (browsers split it across frames); an accepted client id is
 * UTF-8 the broker takes, at most NABZ_CLIENT_ID_MAX bytes; a rewritten client id
 * parses back to the same packet with the new id.
 */
#include <string.h>

#include "fuzz.h"
#include "ws/mqtt_connect.h"
#include "utf8.h"

#define MAX_PACKET (256 * 1024)

static void check_prefixes(const uint8_t *data, const struct nabz_connect_info *whole)
{
	/* Every cut before the end of the packet waits for more. Checking
	 * every cut of a large packet is quadratic: a spread of them does. */
	size_t step = whole->packet_len > 64 ? whole->packet_len / 61 : 1;

	for(size_t cut = 0; cut < whole->packet_len; cut += step){
		struct nabz_connect_info part;
		FUZZ_CHECK(nabz_mqtt_connect__parse(data, cut, MAX_PACKET, &part) == NABZ_CONNECT_NEED_MORE);
	}
}

static void check_rewrite(const uint8_t *data, const struct nabz_connect_info *info)
{
	static const char new_id[] = "browser-0f1e2d3c";
	static uint8_t out[MAX_PACKET + 64];
	struct nabz_connect_info again;
	size_t n = nabz_mqtt_connect__with_client_id(data, info, new_id, out, sizeof(out));

	if(n == 0) return;
	FUZZ_CHECK(nabz_mqtt_connect__parse(out, n, SIZE_MAX, &again) == NABZ_CONNECT_OK);
	FUZZ_CHECK(again.packet_len == n);
	FUZZ_CHECK(again.protocol_level == info->protocol_level);
	FUZZ_CHECK(again.clean_start == info->clean_start);
	FUZZ_CHECK(again.client_id_len == strlen(new_id));
	FUZZ_CHECK(memcmp(out + again.client_id_offset + 2, new_id, strlen(new_id)) == 0);
	/* What follows the client id (will, username, password) is kept as it was. */
	size_t tail = info->client_id_offset + 2 + info->client_id_len;
	size_t new_tail = again.client_id_offset + 2 + again.client_id_len;
	FUZZ_CHECK(info->packet_len - tail == n - new_tail);
	FUZZ_CHECK(memcmp(data + tail, out + new_tail, n - new_tail) == 0);
}

static void check_varint(const uint8_t *data, size_t size)
{
	uint32_t value, again;
	uint8_t out[4];
	int n = nabz_mqtt__read_varint(data, size, &value);

	if(n <= 0) return;
	FUZZ_CHECK(n <= 4 && (size_t)n <= size);
	size_t w = nabz_mqtt__write_varint(value, out);
	FUZZ_CHECK(w >= 1 && w <= (size_t)n);   /* minimal: never longer than what was read */
	FUZZ_CHECK(nabz_mqtt__read_varint(out, w, &again) == (int)w && again == value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nabz_connect_info info;
	enum nabz_connect_result r = nabz_mqtt_connect__parse(data, size, MAX_PACKET, &info);

	check_varint(data, size);
	if(r == NABZ_CONNECT_INVALID){
		FUZZ_CHECK(info.error != NULL);
		return 0;
	}
	if(r == NABZ_CONNECT_NEED_MORE) return 0;
	if(r == NABZ_CONNECT_BAD_CLIENT_ID){
		/* judged only once whole: a cut is still "need more" */
		FUZZ_CHECK(info.error != NULL && info.packet_len <= size);
		FUZZ_CHECK(info.protocol_level >= 3 && info.protocol_level <= 5);
		check_prefixes(data, &info);
		return 0;
	}
	FUZZ_CHECK(info.packet_len <= size && info.packet_len <= MAX_PACKET);
	FUZZ_CHECK(info.client_id_len <= NABZ_CLIENT_ID_MAX);
	FUZZ_CHECK(nabz_utf8__valid_mqtt(data + info.client_id_offset + 2, info.client_id_len));
	FUZZ_CHECK(data[0] == 0x10);
	FUZZ_CHECK(info.protocol_level >= 3 && info.protocol_level <= 5);
	FUZZ_CHECK(info.client_id_offset + 2 + info.client_id_len <= info.packet_len);
	FUZZ_CHECK(memchr(data + info.client_id_offset + 2, '\0', info.client_id_len) == NULL);
	check_prefixes(data, &info);
	check_rewrite(data, &info);
	return 0;
}
