// SPDX-License-Identifier: Apache-2.0
/* nft/: pure builders (no kernel): rule text, batch contents, argument errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/batch.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "ruleset/loopback.h"
#include "ruleset/names.h"
#include "ruleset/table.h"
#include "ruleset/portmap.h"
#include "nft/rule.h"
#include "ruleset/spoofchk.h"
#include "tests/unit/nft_offline.h"

static struct ip_prefix pfx(const char *s)
{
	struct ip_prefix p;

	assert_int_equal(ip_prefix_parse(s, &p), 0);
	return p;
}

static void test_rule_text(void **state)
{
	struct nft_rule_b rb;
	struct ip_prefix p = pfx("10.88.0.7/16"), h = pfx("fd00::5/128");

	nft_rb_init(&rb, "c");
	nft_rb_ct_state(&rb, NFT_CT_EST | NFT_CT_REL);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_ACCEPT, NULL);
	assert_int_equal(rb.err, 0);
	assert_string_equal(rb.text, "ct state established,related counter accept");
	nft_rb_free(&rb);

	nft_rb_init(&rb, "c");
	nft_rb_prefix(&rb, false, &p, true);
	nft_rb_addr_set(&rb, AF_INET, true, "grp-web-db", false);
	nft_rb_dport(&rb, IPPROTO_TCP, 5432, 5432);
	nft_rb_verdict(&rb, NFT_JUMP, "net-web-policy");
	assert_int_equal(rb.err, 0);
	assert_string_equal(rb.text, "ip daddr != 10.88.0.0/16 ip saddr @grp-web-db "
			    "tcp dport 5432 jump net-web-policy");
	nft_rb_free(&rb);

	nft_rb_init(&rb, "c");
	nft_rb_prefix(&rb, true, &h, false);
	nft_rb_dport(&rb, IPPROTO_UDP, 1000, 2000);
	nft_rb_comment(&rb, "hello");
	nft_rb_verdict(&rb, NF_DROP, NULL);
	assert_int_equal(rb.err, 0);
	assert_string_equal(rb.text, "ip6 saddr fd00::5 udp dport 1000-2000 comment \"hello\" drop");
	nft_rb_free(&rb);

	nft_rb_init(&rb, "forward");
	nft_rb_ifname_vmap(&rb, false, "fwd-from");
	nft_rb_ifname(&rb, true, "br0", true);
	nft_rb_ifname_set(&rb, true, "bridges");
	nft_rb_masquerade(&rb);
	assert_string_equal(rb.text, "iifname vmap @fwd-from oifname != \"br0\" "
			    "oifname @bridges masquerade");
	nft_rb_free(&rb);
}

static void test_rule_errors(void **state)
{
	struct nft_rule_b rb;
	struct ip_prefix p4 = pfx("10.0.0.0/8"), p6 = pfx("fd00::/8");

	nft_rb_init(&rb, "c");
	nft_rb_dport(&rb, IPPROTO_TCP, 10, 9);
	assert_int_equal(rb.err, -ERANGE);
	nft_rb_free(&rb);

	nft_rb_init(&rb, "c");
	nft_rb_prefix(&rb, true, &p4, false);
	nft_rb_prefix(&rb, true, &p6, false);	/* ip and ip6 in one rule */
	assert_int_equal(rb.err, -EINVAL);
	nft_rb_free(&rb);

	nft_rb_init(&rb, "c");
	nft_rb_ifname(&rb, false, "a-name-far-too-long", false);
	assert_int_equal(rb.err, -EINVAL);
	nft_rb_free(&rb);

	nft_rb_init(&rb, "c");
	nft_rb_verdict(&rb, NFT_JUMP, NULL);
	assert_int_equal(rb.err, -EINVAL);
	nft_rb_free(&rb);

	nft_rb_init(&rb, "c");
	nft_rb_comment(&rb, "with \"quote\"");
	assert_int_equal(rb.err, -EINVAL);
	nft_rb_free(&rb);
}

/* A builder error is kept and reported by send, before any socket is touched. */
static void test_batch_error_kept(void **state)
{
	struct nft_conn c = { 0 };
	struct nft_batch b;
	struct nft_rule_b rb;
	struct err err = { 0 };

	nft_batch_begin(&b, &c);
	nft_batch_table(&b, true, NFPROTO_INET, "netctl");
	nft_rb_init(&rb, "forward");
	nft_rb_dport(&rb, IPPROTO_TCP, 9, 8);
	nft_batch_rule(&b, NFPROTO_INET, "netctl", &rb);
	nft_batch_table(&b, true, NFPROTO_INET, "netctl");
	assert_int_equal(nft_batch_send(&c, &b, &err), -ERANGE);
	assert_non_null(strstr(err.details, "rule in forward"));
	nft_batch_free(&b);
}

static const char *const golden_net[] = {
	"add table inet netctl",
	"add chain inet netctl forward",
	"add map inet netctl fwd-from",
	"add map inet netctl fwd-to",
	"add set inet netctl bridges",
	"add map inet netctl pub-src",
	"add set inet netctl pub-v4",
	"add set inet netctl pub-v6",
	"flush chain inet netctl forward",
	"add rule inet netctl forward ct state new ct status dnat oifname vmap @pub-src",
	"add rule inet netctl forward ct status dnat ip daddr . meta l4proto . th dport "
	"@pub-v4 counter accept",
	"add rule inet netctl forward ct status dnat ip6 daddr . meta l4proto . th dport "
	"@pub-v6 counter accept",
	"add rule inet netctl forward counter iifname vmap @fwd-from",
	"add rule inet netctl forward counter oifname vmap @fwd-to",
	"add chain inet netctl input",
	"add map inet netctl host-from",
	"flush chain inet netctl input",
	"add rule inet netctl input iifname vmap @host-from",
	"add set inet netctl members-web",
	"add set inet netctl members6-web",
	"add chain inet netctl net-web-from",
	"add chain inet netctl net-web-to",
	"add chain inet netctl net-web-policy",
	"add chain inet netctl net-web-egress",
	"add chain inet netctl net-web-pubsrc",
	"flush chain inet netctl net-web-policy",
	"add rule inet netctl net-web-policy counter drop",
	"flush chain inet netctl net-web-from",
	"add rule inet netctl net-web-from ct state established,related counter accept",
	"add rule inet netctl net-web-from ct state invalid counter drop",
	"add rule inet netctl net-web-from oifname \"br-web\" counter jump net-web-policy",
	"add rule inet netctl net-web-from oifname @bridges counter drop",
	"add rule inet netctl net-web-from oifname != @bridges jump net-web-egress",
	"flush chain inet netctl net-web-to",
	"add rule inet netctl net-web-to ct state established,related counter accept",
	"add rule inet netctl net-web-to ct state invalid counter drop",
	"add rule inet netctl net-web-to iifname @bridges counter drop",
	"add chain inet netctl net-web-host",
	"add chain inet netctl net-web-hostpol",
	"flush chain inet netctl net-web-host",
	"add rule inet netctl net-web-host ct state established,related counter accept",
	"add rule inet netctl net-web-host ct state invalid counter drop",
	"add rule inet netctl net-web-host icmp type 3 counter accept",
	"add rule inet netctl net-web-host icmp type 11-12 counter accept",
	"add rule inet netctl net-web-host icmpv6 type 1-4 counter accept",
	"add rule inet netctl net-web-host icmpv6 type 133 counter accept",
	"add rule inet netctl net-web-host icmpv6 type 135-136 counter accept",
	"add rule inet netctl net-web-host udp dport 53 fib daddr . iif type local counter "
	"accept",
	"add rule inet netctl net-web-host tcp dport 53 fib daddr . iif type local counter "
	"accept",
	"add rule inet netctl net-web-host icmp type 8 fib daddr . iif type local counter accept",
	"add rule inet netctl net-web-host icmpv6 type 128 fib daddr . iif type local counter "
	"accept",
	"add rule inet netctl net-web-host jump net-web-hostpol",
	"add rule inet netctl net-web-host counter drop comment \"host-access dns\"",
	"add element \"br-web\" to set fwd-from (web)",
	"add element \"br-web\" to set fwd-to (web)",
	"add element \"br-web\" to set host-from (web)",
	"add element \"br-web\" to set pub-src (web)",
	"add element \"br-web\" to set bridges (web)",
};

/* The whole layout of one network, as a golden list of messages. */
static void test_netctl_layout(void **state)
{
	struct nft_net net = { .name = "web", .bridge = "br-web", .isolate = true,
			       .icc = false, .host = NFT_HOST_DNS };
	const struct nft_batch_op *ops;
	struct nft_batch b;
	size_t n, i;

	nft_batch_begin(&b, offline_conn());
	nft_netctl_build_base(&b);
	nft_netctl_build_net(&b, &net);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	for (i = 0; i < n && i < sizeof(golden_net) / sizeof(golden_net[0]); i++)
		assert_string_equal(ops[i].what, golden_net[i]);
	assert_int_equal(n, sizeof(golden_net) / sizeof(golden_net[0]));
	/* Sequence numbers are distinct and follow BATCH_BEGIN (seq 1). */
	for (i = 0; i < n; i++)
		assert_int_equal(ops[i].seq, 2 + i);
	nft_batch_free(&b);
}

static void test_names(void **state)
{
	char buf[NFT_OBJ_NAME_MAX];
	struct nft_net bad = { .name = "../x", .bridge = "br0" };
	struct nft_batch b;

	assert_int_equal(nft_net_obj(buf, sizeof(buf), "net-", "web", "-from"), 0);
	assert_string_equal(buf, "net-web-from");
	assert_int_equal(nft_net_obj(buf, sizeof(buf), "net-", "a b", ""), -EINVAL);
	assert_int_equal(nft_net_obj(buf, sizeof(buf), "net-", "", ""), -EINVAL);
	nft_batch_begin(&b, offline_conn());
	nft_netctl_build_net(&b, &bad);
	assert_int_equal(b.err, -EINVAL);
	nft_batch_free(&b);
}

/* A group's sets: their names parse back, and never as another network's. */
static void test_group_names(void **state)
{
	char buf[NFT_OBJ_NAME_MAX];

	assert_int_equal(nft_group_set(buf, sizeof(buf), NFT_GRP6_PFX, "web", "db"), 0);
	assert_string_equal(buf, "grp6-web-db");
	assert_string_equal(nft_group_of(buf, NFT_GRP6_PFX, "web"), "db");
	assert_null(nft_group_of(buf, NFT_GRP4_PFX, "web"));
	assert_null(nft_group_of("grp-web-a-db", NFT_GRP4_PFX, "web"));	/* net web-a's */
	assert_string_equal(nft_group_of("grp-web-a-db", NFT_GRP4_PFX, "web-a"), "db");
	assert_null(nft_group_of("grp-web-", NFT_GRP4_PFX, "web"));
	assert_null(nft_group_of("grp-webx-db", NFT_GRP4_PFX, "web"));
	assert_int_equal(nft_set_owner("members6-web", "web"), NFT_OWNER_ALL);
	assert_int_equal(nft_set_owner("members-web2", "web"), NFT_OWNER_NONE);
	assert_int_equal(nft_set_owner("grp-web-db", "web"), NFT_OWNER_ALL);
	assert_int_equal(nft_set_owner("fwd-to", "web"), NFT_OWNER_BRIDGE);
	assert_int_equal(nft_set_owner("dnat-ip-v6", "web"), NFT_OWNER_COMMENT);
	assert_int_equal(nft_set_owner("spoof-v4", "web"), NFT_OWNER_NONE);
}

/* Many elements are split into several messages (libnftnl writes without bounds). */
static void test_elems_chunked(void **state)
{
	static uint8_t keys[1000][4];
	static struct nft_elem e[1000];
	struct nft_batch b;
	size_t i, n;

	for (i = 0; i < 1000; i++) {
		keys[i][0] = 10;
		keys[i][2] = (uint8_t)(i >> 8);
		keys[i][3] = (uint8_t)i;
		e[i] = (struct nft_elem){ .key = keys[i], .key_len = 4,
					  .verdict = NFT_CONTINUE, .comment = "c" };
	}
	nft_batch_begin(&b, offline_conn());
	nft_batch_elems(&b, true, NLM_F_CREATE, NFPROTO_INET, "netctl", "members-web", e, 1000);
	assert_int_equal(b.err, 0);
	nft_batch_ops(&b, &n);
	assert_int_equal(n, 4);
	assert_string_equal(b.ops[0].what, "add elements 10.0.0.0,... to set members-web (c)");
	nft_batch_free(&b);
}

/*
 * Large elements are split by their size, before anything is written: each list stays
 * within its 16-bit nest (1000 elements: 6 messages, not 4), over several pages.
 */
static void test_elems_chunked_by_size(void **state)
{
	static uint8_t keys[1000][64];
	static struct nft_elem e[1000];
	char comment[129];
	const struct nftnl_batch *pages;
	struct nft_batch b;
	size_t i, n;

	memset(comment, 'x', sizeof(comment) - 1);
	comment[sizeof(comment) - 1] = 0;
	for (i = 0; i < 1000; i++) {
		keys[i][0] = (uint8_t)(i >> 8);
		keys[i][1] = (uint8_t)i;
		e[i] = (struct nft_elem){ .key = keys[i], .key_len = 64, .data = keys[i],
					  .data_len = 64, .text = "k", .comment = comment };
	}
	nft_batch_begin(&b, offline_conn());
	nft_batch_elems(&b, true, NLM_F_CREATE, NFPROTO_INET, "netctl", "big", e, 1000);
	assert_int_equal(b.err, 0);
	nft_batch_ops(&b, &n);
	assert_int_equal(n, 6);	/* 199 elements of at most 324 bytes fill a list */
	for (i = 0; i < n; i++)
		assert_true(b.ops[i].len < UINT16_MAX);
	pages = b.pages;
	assert_true(nftnl_batch_iovec_len((struct nftnl_batch *)pages) > 1);
	assert_true(b.len > 200000);
	nft_batch_free(&b);
}

static void test_comments(void **state)
{
	char buf[256];
	struct nft_batch b;

	assert_true(nft_comment_is("abc", "abc"));
	assert_true(nft_comment_is("abc web-1", "abc"));
	assert_false(nft_comment_is("abcd web-1", "abc"));
	assert_false(nft_comment_is("ab", "abc"));
	assert_false(nft_comment_is(NULL, "abc"));
	nft_member_comment(buf, sizeof(buf), "abc", "web-1");
	assert_string_equal(buf, "abc web-1");
	nft_member_comment(buf, sizeof(buf), "abc", NULL);
	assert_string_equal(buf, "abc");
	nft_member_comment(buf, sizeof(buf), "abc", "a\"b");
	assert_string_equal(buf, "abc");
	memset(buf, 0, sizeof(buf));
	{
		char longname[200];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		nft_member_comment(buf, sizeof(buf), "abc", longname);
		assert_string_equal(buf, "abc");	/* over nft's 128: the ID alone */
	}
	nft_batch_begin(&b, offline_conn());
	nft_batch_flush_set(&b, NFPROTO_INET, "netctl", "grp-web-db");
	assert_string_equal(b.ops[0].what, "flush set inet netctl grp-web-db");
	nft_batch_free(&b);
}

/* Concatenated set shapes: nft's composed type ids and register-padded lengths. */
static void test_concat_shape(void **state)
{
	static const enum nft_dtype pp[] = { NFT_DT_INET_PROTO, NFT_DT_INET_SERVICE };
	static const enum nft_dtype a6pp[] = { NFT_DT_IPV6, NFT_DT_INET_PROTO,
					       NFT_DT_INET_SERVICE };
	static const enum nft_dtype a4p[] = { NFT_DT_IPV4, NFT_DT_INET_SERVICE };
	struct nft_set_shape sh = nft_set_shape_concat(pp, 2, a4p, 2);

	assert_int_equal(sh.key_type, (12 << 6) | 13);
	assert_int_equal(sh.key_len, 8);
	assert_int_equal(sh.data_type, (7 << 6) | 13);
	assert_int_equal(sh.data_len, 8);
	sh = nft_set_shape_concat(a6pp, 3, NULL, 0);
	assert_int_equal(sh.key_type, (((8 << 6) | 12) << 6) | 13);
	assert_int_equal(sh.key_len, 24);
	assert_int_equal(sh.data_len, 0);
	assert_int_equal(nft_concat_type(a4p, 1), 7);
	assert_int_equal(nft_concat_len(a6pp, 1), 16);
}

/* portmap: keys, data, map names and the messages of the base objects. */
static void test_portmap(void **state)
{
	struct nft_pm_map m = { .proto = IPPROTO_TCP, .host_port = 8080, .cont_port = 80 };
	static const uint8_t key[] = { 6, 0, 0, 0, 0x1f, 0x90, 0, 0 };
	static const uint8_t data[] = { 10, 88, 0, 5, 0, 80, 0, 0 };
	static const uint8_t ipkey[] = { 192, 168, 1, 2, 17, 0, 0, 0, 0, 53, 0, 0 };
	uint8_t k[NFT_PM_KEY_MAX], d[NFT_PM_DATA_MAX];
	const struct nft_batch_op *ops;
	struct nft_rule_b rb;
	struct nft_batch b;
	char s[128];
	size_t n;

	assert_int_equal(ip_addr_parse("10.88.0.5", &m.cont), 0);
	assert_string_equal(nft_pm_map_name(&m), "dnat-v4");
	assert_int_equal(nft_pm_key(&m, k), 8);
	assert_memory_equal(k, key, 8);
	assert_int_equal(nft_pm_data(&m, d), 8);
	assert_memory_equal(d, data, 8);
	assert_int_equal(nft_pm_pub_key(&m, k), 12);
	assert_int_equal(k[4], 6);
	assert_int_equal(k[9], 80);
	nft_pm_format(&m, s, sizeof(s));
	assert_string_equal(s, "tcp 8080 -> 10.88.0.5:80");

	m.proto = IPPROTO_UDP;
	m.host_port = 53;
	assert_int_equal(ip_addr_parse("192.168.1.2", &m.host_ip), 0);
	assert_string_equal(nft_pm_map_name(&m), "dnat-ip-v4");
	assert_int_equal(nft_pm_key(&m, k), 12);
	assert_memory_equal(k, ipkey, 12);

	assert_int_equal(ip_addr_parse("fd00::5", &m.cont), 0);
	assert_int_equal(ip_addr_parse("fd00::1", &m.host_ip), 0);
	assert_string_equal(nft_pm_map_name(&m), "dnat-ip-v6");
	assert_int_equal(nft_pm_key(&m, k), 24);
	assert_int_equal(nft_pm_data(&m, d), 20);
	assert_int_equal(d[17], 80);
	nft_pm_format(&m, s, sizeof(s));
	assert_string_equal(s, "udp [fd00::1]:53 -> [fd00::5]:80");

	nft_rb_init(&rb, "prerouting");
	nft_rb_fib_daddr_local(&rb);
	nft_rb_dnat_map(&rb, AF_INET6, false, "dnat-v6");
	assert_int_equal(rb.err, 0);
	assert_string_equal(rb.text, "fib daddr type local dnat ip6 to meta l4proto . th dport "
			    "map @dnat-v6");
	nft_rb_free(&rb);

	nft_batch_begin(&b, offline_conn());
	nft_pm_build_base(&b);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	assert_int_equal(n, 1 + 6 + 3 + 2 + 8 + 7);	/* + loopback-only */
	assert_string_equal(ops[1].what, "add map inet netctl dnat-v4");
	assert_string_equal(ops[5].what, "add set inet netctl pub-v4");
	assert_string_equal(ops[10].what, "flush chain inet netctl prerouting");
	assert_string_equal(ops[12].what, "add rule inet netctl prerouting fib daddr type local "
			    "counter dnat ip to ip daddr . meta l4proto . th dport map @dnat-ip-v4");
	nft_batch_free(&b);
	nft_batch_begin(&b, offline_conn());
	nft_pm_build_localhost(&b);
	ops = nft_batch_ops(&b, &n);
	assert_string_equal(ops[0].what, "add rule inet netctl postrouting ct status dnat "
			    "ip saddr 127.0.0.0/8 counter masquerade comment \"portmap:localhost\"");
	nft_batch_free(&b);
}

/* spoofchk: every rule made once, each drop with a counter; the EUI-64 link-local. */
static void test_spoofchk(void **state)
{
	static const char *const want[] = {
		"add rule bridge netctl spoofchk iifname @spoof-ports jump spoof-port",
		"add rule bridge netctl spoof-port iifname . ether saddr != @spoof-mac counter drop",
		"add rule bridge netctl spoof-ip4 ether type ip iifname . ip saddr @spoof-v4 accept",
		"add rule bridge netctl spoof-icmp6 ether type ip6 meta l4proto ipv6-icmp "
		"icmpv6 type nd-neighbor-advert iifname . "
		"icmpv6 target != @spoof-v6 counter drop",
		"add rule bridge netctl spoof-arp ether type arp iifname . arp saddr ip != @spoof-v4 "
		"counter drop",
	};
	const uint8_t mac[6] = { 0x1a, 0x5f, 0x49, 0x82, 0x69, 0xff };
	const struct nft_batch_op *ops;
	struct nft_batch b;
	struct ip_addr ll;
	char txt[IP_STR_MAX];
	size_t n, i, j, rules = 0;

	(void)state;
	nft_batch_begin(&b, offline_conn());
	nft_spoofchk_build(&b);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	for (i = 0; i < n; i++)
		rules += !strncmp(ops[i].what, "add rule ", 9);
	assert_int_equal(rules, 27);
	for (j = 0; j < sizeof(want) / sizeof(want[0]); j++) {
		for (i = 0; i < n && strncmp(ops[i].what, want[j], strlen(want[j])); i++)
			;
		if (i == n)
			fail_msg("no op starts with: %s", want[j]);
	}
	nft_batch_free(&b);
	ll = nft_spoofchk_eui64(mac);
	ip_addr_format(&ll, txt, sizeof(txt));
	assert_string_equal(txt, "fe80::185f:49ff:fe82:69ff");
}

/* Issue 13: loopback stays loopback; only published ports from outside. */
static void test_guards(void **state)
{
	const struct nft_batch_op *ops;
	struct nft_rule_b rb;
	struct nft_batch b;
	size_t n;

	(void)state;
	nft_batch_begin(&b, offline_conn());
	nft_lo_build(&b);
	assert_int_equal(b.err, 0);
	ops = nft_batch_ops(&b, &n);
	assert_int_equal(n, 3 + NFT_LO_RULES);
	assert_string_equal(ops[2].what, "flush chain inet netctl loopback-only");
	assert_string_equal(ops[3].what, "add rule inet netctl loopback-only ip daddr 127.0.0.0/8 "
			    "iifname != \"lo\" counter drop comment \"loopback: to 127.0.0.0/8\"");
	assert_string_equal(ops[6].what, "add rule inet netctl loopback-only ip6 saddr ::1 "
			    "iifname != \"lo\" counter drop comment \"loopback: from ::1\"");
	nft_batch_free(&b);

	nft_rb_init(&rb, "published-only");
	nft_rb_ifname(&rb, true, "br0", false);
	nft_rb_ifname(&rb, false, "br0", true);
	nft_rb_ct_state_none(&rb, NFT_CT_EST | NFT_CT_REL);
	nft_rb_ct_status_none(&rb, IPS_DST_NAT);
	assert_int_equal(rb.err, 0);
	assert_string_equal(rb.text, "oifname \"br0\" iifname != \"br0\" ct state != "
			    "established,related ct status != dnat");
	nft_rb_free(&rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_text),	cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_batch_error_kept), cmocka_unit_test(test_netctl_layout),
		cmocka_unit_test(test_elems_chunked_by_size),
		cmocka_unit_test(test_names),		cmocka_unit_test(test_group_names),		cmocka_unit_test(test_elems_chunked),
		cmocka_unit_test(test_comments),	cmocka_unit_test(test_concat_shape),
		cmocka_unit_test(test_portmap),	cmocka_unit_test(test_spoofchk),
		cmocka_unit_test(test_guards),
	};

	return cmocka_run_group_tests_name("nft", tests, NULL, NULL);
}
