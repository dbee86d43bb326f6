// SPDX-License-Identifier: Apache-2.0
/* netctl's pure CLI helpers: rates, --publish, addresses, CONTAINER, the conflist
 * `netctl create` writes, subnet picking, audit key=value quoting, capability args. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/core/attach.h"
#include "netctl/cli/attach_opts.h"
#include "netctl/cli/cliparse.h"
#include "netctl/core/netconf.h"
#include "util/audit.h"

static void test_rate(void **state)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "10mbit", 10000000 }, { "1gbit", 1000000000 }, { "500kbit", 500000 },
		{ "1000", 1000 }, { "2mbps", 16000000 }, { "10Mbit", 10000000 },
		{ "1bit", 1 }, { "3tbit", 3000000000000ULL },
	};
	static const char *const bad[] = {
		"", "0", "0mbit", "10zbit", "-5mbit", "mbit", "10 mbit", "1.5mbit",
		"99999999999999999999", "9999999999tbps", NULL,
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(cli_parse_rate(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (i = 0; bad[i]; i++)
		assert_int_equal(cli_parse_rate(bad[i], &v), -EINVAL);
	assert_int_equal(cli_parse_rate(NULL, &v), -EINVAL);
}

static void publish_is(const char *s, const char *expect)
{
	json_t *j = cli_parse_publish(s);
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	if (!expect) {
		assert_null(j);
		return;
	}
	assert_non_null(text);
	assert_string_equal(text, expect);
	free(text);
	json_decref(j);
}

static void test_publish(void **state)
{
	publish_is("8080:80", "[{\"containerPort\":80,\"hostPort\":8080,\"protocol\":\"tcp\"}]");
	publish_is("53:5353/udp", "[{\"containerPort\":5353,\"hostPort\":53,\"protocol\":\"udp\"}]");
	publish_is("127.0.0.1:8080:80/sctp", "[{\"containerPort\":80,\"hostIP\":\"127.0.0.1\","
					     "\"hostPort\":8080,\"protocol\":\"sctp\"}]");
	publish_is("[::1]:8080:80", "[{\"containerPort\":80,\"hostIP\":\"::1\",\"hostPort\":8080,"
				    "\"protocol\":\"tcp\"}]");
	publish_is("8000-8001:9000-9001/udp",
		   "[{\"containerPort\":9000,\"hostPort\":8000,\"protocol\":\"udp\"},"
		   "{\"containerPort\":9001,\"hostPort\":8001,\"protocol\":\"udp\"}]");
	publish_is("10.0.0.1:53-53:53", "[{\"containerPort\":53,\"hostIP\":\"10.0.0.1\","
					"\"hostPort\":53,\"protocol\":\"tcp\"}]");
	publish_is("8000-8010:80", NULL);
	publish_is("8000-8010:80-91", NULL);
	publish_is("8010-8000:8010-8000", NULL);
	publish_is("8000-:80-", NULL);
	publish_is("1-2000:1-2000", NULL);
	publish_is("80", NULL);
	publish_is("0:80", NULL);
	publish_is("80:65536", NULL);
	publish_is("80:80/icmp", NULL);
	publish_is("80:80/", NULL);
	publish_is("x:80", NULL);
	publish_is("1.2.3:80:80", NULL);
	publish_is(":80:80", NULL);
	publish_is("80:+80", NULL);
	publish_is("", NULL);
}

static void test_ip(void **state)
{
	assert_int_equal(cli_parse_ip("10.88.0.5"), 0);
	assert_int_equal(cli_parse_ip("10.88.0.5/24"), 0);
	assert_int_equal(cli_parse_ip("fd00::5"), 0);
	assert_int_equal(cli_parse_ip("10.88.0.300"), -EINVAL);
	assert_int_equal(cli_parse_ip("10.88.0.5/33"), -EINVAL);
	assert_int_equal(cli_parse_ip(""), -EINVAL);
}

/* connect's and run's shared options: each taken once, into one place, or refused. */
static void test_attach_opts(void **state)
{
	struct cli_attach_opts o = { 0 };
	const char *why;

	assert_int_equal(cli_attach_opt(&o, 'p', "8080:80", &why), 0);
	assert_int_equal(cli_attach_opt(&o, 'p', "53:53/udp", &why), 0);
	assert_int_equal(json_array_size(o.ports), 2);
	assert_int_equal(cli_attach_opt(&o, 'I', "10mbit", &why), 0);
	assert_true(o.rate_in == 10000000 && o.rate_out == 0);
	assert_int_equal(cli_attach_opt(&o, 'A', "web", &why), 0);
	assert_int_equal(cli_attach_opt(&o, 'A', "db", &why), 0);
	assert_int_equal(json_array_size(o.aliases), 2);
	assert_int_equal(cli_attach_opt(&o, 'i', "10.88.0.5", &why), 0);
	assert_string_equal(o.ip, "10.88.0.5");
	assert_int_equal(cli_attach_opt(&o, 'N', "c1", &why), 0);
	assert_string_equal(o.name, "c1");
	assert_int_equal(cli_attach_opt(&o, 'i', "10.88.0.500", &why), -EINVAL);
	assert_non_null(strstr(why, "--ip"));
	assert_int_equal(cli_attach_opt(&o, 'p', "80", &why), -EINVAL);
	assert_non_null(strstr(why, "--publish"));
	assert_int_equal(cli_attach_opt(&o, 'O', "0", &why), -EINVAL);
	assert_non_null(strstr(why, "--rate-out"));
	assert_int_equal(cli_attach_opt(&o, 'A', "-x", &why), -EINVAL);
	assert_string_equal(o.ip, "10.88.0.5");	/* a refused value changes nothing */
	assert_int_equal(json_array_size(o.ports), 2);
	assert_int_equal(cli_attach_opt(&o, 'f', "eth1", &why), 1);	/* not one of them */
	cli_attach_opts_free(&o);
	assert_null(o.ports);
}

static void test_container(void **state)
{
	struct cli_container a, b;

	assert_int_equal(cli_container_resolve("web-1", "/run/netns", false, &a), 0);
	assert_string_equal(a.netns, "/run/netns/web-1");
	assert_string_equal(a.name, "web-1");
	assert_int_equal(strlen(a.id), strlen("netctl-") + 16);
	assert_int_equal(cli_container_resolve("/run/netns/web-1", "/x", false, &b), 0);
	assert_string_equal(a.id, b.id);	/* one netns path, one ID */
	assert_string_equal(b.name, "");
	assert_int_equal(cli_container_resolve("1234", "/run/netns", false, &a), 0);
	assert_string_equal(a.netns, "/proc/1234/ns/net");
	assert_int_equal(cli_container_resolve("..", "/run/netns", false, &a), -EINVAL);
	assert_int_equal(cli_container_resolve("", "/run/netns", false, &a), -EINVAL);
	assert_int_equal(cli_container_resolve("12345678901", "/run/netns", false, &a), -EINVAL);
	assert_int_equal(cli_container_resolve("/nonexistent/ns", "/run/netns", true, &a),
			 -ENOENT);
	assert_int_equal(cli_container_resolve("/proc/self/ns/net", "/run/netns", true, &a), 0);
	assert_int_equal(cli_container_resolve("/proc/self/status", "/run/netns", true, &a),
			 -ENOTTY);
}

static void test_build(void **state)
{
	struct net_spec s = { .name = "web", .bridge = "nctl-web", .icc = false,
			      .masquerade = true, .mtu = 1400, .portmap = true,
			      .policy_dir = "/etc/netctl/policy.d" };
	json_t *j;
	char *text;

	assert_int_equal(ip_prefix_parse("10.88.0.0/24", &s.subnets[0]), 0);
	assert_int_equal(ip_prefix_parse("fd88::/64", &s.subnets[1]), 0);
	s.n_subnets = 2;
	assert_int_equal(ip_addr_parse("10.88.0.254", &s.gateway), 0);
	j = netconf_build(&s);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text,
		"{\"cniVersion\":\"1.0.0\",\"cniVersions\":[\"1.0.0\",\"1.1.0\"],\"name\":\"web\","
		"\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"nctl-web\",\"isGateway\":true,"
		"\"ipMasq\":true,\"spoofchk\":true,\"capabilities\":{\"ips\":true},\"ipam\":{\"type\":\"host-local\","
		"\"ranges\":[[{\"subnet\":\"10.88.0.0/24\",\"gateway\":\"10.88.0.254\"}],"
		"[{\"subnet\":\"fd88::/64\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"},"
		"{\"dst\":\"::/0\"}]},\"mtu\":1400,\"icc\":false},{\"type\":\"firewall\",\"icc\":false,"
		"\"policyDir\":\"/etc/netctl/policy.d\"},{\"type\":\"portmap\",\"capabilities\":"
		"{\"portMappings\":true}}]}");
	free(text);
	json_decref(j);
	/* a gateway in none of the subnets */
	assert_int_equal(ip_addr_parse("10.99.0.1", &s.gateway), 0);
	assert_null(netconf_build(&s));
}

static void test_build_internal_range(void **state)
{
	struct net_spec s = { .name = "in", .bridge = "nctl-in", .icc = true,
			      .masquerade = true, .internal = true, .portmap = true };
	json_t *j;
	char *text;

	assert_int_equal(ip_prefix_parse("10.88.0.0/24", &s.subnets[0]), 0);
	assert_int_equal(ip_prefix_parse("fd88::/64", &s.subnets[1]), 0);
	s.n_subnets = 2;
	/* the range's network address is left out when it is the subnet's (and the
	 * IPv4 broadcast address would be) */
	assert_int_equal(ip_prefix_parse("10.88.0.0/25", &s.ip_ranges[0]), 0);
	assert_int_equal(ip_prefix_parse("fd88::100/120", &s.ip_ranges[1]), 0);
	s.n_ip_ranges = 2;
	j = netconf_build(&s);
	assert_non_null(j);
	text = json_dumps(json_object_get(j, "plugins"), JSON_COMPACT);
	/* internal: no ipMasq, no routes, firewall "internal", no portmap */
	assert_string_equal(text,
		"[{\"type\":\"bridge\",\"bridge\":\"nctl-in\",\"isGateway\":true,"
		"\"ipMasq\":false,\"spoofchk\":true,\"capabilities\":{\"ips\":true},\"ipam\":"
		"{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.88.0.0/24\","
		"\"rangeStart\":\"10.88.0.1\",\"rangeEnd\":\"10.88.0.127\"}],"
		"[{\"subnet\":\"fd88::/64\",\"rangeStart\":\"fd88::100\",\"rangeEnd\":"
		"\"fd88::1ff\"}]],\"routes\":[]}},{\"type\":\"firewall\",\"icc\":true,"
		"\"internal\":true}]");
	free(text);
	json_decref(j);
}

static void test_info(void **state)
{
	static const char text[] =
		"{\"cniVersion\":\"1.0.0\",\"name\":\"web\",\"plugins\":["
		"{\"type\":\"bridge\",\"bridge\":\"br9\",\"ipMasq\":true,\"mtu\":9000,"
		"\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/tmp/ipam\",\"ranges\":"
		"[[{\"subnet\":\"10.9.0.5/24\"}],[{\"subnet\":\"fd09::/64\"}]]}},"
		"{\"type\":\"firewall\",\"ingressPolicy\":\"isolated\"}]}";
	struct conflist cl = { 0 };
	struct err err = { 0 };
	struct net_info ni;
	char buf[IP_STR_MAX];

	assert_int_equal(conflist_parse(text, strlen(text), &cl, &err), 0);
	netconf_info(&cl, &ni);
	assert_string_equal(ni.bridge, "br9");
	assert_int_equal(ni.n_subnets, 2);
	ip_prefix_format(&ni.subnets[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.9.0.0/24");
	assert_false(ni.icc);
	assert_true(ni.masquerade);
	assert_int_equal(ni.mtu, 9000);
	assert_string_equal(ni.store, "/tmp/ipam/web");
	conflist_free(&cl);
}

static void test_pick(void **state)
{
	struct ip_prefix pool, used[3], got;
	char buf[IP_STR_MAX];

	assert_int_equal(ip_prefix_parse("10.88.0.0/16", &pool), 0);
	assert_int_equal(netconf_pick_subnet(&pool, 24, NULL, 0, &got), 0);
	ip_prefix_format(&got, buf, sizeof(buf));
	assert_string_equal(buf, "10.88.0.0/24");
	assert_int_equal(ip_prefix_parse("10.88.0.0/24", &used[0]), 0);
	assert_int_equal(ip_prefix_parse("10.88.1.128/25", &used[1]), 0);
	assert_int_equal(ip_prefix_parse("10.0.0.0/8", &used[2]), 0);
	assert_int_equal(netconf_pick_subnet(&pool, 24, used, 2, &got), 0);
	ip_prefix_format(&got, buf, sizeof(buf));
	assert_string_equal(buf, "10.88.2.0/24");
	assert_int_equal(netconf_pick_subnet(&pool, 24, used, 3, &got), -ENOSPC);
	assert_int_equal(netconf_pick_subnet(&pool, 8, used, 0, &got), -EINVAL);
	assert_int_equal(ip_prefix_parse("fd88::/48", &pool), 0);
	assert_int_equal(ip_prefix_parse("fd88::/64", &used[0]), 0);
	assert_int_equal(netconf_pick_subnet(&pool, 64, used, 1, &got), 0);
	ip_prefix_format(&got, buf, sizeof(buf));
	assert_string_equal(buf, "fd88:0:0:1::/64");
}

static void test_bridge_name(void **state)
{
	char b[IFNAMSIZ];

	netconf_default_bridge("web", b);
	assert_string_equal(b, "nctl-web");
	netconf_default_bridge("0123456789", b);
	assert_string_equal(b, "nctl-0123456789");
	netconf_default_bridge("0123456789a", b);
	assert_int_equal(strlen(b), 13);
	assert_memory_equal(b, "nctl-", 5);
}

static void test_audit_kv(void **state)
{
	char line[64] = "";

	audit_kv(line, sizeof(line), "op", "connect");
	audit_kv(line, sizeof(line), "msg", "a \"b\" c");
	audit_kv(line, sizeof(line), "e", "");
	assert_string_equal(line, " op=connect msg=\"a \\\"b\\\" c\" e=\"\"");
	audit_kv(line, sizeof(line), "long", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	assert_true(strlen(line) < sizeof(line));
}

static void test_cap_args(void **state)
{
	struct attach_opts o = { .rate_in = 10000000, .rate_out = 1000, .ip = "10.88.0.5" };
	bool oom;
	json_t *j = attach_cap_args(&o, &oom);
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	assert_false(oom);
	assert_string_equal(text, "{\"bandwidth\":{\"egressBurst\":131072,\"egressRate\":1000,"
				  "\"ingressBurst\":131072,\"ingressRate\":10000000},"
				  "\"ips\":[\"10.88.0.5\"]}");
	free(text);
	json_decref(j);
	o = (struct attach_opts){ .rate_in = 1000000000 };
	j = attach_cap_args(&o, &oom);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "bandwidth"),
							    "ingressBurst")), 10000000);
	json_decref(j);
	o = (struct attach_opts){ 0 };
	assert_null(attach_cap_args(&o, &oom));
	assert_false(oom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),	    cmocka_unit_test(test_publish),
		cmocka_unit_test(test_ip),	    cmocka_unit_test(test_container),
		cmocka_unit_test(test_attach_opts),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_internal_range),	    cmocka_unit_test(test_info),
		cmocka_unit_test(test_pick),	    cmocka_unit_test(test_bridge_name),
		cmocka_unit_test(test_audit_kv),    cmocka_unit_test(test_cap_args),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
