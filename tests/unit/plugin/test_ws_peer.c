/* Who the client is behind reverse proxies: X-Forwarded-For is believed
 * only from trusted proxies, and read from the right. */
#include <string.h>

#include "nabz_test.h"
#include "ws/ws_internal.h"

static void test_client_address(void **state)
{
	static char proxy[] = "10.0.0.1", lb[] = "10.0.0.2";
	static char *trusted_names[] = {proxy, lb};
	const struct nabz_namelist trusted = {trusted_names, 2};
	static const struct { const char *peer, *xff, *want; } rows[] = {
		{"203.0.113.5", NULL, "203.0.113.5"},
		{"203.0.113.5", "1.2.3.4", "203.0.113.5"},              /* untrusted peer: ignored */
		{"10.0.0.1", NULL, "10.0.0.1"},
		{"10.0.0.1", "198.51.100.7", "198.51.100.7"},
		{"10.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"},  /* forged hop on the left */
		{"10.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"}, /* through two proxies */
		{"10.0.0.1", " 198.51.100.7 ,  ", "198.51.100.7"},
		{"10.0.0.1", "10.0.0.2", "10.0.0.2"},                   /* only proxies: leftmost */
		{"10.0.0.1", "", "10.0.0.1"},
		{"::ffff:203.0.113.5", NULL, "203.0.113.5"},             /* IPv4-mapped */
		{"::ffff:10.0.0.1", "198.51.100.9", "198.51.100.9"},
		{"2001:db8::1", NULL, "2001:db8::1"},
	};
	char out[NABZ_ADDR_MAX];

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		nabz_ws__client_address(&trusted, rows[r].peer, rows[r].xff, out, sizeof(out));
		check_row(strcmp(out, rows[r].want) == 0, "row %zu: got %s want %s", r, out, rows[r].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
