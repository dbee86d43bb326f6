// SPDX-License-Identifier: Apache-2.0
/* dnsname's pure parts: name rules, the hosts file's blocks, dnsmasq's config, DNS packets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netctl/core/runns.h"
#include "plugins/dnsname/config.h"
#include "plugins/dnsname/hosts.h"
#include "plugins/dnsname/probe.h"
#include "plugins/dnsname/server.h"
#include "util/dnsname.h"

static void test_names(void **state)
{
	char long_name[301];

	assert_true(dns_name_valid("web"));
	assert_true(dns_name_valid("my_app-1.svc"));
	assert_true(dns_name_valid("0123456789ab"));
	assert_false(dns_name_valid(""));
	assert_false(dns_name_valid("a/b"));
	assert_false(dns_name_valid("a..b"));
	assert_false(dns_name_valid(".."));
	assert_false(dns_name_valid(".a"));
	assert_false(dns_name_valid("a."));
	assert_false(dns_name_valid("a\nb"));
	assert_false(dns_name_valid("a b"));
	assert_false(dns_name_valid("-a"));
	assert_false(dns_name_valid("a-"));
	memset(long_name, 'a', 300);
	long_name[300] = '\0';
	assert_false(dns_name_valid(long_name));
	long_name[63] = '\0';
	assert_true(dns_name_valid(long_name));
	long_name[63] = 'a';
	long_name[64] = '\0';
	assert_false(dns_name_valid(long_name));
	assert_true(dns_domain_valid("dns.podman"));
	assert_false(dns_domain_valid("dns_podman"));
	assert_false(dns_domain_valid("dns..podman"));
}

static void test_hosts_blocks(void **state)
{
	struct dn_hosts h;
	const char *text = "# netctl-dnsname c1 eth0\n10.0.0.2 web web.d\n"
			   "# a foreign comment\n"
			   "# netctl-dnsname c2 eth0\n10.0.0.3 db db.d\nfd00::3 db db.d\n";
	char *out;
	size_t len;

	assert_int_equal(dn_hosts_parse(text, &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[1].lines, "10.0.0.3 db db.d\nfd00::3 db db.d\n");
	assert_non_null(dn_hosts_find(&h, "c1", "eth0"));
	assert_null(dn_hosts_find(&h, "c1", "eth1"));
	assert_int_equal(dn_hosts_remove(&h, "c1", "eth0"), 1);
	assert_int_equal(dn_hosts_remove(&h, "c1", "eth0"), 0);
	assert_int_equal(dn_hosts_add(&h, "c3", "net1", "10.0.0.4 x\n"), 0);
	out = dn_hosts_format(&h, &len);
	assert_string_equal(out, "# netctl-dnsname c2 eth0\n10.0.0.3 db db.d\nfd00::3 db db.d\n"
				 "# netctl-dnsname c3 net1\n10.0.0.4 x\n");
	assert_int_equal(len, strlen(out));
	free(out);
	dn_hosts_free(&h);
	assert_int_equal(dn_hosts_parse("", &h), 0);
	assert_int_equal(h.n, 0);
	dn_hosts_free(&h);
}

static void test_conf_text(void **state)
{
	struct dn_config c = { .net = "web", .domain = "dns.podman", .n_gateways = 2 };
	char up[2][64] = { "192.0.2.53", "fe80::1%eth0" };
	char *t;
	size_t len;

	ip_addr_parse("10.88.0.1", &c.gateways[0]);
	ip_addr_parse("fd88::1", &c.gateways[1]);
	dn_paths_init(&c.paths, "/run/x", "web");
	t = dn_conf_text(&c, up, 2, "dnsmasq", &len);
	assert_non_null(strstr(t, "\nbind-interfaces\nlisten-address=10.88.0.1\nlisten-address=fd88::1\n"));
	free(t);
	/* with the bridge's name: bind-dynamic on it (queries from other interfaces dropped) */
	snprintf(c.bridge, sizeof(c.bridge), "%s", "br0");
	t = dn_conf_text(&c, up, 2, "dnsmasq", &len);
	assert_non_null(strstr(t, "\nbind-dynamic\ninterface=br0\nexcept-interface=lo\n"));
	assert_null(strstr(t, "listen-address"));
	assert_null(strstr(t, "bind-interfaces"));
	assert_non_null(strstr(t, "\nno-hosts\nno-resolv\n"));
	assert_non_null(strstr(t, "\naddn-hosts=/run/x/web/hosts\npid-file=/run/x/web/pid\n"));
	assert_non_null(strstr(t, "\nlocal=/dns.podman/\n"));
	assert_non_null(strstr(t, "\nserver=192.0.2.53\nserver=fe80::1%eth0\n"));
	assert_non_null(strstr(t, "\nuser=dnsmasq\n"));
	assert_null(strstr(t, "dhcp"));
	free(t);
}

static void test_upstreams(void **state)
{
	char dir[] = "/tmp/dn-unit-XXXXXX", a[64], b[64], up[8][64];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	f = fopen(a, "w");
	fputs("# x\nsearch lan\nnameserver 127.0.0.53\noptions edns0\n", f);
	fclose(f);
	/* a stub alone, and no upstream list: the stub itself (dnsmasq runs on the host) */
	assert_int_equal(dn_upstreams_read(a, "/nonexistent", up, 8), 1);
	assert_string_equal(up[0], "127.0.0.53");
	f = fopen(b, "w");
	fputs("nameserver 192.0.2.1\nnameserver 2001:db8::1\nnameserver bad\n", f);
	fclose(f);
	/* followed to the stub's upstreams */
	assert_int_equal(dn_upstreams_read(a, b, up, 8), 2);
	assert_string_equal(up[0], "192.0.2.1");
	assert_string_equal(up[1], "2001:db8::1");
	/* a real server first: the list as it is */
	assert_int_equal(dn_upstreams_read(b, a, up, 8), 2);
	assert_int_equal(dn_upstreams_read("/nonexistent", NULL, up, 8), -ENOENT);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

static void test_packets(void **state)
{
	uint8_t q[512], resp[512];
	struct ip_addr want, other;
	int n;

	n = dn_query_build(0x1234, "web.dns.podman", AF_INET, q, sizeof(q));
	assert_int_equal(n, 12 + 16 + 4);
	assert_int_equal(q[12], 3);
	assert_memory_equal(q + 13, "web", 3);
	/* a response: the question, then one A answer with a compressed name */
	memcpy(resp, q, (size_t)n);
	resp[2] |= 0x80;
	resp[7] = 1;
	memcpy(resp + n, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x0a\x58\x00\x05", 16);
	ip_addr_parse("10.88.0.5", &want);
	ip_addr_parse("10.88.0.6", &other);
	assert_int_equal(dn_answer_has(resp, (size_t)n + 16, 0x1234, &want), 1);
	assert_int_equal(dn_answer_has(resp, (size_t)n + 16, 0x1234, &other), 0);
	assert_int_equal(dn_answer_has(resp, (size_t)n + 16, 0x4321, &want), -EINVAL);
	assert_int_equal(dn_answer_has(resp, (size_t)n + 10, 0x1234, &want), -EINVAL);
	assert_int_equal(dn_query_build(1, "a..b", AF_INET, q, sizeof(q)), -EINVAL);
}

/* netctl run's files: the first DNS network's server and domain, its own addresses. */
static void test_runns(void **state)
{
	struct runns r;
	json_t *res1 = json_loads("{\"interfaces\":[{\"name\":\"br\"},{\"name\":\"eth0\","
				  "\"sandbox\":\"/x\"}],\"ips\":[{\"address\":\"10.1.0.5/24\","
				  "\"interface\":1},{\"address\":\"10.1.0.1/24\",\"interface\":0}],"
				  "\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"search\":[\"d.x\"]}}",
				  0, NULL);
	json_t *res2 = json_loads("{\"ips\":[{\"address\":\"fd00::5/64\"}],\"dns\":"
				  "{\"nameservers\":[\"fd00::1\"],\"search\":[\"other\"]}}", 0, NULL);
	char *t;

	assert_int_equal(runns_init(&r, NULL, "web", "0123456789abcdef", NULL, NULL), 0);
	runns_note_result(&r, res1);
	runns_note_result(&r, res2);
	t = runns_resolv_text(&r);
	assert_non_null(strstr(t, "\nnameserver 10.1.0.1\nsearch d.x\n"));
	assert_null(strstr(t, "fd00::1"));
	free(t);
	t = runns_hosts_text(&r);
	assert_non_null(strstr(t, "\n10.1.0.5\tweb\nfd00::5\tweb\n"));
	assert_null(strstr(t, "10.1.0.1"));
	free(t);
	assert_int_equal(runns_init(&r, "box", "web", "0123456789abcdef", "192.0.2.1", "s.x"), 0);
	runns_note_result(&r, res1);
	t = runns_resolv_text(&r);
	assert_non_null(strstr(t, "\nnameserver 192.0.2.1\nsearch s.x\n"));
	free(t);
	assert_string_equal(r.hostname, "box");
	assert_int_equal(runns_init(&r, NULL, NULL, "0123456789abcdef", NULL, NULL), 0);
	assert_string_equal(r.hostname, "0123456789ab");
	assert_int_equal(runns_init(&r, "a b", NULL, "x", NULL, NULL), -EINVAL);
	assert_int_equal(runns_init(&r, NULL, NULL, "x", "nope", NULL), -EINVAL);
	assert_int_equal(runns_init(&r, NULL, NULL, "x", NULL, "a..b"), -EINVAL);
	json_decref(res1);
	json_decref(res2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),	   cmocka_unit_test(test_hosts_blocks),
		cmocka_unit_test(test_conf_text),  cmocka_unit_test(test_upstreams),
		cmocka_unit_test(test_packets),	   cmocka_unit_test(test_runns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
