// SPDX-License-Identifier: Apache-2.0
/* ADD results: parse every version, print every version, round-trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"

static const char *spec_100 =
	"{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"00:11:22:33:44:55\"},"
	"{\"name\":\"veth3243\",\"mac\":\"55:44:33:22:11:11\"},{\"name\":\"eth0\","
	"\"mac\":\"99:88:77:66:55:44\",\"sandbox\":\"/var/run/netns/blue\"}],"
	"\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"interface\":2},"
	"{\"address\":\"fd00::5/64\",\"interface\":2}],"
	"\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.9.0.0/16\",\"gw\":\"10.1.0.254\"}],"
	"\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"search\":[\"example.com\"]}}";

static struct cni_result *parse(const char *text, enum cni_version v, int expect)
{
	struct cni_result *r = cni_result_new();
	struct cni_err err = { 0 };
	json_t *j = json_loads(text, 0, NULL);

	assert_non_null(j);
	assert_int_equal(cni_result_from_json(j, v, r, &err) < 0 ? -1 : 0, expect);
	if (expect < 0)
		assert_int_equal(err.code, CNI_ERR_DECODE);
	json_decref(j);
	return r;
}

static void test_round_trip_every_version(void **state)
{
	struct cni_result *r = parse(spec_100, CNI_V_UNKNOWN, 0);
	enum cni_version v;

	assert_int_equal(r->n_interfaces, 3);
	assert_int_equal(r->n_ips, 2);
	assert_int_equal(r->ips[0].interface, 2);
	assert_true(r->ips[0].has_gateway);
	assert_false(r->ips[1].has_gateway);
	assert_int_equal(r->routes[0].scope, -1);
	for (v = CNI_V_0_3_0; v <= CNI_V_1_1_0; v++) {
		json_t *j = cni_result_to_json(r, v);
		json_t *ip0 = json_array_get(json_object_get(j, "ips"), 0);
		struct cni_result *back = cni_result_new();
		struct cni_err err = { 0 };

		assert_string_equal(json_string_value(json_object_get(j, "cniVersion")),
				    cni_version_str(v));
		if (v < CNI_V_1_0_0)
			assert_string_equal(json_string_value(json_object_get(ip0, "version")), "4");
		else
			assert_null(json_object_get(ip0, "version"));
		assert_int_equal(cni_result_from_json(j, CNI_V_UNKNOWN, back, &err), 0);
		assert_memory_equal(back, r, sizeof(*r));
		free(back);
		json_decref(j);
	}
	free(r);
}

static void test_v11_fields_only_in_v11(void **state)
{
	struct cni_result *r = parse("{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"e\","
				     "\"mtu\":9000,\"pciID\":\"0000:00:01.0\"}],\"routes\":[{\"dst\":"
				     "\"10.0.0.0/8\",\"mtu\":1400,\"table\":100,\"scope\":253}]}",
				     CNI_V_UNKNOWN, 0);
	json_t *j11 = cni_result_to_json(r, CNI_V_1_1_0), *j10 = cni_result_to_json(r, CNI_V_1_0_0);
	json_t *rt11 = json_array_get(json_object_get(j11, "routes"), 0);
	json_t *rt10 = json_array_get(json_object_get(j10, "routes"), 0);

	assert_int_equal(json_integer_value(json_object_get(rt11, "scope")), 253);
	assert_int_equal(json_integer_value(json_object_get(rt11, "table")), 100);
	assert_null(json_object_get(rt10, "scope"));
	assert_null(json_object_get(rt10, "mtu"));
	assert_null(json_object_get(json_array_get(json_object_get(j10, "interfaces"), 0), "mtu"));
	json_decref(j11);
	json_decref(j10);
	free(r);
}

static void test_ipam_result_040(void **state)
{
	struct cni_result *r = parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\","
				     "\"address\":\"fd00::2/64\",\"gateway\":\"fd00::1\"}]}",
				     CNI_V_UNKNOWN, 0);

	assert_int_equal(r->n_interfaces, 0);
	assert_int_equal(r->ips[0].interface, -1);
	assert_int_equal(r->ips[0].address.addr.family, AF_INET6);
	free(r);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"ips\":[{\"address\":\"10.0.0.1\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.300/24\"}]}",
		"{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"10.0.0.1/24\"}]}",
		"{\"ips\":[{\"address\":\"10.0.0.1/24\",\"interface\":0}]}",
		"{\"ips\":[{\"address\":\"10.0.0.1/24\",\"gateway\":\"fd00::1\"}]}",
		"{\"interfaces\":[{\"name\":\"abcdefghijklmnopqrstuvwxyz\"}]}",
		"{\"interfaces\":[{\"mac\":\"x\"}]}",
		"{\"interfaces\":{}}",
		"{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":-1}]}",
		"{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"scope\":256}]}",
		"{\"routes\":[{\"gw\":\"10.0.0.1\"}]}",
		"{\"dns\":{\"nameservers\":[1]}}",
		"{\"cniVersion\":\"7.0.0\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		free(parse(bad[i], CNI_V_1_0_0, -1));
}

static void test_too_many_ips(void **state)
{
	char buf[8192] = "{\"ips\":[";
	int i;

	for (i = 0; i <= CNI_MAX_IPS; i++)
		sprintf(buf + strlen(buf), "%s{\"address\":\"10.0.0.%d/24\"}", i ? "," : "", i + 1);
	strcat(buf, "]}");
	free(parse(buf, CNI_V_1_0_0, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_version),
		cmocka_unit_test(test_v11_fields_only_in_v11),
		cmocka_unit_test(test_ipam_result_040),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_ips),
	};

	return cmocka_run_group_tests_name("result", tests, NULL, NULL);
}
