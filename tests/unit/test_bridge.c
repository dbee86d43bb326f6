// SPDX-License-Identifier: Apache-2.0
/* The bridge plugin's configuration: defaults, reference keys, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/bridge/config.h"

static struct cni_ctx ctx;
static struct br_conf c;

/* parse @json (with CNI_ARGS @args or NULL); return br_conf_parse()'s answer */
static int parse(const char *json, const char *args, bool strict)
{
	cni_conf_free(&ctx.conf);
	memset(&ctx, 0, sizeof(ctx));
	if (args) {
		setenv("CNI_COMMAND", "ADD", 1);
		setenv("CNI_CONTAINERID", "c1", 1);
		setenv("CNI_NETNS", "/run/netns/x", 1);
		setenv("CNI_IFNAME", "eth0", 1);
		setenv("CNI_PATH", "/bin", 1);
		setenv("CNI_ARGS", args, 1);
		assert_int_equal(cni_env_parse(&ctx.env, &ctx.err), 0);
	}
	assert_int_equal(cni_conf_parse(json, strlen(json), true, &ctx.conf, &ctx.err), 0);
	return br_conf_parse(&ctx, &c, strict);
}

#define BASE "\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\""

static void test_defaults(void **state)
{
	assert_int_equal(parse("{" BASE "}", NULL, true), 0);
	assert_string_equal(c.bridge, "cni0");
	assert_true(c.icc);
	assert_false(c.is_gw);
	assert_null(c.ipam_type);
	assert_int_equal(c.mtu, 0);
	assert_false(c.has_mac);

	assert_int_equal(parse("{" BASE ",\"isDefaultGateway\":true,\"icc\":false,\"mtu\":1400,"
			       "\"ipam\":{\"type\":\"host-local\"}}", NULL, true), 0);
	assert_true(c.is_gw);	/* isDefaultGateway implies isGateway, as the reference */
	assert_false(c.icc);
	assert_int_equal(c.mtu, 1400);
	assert_string_equal(c.ipam_type, "host-local");
}

static void test_mac_precedence(void **state)
{
	/* CNI_ARGS MAC, then args.cni.mac, then runtimeConfig.mac wins */
	assert_int_equal(parse("{" BASE "}", "MAC=0a:00:00:00:00:01", true), 0);
	assert_int_equal(c.mac[5], 1);
	assert_int_equal(parse("{" BASE ",\"args\":{\"cni\":{\"mac\":\"0a:00:00:00:00:02\"}}}",
			       "MAC=0a:00:00:00:00:01", true), 0);
	assert_int_equal(c.mac[5], 2);
	assert_int_equal(parse("{" BASE ",\"args\":{\"cni\":{\"mac\":\"0a:00:00:00:00:02\"}},"
			       "\"runtimeConfig\":{\"mac\":\"0a:00:00:00:00:03\"}}", NULL, true), 0);
	assert_int_equal(c.mac[5], 3);
	assert_int_equal(parse("{" BASE ",\"runtimeConfig\":{\"mac\":\"01:00:00:00:00:03\"}}",
			       NULL, true), -EINVAL);
	assert_int_equal(ctx.err.code, ERR_INVALID_CONFIG);
	assert_non_null(strstr(ctx.err.details, "multicast"));
}

static void test_trunk(void **state)
{
	assert_int_equal(parse("{" BASE ",\"vlanTrunk\":[{\"id\":7},{\"minID\":3,\"maxID\":5},"
			       "{\"id\":4}]}", NULL, true), 0);
	assert_int_equal(c.n_trunk, 4);
	assert_int_equal(c.trunk[0], 3);
	assert_int_equal(c.trunk[3], 7);
	assert_int_equal(parse("{" BASE ",\"vlanTrunk\":[{\"minID\":5,\"maxID\":3}]}", NULL, true),
			 -EINVAL);
	assert_int_equal(parse("{" BASE ",\"vlanTrunk\":[{\"maxID\":3}]}", NULL, true), -EINVAL);
	assert_int_equal(parse("{" BASE ",\"vlanTrunk\":[{\"id\":4095}]}", NULL, true), -EINVAL);
	assert_int_equal(parse("{" BASE ",\"vlan\":4095}", NULL, true), -EINVAL);
	assert_int_equal(ctx.err.code, ERR_INVALID_CONFIG);
}

static void test_refusals(void **state)
{
	static const struct { const char *json; int code; } cases[] = {
		{ "{" BASE ",\"macspoofchk\":\"yes\"}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"vlan\":10,\"isGateway\":true}", ERR_UNSUPPORTED_FIELD },
		{ "{" BASE ",\"hairpinMode\":true,\"promiscMode\":true}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"bridge\":\"a/b\"}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"bridge\":\"sixteen-chars-xx\"}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"mtu\":67}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"mtu\":\"1500\"}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"isGateway\":\"yes\"}", ERR_INVALID_CONFIG },
		{ "{" BASE ",\"disableContainerInterface\":true,\"ipam\":{\"type\":\"x\"}}",
		  ERR_INVALID_CONFIG },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].json, NULL, true), -EINVAL);
		assert_int_equal(ctx.err.code, cases[i].code);
	}
	/* DEL and GC clean up whatever the config says */
	assert_int_equal(parse("{" BASE ",\"macspoofchk\":true,\"ipam\":{\"type\":\"x\"}}", NULL,
			       false), 0);
	assert_string_equal(c.ipam_type, "x");
	assert_int_equal(parse("{" BASE ",\"ipMasq\":true}", NULL, true), 0);
	assert_true(c.ip_masq);
	assert_int_equal(parse("{" BASE ",\"macspoofchk\":true}", NULL, true), 0);
	assert_true(c.macspoofchk);
	assert_false(c.spoofchk);
	cni_conf_free(&ctx.conf);
}

/* spoofchk: on with icc false unless turned off; without IPAM only the MAC is bound. */
static void test_spoofchk(void **state)
{
	(void)state;
	assert_int_equal(parse("{" BASE ",\"ipam\":{\"type\":\"x\"}}", NULL, true), 0);
	assert_false(c.spoofchk);
	assert_int_equal(parse("{" BASE ",\"icc\":false,\"ipam\":{\"type\":\"x\"}}", NULL,
			       true), 0);
	assert_true(c.spoofchk);
	assert_int_equal(parse("{" BASE ",\"icc\":false,\"spoofchk\":false,"
			       "\"ipam\":{\"type\":\"x\"}}", NULL, true), 0);
	assert_false(c.spoofchk);
	assert_int_equal(parse("{" BASE ",\"spoofchk\":true,\"ipam\":{\"type\":\"x\"}}", NULL,
			       true), 0);
	assert_true(c.spoofchk);
	assert_false(c.macspoofchk);
	assert_int_equal(parse("{" BASE ",\"spoofchk\":true}", NULL, true), 0);
	assert_false(c.spoofchk);
	assert_true(c.macspoofchk);
	assert_int_equal(parse("{" BASE ",\"spoofchk\":\"yes\"}", NULL, true), -EINVAL);
	assert_int_equal(ctx.err.code, ERR_INVALID_CONFIG);
	assert_int_equal(parse("{" BASE ",\"icc\":false,\"vlanTrunk\":[{\"id\":5}],"
			       "\"ipam\":{\"type\":\"x\"}}", NULL, true), -EINVAL);
	assert_int_equal(ctx.err.code, ERR_UNSUPPORTED_FIELD);
	cni_conf_free(&ctx.conf);
}

/* gatewayMode: nat (the default) or routed; anything else is code 7, but DEL cleans up. */
static void test_gateway_mode(void **state)
{
	(void)state;
	assert_int_equal(parse("{" BASE ",\"ipMasq\":true}", NULL, true), 0);
	assert_false(c.routed);
	assert_int_equal(parse("{" BASE ",\"gatewayMode\":\"nat\"}", NULL, true), 0);
	assert_false(c.routed);
	assert_int_equal(parse("{" BASE ",\"GatewayMode\":\"routed\"}", NULL, true), 0);
	assert_true(c.routed);	/* keys as Go's encoding/json reads them */
	assert_int_equal(parse("{" BASE ",\"gatewayMode\":\"nat-unprotected\"}", NULL, true),
			 -EINVAL);
	assert_int_equal(ctx.err.code, ERR_INVALID_CONFIG);
	assert_int_equal(parse("{" BASE ",\"gatewayMode\":true}", NULL, true), -EINVAL);
	assert_int_equal(ctx.err.code, ERR_INVALID_CONFIG);
	assert_int_equal(parse("{" BASE ",\"gatewayMode\":\"bogus\"}", NULL, false), 0);
	cni_conf_free(&ctx.conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_mac_precedence),
		cmocka_unit_test(test_trunk),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_spoofchk),
		cmocka_unit_test(test_gateway_mode),
	};

	return cmocka_run_group_tests_name("bridge-config", tests, NULL, NULL);
}
