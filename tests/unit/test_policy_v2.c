// SPDX-License-Identifier: Apache-2.0
/* policy/ version 2: address groups, port ranges as interval sets, egress, published
 * port sources; line-precise refusals. Version 1 goldens stay in test_policy.c. */
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

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "nft/nflog.h"
#include "policy/compile.h"
#include "policy/explain.h"
#include "policy/policy.h"
#include "tests/unit/nft_offline.h"
#include "tests/unit/policy_expect.h"

static const char example[] =
	"{\n"
	"  \"version\": 2,\n"
	"  \"network\": \"shop\",\n"
	"  \"egress\": \"deny\",\n"
	"  \"groups\": {\n"
	"    \"web\": [\"web-*\"],\n"
	"    \"partners\": { \"cidrs\": [\"203.0.113.128/25\", \"203.0.113.0/25\",\n"
	"                             \"2001:db8::/48\", \"198.51.100.7\"] }\n"
	"  },\n"
	"  \"allow\": [\n"
	"    { \"from\": \"web\", \"to\": \"web\", \"ports\": [\"8000-8100/tcp\", \"udp\", \"443/tcp\"] },\n"
	"    { \"from\": \"web\", \"to\": \"partners\", \"ports\": [\"443/tcp\"] },\n"
	"    { \"from\": \"web\", \"to\": \"world\", \"ports\": [\"icmp\"] },\n"
	"    { \"from\": \"partners\", \"to\": \"web\", \"ports\": [\"443/tcp\"] }\n"
	"  ]\n"
	"}\n";

static const char *const golden[] = {
	"add set inet netctl drops-shop",
	"add set inet netctl drops6-shop",
	"add set inet netctl grp-shop-web",
	"add set inet netctl grp6-shop-web",
	"add set inet netctl grp-shop-partners",
	"add set inet netctl grp6-shop-partners",
	"add set inet netctl addr-shop-partners",
	"flush set inet netctl addr-shop-partners",
	/* two /25s merged into one range; a single address; ends one past each */
	"add elements 198.51.100.7,... to set addr-shop-partners (198.51.100.7/32)",
	"add set inet netctl addr6-shop-partners",
	"flush set inet netctl addr6-shop-partners",
	"add elements 2001:db8::,... to set addr6-shop-partners (2001:db8::/48)",
	"add chain inet netctl net-shop-policy",
	"flush chain inet netctl net-shop-policy",
	"add set inet netctl { 443, 8000-8100 }",
	"add rule inet netctl net-shop-policy ip saddr @grp-shop-web ip daddr @grp-shop-web "
	"tcp dport { 443, 8000-8100 } counter accept comment \"allow[0]: web -> web "
	"443,8000-8100/tcp\"",
	"add rule inet netctl net-shop-policy ip saddr @grp-shop-web ip daddr @grp-shop-web "
	"meta l4proto udp counter accept comment \"allow[0]: web -> web udp\"",
	"add set inet netctl { 443, 8000-8100 }",
	"add rule inet netctl net-shop-policy ip6 saddr @grp6-shop-web ip6 daddr @grp6-shop-web "
	"tcp dport { 443, 8000-8100 } counter accept comment \"allow[0]: web -> web "
	"443,8000-8100/tcp\"",
	"add rule inet netctl net-shop-policy ip6 saddr @grp6-shop-web ip6 daddr @grp6-shop-web "
	"meta l4proto udp counter accept comment \"allow[0]: web -> web udp\"",
	"add rule inet netctl net-shop-policy update @drops-shop { ip saddr counter } comment "
	"\"count: final drop\"",
	"add rule inet netctl net-shop-policy update @drops6-shop { ip6 saddr counter } comment "
	"\"count: final drop\"",
	"add rule inet netctl net-shop-policy counter drop comment \"final drop\"",
	"add chain inet netctl net-shop-hostpol",
	"flush chain inet netctl net-shop-hostpol",
	"add chain inet netctl net-shop-egress",
	"flush chain inet netctl net-shop-egress",
	"add rule inet netctl net-shop-egress ip saddr @grp-shop-web ip daddr @addr-shop-partners "
	"tcp dport 443 counter accept comment \"allow[1]: web -> partners 443/tcp\"",
	"add rule inet netctl net-shop-egress ip6 saddr @grp6-shop-web ip6 daddr "
	"@addr6-shop-partners tcp dport 443 counter accept comment \"allow[1]: web -> "
	"partners 443/tcp\"",
	"add rule inet netctl net-shop-egress ip saddr @grp-shop-web meta l4proto icmp counter "
	"accept comment \"allow[2]: web -> world icmp\"",
	"add rule inet netctl net-shop-egress ip6 saddr @grp6-shop-web meta l4proto ipv6-icmp "
	"counter accept comment \"allow[2]: web -> world icmp\"",
	"add rule inet netctl net-shop-egress update @drops-shop { ip saddr counter } comment "
	"\"count: egress deny\"",
	"add rule inet netctl net-shop-egress update @drops6-shop { ip6 saddr counter } comment "
	"\"count: egress deny\"",
	"add rule inet netctl net-shop-egress counter drop comment \"egress deny\"",
	"add chain inet netctl net-shop-pubsrc",
	"flush chain inet netctl net-shop-pubsrc",
	"add rule inet netctl net-shop-pubsrc iifname @bridges return comment \"from a host "
	"bridge: not outside\"",
	"add rule inet netctl net-shop-pubsrc ip saddr @addr-shop-partners ip daddr "
	"@grp-shop-web tcp dport 443 counter return comment \"allow[3]: partners -> web "
	"443/tcp\"",
	"add rule inet netctl net-shop-pubsrc ip6 saddr @addr6-shop-partners ip6 daddr "
	"@grp6-shop-web tcp dport 443 counter return comment \"allow[3]: partners -> web "
	"443/tcp\"",
	"add rule inet netctl net-shop-pubsrc ip daddr @grp-shop-web tcp dport 443 counter "
	"drop comment \"pub-only[3]: partners -> web 443/tcp\"",
	"add rule inet netctl net-shop-pubsrc ip6 daddr @grp6-shop-web tcp dport 443 "
	"counter drop comment \"pub-only[3]: partners -> web 443/tcp\"",
	NULL,	/* the mark */
};

static void test_compile_v2_golden(void **state)
{
	struct policy p;
	struct nft_batch b;
	const struct nft_batch_op *ops;
	struct err err = { 0 };
	size_t n, i, k;

	assert_int_equal(policy_parse(example, strlen(example), &p, &err), 0);
	assert_int_equal(p.version, 2);
	assert_true(p.egress_deny);
	assert_int_equal(p.groups[1].n_cidrs, 4);
	assert_int_equal(p.groups[1].n_cidrs6, 1);
	assert_int_equal(policy_rule_slots(&p, 0), 2);
	assert_int_equal(p.rules[2].to, POLICY_WORLD);
	nft_batch_begin(&b, offline_conn());
	policy_build(&b, &p, "shop", NULL, 0);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	/* element messages (ranges) are named by their first element only: skip the
	 * anonymous sets' own element messages, which golden[] does not list */
	for (i = 0, k = 0; i < n && golden[k]; i++) {
		if (strstr(ops[i].what, "to set __set%d"))
			continue;
		assert_string_equal(ops[i].what, golden[k]);
		k++;
	}
	assert_null(golden[k]);
	assert_non_null(strstr(ops[n - 1].what, "add chain inet netctl pol-shop-"));
	nft_batch_free(&b);
	policy_free(&p);
}

static void test_v2_errors(void **state)
{
	expect_error("{\"version\":2,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"8000-8100/tcp\",\n"
		     "\"8050/tcp\"]}]}",
		     "line 3: allow[0].ports[1]: 8050/tcp overlaps 8000-8100/tcp");
	expect_error("{\"version\":2,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"udp\",\"53/udp\"]}]}",
		     "allow[0].ports[1]: 53/udp overlaps udp");
	expect_error("{\"version\":2,\"groups\":{\n\"p\":{\"cidrs\":[\n\"203.0.113.5/24\"]}}}",
		     "line 3: groups.p.cidrs[0]: \"203.0.113.5/24\" has host bits set (the "
		     "network is 203.0.113.0/24)");
	expect_error("{\"version\":2,\"groups\":{\"p\":{\"cidrs\":[\"203.0.113.0/24\",\n"
		     "\"203.0.113.64/26\"]}}}",
		     "line 2: groups.p.cidrs[1]: 203.0.113.64/26 overlaps 203.0.113.0/24");
	expect_error("{\"version\":2,\"groups\":{\"p\":{\"cidrs\":[\n\"::ffff:192.0.2.0/120\"]}}}",
		     "line 2: groups.p.cidrs[0]: \"::ffff:192.0.2.0/120\": an IPv4-mapped IPv6 "
		     "address mixes the families");
	expect_error("{\"version\":2,\"groups\":{\"p\":{\n\"cidr\":[]}}}",
		     "line 2: groups.p.cidr: unknown key (names, cidrs)");
	expect_error("{\"version\":2,\n\"egres\":\"deny\"}", "line 2: egres: unknown key");
	expect_error("{\"version\":1,\n\"egress\":\"deny\"}", "line 2: egress: unknown key");
	expect_error("{\"version\":2,\n\"egress\":\"block\"}",
		     "line 2: egress: must be \"allow\" or \"deny\"");
	expect_error("{\"version\":2,\"groups\":{\"p\":{\"cidrs\":[\"192.0.2.0/24\"]}},"
		     "\"allow\":[\n{\"from\":\"p\",\"to\":\"world\"}]}",
		     "line 2: allow[0].to: neither end names containers");
	expect_error("{\"version\":2,\"groups\":{\"p\":{\"cidrs\":[\"192.0.2.0/24\"]}},"
		     "\"allow\":[\n{\"from\":\"p\",\"to\":\"host\"}]}",
		     "allow[0].from: an address group cannot be a source of \"host\"");
	expect_error("{\"version\":2,\"groups\":{\"world\":[\"x\"]}}", "\"world\" is reserved");
	expect_error("{\"version\":2,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"log\":\"yes\"}]}",
		     "line 2: allow[0].log: must be true or false");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"world\"}]}", "unknown group \"world\"");
	expect_error("{\"version\":1,\"groups\":{\"a\":[\"x\"]},\"allow\":[\n"
		     "{\"from\":\"a\",\"to\":\"a\",\"ports\":[\"udp\"]}]}", "allow[0].ports[0]");
}

/* explain for outside addresses, as the kernel decides them (see policy-v2.sh). */
static void test_explain_outside(void **state)
{
	struct policy p;
	struct policy_verdict v;
	struct policy_flow f = { .from = "web-1", .from_member = true, .to_outside = true,
				 .proto = IPPROTO_TCP, .port = 443 };
	struct err err = { 0 };

	assert_int_equal(policy_parse(example, strlen(example), &p, &err), 0);
	assert_int_equal(ip_addr_parse("203.0.113.200", &f.outside), 0);
	policy_explain(&p, &f, &v);
	assert_true(v.allow);
	assert_int_equal(v.rule, 1);
	f.port = 444;
	policy_explain(&p, &f, &v);
	assert_false(v.allow);
	assert_int_equal(v.reason, POLICY_BY_EGRESS);
	f.proto = POLICY_PROTO_ICMP;
	f.port = 0;
	policy_explain(&p, &f, &v);
	assert_true(v.allow);
	assert_int_equal(v.rule, 2);
	/* from outside to a published 443 of web-1 */
	f = (struct policy_flow){ .to = "web-1", .to_member = true, .from_outside = true,
				  .proto = IPPROTO_TCP, .port = 443, .published = true,
				  .published_only = true };
	assert_int_equal(ip_addr_parse("2001:db8:0:1::5", &f.outside), 0);
	policy_explain(&p, &f, &v);
	assert_true(v.allow);
	assert_int_equal(v.rule, 3);
	assert_int_equal(ip_addr_parse("192.0.2.1", &f.outside), 0);
	policy_explain(&p, &f, &v);
	assert_false(v.allow);
	assert_non_null(strstr(v.text, "pub-only[3]"));
	f.port = 53;
	f.proto = IPPROTO_UDP;
	policy_explain(&p, &f, &v);
	assert_true(v.allow);
	f.published = false;
	policy_explain(&p, &f, &v);
	assert_false(v.allow);
	policy_free(&p);
}

/* Audit mode: drops become logged accepts (returns in pubsrc); log rules carry the
 * verdict word in their prefix. */
static void test_compile_audit_log(void **state)
{
	const char *t = "{\"version\":2,\"mode\":\"audit\",\"egress\":\"deny\","
			"\"groups\":{\"a\":[\"x\"]},\"allow\":[{\"from\":\"a\",\"to\":\"a\","
			"\"ports\":[\"udp\"],\"log\":true}]}";
	const char *want[] = {
		"add rule inet netctl net-n-policy ip saddr @grp-n-a ip daddr @grp-n-a meta "
		"l4proto udp limit rate 50/second burst 100 packets log prefix \"net:n allow "
		"allow[0]\" group 2717 comment \"log: allow[0]: a -> a udp\"",
		"add rule inet netctl net-n-policy limit rate 50/second burst 100 packets log "
		"prefix \"net:n audit final drop\" group 2717 comment \"log: final drop\"",
		"add rule inet netctl net-n-policy counter accept comment \"final drop\"",
		"add rule inet netctl net-n-egress limit rate 50/second burst 100 packets log "
		"prefix \"net:n audit egress deny\" group 2717 comment \"log: egress deny\"",
		"add rule inet netctl net-n-egress counter accept comment \"egress deny\"",
		NULL,
	};
	const struct nft_batch_op *ops;
	struct nft_batch b;
	struct policy p;
	struct err err = { 0 };
	size_t n, i, k;

	assert_int_equal(policy_parse(t, strlen(t), &p, &err), 0);
	assert_int_equal(p.mode, POLICY_AUDIT);
	nft_batch_begin(&b, offline_conn());
	policy_build(&b, &p, "n", NULL, 0);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	for (k = 0; want[k]; k++) {
		for (i = 0; i < n && strcmp(ops[i].what, want[k]); i++)
			;
		if (i == n)
			fail_msg("no op \"%s\"", want[k]);
	}
	nft_batch_free(&b);
	policy_free(&p);
}

/* An NFLOG packet message as the kernel sends it, decoded. */
static void test_nflog_parse(void **state)
{
	static const uint8_t ip[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, IPPROTO_TCP, 0, 0,
					10, 96, 0, 4, 203, 0, 113, 9, 0x9c, 0x40, 0x01, 0xbb };
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	struct nft_log_entry e;
	char a[IP_STR_MAX];

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_INET;
	mnl_attr_put_strz(nlh, NFULA_PREFIX, "net:shop drop final drop");
	mnl_attr_put_u32(nlh, NFULA_IFINDEX_INDEV, htonl(7));
	mnl_attr_put(nlh, NFULA_PAYLOAD, sizeof(ip), ip);
	assert_int_equal(nft_log_parse(nlh, &e), 0);
	assert_string_equal(e.prefix, "net:shop drop final drop");
	assert_int_equal(e.indev, 7);
	assert_int_equal(e.proto, IPPROTO_TCP);
	assert_int_equal(e.sport, 40000);
	assert_int_equal(e.dport, 443);
	ip_addr_format(&e.daddr, a, sizeof(a));
	assert_string_equal(a, "203.0.113.9");
}

struct plan_ck {
	const struct nft_batch_op *ops;
	size_t n, at, seen;
	bool bad;
};

/* Each planned rule is the next "add rule" op of the batch: same chain and comment. */
static void plan_ck_cb(const char *chain, const char *comment, int verdict, void *data)
{
	struct plan_ck *pc = data;
	char head[200], tail[200];

	while (pc->at < pc->n && strncmp(pc->ops[pc->at].what, "add rule ", 9))
		pc->at++;
	if (pc->at == pc->n) {
		pc->bad = true;
		return;
	}
	snprintf(head, sizeof(head), "add rule inet netctl %s ", chain);
	snprintf(tail, sizeof(tail), "comment \"%s\"", comment);
	if (strncmp(pc->ops[pc->at].what, head, strlen(head)) ||
	    !strstr(pc->ops[pc->at].what, tail))
		pc->bad = true;
	pc->at++;
	pc->seen++;
}

static void test_plan_is_build(void **state)
{
	static const char *const files[] = { example,
		"{\"version\":2,\"mode\":\"audit\",\"log\":true,\"egress\":\"deny\",\"groups\":"
		"{\"a\":[\"x\"],\"p\":{\"cidrs\":[\"192.0.2.0/24\"]}},\"allow\":[{\"from\":"
		"\"a\",\"to\":\"a\",\"ports\":[\"udp\",\"1-2/tcp\",\"5/tcp\"],\"log\":true},"
		"{\"from\":\"p\",\"to\":\"a\",\"ports\":[\"80/tcp\"],\"log\":true},"
		"{\"from\":\"a\",\"to\":\"host\"}]}" };
	size_t f, i, rules;

	for (f = 0; f < 2; f++) {
		struct plan_ck pc = { 0 };
		struct nft_batch b;
		struct policy p;
		struct err err = { 0 };

		assert_int_equal(policy_parse(files[f], strlen(files[f]), &p, &err), 0);
		nft_batch_begin(&b, offline_conn());
		policy_build(&b, &p, "shop", NULL, 0);
		pc.ops = nft_batch_ops(&b, &pc.n);
		assert_int_equal(policy_plan_v2(&p, "shop", plan_ck_cb, &pc), 0);
		for (i = 0, rules = 0; i < pc.n; i++)
			rules += !strncmp(pc.ops[i].what, "add rule ", 9);
		assert_false(pc.bad);
		assert_int_equal(pc.seen, rules);
		nft_batch_free(&b);
		policy_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_v2_golden),
		cmocka_unit_test(test_v2_errors),
		cmocka_unit_test(test_explain_outside),
		cmocka_unit_test(test_compile_audit_log),
		cmocka_unit_test(test_nflog_parse),
		cmocka_unit_test(test_plan_is_build),
	};

	return cmocka_run_group_tests_name("policy_v2", tests, NULL, NULL);
}
