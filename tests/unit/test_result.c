// SPDX-License-Identifier: Apache-2.0
/*
 * ADD results: every version parsed, printed in every other version and parsed back;
 * what each version prints and leaves out; every malformed input refused with code 6.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"

/* The spec's bridge result (SPEC.md, section 5 example), with 1.1.0's extra fields. */
static const char *spec_110 =
	"{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"cni0\","
	"\"mac\":\"00:11:22:33:44:55\",\"mtu\":9000},{\"name\":\"veth3243\","
	"\"mac\":\"55:44:33:22:11:11\"},{\"name\":\"eth0\","
	"\"mac\":\"99:88:77:66:55:44\",\"sandbox\":\"/var/run/netns/blue\",\"socketPath\":"
	"\"/run/vhost/eth0.sock\",\"pciID\":\"0000:00:1f.6\"}],"
	"\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"interface\":2},"
	"{\"address\":\"fd00::5/64\",\"interface\":2}],"
	"\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.9.0.0/16\",\"gw\":\"10.1.0.254\","
	"\"mtu\":1400,\"advmss\":1360,\"priority\":100,\"table\":200,\"scope\":0},"
	"{\"dst\":\"fd01::/64\",\"scope\":253}],"
	"\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"search\":[\"example.com\"]}}";

/* The spec's bridge result as 1.0.0 prints it. */
static const char *spec_100 =
	"{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\","
	"\"interface\":2}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"interfaces\":[{\"name\":\"cni0\","
	"\"mac\":\"00:11:22:33:44:55\"},{\"name\":\"veth3243\",\"mac\":\"55:44:33:22:11:11\"},"
	"{\"name\":\"eth0\",\"mac\":\"99:88:77:66:55:44\",\"sandbox\":\"/var/run/netns/blue\"}],"
	"\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}";

/* libcni's pkg/types/040/types_test.go fixture; @@ is the version. */
static const char *ref_040 =
	"{\"cniVersion\":\"@@\",\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"00:11:22:33:44:55\","
	"\"sandbox\":\"/proc/3553/ns/net\"}],\"ips\":[{\"version\":\"4\",\"interface\":0,"
	"\"address\":\"1.2.3.30/24\",\"gateway\":\"1.2.3.1\"},{\"version\":\"6\",\"interface\":0,"
	"\"address\":\"abcd:1234:ffff::cdde/64\",\"gateway\":\"abcd:1234:ffff::1\"}],"
	"\"routes\":[{\"dst\":\"15.5.6.0/24\",\"gw\":\"15.5.6.8\"},{\"dst\":\"1111:dddd::/80\","
	"\"gw\":\"1111:dddd::aaaa\"}],\"dns\":{\"nameservers\":[\"1.2.3.4\",\"1::cafe\"],"
	"\"domain\":\"acompany.com\",\"search\":[\"somedomain.com\",\"otherdomain.net\"],"
	"\"options\":[\"foo\",\"bar\"]}}";

/* The spec's host-local (IPAM) result: no cniVersion, no interfaces. */
static const char *spec_ipam =
	"{\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"}],"
	"\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}";

/* @tmpl with its first "@@" replaced by @val (test JSON templates; no printf formats). */
static char *fill(const char *tmpl, const char *val)
{
	const char *at = strstr(tmpl, "@@");
	size_t pre = (size_t)(at - tmpl);
	char *out = malloc(strlen(tmpl) + strlen(val) + 1);

	assert_non_null(at);
	memcpy(out, tmpl, pre);
	strcpy(out + pre, val);
	strcat(out, at + 2);
	return out;
}

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (!j)
		fail_msg("bad test JSON: %s: %s", jerr.text, text);
	return j;
}

/* Parse @text; expect success (@expect 0) or a decode error (@expect -1). */
static struct cni_result *parse_err(const char *text, enum cni_version v, int expect,
				    struct err *err)
{
	struct cni_result *r = cni_result_new();
	json_t *j = load(text);
	int rc;

	assert_non_null(r);
	rc = cni_result_from_json(j, v, r, err);
	if (expect == 0 && rc != 0)
		fail_msg("refused: %s (%s) for %s", err->msg, err->details, text);
	if (expect < 0 && rc != -EINVAL)
		fail_msg("accepted (rc %d): %s", rc, text);
	if (expect < 0)
		assert_int_equal(err->code, ERR_DECODE);
	json_decref(j);
	return r;
}

static struct cni_result *parse(const char *text, enum cni_version v, int expect)
{
	struct err err = { 0 };

	return parse_err(text, v, expect, &err);
}

static json_t *at(json_t *j, const char *list, size_t i)
{
	return json_array_get(json_object_get(j, list), i);
}

/* What printing @r in @v and parsing it back must give: 1.1.0's extras gone below 1.1.0. */
static void expect_in(struct cni_result *e, enum cni_version v)
{
	int i;

	if (v >= CNI_V_1_1_0)
		return;
	for (i = 0; i < e->n_interfaces; i++) {
		e->interfaces[i].mtu = 0;
		memset(e->interfaces[i].socket_path, 0, sizeof(e->interfaces[i].socket_path));
		memset(e->interfaces[i].pci_id, 0, sizeof(e->interfaces[i].pci_id));
	}
	for (i = 0; i < e->n_routes; i++) {
		e->routes[i].mtu = e->routes[i].advmss = 0;
		e->routes[i].priority = e->routes[i].table = 0;
		e->routes[i].scope = -1;
	}
}

/* The "version" tag per version, 1.1.0 keys per version, then the value survives. */
static void check_every_version(const struct cni_result *r)
{
	enum cni_version w;
	int i;

	for (w = CNI_V_0_3_0; w <= CNI_V_1_1_0; w++) {
		struct cni_result *back = cni_result_new(), *want = cni_result_new();
		struct err err = { 0 };
		json_t *j = cni_result_to_json(r, w);

		assert_string_equal(json_string_value(json_object_get(j, "cniVersion")),
				    cni_version_str(w));
		for (i = 0; i < r->n_ips; i++) {
			json_t *tag = json_object_get(at(j, "ips", i), "version");

			if (w >= CNI_V_1_0_0) {
				assert_null(tag);
				continue;
			}
			assert_string_equal(json_string_value(tag),
					    r->ips[i].address.addr.family == AF_INET ? "4" : "6");
		}
		for (i = 0; i < r->n_interfaces && w < CNI_V_1_1_0; i++) {
			assert_null(json_object_get(at(j, "interfaces", i), "mtu"));
			assert_null(json_object_get(at(j, "interfaces", i), "socketPath"));
			assert_null(json_object_get(at(j, "interfaces", i), "pciID"));
		}
		for (i = 0; i < r->n_routes && w < CNI_V_1_1_0; i++) {
			static const char *const k[] = { "mtu", "advmss", "priority", "table",
							 "scope" };
			size_t n;

			for (n = 0; n < 5; n++)
				assert_null(json_object_get(at(j, "routes", i), k[n]));
		}
		if (cni_result_from_json(j, CNI_V_UNKNOWN, back, &err) != 0)
			fail_msg("%s printed in %s does not parse: %s %s", "result",
				 cni_version_str(w), err.msg, err.details);
		memcpy(want, r, sizeof(*r));
		expect_in(want, w);
		assert_memory_equal(back, want, sizeof(*want));
		free(back);
		free(want);
		json_decref(j);
	}
}

static void test_v110_sample(void **state)
{
	struct cni_result *r = parse(spec_110, CNI_V_UNKNOWN, 0);
	json_t *j;

	assert_int_equal(r->n_interfaces, 3);
	assert_int_equal(r->interfaces[0].mtu, 9000);
	assert_string_equal(r->interfaces[2].socket_path, "/run/vhost/eth0.sock");
	assert_string_equal(r->interfaces[2].pci_id, "0000:00:1f.6");
	assert_string_equal(r->interfaces[2].sandbox, "/var/run/netns/blue");
	assert_int_equal(r->n_ips, 2);
	assert_int_equal(r->ips[0].interface, 2);
	assert_true(r->ips[0].has_gateway);
	assert_false(r->ips[1].has_gateway);
	assert_int_equal(r->ips[1].address.addr.family, AF_INET6);
	assert_int_equal(r->n_routes, 3);
	assert_int_equal(r->routes[0].scope, -1);
	assert_int_equal(r->routes[1].scope, 0);
	assert_int_equal(r->routes[1].mtu, 1400);
	assert_int_equal(r->routes[1].advmss, 1360);
	assert_int_equal(r->routes[1].priority, 100);
	assert_int_equal(r->routes[1].table, 200);
	assert_int_equal(r->routes[2].scope, 253);

	/* 1.1.0 prints what it read, "scope": 0 included (0 is universe, not absent) */
	j = cni_result_to_json(r, CNI_V_1_1_0);
	assert_int_equal(json_integer_value(json_object_get(at(j, "routes", 1), "scope")), 0);
	assert_null(json_object_get(at(j, "routes", 0), "scope"));
	assert_int_equal(json_integer_value(json_object_get(at(j, "routes", 1), "table")), 200);
	assert_int_equal(json_integer_value(json_object_get(at(j, "interfaces", 0), "mtu")), 9000);
	assert_null(json_object_get(at(j, "interfaces", 1), "mtu"));
	assert_null(json_object_get(at(j, "interfaces", 0), "sandbox"));
	json_decref(j);
	check_every_version(r);
	free(r);
}

static void test_v100_sample(void **state)
{
	struct cni_result *r = parse(spec_100, CNI_V_UNKNOWN, 0);

	assert_int_equal(r->n_interfaces, 3);
	assert_int_equal(r->n_ips, 1);
	assert_int_equal(r->dns.n_nameservers, 1);
	assert_string_equal(r->dns.nameservers[0], "10.1.0.1");
	check_every_version(r);
	free(r);
}

static void test_v03x_v040_reference_fixture(void **state)
{
	static const char *const vers[] = { "0.3.0", "0.3.1", "0.4.0" };
	char buf[IP_STR_MAX];
	size_t k;

	for (k = 0; k < 3; k++) {
		char *text = fill(ref_040, vers[k]);
		struct cni_result *r = parse(text, CNI_V_UNKNOWN, 0);

		free(text);
		assert_int_equal(r->n_interfaces, 1);
		assert_string_equal(r->interfaces[0].sandbox, "/proc/3553/ns/net");
		assert_int_equal(r->n_ips, 2);
		ip_prefix_format(&r->ips[0].address, buf, sizeof(buf));
		assert_string_equal(buf, "1.2.3.30/24");	/* host bits kept */
		ip_prefix_format(&r->ips[1].address, buf, sizeof(buf));
		assert_string_equal(buf, "abcd:1234:ffff::cdde/64");
		assert_int_equal(r->ips[1].interface, 0);
		assert_int_equal(r->n_routes, 2);
		assert_true(r->routes[1].has_gw);
		assert_int_equal(r->routes[1].dst.len, 80);
		assert_string_equal(r->dns.domain, "acompany.com");
		assert_int_equal(r->dns.n_search, 2);
		assert_string_equal(r->dns.options[1], "bar");
		check_every_version(r);
		free(r);
	}
}

static void test_ipam_result_without_interfaces(void **state)
{
	struct cni_result *r = parse(spec_ipam, CNI_V_1_0_0, 0);
	enum cni_version w;

	assert_int_equal(r->n_interfaces, 0);
	assert_int_equal(r->ips[0].interface, -1);
	for (w = CNI_V_0_3_0; w <= CNI_V_1_1_0; w++) {
		json_t *j = cni_result_to_json(r, w);

		assert_null(json_object_get(j, "interfaces"));
		assert_null(json_object_get(at(j, "ips", 0), "interface"));
		assert_string_equal(json_string_value(json_object_get(at(j, "ips", 0), "gateway")),
				    "10.1.0.1");
		json_decref(j);
	}
	check_every_version(r);
	free(r);

	/* the same in 0.4.0 form, v6 */
	r = parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\","
		  "\"address\":\"fd00::2/64\",\"gateway\":\"fd00::1\"}]}", CNI_V_UNKNOWN, 0);
	assert_int_equal(r->ips[0].interface, -1);
	assert_int_equal(r->ips[0].address.addr.family, AF_INET6);
	free(r);
}

static void test_dns_empty_per_libcni_era(void **state)
{
	struct cni_result *r = parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":"
				     "\"10.0.0.2/24\"}],\"dns\":{}}", CNI_V_UNKNOWN, 0);
	enum cni_version w;
	json_t *j;

	for (w = CNI_V_0_3_0; w <= CNI_V_1_1_0; w++) {
		j = cni_result_to_json(r, w);
		/* libcni 1.1 prints an empty "dns": {} up to 1.0.0; libcni 1.2 drops it */
		if (w >= CNI_V_1_1_0)
			assert_null(json_object_get(j, "dns"));
		else
			assert_int_equal(json_object_size(json_object_get(j, "dns")), 0);
		assert_null(json_object_get(j, "routes"));
		json_decref(j);
	}
	strcpy(r->dns.domain, "example.test");
	j = cni_result_to_json(r, CNI_V_0_4_0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "dns"), "domain")),
			    "example.test");
	assert_int_equal(json_object_size(json_object_get(j, "dns")), 1);
	json_decref(j);
	free(r);

	/* an empty result is just the version */
	r = cni_result_new();
	j = cni_result_to_json(r, CNI_V_1_1_0);
	assert_int_equal(json_object_size(j), 1);
	json_decref(j);
	free(r);
}

/* The object's own cniVersion decides how "version" tags are read; absent, the caller's. */
static void test_version_source(void **state)
{
	static const char *v4_tagged_6 =
		"{@@\"ips\":[{\"version\":\"6\",\"address\":\"10.0.0.2/24\"}]}";
	static const struct {
		const char *version_key;
		enum cni_version v;
		int expect;
	} c[] = {
		{ "\"cniVersion\":\"0.4.0\",", CNI_V_1_1_0, -1 },
		{ "\"cniVersion\":\"1.0.0\",", CNI_V_0_4_0, 0 },	/* no such key in 1.x */
		{ "", CNI_V_1_0_0, 0 },
		{ "", CNI_V_0_3_1, -1 },
		{ "", CNI_V_UNKNOWN, -1 },
		{ "\"cniVersion\":\"\",", CNI_V_0_3_0, -1 },	/* "" is absent */
		{ "\"cniVersion\":\"\",", CNI_V_1_1_0, 0 },
		{ "\"cniVersion\":null,", CNI_V_0_4_0, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *text = fill(v4_tagged_6, c[i].version_key);

		free(parse(text, c[i].v, c[i].expect));
		free(text);
	}
	free(parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":"
		   "\"10.0.0.2/24\"}]}", CNI_V_UNKNOWN, 0));
}

static void test_builder_scope_convention(void **state)
{
	struct cni_result *r = cni_result_new();
	json_t *j;

	/* builders set scope = -1 for "absent"; a zeroed entry means scope 0 (universe) */
	ip_prefix_parse("10.0.0.0/8", &r->routes[0].dst);
	r->routes[0].scope = -1;
	ip_prefix_parse("10.1.0.0/16", &r->routes[1].dst);
	r->n_routes = 2;
	j = cni_result_to_json(r, CNI_V_1_1_0);
	assert_null(json_object_get(at(j, "routes", 0), "scope"));
	assert_int_equal(json_integer_value(json_object_get(at(j, "routes", 1), "scope")), 0);
	json_decref(j);
	free(r);
}

static void test_add_iface(void **state)
{
	struct cni_result *r = cni_result_new();
	char longpath[PATH_MAX + 8];
	int i;

	assert_int_equal(cni_result_add_iface(r, "br0", "0a:58:0a:00:00:01", NULL), 0);
	assert_int_equal(cni_result_add_iface(r, "eth0", NULL, "/run/netns/x"), 1);
	assert_string_equal(r->interfaces[1].sandbox, "/run/netns/x");
	assert_string_equal(r->interfaces[1].mac, "");
	assert_int_equal(cni_result_add_iface(r, "abcdefghijklmnop", NULL, NULL), -ENAMETOOLONG);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(cni_result_add_iface(r, "eth1", NULL, longpath), -ENAMETOOLONG);
	assert_int_equal(cni_result_add_iface(r, "", NULL, NULL), -EINVAL);
	assert_int_equal(r->n_interfaces, 2);
	assert_string_equal(r->interfaces[2].name, "");	/* a refused entry leaves nothing */
	for (i = 2; i < CNI_MAX_IFACES; i++)
		assert_int_equal(cni_result_add_iface(r, "x", NULL, NULL), i);
	assert_int_equal(cni_result_add_iface(r, "y", NULL, NULL), -ENOSPC);
	free(r);
}

static void test_version_strings(void **state)
{
	static const char *const names[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };
	static const char *const bad[] = { "", "0.2.0", "0.1.0", "1.0", "1.1.0 ", "2.0.0",
					   "v1.0.0" };
	size_t i;

	for (i = 0; i < 5; i++) {
		assert_int_equal(cni_version_parse(names[i]), CNI_V_0_3_0 + (int)i);
		assert_string_equal(cni_version_str(CNI_V_0_3_0 + (int)i), names[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cni_version_parse(bad[i]), CNI_V_UNKNOWN);
	assert_int_equal(cni_version_parse(NULL), CNI_V_UNKNOWN);
	assert_string_equal(cni_version_str(CNI_V_UNKNOWN), "");
	assert_string_equal(cni_version_str(CNI_V_LATEST), "1.1.0");
	assert_true(CNI_V_0_4_0 < CNI_V_1_0_0);
}

/* Each bad input, and the key the details must name. */
static const struct {
	const char *json, *details;
} malformed[] = {
	{ "[]", "result: []" },
	{ "\"x\"", "result" },
	{ "null", "result" },
	{ "{\"cniVersion\":7}", "cniVersion: 7" },
	{ "{\"cniVersion\":\"0.2.0\"}", "cniVersion: \"0.2.0\"" },
	{ "{\"cniVersion\":\"9.9.9\"}", "cniVersion" },
	/* ips */
	{ "{\"ips\":{}}", "ips: {}" },
	{ "{\"ips\":[5]}", "ips[0]: 5" },
	{ "{\"ips\":[{}]}", "ips[0].address: (absent)" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1\"}]}", "ips[0].address: \"10.0.0.1\"" },
	{ "{\"ips\":[{\"address\":\"10.0.0.300/24\"}]}", "ips[0].address" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1/33\"}]}", "ips[0].address" },
	{ "{\"ips\":[{\"address\":\"fd00::1/129\"}]}", "ips[0].address" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1/-1\"}]}", "ips[0].address" },
	{ "{\"ips\":[{\"address\":42}]}", "ips[0].address: 42" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1/24\",\"gateway\":\"fd00::1\"}]}",
	  "ips[0].gateway: \"fd00::1\"" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1/24\",\"gateway\":\"10.0.0.1/24\"}]}",
	  "ips[0].gateway" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1/24\",\"gateway\":[]}]}", "ips[0].gateway: []" },
	{ "{\"ips\":[{\"address\":\"10.0.0.1/24\",\"interface\":0}]}", "ips[0].interface: 0" },
	{ "{\"interfaces\":[{\"name\":\"a\"}],\"ips\":[{\"address\":\"10.0.0.1/24\","
	  "\"interface\":1}]}", "ips[0].interface: 1" },
	{ "{\"interfaces\":[{\"name\":\"a\"}],\"ips\":[{\"address\":\"10.0.0.1/24\","
	  "\"interface\":-1}]}", "ips[0].interface: -1" },
	{ "{\"interfaces\":[{\"name\":\"a\"}],\"ips\":[{\"address\":\"10.0.0.1/24\","
	  "\"interface\":\"0\"}]}", "ips[0].interface" },
	{ "{\"interfaces\":[{\"name\":\"a\"}],\"ips\":[{\"address\":\"10.0.0.1/24\","
	  "\"interface\":0.0}]}", "ips[0].interface" },
	{ "{\"interfaces\":[{\"name\":\"a\"}],\"ips\":[{\"address\":\"10.0.0.1/24\","
	  "\"interface\":9223372036854775807}]}", "ips[0].interface" },
	{ "{\"cniVersion\":\"0.3.1\",\"ips\":[{\"version\":\"6\",\"address\":\"10.0.0.1/24\"}]}",
	  "ips[0].version: \"6\"" },
	{ "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"fd00::1/64\"}]}",
	  "ips[0].version" },
	{ "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":4,\"address\":\"10.0.0.1/24\"}]}",
	  "ips[0].version: 4" },
	{ "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"5\",\"address\":\"10.0.0.1/24\"}]}",
	  "ips[0].version" },
	/* interfaces */
	{ "{\"interfaces\":{}}", "interfaces: {}" },
	{ "{\"interfaces\":[\"eth0\"]}", "interfaces[0]: \"eth0\"" },
	{ "{\"interfaces\":[{\"mac\":\"x\"}]}", "interfaces[0].name: (absent)" },
	{ "{\"interfaces\":[{\"name\":\"\"}]}", "interfaces[0].name" },
	{ "{\"interfaces\":[{\"name\":7}]}", "interfaces[0].name: 7" },
	{ "{\"interfaces\":[{\"name\":\"abcdefghijklmnop\"}]}", "interfaces[0].name" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"mac\":\"0123456789012345678901234567890123\"}]}",
	  "interfaces[0].mac" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"sandbox\":false}]}", "interfaces[0].sandbox: false" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"mtu\":-1}]}", "interfaces[0].mtu: -1" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"mtu\":2147483648}]}", "interfaces[0].mtu" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"mtu\":1500.0}]}", "interfaces[0].mtu" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"mtu\":\"1500\"}]}", "interfaces[0].mtu" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"socketPath\":{}}]}", "interfaces[0].socketPath" },
	{ "{\"interfaces\":[{\"name\":\"a\",\"pciID\":\"01234567890123456789012345678901234567890"
	  "1234567890123456789012345\"}]}", "interfaces[0].pciID" },
	/* routes */
	{ "{\"routes\":\"0.0.0.0/0\"}", "routes: \"0.0.0.0/0\"" },
	{ "{\"routes\":[[]]}", "routes[0]: []" },
	{ "{\"routes\":[{\"gw\":\"10.0.0.1\"}]}", "routes[0].dst: (absent)" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0\"}]}", "routes[0].dst" },
	{ "{\"routes\":[{\"dst\":\"default\"}]}", "routes[0].dst" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"fd00::1\"}]}", "routes[0].gw" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"nope\"}]}", "routes[0].gw: \"nope\"" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":-1}]}", "routes[0].mtu: -1" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"advmss\":true}]}", "routes[0].advmss: true" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"priority\":4294967296}]}", "routes[0].priority" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"table\":-5}]}", "routes[0].table: -5" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"table\":1e3}]}", "routes[0].table" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"scope\":256}]}", "routes[0].scope: 256" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"scope\":-1}]}", "routes[0].scope: -1" },
	{ "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"scope\":\"link\"}]}", "routes[0].scope" },
	/* dns */
	{ "{\"dns\":[]}", "dns: []" },
	{ "{\"dns\":{\"nameservers\":\"10.0.0.1\"}}", "dns.nameservers" },
	{ "{\"dns\":{\"nameservers\":[1]}}", "dns.nameservers[0]: 1" },
	{ "{\"dns\":{\"search\":[null]}}", "dns.search[0]: null" },
	{ "{\"dns\":{\"options\":{}}}", "dns.options: {}" },
	{ "{\"dns\":{\"domain\":[\"a\"]}}", "dns.domain" },
};

static void test_malformed(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct err err = { 0 };
		struct cni_result *r = parse_err(malformed[i].json, CNI_V_1_0_0, -1, &err);
		struct cni_result zero = { 0 };

		if (!strstr(err.details, malformed[i].details))
			fail_msg("%s: details \"%s\" lack \"%s\"", malformed[i].json, err.details,
				 malformed[i].details);
		assert_true(err.msg[0] != '\0');
		assert_memory_equal(r, &zero, sizeof(zero));	/* nothing half-parsed */
		free(r);
	}
}

static void test_error_text(void **state)
{
	struct err err = { 0 };

	free(parse_err("{\"interfaces\":[{\"name\":\"a\"}],\"ips\":[{\"address\":\"10.0.0.1/24\"},"
		       "{\"address\":\"10.0.0.300/24\"}]}", CNI_V_UNKNOWN, -1, &err));
	assert_string_equal(err.msg, "an IP address in the CNI result is not in CIDR notation");
	assert_string_equal(err.details, "ips[1].address: \"10.0.0.300/24\"");
}

/* @wrap with "@@" replaced by @n copies of @item, each with its "@@" replaced by 1..n. */
static char *list_of(const char *wrap, const char *item, int n)
{
	size_t cap = (size_t)n * (strlen(item) + 16) + 1;
	char *items = calloc(1, cap), *out;
	char num[16];
	int i;

	for (i = 0; i < n; i++) {
		char *one;

		snprintf(num, sizeof(num), "%d", i + 1);
		one = fill(item, num);
		if (i)
			strcat(items, ",");
		strcat(items, one);
		free(one);
	}
	out = fill(wrap, items);
	free(items);
	return out;
}

static void test_bounds(void **state)
{
	static const struct {
		const char *wrap, *item;
		int max;
	} lists[] = {
		{ "{\"interfaces\":[@@]}", "{\"name\":\"if@@\"}", CNI_MAX_IFACES },
		{ "{\"ips\":[@@]}", "{\"address\":\"10.0.0.@@/24\"}", CNI_MAX_IPS },
		{ "{\"routes\":[@@]}", "{\"dst\":\"10.@@.0.0/16\"}", CNI_MAX_ROUTES },
		{ "{\"dns\":{\"nameservers\":[@@]}}", "\"10.0.0.@@\"", CNI_MAX_DNS },
		{ "{\"dns\":{\"search\":[@@]}}", "\"s@@.example\"", CNI_MAX_DNS },
		{ "{\"dns\":{\"options\":[@@]}}", "\"opt@@\"", CNI_MAX_DNS },
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		char *full = list_of(lists[i].wrap, lists[i].item, lists[i].max);
		char *over = list_of(lists[i].wrap, lists[i].item, lists[i].max + 1);
		struct err err = { 0 };
		struct cni_result *r = parse(full, CNI_V_1_1_0, 0);

		check_every_version(r);
		free(r);
		free(parse_err(over, CNI_V_1_1_0, -1, &err));
		assert_non_null(strstr(err.msg, "more than"));
		free(full);
		free(over);
	}
}

/* Strings fill their buffers exactly, one byte more is an error, never a cut. */
static void test_string_lengths(void **state)
{
	static const struct {
		const char *tmpl;
		size_t size;
	} s[] = {
		{ "{\"interfaces\":[{\"name\":\"@@\"}]}", IFNAMSIZ },
		{ "{\"interfaces\":[{\"name\":\"a\",\"mac\":\"@@\"}]}", 32 },
		{ "{\"interfaces\":[{\"name\":\"a\",\"sandbox\":\"@@\"}]}", PATH_MAX },
		{ "{\"interfaces\":[{\"name\":\"a\",\"socketPath\":\"@@\"}]}", PATH_MAX },
		{ "{\"interfaces\":[{\"name\":\"a\",\"pciID\":\"@@\"}]}", 64 },
		{ "{\"dns\":{\"domain\":\"@@\"}}", CNI_DNS_STR },
		{ "{\"dns\":{\"search\":[\"@@\"]}}", CNI_DNS_STR },
		{ "{\"dns\":{\"nameservers\":[\"@@\"]}}", CNI_DNS_STR },
		{ "{\"dns\":{\"options\":[\"@@\"]}}", CNI_DNS_STR },
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		char *val = malloc(s[i].size + 1), *text;
		struct err err = { 0 };

		memset(val, 'x', s[i].size);
		val[s[i].size - 1] = '\0';
		text = fill(s[i].tmpl, val);
		free(parse(text, CNI_V_1_1_0, 0));
		free(text);
		val[s[i].size - 1] = 'x';
		val[s[i].size] = '\0';
		text = fill(s[i].tmpl, val);
		free(parse_err(text, CNI_V_1_1_0, -1, &err));
		assert_non_null(strstr(err.msg, "too long"));
		free(val);
		free(text);
	}
}

/* Accepted oddities: unknown keys, nulls for absent, the biggest numbers that fit. */
static void test_lenient_where_go_is(void **state)
{
	struct cni_result *r = parse(
		"{\"cniVersion\":\"1.1.0\",\"extra\":{\"x\":[1]},\"interfaces\":"
		"[{\"name\":\"a\",\"mac\":null,\"vendor\":1}],\"ips\":[{"
		"\"address\":\"10.0.0.2/24\",\"gateway\":null,\"interface\":null,"
		"\"note\":\"x\"}],\"routes\":[{\"dst\":\"10.0.0.0/8\",\"scope\":"
		"null,\"table\":4294967295,\"priority\":4294967295,\"mtu\":"
		"2147483647}],\"dns\":null}", CNI_V_UNKNOWN, 0);

	assert_int_equal(r->ips[0].interface, -1);
	assert_false(r->ips[0].has_gateway);
	assert_int_equal(r->routes[0].scope, -1);
	assert_int_equal(r->routes[0].table, 4294967295u);
	assert_int_equal(r->routes[0].mtu, 2147483647u);
	check_every_version(r);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v110_sample),
		cmocka_unit_test(test_v100_sample),
		cmocka_unit_test(test_v03x_v040_reference_fixture),
		cmocka_unit_test(test_ipam_result_without_interfaces),
		cmocka_unit_test(test_dns_empty_per_libcni_era),
		cmocka_unit_test(test_version_source),
		cmocka_unit_test(test_builder_scope_convention),
		cmocka_unit_test(test_add_iface),
		cmocka_unit_test(test_version_strings),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_string_lengths),
		cmocka_unit_test(test_lenient_where_go_is),
	};

	return cmocka_run_group_tests_name("result", tests, NULL, NULL);
}
