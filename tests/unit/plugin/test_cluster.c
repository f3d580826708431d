/* Unit tests for plugin/cluster.c: what a node hears of the others, and
 * the merge into the cluster's figures (sums over live nodes, users once,
 * total_sessions over every node, the peak by max). */
#include <stdbool.h>
#include <string.h>

#include "nabz_test.h"

#include "cluster.h"

#define DEADLINE 5000
#define WALL0 1800000000000LL   /* a wall clock; monotonic starts at 0 */

/* A node's figures: active connections, users ("u1 u2"), clients
 * without a user_id, total sessions, its cluster peak view. */
struct node_spec {
	const char *id;
	uint64_t active, anonymous, total, cluster_peak;
	const char *users;
	uint64_t browsers, prices;
};

static struct nabz_node_figures *figures(const struct node_spec *n)
{
	struct nabz_node_figures *f = calloc(1, sizeof(*f));
	char users[256], *save = NULL;

	assert_non_null(f);
	f->active = n->active;
	f->anonymous = n->anonymous;
	f->total_sessions = n->total;
	f->peak = n->active;
	f->cluster_peak = n->cluster_peak;
	f->by_type[NABZ_CT_BROWSER] = n->browsers;
	f->groups[NABZ_GROUP_PRICES] = n->prices;
	snprintf(users, sizeof(users), "%s", n->users ? n->users : "");
	for(char *u = strtok_r(users, " ", &save); u; u = strtok_r(NULL, " ", &save)){
		nabz_hll__add(&f->users, u, strlen(u));
		f->unique_users++;
	}
	f->unique_users += n->anonymous;
	return f;
}

/* n's message, as n would publish it at wall time sent, heard by c at
 * monotonic now (wall WALL0 + now). */
static int hear(struct nabz_cluster *c, const struct node_spec *n, int64_t sent_wall, int64_t now)
{
	struct nabz_cluster sender;
	struct nabz_node_figures *f = figures(n);
	char *payload;
	int rc;

	nabz_cluster__init(&sender, n->id, false, DEADLINE, 0);
	payload = nabz_cluster__node_payload(&sender, f, WALL0 - 60000, 7, sent_wall);
	assert_non_null(payload);
	rc = nabz_cluster__hear_node(c, n->id, payload, strlen(payload), now, WALL0 + now);
	free(payload);
	free(f);
	nabz_cluster__cleanup(&sender);
	return rc;
}

static void test_merge_sums_live_nodes(void **state)
{
	static const struct {
		const char *desc;
		struct node_spec self;
		struct node_spec peers[3];
		size_t npeers;
		uint64_t active, unique, total, nodes, browsers, prices;
	} rows[] = {
		{"alone", {"e1", 3, 1, 10, 0, "a b", 3, 2}, {{0}}, 0, 3, 3, 10, 1, 3, 2},
		{"two edges, disjoint users",
			{"e1", 2, 0, 5, 0, "a b", 2, 1}, {{"e2", 3, 1, 7, 0, "c d", 3, 3}}, 1, 5, 5, 12, 2, 5, 4},
		{"the same user on two edges counts once",
			{"e1", 1, 0, 1, 0, "alice", 1, 0}, {{"e2", 1, 0, 1, 0, "alice", 1, 0}}, 1, 2, 1, 2, 2, 2, 0},
		{"three edges, overlapping users, anonymous ones added",
			{"e1", 4, 2, 4, 0, "a b", 4, 4},
			{{"e2", 3, 1, 3, 0, "b c", 3, 3}, {"e3", 2, 0, 2, 0, "a c d", 2, 2}}, 2, 9, 7, 9, 3, 9, 9},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_cluster c;
		struct nabz_cluster_view v;
		struct nabz_node_figures *own = figures(&rows[i].self);

		nabz_cluster__init(&c, rows[i].self.id, false, DEADLINE, 0);
		for(size_t p = 0; p < rows[i].npeers; p++){
			check_row(hear(&c, &rows[i].peers[p], WALL0 + 100, 100) == 0, "%s: peer %zu refused",
					rows[i].desc, p);
		}
		nabz_cluster__merge(&c, own, &v);
		check_row(v.counts.active == rows[i].active, "%s: active %llu", rows[i].desc,
				(unsigned long long)v.counts.active);
		check_row(v.counts.unique_users == rows[i].unique, "%s: unique %llu", rows[i].desc,
				(unsigned long long)v.counts.unique_users);
		check_row(v.counts.total_sessions == rows[i].total, "%s: total %llu", rows[i].desc,
				(unsigned long long)v.counts.total_sessions);
		check_row(v.nodes == rows[i].nodes, "%s: nodes %llu", rows[i].desc, (unsigned long long)v.nodes);
		check_row(v.counts.by_type[NABZ_CT_BROWSER] == rows[i].browsers, "%s: browsers", rows[i].desc);
		check_row(v.counts.groups[NABZ_GROUP_PRICES] == rows[i].prices, "%s: prices", rows[i].desc);
		check_row(v.counts.peak >= v.counts.active, "%s: peak %llu below active", rows[i].desc,
				(unsigned long long)v.counts.peak);
		free(own);
		nabz_cluster__cleanup(&c);
	}
}

/* A node silent past the deadline leaves the sums (its sessions stay in
 * total_sessions) and comes back when heard again. */
static void test_deadline_and_rejoin(void **state)
{
	struct node_spec self = {"e1", 2, 2, 2, 0, NULL, 2, 0};
	struct node_spec e2 = {"e2", 5, 5, 9, 0, NULL, 5, 0};
	struct nabz_node_figures *own = figures(&self);
	struct nabz_cluster c;
	struct nabz_cluster_view v;

	(void)state;
	nabz_cluster__init(&c, "e1", false, DEADLINE, 0);
	assert_int_equal(hear(&c, &e2, WALL0 + 1000, 1000), 0);
	assert_true(c.changed);
	c.changed = false;
	nabz_cluster__expire(&c, 1000 + DEADLINE - 1);
	assert_false(c.changed);
	nabz_cluster__merge(&c, own, &v);
	assert_int_equal(v.counts.active, 7);
	assert_int_equal(v.nodes, 2);

	nabz_cluster__expire(&c, 1000 + DEADLINE);
	assert_true(c.changed);
	nabz_cluster__merge(&c, own, &v);
	assert_int_equal(v.counts.active, 2);
	assert_int_equal(v.counts.unique_users, 2);
	assert_int_equal(v.nodes, 1);
	assert_int_equal(v.counts.total_sessions, 11);   /* e2's sessions happened */
	assert_int_equal(v.counts.peak, 7);              /* and so did the peak */

	assert_int_equal(hear(&c, &e2, WALL0 + 9000, 9000), 0);
	nabz_cluster__merge(&c, own, &v);
	assert_int_equal(v.counts.active, 7);
	assert_int_equal(v.nodes, 2);
	free(own);
	nabz_cluster__cleanup(&c);
}

/* A retained message from a node that died long ago (sent before the
 * deadline) counts in total_sessions, never as live. */
static void test_stale_retained_message(void **state)
{
	struct node_spec self = {"e1", 1, 1, 1, 0, NULL, 1, 0};
	struct node_spec dead = {"e9", 40, 40, 100, 40, NULL, 40, 0};
	struct nabz_node_figures *own = figures(&self);
	struct nabz_cluster c;
	struct nabz_cluster_view v;

	(void)state;
	nabz_cluster__init(&c, "e1", false, DEADLINE, 0);
	assert_int_equal(hear(&c, &dead, WALL0 + 50000 - DEADLINE - 1, 50000), 0);
	nabz_cluster__merge(&c, own, &v);
	assert_int_equal(v.counts.active, 1);
	assert_int_equal(v.nodes, 1);
	assert_int_equal(v.counts.total_sessions, 101);
	assert_int_equal(v.counts.peak, 40);   /* the dead node's view of the peak */
	free(own);
	nabz_cluster__cleanup(&c);
}

/* This node's own retained message (from before a restart) restores the
 * peak and nothing else; the restored peak is kept. */
static void test_own_message_restores_peak(void **state)
{
	struct node_spec old_self = {"e1", 30, 30, 500, 77, NULL, 30, 0};
	struct node_spec self = {"e1", 1, 1, 501, 0, NULL, 1, 0};
	struct nabz_node_figures *own = figures(&self);
	struct nabz_cluster c;
	struct nabz_cluster_view v;

	(void)state;
	nabz_cluster__init(&c, "e1", false, DEADLINE, 12);
	assert_int_equal(c.peak, 12);
	assert_int_equal(hear(&c, &old_self, WALL0 + 10, 10), 0);
	assert_int_equal(c.count, 0);
	nabz_cluster__merge(&c, own, &v);
	assert_int_equal(v.counts.active, 1);
	assert_int_equal(v.counts.total_sessions, 501);
	assert_int_equal(v.counts.peak, 77);
	free(own);
	nabz_cluster__cleanup(&c);
}

static void test_hear_refuses(void **state)
{
	static const struct {
		const char *id;
		const char *payload;
	} rows[] = {
		{"e2", "not json"},
		{"e2", "{}"},
		{"e2", "{\"ts_ms\":1,\"started_ms\":1,\"seq\":1,\"active_connections\":-1,\"unique_users\":0,"
			"\"anonymous_users\":0,\"total_sessions\":0,\"peak_connections\":0,"
			"\"cluster_peak_connections\":0,\"client_types\":{},\"groups\":{},\"users_hll\":\"s:\"}"},
		{"e2", "{\"ts_ms\":1,\"started_ms\":1,\"seq\":1,\"active_connections\":1,\"unique_users\":0,"
			"\"anonymous_users\":0,\"total_sessions\":0,\"peak_connections\":0,"
			"\"cluster_peak_connections\":0,\"client_types\":{},\"groups\":{},\"users_hll\":\"s:zz\"}"},
		{"e/2", "{}"},
		{"", "{}"},
	};
	struct nabz_cluster c;

	(void)state;
	nabz_cluster__init(&c, "e1", false, DEADLINE, 0);
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_cluster__hear_node(&c, rows[i].id, rows[i].payload, strlen(rows[i].payload),
					100, WALL0 + 100) == -1, "row %zu accepted", i);
	}
	assert_int_equal(c.count, 0);
	nabz_cluster__cleanup(&c);
}

/* An edge is linked while the core's heartbeat is younger than the
 * deadline; the core always is. */
static void test_link_state(void **state)
{
	struct nabz_cluster c, core;
	char hb[64];

	(void)state;
	nabz_cluster__init(&c, "e1", false, DEADLINE, 0);
	nabz_cluster__init(&core, "core", true, DEADLINE, 0);
	assert_false(c.linked);
	assert_true(core.linked);
	snprintf(hb, sizeof(hb), "{\"ts_ms\":%lld}", (long long)(WALL0 + 1000));
	nabz_cluster__hear_core(&c, hb, strlen(hb), 1000, WALL0 + 1000);
	assert_true(c.linked);
	nabz_cluster__expire(&c, 1000 + DEADLINE - 1);
	assert_true(c.linked);
	nabz_cluster__expire(&c, 1000 + DEADLINE);
	assert_false(c.linked);
	nabz_cluster__expire(&core, 1000000);
	assert_true(core.linked);
	/* a heartbeat older than the deadline does not link */
	snprintf(hb, sizeof(hb), "{\"ts_ms\":%lld}", (long long)(WALL0 + 20000 - DEADLINE));
	nabz_cluster__hear_core(&c, hb, strlen(hb), 20000, WALL0 + 20000);
	assert_false(c.linked);
	nabz_cluster__cleanup(&c);
	nabz_cluster__cleanup(&core);
}

static void test_valid_id(void **state)
{
	static const struct {
		const char *id;
		bool ok;
	} rows[] = {
		{"e1", true}, {"core", true}, {"a-b_C9", true}, {"", false}, {"e/1", false}, {"e+", false},
		{"#", false}, {"e 1", false}, {"abcdefghijklmnopqrstuvwxyz012345", true},
		{"abcdefghijklmnopqrstuvwxyz0123456", false},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		check_row(nabz_cluster__valid_id(rows[i].id) == rows[i].ok, "\"%s\"", rows[i].id);
	}
	assert_false(nabz_cluster__valid_id(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_sums_live_nodes),
		cmocka_unit_test(test_deadline_and_rejoin),
		cmocka_unit_test(test_stale_retained_message),
		cmocka_unit_test(test_own_message_restores_peak),
		cmocka_unit_test(test_hear_refuses),
		cmocka_unit_test(test_link_state),
		cmocka_unit_test(test_valid_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
