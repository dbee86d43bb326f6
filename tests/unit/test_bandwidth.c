// SPDX-License-Identifier: Apache-2.0
/* bandwidth's pure logic: config forms and refusals, TBF sizing; tc's error mapping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <netlink/errno.h>

#include "netlib/tc.h"
#include "plugins/bandwidth/config.h"

static struct cni_ctx ctx;

static int load(const char *keys, struct bw_config *c)
{
	char json[1024];

	cni_conf_free(&ctx.conf);
	memset(&ctx, 0, sizeof(ctx));
	snprintf(json, sizeof(json), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\","
		 "\"type\":\"bandwidth\"%s%s}", *keys ? "," : "", keys);
	assert_int_equal(cni_conf_parse(json, strlen(json), true, &ctx.conf, &ctx.err), 0);
	return bw_config_load(&ctx, c);
}

static void test_config_forms(void **state)
{
	struct bw_config c;

	assert_int_equal(load("", &c), 0);
	assert_int_equal(c.ingress.rate, 0);
	assert_int_equal(c.egress.rate, 0);
	assert_int_equal(load("\"ingressRate\":1000000,\"ingressBurst\":80000", &c), 0);
	assert_int_equal(c.ingress.rate, 1000000);
	assert_int_equal(c.ingress.burst, 80000);
	assert_int_equal(c.egress.rate, 0);
	assert_false(c.from_runtime);
	/* runtimeConfig replaces the static keys as a whole */
	assert_int_equal(load("\"ingressRate\":1000000,\"ingressBurst\":80000,"
			      "\"runtimeConfig\":{\"bandwidth\":{\"egressRate\":2000000,"
			      "\"egressBurst\":16000}}", &c), 0);
	assert_true(c.from_runtime);
	assert_int_equal(c.ingress.rate, 0);
	assert_int_equal(c.egress.rate, 2000000);
	/* a whole real number is a number; empty subnet lists are nothing to refuse */
	assert_int_equal(load("\"egressRate\":1e7,\"egressBurst\":1e5,\"shapedSubnets\":[]",
			      &c), 0);
	assert_int_equal(c.egress.rate, 10000000);
	assert_int_equal(c.n_subnets, 0);
	/* subnets: host bits cleared; shapedSubnets says which side the list is */
	assert_int_equal(load("\"egressRate\":1e7,\"egressBurst\":1e5,\"unshapedSubnets\":"
			      "[\"10.1.2.3/16\",\"fd00::1/8\"]", &c), 0);
	assert_int_equal(c.n_subnets, 2);
	assert_false(c.subnets_shaped);
	assert_int_equal(c.subnets[0].addr.b[2], 0);
	assert_int_equal(c.subnets[1].addr.b[15], 0);
	assert_int_equal(load("\"runtimeConfig\":{\"bandwidth\":{\"egressRate\":1e7,"
			      "\"egressBurst\":1e5,\"shapedSubnets\":[\"192.168.0.0/24\"]}}",
			      &c), 0);
	assert_true(c.subnets_shaped);
	assert_int_equal(c.n_subnets, 1);
	/* Kubernetes through CRI: burst 2^32-1 means none given, 10 ms at the rate */
	assert_int_equal(load("\"runtimeConfig\":{\"bandwidth\":{\"ingressRate\":1e8,"
			      "\"ingressBurst\":4294967295,\"egressRate\":1e6,"
			      "\"egressBurst\":4294967295}}", &c), 0);
	assert_int_equal(c.ingress.burst, 1000000);
	assert_int_equal(c.egress.burst, 16 * 1024 * 8);
	/* ...only from the runtime: in the static keys it is the burst it says */
	assert_int_equal(load("\"ingressRate\":1e8,\"ingressBurst\":4294967295", &c), 0);
	assert_int_equal(c.ingress.burst, 4294967295ULL);
	cni_conf_free(&ctx.conf);
}

static void test_u32_keys(void **state)
{
	struct netlib_u32_key k[4];
	struct ip_prefix p;

	assert_int_equal(ip_prefix_parse("10.1.0.0/16", &p), 0);
	assert_int_equal(netlib_u32_prefix_keys(&p, true, k), 1);
	assert_int_equal(k[0].off, 16);
	assert_int_equal(ntohl(k[0].mask), 0xffff0000);
	assert_int_equal(ntohl(k[0].val), 0x0a010000);
	assert_int_equal(netlib_u32_prefix_keys(&p, false, k), 1);
	assert_int_equal(k[0].off, 12);
	assert_int_equal(ip_prefix_parse("10.1.2.3/32", &p), 0);
	netlib_u32_prefix_keys(&p, true, k);
	assert_int_equal(ntohl(k[0].mask), 0xffffffff);
	assert_int_equal(ntohl(k[0].val), 0x0a010203);
	/* a /0 matches every packet of the family */
	assert_int_equal(ip_prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(netlib_u32_prefix_keys(&p, true, k), 1);
	assert_int_equal(k[0].mask, 0);
	/* v6: one key per 32 bits of prefix, host bits never in the value */
	assert_int_equal(ip_prefix_parse("fd00:1:2:3::ff/56", &p), 0);
	assert_int_equal(netlib_u32_prefix_keys(&p, true, k), 2);
	assert_int_equal(k[0].off, 24);
	assert_int_equal(k[1].off, 28);
	assert_int_equal(ntohl(k[0].val), 0xfd000001);
	assert_int_equal(ntohl(k[1].mask), 0xffffff00);
	assert_int_equal(ntohl(k[1].val), 0x00020000);
	assert_int_equal(ip_prefix_parse("fd00::/128", &p), 0);
	assert_int_equal(netlib_u32_prefix_keys(&p, false, k), 4);
	assert_int_equal(k[3].off, 8 + 12);
}

static void expect_refusal(const char *keys, int code, const char *in_details)
{
	struct bw_config c;

	assert_int_equal(load(keys, &c), -EINVAL);
	assert_int_equal(ctx.err.code, code);
	if (!strstr(ctx.err.details, in_details))
		fail_msg("details \"%s\" lack \"%s\"", ctx.err.details, in_details);
}

static void test_config_errors(void **state)
{
	expect_refusal("\"ingressRate\":-1,\"ingressBurst\":1000", 7, "ingressRate");
	expect_refusal("\"ingressRate\":\"10M\",\"ingressBurst\":1000", 7, "whole number");
	expect_refusal("\"egressRate\":1.5e7,\"egressBurst\":0.5", 7, "egressBurst");
	expect_refusal("\"ingressBurst\":100000", 7, "a burst needs a rate");
	expect_refusal("\"egressRate\":100000", 7, "a rate needs a burst");
	expect_refusal("\"egressRate\":100,\"egressBurst\":100000", 7, "between");
	expect_refusal("\"egressRate\":100000000000,\"egressBurst\":100000", 7, "between");
	expect_refusal("\"egressRate\":1e30,\"egressBurst\":100000", 7, "whole number");
	expect_refusal("\"egressRate\":1000000,\"egressBurst\":10000000000", 7, "512 MiB");
	expect_refusal("\"egressRate\":8000,\"egressBurst\":8000000", 7, "60 s");
	expect_refusal("\"egressRate\":8000,\"egressBurst\":8000,\"unshapedSubnets\":"
		       "[\"10.0.0.0/8\"],\"shapedSubnets\":[\"10.1.0.0/16\"]", 7,
		       "exclude each other");
	expect_refusal("\"runtimeConfig\":{\"bandwidth\":{\"ingressRate\":1000000,"
		       "\"ingressBurst\":80000,\"shapedSubnets\":[\"10.0.0.0/33\"]}}", 7,
		       "runtimeConfig.bandwidth.shapedSubnets[0] is not a CIDR");
	expect_refusal("\"unshapedSubnets\":\"10.0.0.0/8\"", 7, "must be an array");
	expect_refusal("\"runtimeConfig\":{\"bandwidth\":[1]}", 7, "must be an object");
	cni_conf_free(&ctx.conf);
}

static void test_shape(void **state)
{
	struct bw_limit l = { 10000000, 100000 };	/* 10 Mbit/s, 12500 B */
	struct bw_shape s;

	bw_shape_compute(&l, 1500, &s);
	assert_int_equal(s.tbf.rate, 1250000);
	assert_int_equal(s.tbf.burst, 12500);
	assert_false(s.burst_raised);
	assert_int_equal(s.tbf.limit, 12500 + 1250000 / 5);	/* burst + 200 ms */
	/* below two full frames: raised, and said so */
	l = (struct bw_limit){ 1000000, 8000 };
	bw_shape_compute(&l, 1500, &s);
	assert_true(s.burst_raised);
	assert_int_equal(s.burst_asked, 1000);
	assert_int_equal(s.tbf.burst, 2 * 1514);
	/* at 1 Mbit/s 200 ms is 25000 B, above the floor of 16 frames */
	assert_int_equal(s.tbf.limit, 2 * 1514 + 25000);
	l = (struct bw_limit){ 100000, 8000 };	/* 100 kbit/s: the floor */
	bw_shape_compute(&l, 1500, &s);
	assert_int_equal(s.tbf.limit, 2 * 1514 + 16 * 1514);
	bw_shape_compute(&l, 9000, &s);
	assert_int_equal(s.tbf.burst, 2 * 9014);
	/* the largest rate stays within the kernel's 32-bit limit */
	l = (struct bw_limit){ BW_RATE_MAX, BW_BURST_MAX };
	bw_shape_compute(&l, 1500, &s);
	assert_true(s.tbf.limit <= INT32_MAX);
	assert_int_equal(s.tbf.rate, NETLIB_TBF_RATE_MAX);
}

static void test_tc_errno(void **state)
{
	assert_int_equal(netlib_tc_errno(0), 0);
	assert_int_equal(netlib_tc_errno(-NLE_EXIST), -EEXIST);
	assert_int_equal(netlib_tc_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	assert_int_equal(netlib_tc_errno(-NLE_NODEV), -ENODEV);
	assert_int_equal(netlib_tc_errno(-NLE_PERM), -EPERM);
	assert_int_equal(netlib_tc_errno(-NLE_FAILURE), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_forms),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_u32_keys),
		cmocka_unit_test(test_tc_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
