// SPDX-License-Identifier: Apache-2.0
/*
 * cni/json: keys matched as Go's encoding/json matches them to struct fields, and the
 * shapes go-cni (containerd's CRI path) sends through every reader that takes them.
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
#include <netinet/in.h>

#include "cni/json.h"
#include "cni/plugin.h"
#include "plugins/bandwidth/config.h"
#include "plugins/portmap/config.h"

static void test_key_matches(void **state)
{
	assert_true(cni_json_key_matches("hostPort", "hostPort"));
	assert_true(cni_json_key_matches("hostPort", "HostPort"));
	assert_true(cni_json_key_matches("hostPort", "HOSTPORT"));
	assert_true(cni_json_key_matches("hostIP", "HostIP"));
	assert_true(cni_json_key_matches("cni.dev/valid-attachments", "CNI.dev/Valid-Attachments"));
	/* Go's simple folding: KELVIN SIGN is k, LONG S is s */
	assert_true(cni_json_key_matches("mask", "ma\xc5\xbf\xe2\x84\xaa"));
	assert_false(cni_json_key_matches("mac", "ma\xe2\x84\xaa"));
	assert_false(cni_json_key_matches("hostPort", "hostPorts"));
	assert_false(cni_json_key_matches("hostPort", "hostPor"));
	assert_false(cni_json_key_matches("hostPort", "host_port"));
	assert_false(cni_json_key_matches("hostPort", ""));
	assert_false(cni_json_key_matches("a-b", "a_b"));
	/* a cut-off multibyte sequence is no match and no over-read */
	assert_false(cni_json_key_matches("k", "\xe2\x84"));
	assert_false(cni_json_key_matches("s", "\xc5"));
}

static void test_get(void **state)
{
	json_t *o = json_loads("{\"IngressRate\":1,\"egressrate\":2,\"x\":3}", 0, NULL);

	assert_int_equal(json_integer_value(cni_json_get(o, "ingressRate")), 1);
	assert_int_equal(json_integer_value(cni_json_get(o, "egressRate")), 2);
	assert_string_equal(cni_json_key(o, "ingressRate"), "IngressRate");
	assert_null(cni_json_get(o, "ingressBurst"));
	assert_null(cni_json_get(NULL, "x"));
	json_decref(o);
	o = json_integer(1);
	assert_null(cni_json_get(o, "x"));
	json_decref(o);
	/* the same field twice: each later key overwrites, in Go as here */
	o = json_loads("{\"mtu\":1400,\"MTU\":9000}", 0, NULL);
	assert_int_equal(json_integer_value(cni_json_get(o, "mtu")), 9000);
	json_decref(o);
	o = json_loads("{\"MTU\":9000,\"mtu\":1400}", 0, NULL);
	assert_int_equal(json_integer_value(cni_json_get(o, "mtu")), 1400);
	json_decref(o);
}

static struct cni_ctx ctx;

static int parse_conf(const char *keys)
{
	char json[1024];

	cni_conf_free(&ctx.conf);
	memset(&ctx, 0, sizeof(ctx));
	snprintf(json, sizeof(json), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\"%s}",
		 keys);
	return cni_conf_parse(json, strlen(json), true, &ctx.conf, &ctx.err);
}

/* The network config's own keys fold too (types.NetConf). */
static void test_conf_keys(void **state)
{
	assert_int_equal(parse_conf(",\"IPMasq\":true,\"RuntimeConfig\":{\"X\":1},"
				    "\"IPAM\":{\"Type\":\"host-local\"},\"PrevResult\":{}"), 0);
	assert_true(ctx.conf.ip_masq);
	assert_non_null(ctx.conf.runtime_config);
	assert_non_null(ctx.conf.ipam);
	assert_non_null(ctx.conf.prev_result);
	assert_int_equal(parse_conf(",\"IPAM\":{\"TYPE\":\"a/b\"}"), -EINVAL);
	assert_int_equal(ctx.err.code, 7);
	/* an error quotes the key as the user spelled it */
	assert_int_equal(parse_conf(",\"IPMASQ\":\"yes\""), -EINVAL);
	assert_string_equal(ctx.err.details, "\"IPMASQ\" must be true or false");
	cni_conf_free(&ctx.conf);
}

/* go-cni's PortMapping has no JSON tags: Go field names, an empty HostIP. */
static void test_gocni_portmap(void **state)
{
	json_t *v = json_loads("{\"HostPort\":8080,\"ContainerPort\":80,\"Protocol\":\"TCP\","
			       "\"HostIP\":\"\"}", 0, NULL);
	struct err err = { 0 };
	struct pm_entry e;

	assert_int_equal(pm_entry_parse(v, 0, &e, &err), 0);
	assert_int_equal(e.host_port, 8080);
	assert_int_equal(e.cont_port, 80);
	assert_int_equal(e.proto, IPPROTO_TCP);
	assert_int_equal(e.host_ip.family, 0);
	assert_int_equal(e.only_family, 0);
	json_decref(v);
	v = json_loads("{\"HostPort\":5353,\"ContainerPort\":53,\"Protocol\":\"Udp\","
		       "\"HostIP\":\"127.0.0.1\"}", 0, NULL);
	assert_int_equal(pm_entry_parse(v, 0, &e, &err), 0);
	assert_int_equal(e.proto, IPPROTO_UDP);
	assert_int_equal(e.host_ip.family, AF_INET);
	json_decref(v);
	v = json_loads("{\"HostPort\":0,\"ContainerPort\":53}", 0, NULL);
	assert_int_equal(pm_entry_parse(v, 2, &e, &err), -EINVAL);
	assert_int_equal(err.code, 7);
	json_decref(v);
}

/* go-cni's BandWidth: IngressRate etc.; a key nobody knows is refused, not skipped. */
static void test_gocni_bandwidth(void **state)
{
	struct bw_config c;

	assert_int_equal(parse_conf(",\"runtimeConfig\":{\"bandwidth\":{\"IngressRate\":1000000,"
				    "\"IngressBurst\":80000,\"EgressRate\":2000000,"
				    "\"EgressBurst\":160000}}"), 0);
	assert_int_equal(bw_config_load(&ctx, &c), 0);
	assert_true(c.from_runtime);
	assert_int_equal(c.ingress.rate, 1000000);
	assert_int_equal(c.ingress.burst, 80000);
	assert_int_equal(c.egress.rate, 2000000);
	assert_int_equal(c.egress.burst, 160000);
	assert_int_equal(parse_conf(",\"runtimeConfig\":{\"Bandwidth\":{\"ingress_rate\":1}}"), 0);
	assert_int_equal(bw_config_load(&ctx, &c), -EINVAL);
	assert_int_equal(ctx.err.code, 7);
	assert_non_null(strstr(ctx.err.details, "runtimeConfig.bandwidth.ingress_rate"));
	cni_conf_free(&ctx.conf);
}

static int added;

static int fake_add(struct cni_ctx *c)
{
	added++;
	return 0;
}

static const struct cni_plugin_ops fake_ops = {
	.name = "fake", .add = fake_add, .del = fake_add,
	.runtime_keys = (const char *const[]){ "portMappings", NULL },
};

static int call(const char *command, const char *rc, struct err *err)
{
	struct cni_env env = { .container_id = "c1", .netns = "/proc/self/ns/net",
			       .ifname = "eth0" };
	char conf[512], *out = NULL;
	int r;

	snprintf(conf, sizeof(conf), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\","
		 "\"type\":\"fake\",\"runtimeConfig\":%s}", rc);
	memset(err, 0, sizeof(*err));
	r = cni_plugin_call(&fake_ops, &env, command, conf, strlen(conf), &out, err);
	free(out);
	return r;
}

/* A declared capability the plugin cannot apply: code 7 naming it, on ADD only. */
static void test_runtime_keys(void **state)
{
	struct err err;

	added = 0;
	assert_int_equal(call("ADD", "{\"PortMappings\":[]}", &err), 0);
	assert_int_equal(added, 1);
	assert_int_not_equal(call("ADD", "{\"portMappings\":[],\"bandwidth\":{}}", &err), 0);
	assert_int_equal(err.code, 7);
	assert_non_null(strstr(err.details, "runtimeConfig.bandwidth"));
	assert_non_null(strstr(err.details, "fake"));
	assert_int_equal(added, 1);
	/* DEL must still clean up */
	assert_int_equal(call("DEL", "{\"bandwidth\":{}}", &err), 0);
	assert_int_equal(added, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_matches),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_conf_keys),
		cmocka_unit_test(test_gocni_portmap),
		cmocka_unit_test(test_gocni_bandwidth),
		cmocka_unit_test(test_runtime_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
