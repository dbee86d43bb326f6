// SPDX-License-Identifier: Apache-2.0
/* policy/explain: the evaluator behind `netctl policy explain` and the diff behind
 * `netctl policy diff`, against golden answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "policy/explain.h"
#include "policy/policy.h"

static const char web[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"network\": \"web\",\n"
	"  \"groups\": { \"frontend\": [\"web-*\"], \"db\": [\"pg\", \"pg-replica-*\"],\n"
	"              \"dns\": [\"coredns-*\"] },\n"
	"  \"allow\": [\n"
	"    { \"from\": \"frontend\", \"to\": \"db\", \"ports\": [\"5432/tcp\"] },\n"
	"    { \"from\": \"*\", \"to\": \"dns\", \"ports\": [\"53/udp\", \"53/tcp\"] },\n"
	"    { \"from\": \"db\", \"to\": \"db\" }\n"
	"  ]\n"
	"}\n";

static void load(struct policy *p, const char *t)
{
	struct err err = { 0 };

	assert_int_equal(policy_parse(t, strlen(t), p, &err), 0);
}

struct flow_case {
	const char *from, *to, *pp;
	bool established;
	bool allow;
	const char *text;
};

static const struct flow_case web_cases[] = {
	{ "web-1", "pg", "5432/tcp", false, true,
	  "allow[0] (line 7): frontend -> db 5432/tcp" },
	{ "web-1", "pg-replica-2", "5432/tcp", false, true,
	  "allow[0] (line 7): frontend -> db 5432/tcp" },
	{ "web-1", "pg", "5432/udp", false, false,
	  "final drop: no allow rule matches (icc off: everything not allowed is dropped)" },
	{ "web-1", "pg", "5433/tcp", false, false,
	  "final drop: no allow rule matches (icc off: everything not allowed is dropped)" },
	{ "pg", "web-1", "5432/tcp", false, false,
	  "final drop: no allow rule matches (icc off: everything not allowed is dropped)" },
	{ "pg", "web-1", "5432/tcp", true, true,
	  "established: packets of an accepted connection pass (ct state "
	  "established,related accept, before the policy)" },
	{ "web-1", "pg", "icmp", false, false,
	  "final drop: no allow rule matches (icc off: everything not allowed is dropped)" },
	{ "pg", "pg-replica-1", "icmp", false, true, "allow[2] (line 9): db -> db any" },
	{ "pg", "pg-replica-1", "9999/udp", false, true, "allow[2] (line 9): db -> db any" },
	{ "misc", "coredns-a", "53/tcp", false, true, "allow[1] (line 8): * -> dns 53/tcp" },
	{ NULL, "coredns-a", "53/udp", false, true, "allow[1] (line 8): * -> dns 53/udp" },
	{ "misc", "coredns-a", "54/udp", false, false,
	  "final drop: no allow rule matches (icc off: everything not allowed is dropped)" },
	{ "web-1", "web-2", "80/tcp", false, false,
	  "final drop: no allow rule matches (icc off: everything not allowed is dropped)" },
};

static void run_case(const struct policy *p, const struct flow_case *c)
{
	struct policy_flow f = { .from = c->from, .to = c->to, .from_member = true,
				 .to_member = true, .established = c->established };
	struct policy_verdict v;

	assert_int_equal(policy_parse_portproto(c->pp, &f.proto, &f.port), 0);
	policy_explain(p, &f, &v);
	if (v.allow != c->allow || strcmp(v.text, c->text))
		fail_msg("%s -> %s %s: got %s \"%s\"", c->from, c->to, c->pp,
			 v.allow ? "allow" : "deny", v.text);
}

static void test_explain_web(void **state)
{
	struct policy p;
	size_t i;

	load(&p, web);
	for (i = 0; i < sizeof(web_cases) / sizeof(web_cases[0]); i++)
		run_case(&p, &web_cases[i]);
	policy_free(&p);
}

static void test_explain_icc_and_edges(void **state)
{
	struct policy p;
	struct policy_flow f = { "a", "b", true, true, false, IPPROTO_TCP, 80, false };
	struct policy_verdict v;

	load(&p, "{\"version\":1,\"icc\":true}");
	policy_explain(&p, &f, &v);
	assert_true(v.allow);
	assert_int_equal(v.reason, POLICY_BY_ICC);
	assert_string_equal(v.text, "icc on: same network traffic is bridged, not filtered");
	policy_free(&p);

	load(&p, "{\"version\":1}");	/* icc off, no rules: everything dropped */
	policy_explain(&p, &f, &v);
	assert_false(v.allow);
	assert_int_equal(v.reason, POLICY_BY_FINAL_DROP);
	f.same = true;
	policy_explain(&p, &f, &v);
	assert_true(v.allow);
	assert_int_equal(v.reason, POLICY_BY_SAME);
	f.same = false;
	f.to_member = false;
	policy_explain(&p, &f, &v);
	assert_int_equal(v.reason, POLICY_BY_NOT_MEMBER);
	policy_free(&p);
}

static const char hostpol[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"groups\": { \"web\": [\"web-*\"], \"db\": [\"pg\"] },\n"
	"  \"allow\": [\n"
	"    { \"from\": \"web\", \"to\": \"host\", \"ports\": [\"443/tcp\"] },\n"
	"    { \"from\": \"web\", \"to\": \"db\", \"ports\": [\"443/tcp\"] },\n"
	"    { \"from\": \"db\", \"to\": \"host\" }\n"
	"  ]\n"
	"}\n";

struct host_case {
	const char *from, *pp;
	enum nft_host_access host;
	bool established, allow;
	const char *text;
};

#define HOST_DROP(mode) "host access " mode ": no allow rule to \"host\" matches, so " \
	"net-<net>-host drops it"
static const struct host_case host_cases[] = {
	{ "web-1", "443/tcp", NFT_HOST_DNS, false, true,
	  "allow[0] (line 5): web -> host 443/tcp" },
	{ "web-1", "443/tcp", NFT_HOST_NONE, false, true,
	  "allow[0] (line 5): web -> host 443/tcp" },
	{ "web-1", "22/tcp", NFT_HOST_DNS, false, false, HOST_DROP("dns") },
	{ "web-1", "icmp", NFT_HOST_DNS, false, true,
	  "host access dns: ping to the network's gateway addresses passes" },
	{ "web-1", "icmp", NFT_HOST_NONE, false, false, HOST_DROP("none") },
	{ "misc", "443/tcp", NFT_HOST_DNS, false, false, HOST_DROP("dns") },
	{ "misc", "53/udp", NFT_HOST_DNS, false, true,
	  "host access dns: DNS (UDP/TCP 53) on the network's gateway addresses passes" },
	{ "misc", "53/tcp", NFT_HOST_DNS, false, true,
	  "host access dns: DNS (UDP/TCP 53) on the network's gateway addresses passes" },
	{ "misc", "53/udp", NFT_HOST_NONE, false, false, HOST_DROP("none") },
	{ "misc", "53/sctp", NFT_HOST_DNS, false, false, HOST_DROP("dns") },
	{ "misc", "22/tcp", NFT_HOST_ALL, false, true,
	  "host access all: the network's containers reach every service of the host" },
	{ "misc", "22/tcp", NFT_HOST_NONE, true, true,
	  "established: packets of an accepted connection pass (ct state "
	  "established,related accept in net-<net>-host)" },
	{ "pg", "icmp", NFT_HOST_NONE, false, true, "allow[2] (line 7): db -> host any" },
};

/* To the host: the network's host access, then the "host" rules; never group rules. */
static void test_explain_host(void **state)
{
	struct policy_flow f = { .from_member = true, .to_member = true, .to_host = true };
	struct policy_verdict v;
	struct policy p;
	char buf[64];
	size_t i;

	load(&p, hostpol);
	for (i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		const struct host_case *c = &host_cases[i];

		f.from = c->from;
		f.host = c->host;
		f.established = c->established;
		assert_int_equal(policy_parse_portproto(c->pp, &f.proto, &f.port), 0);
		policy_explain(&p, &f, &v);
		if (v.allow != c->allow || strcmp(v.text, c->text))
			fail_msg("%s -> host %s: got %s \"%s\"", c->from, c->pp,
				 v.allow ? "allow" : "deny", v.text);
	}
	/* netctl graph's edges to the host */
	assert_int_equal(policy_host_ports(&p, "web-1", NFT_HOST_DNS, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "53/udp, 53/tcp, icmp, 443/tcp");
	assert_int_equal(policy_host_ports(&p, "web-1", NFT_HOST_NONE, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "443/tcp");
	assert_int_equal(policy_host_ports(&p, "misc", NFT_HOST_NONE, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(policy_host_ports(&p, "pg", NFT_HOST_NONE, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "any");
	assert_int_equal(policy_host_ports(&p, "misc", NFT_HOST_ALL, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "any");
	/* A container named "host" is no target of the host rules, in explain or graph. */
	f = (struct policy_flow){ "pg", "host", true, true, false, IPPROTO_TCP, 443, false };
	policy_explain(&p, &f, &v);
	assert_false(v.allow);
	assert_int_equal(policy_flow_ports(&p, "pg", "host", buf, sizeof(buf)), 0);
	policy_free(&p);
}

static void test_flow_ports(void **state)
{
	struct policy p;
	char buf[256];

	load(&p, web);
	assert_int_equal(policy_flow_ports(&p, "web-1", "pg", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "5432/tcp");
	assert_int_equal(policy_flow_ports(&p, "web-1", "coredns-1", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "53/udp, 53/tcp");
	assert_int_equal(policy_flow_ports(&p, "pg", "pg-replica-1", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "any");
	assert_int_equal(policy_flow_ports(&p, "pg", "web-1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	policy_free(&p);
	load(&p, "{\"version\":1,\"allow\":[{\"from\":\"*\",\"to\":\"*\",\"ports\":"
		 "[\"5353/tcp\"]},{\"from\":\"*\",\"to\":\"*\",\"ports\":[\"53/tcp\","
		 "\"5353/tcp\"]}]}");
	assert_int_equal(policy_flow_ports(&p, "a", "b", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "5353/tcp, 53/tcp");
	policy_free(&p);
	load(&p, "{\"version\":1,\"icc\":true}");
	assert_int_equal(policy_flow_ports(&p, "a", "b", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "any");
	policy_free(&p);
}

static void test_portproto(void **state)
{
	uint8_t proto;
	uint16_t port;
	static const char *const bad[] = { "", "0/tcp", "65536/tcp", "80", "80/", "80/xyz",
					   "tcp/80", "-1/tcp", "80/tcp/", "8o/tcp" };
	size_t i;

	assert_int_equal(policy_parse_portproto("65535/udp", &proto, &port), 0);
	assert_int_equal(proto, IPPROTO_UDP);
	assert_int_equal(port, 65535);
	assert_int_equal(policy_parse_portproto("ping", &proto, &port), 0);
	assert_int_equal(proto, POLICY_PROTO_ICMP);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (policy_parse_portproto(bad[i], &proto, &port) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
}

static const char web_v2[] =
	"{ \"version\": 1, \"network\": \"web\",\n"
	"  \"groups\": { \"frontend\": [\"web-*\"], \"db\": [\"pg\"], \"tools\": [\"misc\"] },\n"
	"  \"allow\": [\n"
	"    { \"from\": \"frontend\", \"to\": \"db\", \"ports\": [\"5432/tcp\"] },\n"
	"    { \"from\": \"tools\", \"to\": \"db\", \"ports\": [\"5433/tcp\"] } ] }\n";

/* The kernel as `policy apply` of `web` left it, and three running containers. */
static const char *const k_rules[] = {
	"allow[0]: frontend -> db 5432/tcp", "allow[0]: frontend -> db 5432/tcp",
	"allow[1]: * -> dns 53/udp", "allow[1]: * -> dns 53/tcp",
	"allow[1]: * -> dns 53/udp", "allow[1]: * -> dns 53/tcp",
	"allow[2]: db -> db any", "allow[2]: db -> db any", "final drop",
};
static const char *fe_ids[] = { "id-web1" };
static const char *db_ids[] = { "id-pg", "id-pgr", "id-pg" };
static const char *dns_ids[] = { "id-dns" };
static const struct policy_kgroup k_groups[] = {
	{ "frontend", fe_ids, 1 }, { "db", db_ids, 3 }, { "dns", dns_ids, 1 },
};
static const struct policy_member members[] = {
	{ "id-web1", "web-1" }, { "id-pg", "pg" }, { "id-pg", "pg" },
	{ "id-pgr", "pg-replica-1" }, { "id-misc", "misc" }, { "id-dns", "coredns-a" },
	{ "id-anon", NULL },
};

static const char *const diff_golden[] = {
	"- rule * -> dns 53/udp",
	"- rule * -> dns 53/tcp",
	"- rule db -> db any",
	"+ rule tools -> db 5433/tcp",
	"- group dns",
	"  group dns: - coredns-a (id-dns)",
	"  group db: - pg-replica-1 (id-pgr)",
	"+ group tools",
	"  group tools: + misc (id-misc)",
};

static void test_diff_golden(void **state)
{
	struct policy_kstate k = { k_rules, 9, k_groups, 3 };
	struct policy_changes out = { 0 };
	struct policy p;
	char line[256];
	size_t i;

	load(&p, web_v2);
	assert_int_equal(policy_diff(&k, &p, members, 7, &out), 0);
	for (i = 0; i < out.n && i < sizeof(diff_golden) / sizeof(diff_golden[0]); i++) {
		policy_change_str(line, sizeof(line), &out.c[i]);
		assert_string_equal(line, diff_golden[i]);
	}
	assert_int_equal(out.n, sizeof(diff_golden) / sizeof(diff_golden[0]));
	policy_changes_free(&out);
	policy_free(&p);
}

/* The same file as applied: no change. Nothing applied yet: everything is new. */
static void test_diff_same_and_fresh(void **state)
{
	struct policy_kstate k = { k_rules, 9, k_groups, 3 }, none = { 0 };
	struct policy_changes out = { 0 };
	struct policy p;
	char line[256];

	load(&p, web);
	assert_int_equal(policy_diff(&k, &p, members, 7, &out), 0);
	assert_int_equal(out.n, 0);
	assert_int_equal(policy_diff(&none, &p, members, 7, &out), 0);
	assert_int_equal(out.n, 5 + 2 + 3 + 2);	/* rules; each group + its members */
	policy_change_str(line, sizeof(line), &out.c[0]);
	assert_string_equal(line, "+ rule frontend -> db 5432/tcp");
	policy_change_str(line, sizeof(line), &out.c[4]);
	assert_string_equal(line, "+ rule final drop");
	policy_changes_free(&out);
	policy_free(&p);

	/* icc on replaces every rule by one accept. */
	load(&p, "{\"version\":1,\"icc\":true,\"groups\":{\"frontend\":[\"web-*\"],"
		 "\"db\":[\"pg\",\"pg-replica-*\"],\"dns\":[\"coredns-*\"]}}");
	assert_int_equal(policy_diff(&k, &p, members, 7, &out), 0);
	assert_int_equal(out.n, 6);
	policy_change_str(line, sizeof(line), &out.c[5]);
	assert_string_equal(line, "+ rule icc on: accept");
	policy_changes_free(&out);
	policy_free(&p);
}

/* Host rules are rule texts like any other; with icc on they are still installed. */
static void test_diff_host(void **state)
{
	static const char *const kr[] = { "allow[0]: frontend -> db 5432/tcp",
		"final drop", "allow[2]: frontend -> host 443/tcp" };
	struct policy_kstate k = { kr, 3, k_groups, 1 };
	struct policy_changes out = { 0 };
	struct policy p;
	char line[256];

	load(&p, "{\"version\":1,\"groups\":{\"frontend\":[\"web-*\"]},\"allow\":["
		 "{\"from\":\"frontend\",\"to\":\"host\",\"ports\":[\"443/tcp\"]},"
		 "{\"from\":\"frontend\",\"to\":\"host\",\"ports\":[\"53/udp\"]}]}");
	assert_int_equal(policy_diff(&k, &p, members, 1, &out), 0);
	assert_int_equal(out.n, 2);
	policy_change_str(line, sizeof(line), &out.c[0]);
	assert_string_equal(line, "- rule frontend -> db 5432/tcp");
	policy_change_str(line, sizeof(line), &out.c[1]);
	assert_string_equal(line, "+ rule frontend -> host 53/udp");
	policy_changes_free(&out);
	policy_free(&p);
	load(&p, "{\"version\":1,\"icc\":true,\"groups\":{\"frontend\":[\"web-*\"]},"
		 "\"allow\":[{\"from\":\"frontend\",\"to\":\"host\",\"ports\":[\"443/tcp\"]}]}");
	assert_int_equal(policy_diff(&k, &p, members, 1, &out), 0);
	assert_int_equal(out.n, 3);	/* - 5432, - final drop, + icc on: accept */
	policy_changes_free(&out);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explain_web), cmocka_unit_test(test_explain_icc_and_edges),
		cmocka_unit_test(test_portproto), cmocka_unit_test(test_flow_ports), cmocka_unit_test(test_diff_golden),
		cmocka_unit_test(test_diff_same_and_fresh), cmocka_unit_test(test_explain_host),
		cmocka_unit_test(test_diff_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
