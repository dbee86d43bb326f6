// SPDX-License-Identifier: Apache-2.0
/* policy/: strict parsing with line-precise errors, compile to golden nft text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "policy/jpos.h"
#include "policy/policy.h"
#include "tests/unit/nft_offline.h"
#include "tests/unit/policy_expect.h"

static const char example[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"network\": \"web\",\n"
	"  \"icc\": false,\n"
	"  \"groups\": { \"frontend\": [\"web-*\"], \"db\": [\"pg\", \"pg-replica-*\"] },\n"
	"  \"allow\": [\n"
	"    { \"from\": \"frontend\", \"to\": \"db\", \"ports\": [\"5432/tcp\"] },\n"
	"    { \"from\": \"*\", \"to\": \"db\", \"ports\": [\"53/udp\", \"8000-8080/tcp\"] },\n"
	"    { \"from\": \"db\", \"to\": \"db\" },\n"
	"    { \"from\": \"frontend\", \"to\": \"host\", \"ports\": [\"443/tcp\"] }\n"
	"  ]\n"
	"}\n";

static const char *const golden[] = {
	"add set inet netctl grp-web-frontend",
	"add set inet netctl grp6-web-frontend",
	"add set inet netctl grp-web-db",
	"add set inet netctl grp6-web-db",
	"flush chain inet netctl net-web-policy",
	"add rule inet netctl net-web-policy ip saddr @grp-web-frontend ip daddr @grp-web-db "
	"tcp dport 5432 counter accept comment \"allow[0]: frontend -> db 5432/tcp\"",
	"add rule inet netctl net-web-policy ip6 saddr @grp6-web-frontend ip6 daddr "
	"@grp6-web-db tcp dport 5432 counter accept comment \"allow[0]: frontend -> db 5432/tcp\"",
	"add rule inet netctl net-web-policy ip saddr @members-web ip daddr @grp-web-db "
	"udp dport 53 counter accept comment \"allow[1]: * -> db 53/udp\"",
	"add rule inet netctl net-web-policy ip saddr @members-web ip daddr @grp-web-db "
	"tcp dport 8000-8080 counter accept comment \"allow[1]: * -> db 8000-8080/tcp\"",
	"add rule inet netctl net-web-policy ip6 saddr @members6-web ip6 daddr @grp6-web-db "
	"udp dport 53 counter accept comment \"allow[1]: * -> db 53/udp\"",
	"add rule inet netctl net-web-policy ip6 saddr @members6-web ip6 daddr @grp6-web-db "
	"tcp dport 8000-8080 counter accept comment \"allow[1]: * -> db 8000-8080/tcp\"",
	"add rule inet netctl net-web-policy ip saddr @grp-web-db ip daddr @grp-web-db "
	"counter accept comment \"allow[2]: db -> db any\"",
	"add rule inet netctl net-web-policy ip6 saddr @grp6-web-db ip6 daddr @grp6-web-db "
	"counter accept comment \"allow[2]: db -> db any\"",
	"add rule inet netctl net-web-policy counter drop comment \"final drop\"",
	"add chain inet netctl net-web-hostpol",
	"flush chain inet netctl net-web-hostpol",
	"add rule inet netctl net-web-hostpol ip saddr @grp-web-frontend tcp dport 443 counter "
	"accept comment \"allow[3]: frontend -> host 443/tcp\"",
	"add rule inet netctl net-web-hostpol ip6 saddr @grp6-web-frontend tcp dport 443 counter "
	"accept comment \"allow[3]: frontend -> host 443/tcp\"",
	"delete set inet netctl grp-web-old",
	"delete chain inet netctl pol-web-0000000000000001",
	NULL,	/* the new mark: its name depends on the hash */
};

static void test_compile_golden(void **state)
{
	struct policy p;
	struct nft_batch b;
	const struct nft_batch_op *ops;
	char stale[2][160] = { "grp-web-old", "pol-web-0000000000000001" };
	struct err err = { 0 };
	char mark[160];
	size_t n, i;

	assert_int_equal(policy_parse(example, strlen(example), &p, &err), 0);
	assert_int_equal(p.n_groups, 2);
	assert_int_equal(p.n_rules, 4);
	assert_int_equal(p.rules[0].line, 7);
	assert_int_equal(p.rules[3].line, 10);
	assert_int_equal(p.rules[3].to, POLICY_HOST);
	assert_true(policy_match(&p, 0, "web-1"));
	assert_false(policy_match(&p, 0, "pg"));
	assert_true(policy_match(&p, 1, "pg-replica-2"));
	assert_false(policy_match(&p, 1, NULL));
	nft_batch_begin(&b, offline_conn());
	policy_build(&b, &p, "web", stale, 2);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	for (i = 0; golden[i] && i < n; i++)
		assert_string_equal(ops[i].what, golden[i]);
	assert_int_equal(n, sizeof(golden) / sizeof(golden[0]));
	policy_mark_name(mark, sizeof(mark), "web", p.hash);
	assert_non_null(strstr(ops[n - 1].what, mark));
	nft_batch_free(&b);
	policy_free(&p);
}

/*
 * icc true: the chain just accepts; groups still exist for later. Rules to the host
 * are compiled all the same (they matter when the network's host access is not "all").
 */
static void test_compile_icc_on(void **state)
{
	const char *t = "{\"version\":1,\"icc\":true,\"groups\":{\"a\":[\"x\"]},"
			"\"allow\":[{\"from\":\"a\",\"to\":\"a\"},"
			"{\"from\":\"*\",\"to\":\"host\",\"ports\":[\"22/tcp\"]}]}";
	struct policy p;
	struct nft_batch b;
	const struct nft_batch_op *ops;
	struct err err = { 0 };
	size_t n;

	assert_int_equal(policy_parse(t, strlen(t), &p, &err), 0);
	nft_batch_begin(&b, offline_conn());
	policy_build(&b, &p, "n", NULL, 0);
	ops = nft_batch_ops(&b, &n);
	assert_int_equal(n, 9);
	assert_string_equal(ops[3].what, "add rule inet netctl net-n-policy counter accept comment \"icc on: accept\"");
	assert_string_equal(ops[6].what, "add rule inet netctl net-n-hostpol ip saddr @members-n "
			    "tcp dport 22 counter accept comment \"allow[1]: * -> host 22/tcp\"");
	nft_batch_free(&b);
	policy_free(&p);
}

static void test_errors(void **state)
{
	expect_error("{\"version\":1,\n\"groups\":{\"a\":[\"x\"]},\n\"allow\":[\n"
		     "{\"from\":\"a\",\n\"to\":\"dbx\"}]}",
		     "line 5: allow[0].to: unknown group \"dbx\"");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"70000/tcp\"]}]}",
		     "line 2: allow[0].ports[0]: \"70000/tcp\": ports are 1-65535");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"x/tcp\"]}]}",
		     "allow[0].ports[0]");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"90-80/udp\"]}]}",
		     "line 2: allow[0].ports[0]: \"90-80/udp\": reversed range");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"80/icmp\"]}]}",
		     "unknown protocol");
	expect_error("{\"version\":1,\n\"groups\":{\"a\":[\"x\"],\n\"a\":[\"y\"]}}",
		     "line 3: duplicate object key");
	expect_error("{\n\"version\": 3}", "line 2: version: unsupported version");
	expect_error("{\"groups\":{}}", "missing \"version\"");
	expect_error("{\"version\":1,\n\"alow\":[]}", "line 2: alow: unknown key");
	expect_error("{\"version\":1,\"groups\":{\"Bad-Name\":[\"x\"]}}", "groups.Bad-Name");
	expect_error("{\"version\":1,\"groups\":{\"a\":[]}}", "groups.a");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x/y\"]}}", "groups.a[0]");
	expect_error("{\"version\":1,\n\"allow\":[{\"from\":\"*\"}]}", "line 2: allow[0]: missing \"to\"");
	expect_error("{\"version\":1,\"allow\":[{\"from\":\"*\",\"to\":\"*\",\"port\":[]}]}",
		     "allow[0].port: unknown key");
	expect_error("{\"version\":1,\"icc\":\"no\"}", "icc: must be true or false");
	expect_error("{\"version\":1,\"network\":\"../x\"}", "network: not a network name");
	expect_error("[1]", "a policy is a JSON object");
	expect_error("{\"version\":1,\n\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"to\":\"a\",\n\"from\":\"host\"}]}",
		     "line 4: allow[0].from: \"host\" can only be a destination");
	expect_error("{\"version\":1,\n\"groups\":{\n\"host\":[\"x\"]}}",
		     "line 3: groups.host: \"host\" is reserved");
	expect_error("{\"version\":1,", "line 1:");
}

static void test_too_big(void **state)
{
	size_t n = POLICY_FILE_MAX + 2;
	char *big = malloc(n);
	struct policy p;
	struct err err = { 0 };

	assert_non_null(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	assert_int_equal(policy_parse(big, n, &p, &err), -EFBIG);
	assert_non_null(strstr(err.details, "over the"));
	free(big);
}

/* The shipped example must stay valid (tests run from the repository root). */
static void test_example_file(void **state)
{
	struct policy p;
	struct err err = { 0 };

	assert_int_equal(policy_load("conf/examples/web-policy.json", &p, &err), 0);
	assert_int_equal(p.n_groups, 3);
	assert_int_equal(p.n_rules, 3);
	assert_false(p.icc);
	policy_free(&p);
	assert_int_not_equal(policy_load("conf/examples/nosuch.json", &p, &err), 0);
	assert_non_null(strstr(err.details, "nosuch.json"));
}

static void test_jpos(void **state)
{
	const char *t = "{\n \"a\": [1,\n  {\"b\": \"x\\\"y\",\n   \"c\": 2}],\n \"d\": {}\n}";
	struct jpos_step p1[] = { { "a", 0 }, { NULL, 1 }, { "c", 0 } };
	struct jpos_step p2[] = { { "d", 0 } };
	struct jpos_step p3[] = { { "zz", 0 } };

	assert_int_equal(jpos_line(t, strlen(t), p1, 3), 4);
	assert_int_equal(jpos_line(t, strlen(t), p2, 1), 5);
	assert_int_equal(jpos_line(t, strlen(t), p3, 1), 0);
	/* Garbage (never given by the parser, but fuzzed) ends, never spins. */
	{
		static const char junk[] = "[1,\0\0:2,{[[[\"";
		struct jpos_step p4[] = { { NULL, 5 }, { "x", 0 } };

		jpos_line(junk, sizeof(junk), p4, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_golden), cmocka_unit_test(test_compile_icc_on),
		cmocka_unit_test(test_errors),	       cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_jpos),		cmocka_unit_test(test_example_file),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
