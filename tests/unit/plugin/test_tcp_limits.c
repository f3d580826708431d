/* TCP client limits at CONNECT: total, per address (an IPv6 /64 is one),
 * the exemption list, the first-refusal flag, release, rate-limited log. */
#include <string.h>

#include "nabz_test.h"
#include "tcp_limits.h"

static struct nabz_config make_config(const char *exempt, long total, long per_ip)
{
	struct nabz_config cfg;
	char err[256];

	assert_int_equal(nabz_config__parse(&cfg, NULL, 0, err, sizeof(err)), 0);
	cfg.tcp_max_connections = total;
	cfg.tcp_max_connections_per_ip = per_ip;
	nabz_cidrlist__free(&cfg.limit_exempt_nets);
	if(exempt){
		char buf[64], *names[1] = {buf};
		snprintf(buf, sizeof(buf), "%s", exempt);
		assert_int_equal(nabz_cidrlist__parse(names, 1, &cfg.limit_exempt_nets, err, sizeof(err)), 0);
	}
	return cfg;
}

enum op { ADMIT, RELEASE };

static void test_sequence(void **state)
{
	static const struct {
		enum op op;
		const char *address;
		enum nabz_tcp_verdict want;
		bool first;
		uint64_t sessions_after;
	} rows[] = {
		{ADMIT, "203.0.113.1", NABZ_TCP_ADMIT, false, 1},
		{ADMIT, "203.0.113.1", NABZ_TCP_ADMIT, false, 2},
		{ADMIT, "::ffff:203.0.113.1", NABZ_TCP_REFUSE_PER_IP, true, 2},   /* the same address */
		{ADMIT, "203.0.113.1", NABZ_TCP_REFUSE_PER_IP, false, 2},         /* logged once */
		{ADMIT, "2001:db8:1:2::1", NABZ_TCP_ADMIT, false, 3},
		{ADMIT, "2001:db8:1:2:ffff::2", NABZ_TCP_ADMIT, false, 4},
		{ADMIT, "2001:db8:1:2::3", NABZ_TCP_REFUSE_PER_IP, true, 4},      /* same /64 */
		{ADMIT, "2001:db8:1:3::1", NABZ_TCP_ADMIT, false, 5},             /* next /64 */
		{ADMIT, "10.1.1.1", NABZ_TCP_ADMIT, false, 6},                    /* exempt: 10.0.0.0/8 */
		{ADMIT, "10.1.1.1", NABZ_TCP_ADMIT, false, 7},
		{ADMIT, "10.1.1.1", NABZ_TCP_ADMIT, false, 8},
		{ADMIT, "198.51.100.1", NABZ_TCP_REFUSE_CAPACITY, false, 8},      /* total 8 */
		{ADMIT, "10.1.1.1", NABZ_TCP_REFUSE_CAPACITY, false, 8},          /* exempt from per-address only */
		{RELEASE, "203.0.113.1", 0, false, 7},
		{ADMIT, "203.0.113.1", NABZ_TCP_ADMIT, false, 8},
		{ADMIT, "198.51.100.1", NABZ_TCP_REFUSE_CAPACITY, false, 8},
		{RELEASE, "203.0.113.1", 0, false, 7},
		{RELEASE, "203.0.113.1", 0, false, 6},
		{ADMIT, "203.0.113.1", NABZ_TCP_ADMIT, false, 7},
		{ADMIT, "203.0.113.1", NABZ_TCP_ADMIT, false, 8},
		{RELEASE, "10.1.1.1", 0, false, 7},
		{ADMIT, "203.0.113.1", NABZ_TCP_REFUSE_PER_IP, true, 7},          /* a new run: said again */
		{RELEASE, "not an address", 0, false, 6},                         /* unknown: no harm */
		{ADMIT, NULL, NABZ_TCP_ADMIT, false, 7},                          /* junk counts, as "-" */
		{ADMIT, "", NABZ_TCP_ADMIT, false, 8},
		{RELEASE, NULL, 0, false, 7},
		{ADMIT, "junk", NABZ_TCP_ADMIT, false, 8},
		{ADMIT, "junk", NABZ_TCP_REFUSE_CAPACITY, false, 8},
	};
	struct nabz_config cfg = make_config("10.0.0.0/8", 8, 2);
	struct nabz_tcp_limits l;

	(void)state;
	memset(&l, 0, sizeof(l));
	for(size_t r = 0; r < N_ELEMS(rows); r++){
		if(rows[r].op == ADMIT){
			bool first = !rows[r].first;
			enum nabz_tcp_verdict v = nabz_tcp_limits__admit(&l, &cfg, rows[r].address, &first);
			check_row(v == rows[r].want && first == rows[r].first, "row %zu: verdict %d first %d",
					r, v, first);
		}else{
			nabz_tcp_limits__release(&l, &cfg, rows[r].address);
		}
		check_row(l.m.sessions == rows[r].sessions_after, "row %zu: %llu sessions", r,
				(unsigned long long)l.m.sessions);
	}
	assert_int_equal(nabz_tcp_limits__count(&l, "203.0.113.1"), 2);
	assert_int_equal(nabz_tcp_limits__count(&l, "2001:db8:1:2::/64"), 2);
	assert_int_equal(nabz_tcp_limits__count(&l, "10.1.1.1"), 2);
	assert_int_equal(nabz_tcp_limits__count(&l, "-"), 1);
	assert_int_equal(nabz_tcp_limits__count(&l, "198.51.100.1"), 0);
	assert_int_equal(l.m.refused[NABZ_TCP_PER_IP], 4);
	assert_int_equal(l.m.refused[NABZ_TCP_CAPACITY], 4);
	nabz_tcp_limits__cleanup(&l);
	assert_null(l.by_key);
	assert_int_equal(l.m.sessions, 0);
	nabz_config__free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
