// SPDX-License-Identifier: Apache-2.0
/* plugins/portmap: portMappings entries and the (mapping, address) pairs they make. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "plugins/portmap/config.h"

static int parse(const char *text, struct pm_entry *e, struct err *err)
{
	json_t *v = json_loads(text, 0, NULL);
	int r;

	assert_non_null(v);
	memset(err, 0, sizeof(*err));
	r = pm_entry_parse(v, 3, e, err);
	json_decref(v);
	return r;
}

static void test_entries(void **state)
{
	struct pm_entry e;
	struct err err;

	assert_int_equal(parse("{\"hostPort\":8080,\"containerPort\":80}", &e, &err), 0);
	assert_int_equal(e.proto, IPPROTO_TCP);
	assert_int_equal(e.host_port, 8080);
	assert_int_equal(e.cont_port, 80);
	assert_int_equal(e.host_ip.family, 0);
	assert_int_equal(parse("{\"hostPort\":53,\"containerPort\":53,\"protocol\":\"UDP\","
			       "\"hostIP\":\"fd00::1\"}", &e, &err), 0);
	assert_int_equal(e.proto, IPPROTO_UDP);
	assert_int_equal(e.host_ip.family, AF_INET6);
	assert_int_equal(parse("{\"hostPort\":1,\"containerPort\":2,\"protocol\":\"sctp\","
			       "\"hostIP\":\"0.0.0.0\"}", &e, &err), 0);
	assert_int_equal(e.proto, IPPROTO_SCTP);
	assert_int_equal(e.host_ip.family, 0);
	assert_int_equal(e.only_family, AF_INET);
	assert_int_equal(parse("{\"hostPort\":1,\"containerPort\":2,\"hostIP\":\"\"}", &e, &err), 0);

	assert_int_equal(parse("{\"hostPort\":0,\"containerPort\":80}", &e, &err), -EINVAL);
	assert_int_equal(err.code, 7);
	assert_string_equal(err.details, "portMappings[3].hostPort must be between 1 and 65535");
	assert_int_equal(parse("{\"hostPort\":80,\"containerPort\":65536}", &e, &err), -EINVAL);
	assert_int_equal(parse("{\"hostPort\":\"80\",\"containerPort\":80}", &e, &err), -EINVAL);
	assert_int_equal(parse("{\"containerPort\":80}", &e, &err), -EINVAL);
	assert_int_equal(parse("{\"hostPort\":80,\"containerPort\":80,\"protocol\":\"icmp\"}",
			       &e, &err), -EINVAL);
	assert_non_null(strstr(err.details, "\"icmp\""));
	assert_int_equal(parse("{\"hostPort\":80,\"containerPort\":80,\"hostIP\":\"1.2.3\"}",
			       &e, &err), -EINVAL);
	assert_int_equal(parse("{\"hostPort\":80,\"containerPort\":80,\"hostIP\":5}", &e, &err),
			 -EINVAL);
	assert_int_equal(parse("[]", &e, &err), -EINVAL);
}

static void test_maps(void **state)
{
	static struct pm_config c;
	struct nft_pm_map m[8];

	memset(&c, 0, sizeof(c));
	assert_int_equal(ip_prefix_parse("10.88.0.5/16", &c.cont4), 0);
	assert_int_equal(ip_prefix_parse("fd00::5/64", &c.cont6), 0);
	c.entries[0] = (struct pm_entry){ .proto = IPPROTO_TCP, .host_port = 80, .cont_port = 8 };
	c.entries[1] = (struct pm_entry){ .proto = IPPROTO_UDP, .host_port = 53, .cont_port = 53,
					  .only_family = AF_INET6 };
	c.entries[2] = (struct pm_entry){ .proto = IPPROTO_TCP, .host_port = 9, .cont_port = 9 };
	assert_int_equal(ip_addr_parse("192.168.1.1", &c.entries[2].host_ip), 0);
	c.n_entries = 3;
	/* dual stack: 2 + 1 (v6 only) + 1 (a v4 hostIP) */
	assert_int_equal(pm_config_maps(&c, m, 8), 4);
	assert_string_equal(nft_pm_map_name(&m[0]), "dnat-v4");
	assert_string_equal(nft_pm_map_name(&m[1]), "dnat-v6");
	assert_string_equal(nft_pm_map_name(&m[2]), "dnat-v6");
	assert_string_equal(nft_pm_map_name(&m[3]), "dnat-ip-v4");
	/* v4 only: the v6-only entry makes nothing */
	memset(&c.cont6, 0, sizeof(c.cont6));
	assert_int_equal(pm_config_maps(&c, m, 8), 2);
	/* room for one */
	assert_int_equal(pm_config_maps(&c, m, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_maps),
	};

	return cmocka_run_group_tests_name("portmap", tests, NULL, NULL);
}
