/* Addresses for the connection limits: what is parsed, the key each
 * address counts under (IPv6 by its /64), and CIDR exemption lists, with
 * junk of every kind. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "nabz_test.h"
#include "netaddr.h"

static void test_limit_key(void **state)
{
	static const struct { const char *address, *want; } rows[] = {
		{"203.0.113.5", "203.0.113.5"},
		{"127.0.0.1", "127.0.0.1"},
		{"::ffff:203.0.113.5", "203.0.113.5"},             /* IPv4 on a dual-stack socket */
		{"::FFFF:10.0.0.1", "10.0.0.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},      /* the /64 is one subscriber */
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},           /* the next /64: someone else */
		{"2001:DB8:0:0::1", "2001:db8::/64"},
		{"::1", "::/64"},
		{"fe80::1%eth0", "fe80::/64"},                      /* the zone is not part of it */
		{"::", "::/64"},
		/* junk: its own key, so it is still limited, as one */
		{NULL, "-"},
		{"", "-"},
		{"/run/nabz/mqtt.sock", "/run/nabz/mqtt.sock"},
		{"unix-socket", "unix-socket"},
		{"1.2.3", "1.2.3"},
		{"1.2.3.4.5", "1.2.3.4.5"},
		{"256.1.1.1", "256.1.1.1"},
		{"1.2.3.4%eth0", "1.2.3.4%eth0"},
		{"fe80::1%", "fe80::1%"},
		{"2001:db8::g", "2001:db8::g"},
		{"2001:db8:::1", "2001:db8:::1"},
		{" 1.2.3.4", " 1.2.3.4"},
		{"[::1]", "[::1]"},
		{"a very long string that is not an address and goes on and on and on past the key size",
			"a very long string that is not an address and goes on and on an"},
	};
	char out[NABZ_NETADDR_KEY_MAX];

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		nabz_netaddr__limit_key(rows[r].address, out, sizeof(out));
		check_row(strcmp(out, rows[r].want) == 0, "row %zu (%s): got %s want %s", r,
				rows[r].address ? rows[r].address : "NULL", out, rows[r].want);
	}
}

static void test_parse(void **state)
{
	static const struct { const char *text; int rc; uint8_t family; } rows[] = {
		{"0.0.0.0", 0, 4},
		{"255.255.255.255", 0, 4},
		{"::ffff:1.2.3.4", 0, 4},
		{"::1", 0, 6},
		{"2001:db8::1%3", 0, 6},
		{"01.2.3.4", -1, 0},                                /* inet_pton refuses octal-looking */
		{"1.2.3.4 ", -1, 0},
		{"1.2.3.4/32", -1, 0},                              /* a network, not an address */
		{"%eth0", -1, 0},
		{"::1%", -1, 0},
		{"localhost", -1, 0},
		{"", -1, 0},
		{NULL, -1, 0},
	};
	struct nabz_netaddr a;

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		int rc = nabz_netaddr__parse(rows[r].text, &a);
		check_row(rc == rows[r].rc && a.family == rows[r].family, "row %zu (%s): rc %d family %u",
				r, rows[r].text ? rows[r].text : "NULL", rc, a.family);
	}
}

static void test_from_sockaddr(void **state)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct nabz_netaddr a;
	char key[NABZ_NETADDR_KEY_MAX];

	(void)state;
	inet_pton(AF_INET, "198.51.100.7", &in.sin_addr);
	assert_int_equal(nabz_netaddr__from_sockaddr((struct sockaddr *)&in, &a), 0);
	nabz_netaddr__key_of(&a, key, sizeof(key));
	assert_string_equal(key, "198.51.100.7");
	inet_pton(AF_INET6, "::ffff:198.51.100.8", &in6.sin6_addr);
	assert_int_equal(nabz_netaddr__from_sockaddr((struct sockaddr *)&in6, &a), 0);
	nabz_netaddr__key_of(&a, key, sizeof(key));
	assert_string_equal(key, "198.51.100.8");
	inet_pton(AF_INET6, "2a01:5ec0:1000:1:aaaa::9", &in6.sin6_addr);
	assert_int_equal(nabz_netaddr__from_sockaddr((struct sockaddr *)&in6, &a), 0);
	nabz_netaddr__key_of(&a, key, sizeof(key));
	assert_string_equal(key, "2a01:5ec0:1000:1::/64");
	assert_int_equal(nabz_netaddr__from_sockaddr((struct sockaddr *)&un, &a), -1);
	assert_int_equal(nabz_netaddr__from_sockaddr(NULL, &a), -1);
	nabz_netaddr__key_of(&a, key, sizeof(key));
	assert_string_equal(key, "-");
	nabz_netaddr__key_of(&a, key, 2);
	assert_string_equal(key, "-");
}

static void test_cidr(void **state)
{
	static const struct { const char *net, *address; int parse_rc; bool match; } rows[] = {
		{"127.0.0.0/8", "127.0.0.1", 0, true},
		{"127.0.0.0/8", "127.255.255.254", 0, true},
		{"127.0.0.0/8", "128.0.0.1", 0, false},
		{"127.0.0.0/8", "::ffff:127.0.0.1", 0, true},       /* mapped IPv4 is IPv4 */
		{"127.0.0.0/8", "::1", 0, false},
		{"::1", "::1", 0, true},
		{"::1", "::2", 0, false},
		{"::1", "127.0.0.1", 0, false},
		{"10.1.2.3/8", "10.200.0.1", 0, true},              /* host bits cleared */
		{"100.64.0.0/10", "100.127.255.255", 0, true},      /* the CGNAT range */
		{"100.64.0.0/10", "100.128.0.0", 0, false},
		{"0.0.0.0/0", "8.8.8.8", 0, true},
		{"0.0.0.0/0", "2001:db8::1", 0, false},
		{"::/0", "2001:db8::1", 0, true},
		{"2001:db8::/32", "2001:db8:ffff::1", 0, true},
		{"2001:db8::/33", "2001:db8:8000::1", 0, false},
		{"2001:db8:1:2::/64", "2001:db8:1:2:ffff::1", 0, true},
		{"203.0.113.9", "203.0.113.9", 0, true},            /* an address alone: /32 */
		{"203.0.113.9", "203.0.113.8", 0, false},
		{"127.0.0.0/8", "junk", 0, false},                  /* junk is never exempt */
		{"127.0.0.0/8", NULL, 0, false},
		/* junk networks */
		{"127.0.0.0/33", NULL, -1, false},
		{"::/129", NULL, -1, false},
		{"127.0.0.0/", NULL, -1, false},
		{"127.0.0.0/-1", NULL, -1, false},
		{"127.0.0.0/+8", NULL, -1, false},
		{"127.0.0.0/8x", NULL, -1, false},
		{"127.0.0.0/99999999999999999999", NULL, -1, false},
		{"/8", NULL, -1, false},
		{"localhost", NULL, -1, false},
		{"fe80::1%eth0/64", NULL, -1, false},
		{"::ffff:10.0.0.0/104", NULL, -1, false},
		{"", NULL, -1, false},
		{NULL, NULL, -1, false},
	};

	(void)state;
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		struct nabz_cidr net;
		struct nabz_netaddr a;
		int rc = nabz_cidr__parse(rows[r].net, &net);

		check_row(rc == rows[r].parse_rc, "row %zu (%s): parse rc %d", r,
				rows[r].net ? rows[r].net : "NULL", rc);
		if(rc != 0) continue;
		nabz_netaddr__parse(rows[r].address, &a);
		check_row(nabz_cidr__match(&net, &a) == rows[r].match, "row %zu (%s ~ %s)", r,
				rows[r].net, rows[r].address ? rows[r].address : "NULL");
	}
}

static void test_cidrlist(void **state)
{
	static char lo4[] = "127.0.0.0/8", lo6[] = "::1", bad[] = "127.0.0.1/40";
	char *good[] = {lo4, lo6}, *with_bad[] = {lo4, bad};
	struct nabz_cidrlist list;
	char err[128];

	(void)state;
	assert_int_equal(nabz_cidrlist__parse(good, 2, &list, err, sizeof(err)), 0);
	assert_int_equal(list.count, 2);
	assert_true(nabz_cidrlist__contains_text(&list, "127.0.0.1"));
	assert_true(nabz_cidrlist__contains_text(&list, "::1"));
	assert_true(nabz_cidrlist__contains_text(&list, "::ffff:127.1.2.3"));
	assert_false(nabz_cidrlist__contains_text(&list, "203.0.113.1"));
	assert_false(nabz_cidrlist__contains_text(&list, "-"));
	nabz_cidrlist__free(&list);
	assert_int_equal(list.count, 0);

	assert_int_equal(nabz_cidrlist__parse(with_bad, 2, &list, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"127.0.0.1/40\""));
	assert_null(list.items);
	assert_int_equal(list.count, 0);

	assert_int_equal(nabz_cidrlist__parse(NULL, 0, &list, err, sizeof(err)), 0);
	assert_false(nabz_cidrlist__contains_text(&list, "127.0.0.1"));   /* empty: no exemption */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_key),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_from_sockaddr),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_cidrlist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
