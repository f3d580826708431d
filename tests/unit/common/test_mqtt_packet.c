/* mqtt_packet.c: variable byte integers and the CONNECT written by hand,
 * byte for byte against MQTT 3.1.1 (section 3.1). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt_packet.h"
#include "nabz_test.h"

static void test_varint(void **state)
{
	static const uint32_t values[] = {0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455};
	static const size_t lengths[] = {1, 1, 1, 2, 2, 3, 3, 4, 4};
	uint8_t buf[4];
	uint32_t v;

	(void)state;
	for(size_t r = 0; r < N_ELEMS(values); r++){
		size_t n = nabz_mqtt__write_varint(values[r], buf);
		check_row(n == lengths[r], "value %u: %zu bytes", values[r], n);
		check_row(nabz_mqtt__read_varint(buf, n, &v) == (int)n && v == values[r], "value %u", values[r]);
		check_row(nabz_mqtt__read_varint(buf, n - 1, &v) == 0, "short %u", values[r]);
	}
	assert_int_equal(nabz_mqtt__read_varint((const uint8_t *)"\xff\xff\xff\xff", 4, &v), -1);
}

static void test_connect_bytes(void **state)
{
	static const struct {
		const char *what, *id, *user, *password;
		uint16_t keepalive;
		const char *want;
		size_t want_len;
	} rows[] = {
		{"anonymous, keepalive 60", "a", NULL, NULL, 60,
			"\x10\x0d\x00\x04MQTT\x04\x02\x00\x3c\x00\x01" "a", 15},
		{"user and password, keepalive 0", "w", "u", "pw", 0,
			"\x10\x14\x00\x04MQTT\x04\xc2\x00\x00\x00\x01w\x00\x01u\x00\x02pw", 22},
		{"user without password", "", "u", NULL, 0x1234,
			"\x10\x0f\x00\x04MQTT\x04\x82\x12\x34\x00\x00\x00\x01u", 17},
	};
	uint8_t out[64];

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		size_t n = nabz_mqtt__connect(out, sizeof(out), rows[r].id, rows[r].user, rows[r].password,
				rows[r].keepalive);
		check_row(n == rows[r].want_len, "%s: %zu bytes, want %zu", rows[r].what, n, rows[r].want_len);
		check_row(memcmp(out, rows[r].want, rows[r].want_len) == 0, "%s: bytes differ", rows[r].what);
		/* exactly enough room works, one byte less is refused */
		check_row(nabz_mqtt__connect(out, rows[r].want_len, rows[r].id, rows[r].user, rows[r].password,
				rows[r].keepalive) == rows[r].want_len, "%s: exact room", rows[r].what);
		check_row(nabz_mqtt__connect(out, rows[r].want_len - 1, rows[r].id, rows[r].user,
				rows[r].password, rows[r].keepalive) == 0, "%s: no room", rows[r].what);
	}
}

static void test_connect_long_id(void **state)
{
	size_t cap = 70000 + 64, n;
	uint8_t *out = malloc(cap);
	char *id = malloc(65537);

	(void)state;
	assert_non_null(out);
	assert_non_null(id);
	memset(id, 'x', 65536);
	id[65536] = '\0';
	/* over MQTT's 65,535-byte string: refused, not truncated */
	assert_int_equal(nabz_mqtt__connect(out, cap, id, NULL, NULL, 0), 0);
	/* 300 bytes: a two-byte remaining length */
	id[300] = '\0';
	n = nabz_mqtt__connect(out, cap, id, NULL, NULL, 0);
	assert_int_equal(n, 1 + 2 + 10 + 2 + 300);
	assert_int_equal(out[1], (uint8_t)(312 % 128) | 0x80);
	assert_int_equal(out[2], 312 / 128);
	free(id);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_connect_bytes),
		cmocka_unit_test(test_connect_long_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
