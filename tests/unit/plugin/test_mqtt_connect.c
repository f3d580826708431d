/* The first-packet reader of the WebSocket proxy: every prefix of a valid
 * CONNECT needs more, junk is refused, the client id is found and can be
 * replaced. */
#include <stdlib.h>
#include <string.h>

#include "ws/mqtt_connect.h"
#include "nabz_test.h"

static size_t build_connect(uint8_t *out, const char *id, int level, int clean, const char *user)
{
	uint8_t body[600];
	size_t n = 0, idlen = strlen(id);
	const char *name = level == 3 ? "MQIsdp" : "MQTT";
	size_t namelen = strlen(name);
	uint8_t flags = (uint8_t)((clean ? 0x02 : 0) | (user ? 0x80 : 0));

	body[n++] = 0;
	body[n++] = (uint8_t)namelen;
	memcpy(body + n, name, namelen);
	n += namelen;
	body[n++] = (uint8_t)level;
	body[n++] = flags;
	body[n++] = 0;
	body[n++] = 60;
	if(level == 5){
		body[n++] = 5;                              /* properties: session expiry */
		body[n++] = 0x11;
		body[n++] = 0; body[n++] = 0; body[n++] = 0; body[n++] = 10;
	}
	body[n++] = (uint8_t)(idlen >> 8);
	body[n++] = (uint8_t)idlen;
	memcpy(body + n, id, idlen);
	n += idlen;
	if(user){
		size_t ul = strlen(user);
		body[n++] = 0;
		body[n++] = (uint8_t)ul;
		memcpy(body + n, user, ul);
		n += ul;
	}
	uint8_t vl[4];
	size_t vn = nabz_mqtt__write_varint((uint32_t)n, vl);
	out[0] = 0x10;
	memcpy(out + 1, vl, vn);
	memcpy(out + 1 + vn, body, n);
	return n + 1 + vn;
}

static void test_every_prefix_needs_more_then_ok(void **state)
{
	static const struct { const char *id; int level; int clean; const char *user; } rows[] = {
		{"web-1", 4, 1, NULL}, {"", 4, 1, NULL}, {"mobile-x", 5, 0, "alice"}, {"a", 3, 1, NULL},
	};
	uint8_t pkt[600];

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		size_t len = build_connect(pkt, rows[r].id, rows[r].level, rows[r].clean, rows[r].user);
		struct nabz_connect_info info;
		for(size_t i = 0; i < len; i++){
			check_row(nabz_mqtt_connect__parse(pkt, i, 1 << 20, &info) == NABZ_CONNECT_NEED_MORE,
					"row %zu prefix %zu", r, i);
		}
		check_row(nabz_mqtt_connect__parse(pkt, len, 1 << 20, &info) == NABZ_CONNECT_OK, "row %zu", r);
		check_row(info.packet_len == len, "row %zu len", r);
		check_row(info.protocol_level == rows[r].level, "row %zu level", r);
		check_row(info.client_id_len == strlen(rows[r].id)
				&& memcmp(pkt + info.client_id_offset + 2, rows[r].id, info.client_id_len) == 0,
				"row %zu id", r);
		/* Bytes after the CONNECT (the next packets) do not matter. */
		pkt[len] = 0x82;
		check_row(nabz_mqtt_connect__parse(pkt, len + 1, 1 << 20, &info) == NABZ_CONNECT_OK, "row %zu+", r);
	}
}

static void test_junk_is_refused(void **state)
{
	static const struct { const char *bytes; size_t len; } rows[] = {
		{"\x30\x05\x00\x03" "abc", 7},                       /* PUBLISH */
		{"GET / HTTP/1.1\r\n", 16},
		{"\x10\xff\xff\xff\xff\x01", 6},                     /* 5-byte length */
		{"\x10\x0c\x00\x04MQTX\x04\x02\x00\x3c\x00\x00", 14}, /* protocol name */
		{"\x10\x0c\x00\x04MQTT\x07\x02\x00\x3c\x00\x00", 14}, /* level 7 */
		{"\x10\x0c\x00\x06MQTT\x04\x02\x00\x3c\x00\x00", 14}, /* name length */
		{"\x10\x0c\x00\x04MQTT\x04\x03\x00\x3c\x00\x00", 14}, /* reserved flag */
		{"\x10\x0b\x00\x04MQTT\x04\x02\x00\x3c\x00", 13},     /* id cut by the length */
		{"\x11\x00", 2},                                      /* CONNECT flags */
	};
	struct nabz_connect_info info;

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		check_row(nabz_mqtt_connect__parse((const uint8_t *)rows[r].bytes, rows[r].len, 1 << 20, &info)
				== NABZ_CONNECT_INVALID, "row %zu", r);
		check_row(info.error != NULL, "row %zu error", r);
	}
	/* Larger than the limit. */
	check_row(nabz_mqtt_connect__parse((const uint8_t *)"\x10\xff\x7f", 3, 1000, &info)
			== NABZ_CONNECT_INVALID, "limit");
}

/* A whole CONNECT with an id the broker would refuse: a CONNACK's worth of
 * refusal, not a protocol error. */
static void test_bad_client_ids(void **state)
{
	static const struct { const char *id; size_t len; } rows[] = {
		{"a\0b", 3}, {"\xff", 1}, {"a\xc0\xaf", 3}, {"\xed\xa0\x80", 3}, {"\x01", 1},
		{"\xe2\x82", 2},
	};
	uint8_t pkt[600], id[300];
	struct nabz_connect_info info;
	size_t len;

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		char buf[8] = {0};
		memcpy(buf, rows[r].id, rows[r].len);
		len = build_connect(pkt, "xxx", 4, 1, NULL);
		/* build_connect takes C strings: put the raw id in place of "xxx" */
		pkt[1] = (uint8_t)(pkt[1] - 3 + rows[r].len);
		pkt[len - 4] = (uint8_t)rows[r].len;
		memcpy(pkt + len - 3, buf, rows[r].len);
		len = len - 3 + rows[r].len;
		check_row(nabz_mqtt_connect__parse(pkt, len, 1 << 20, &info) == NABZ_CONNECT_BAD_CLIENT_ID,
				"row %zu", r);
		check_row(info.error != NULL && info.protocol_level == 4, "row %zu error", r);
		/* and a prefix still needs more */
		check_row(nabz_mqtt_connect__parse(pkt, len - 1, 1 << 20, &info) == NABZ_CONNECT_NEED_MORE,
				"row %zu prefix", r);
	}
	memset(id, 'x', 257);
	id[257] = '\0';
	len = build_connect(pkt, (char *)id + 1, 5, 1, NULL);    /* 256: the most */
	assert_int_equal(nabz_mqtt_connect__parse(pkt, len, 1 << 20, &info), NABZ_CONNECT_OK);
}

static void test_replace_client_id(void **state)
{
	uint8_t pkt[600], out[700];
	struct nabz_connect_info info, again;
	static const int levels[] = {3, 4, 5};

	(void)state;
	for(size_t r = 0; r < N_ELEMS(levels); r++){
		size_t len = build_connect(pkt, "", levels[r], 1, "bob");
		size_t n;
		assert_int_equal(nabz_mqtt_connect__parse(pkt, len, 1 << 20, &info), NABZ_CONNECT_OK);
		n = nabz_mqtt_connect__with_client_id(pkt, &info, "ws-0123456789abcdef", out, sizeof(out));
		assert_int_equal(n, len + 19);
		assert_int_equal(nabz_mqtt_connect__parse(out, n, 1 << 20, &again), NABZ_CONNECT_OK);
		assert_int_equal(again.client_id_len, 19);
		assert_memory_equal(out + again.client_id_offset + 2, "ws-0123456789abcdef", 19);
		/* the username after the id survives */
		assert_memory_equal(out + n - 3, "bob", 3);
		/* too small an output buffer */
		assert_int_equal(nabz_mqtt_connect__with_client_id(pkt, &info, "ws-x", out, len), 0);
	}
}

/* What the wake link and the load tools send (common/mqtt_packet.c) is a
 * CONNECT the listener accepts, with the id where the parser says. */
static void test_written_connect_parses(void **state)
{
	uint8_t pkt[256];
	struct nabz_connect_info info;
	size_t n = nabz_mqtt__connect(pkt, sizeof(pkt), "nabz-wake-1", "nabz-wake", "secret", 0);

	(void)state;
	assert_true(n > 0);
	assert_int_equal(nabz_mqtt_connect__parse(pkt, n, 1 << 20, &info), NABZ_CONNECT_OK);
	assert_int_equal(info.packet_len, n);
	assert_int_equal(info.protocol_level, 4);
	assert_true(info.clean_start);
	assert_int_equal(info.client_id_len, 11);
	assert_memory_equal(pkt + info.client_id_offset + 2, "nabz-wake-1", 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_prefix_needs_more_then_ok),
		cmocka_unit_test(test_junk_is_refused),
		cmocka_unit_test(test_bad_client_ids),
		cmocka_unit_test(test_replace_client_id),
		cmocka_unit_test(test_written_connect_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
