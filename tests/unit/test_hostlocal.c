// SPDX-License-Identifier: Apache-2.0
/* host-local's plugin logic: config forms, requested addresses, resolv.conf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins/host-local/config.h"
#include "util/file.h"

static void assert_addr(const struct ip_addr *a, const char *expect)
{
	char buf[IP_STR_MAX];

	ipam_addr_name(a, buf, sizeof(buf));
	assert_string_equal(buf, expect);
}

struct loaded {
	struct cni_conf conf;
	struct cni_env env;
	struct hl_config c;
	struct err err;
};

static int load_conf(struct loaded *l, const char *json, const char *ip_arg, bool requests)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(cni_conf_parse(json, strlen(json), true, &l->conf, &l->err), 0);
	if (ip_arg) {
		l->env.kv[0].key = "IP";
		l->env.kv[0].value = ip_arg;
		l->env.n_kv = 1;
	}
	return hl_config_load(&l->conf, &l->env, requests, &l->c, &l->err);
}

static void test_config_forms(void **state)
{
	static struct loaded l;
	char buf[256];

	assert_int_equal(load_conf(&l, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\","
			 "\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.3.0.0/24\"}]]},"
			 "\"ipam\":{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.100\","
			 "\"gateway\":\"10.1.0.254\",\"dataDir\":\"/d\",\"resolvConf\":\"/r\","
			 "\"ranges\":[[{\"subnet\":\"10.2.0.0/24\"},{\"subnet\":\"10.2.1.0/24\","
			 "\"rangeEnd\":\"\"}],[{\"subnet\":\"fd00::/64\"}]],"
			 "\"routes\":[{\"dst\":\"0.0.0.0/0\"},"
			 "{\"dst\":\"fd01::/64\",\"gw\":\"fd00::1\","
			 "\"priority\":5}]}}", NULL, false), 0);
	assert_int_equal(l.c.n_sets, 4);
	ipam_range_set_format(&l.c.sets[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.3.0.1-10.3.0.254");	/* runtime ipRanges first */
	ipam_range_set_format(&l.c.sets[1], buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.100-10.1.0.254");	/* then the short form */
	assert_addr(&l.c.sets[1].ranges[0].gateway, "10.1.0.254");
	assert_int_equal(l.c.sets[2].n, 2);
	assert_int_equal(ipam_range_set_family(&l.c.sets[3]), AF_INET6);
	assert_string_equal(l.c.data_dir, "/d");
	assert_string_equal(l.c.resolv_conf, "/r");
	assert_int_equal(l.c.n_routes, 2);
	assert_true(l.c.routes[1].has_gw);
	assert_int_equal(l.c.routes[1].priority, 5);
	assert_false(l.c.routes[0].has_gw);
	cni_conf_free(&l.conf);
}

#define DUAL "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",%s" \
	     "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]," \
	     "[{\"subnet\":\"fd00::/64\"}]]}}"

static void test_config_requests(void **state)
{
	static struct loaded l;
	char json[512];

	snprintf(json, sizeof(json), DUAL, "");
	assert_int_equal(load_conf(&l, json, "10.1.0.9/24, fd00::9", true), 0);
	assert_addr(&l.c.want[0], "10.1.0.9");
	assert_addr(&l.c.want[1], "fd00::9");
	cni_conf_free(&l.conf);

	/* args.cni.ips present: CNI_ARGS IP= is ignored (CONVENTIONS.md). */
	snprintf(json, sizeof(json), DUAL, "\"args\":{\"cni\":{\"ips\":[\"10.1.0.7\"]}},");
	assert_int_equal(load_conf(&l, json, "10.1.0.9", true), 0);
	assert_addr(&l.c.want[0], "10.1.0.7");
	assert_int_equal(l.c.want[1].family, 0);
	cni_conf_free(&l.conf);

	snprintf(json, sizeof(json), DUAL, "\"runtimeConfig\":{\"ips\":[\"::ffff:10.1.0.8\"]},");
	assert_int_equal(load_conf(&l, json, NULL, true), 0);
	assert_int_equal(l.c.want[0].family, AF_INET);
	assert_addr(&l.c.want[0], "10.1.0.8");
	cni_conf_free(&l.conf);

	/* Duplicates collapse; two different ones in one set do not. */
	snprintf(json, sizeof(json), DUAL, "\"runtimeConfig\":{\"ips\":[\"10.1.0.8\"]},");
	assert_int_equal(load_conf(&l, json, "10.1.0.8", true), 0);
	cni_conf_free(&l.conf);
	assert_int_equal(load_conf(&l, json, "10.1.0.9", true), -EINVAL);
	assert_int_equal(l.err.code, ERR_INVALID_CONFIG);
	cni_conf_free(&l.conf);
	assert_int_equal(load_conf(&l, json, "bogus", true), -EINVAL);
	assert_int_equal(l.err.code, ERR_INVALID_ENV);
	cni_conf_free(&l.conf);
	/* Requests are not even read for DEL. */
	assert_int_equal(load_conf(&l, json, "bogus", false), 0);
	cni_conf_free(&l.conf);
}

static void test_config_errors(void **state)
{
#define HEAD "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\","
	static const char *const bad[] = {
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\"}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{}}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"subnet\":5}}",
		HEAD "\"ipam\":{\"ranges\":[[]]}}",
		HEAD "\"ipam\":{\"ranges\":[{}]}}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"subnet\":"
		"\"10.0.0.0/24\",\"gateway\":\"x\"}}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"subnet\":"
		"\"10.0.0.0/24\",\"ranges\":[[{\"subnet\":\"10.0.0.128/25\"}]]}}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"subnet\":"
		"\"10.0.0.0/24\",\"routes\":[{\"dst\":\"10.1.0.0/16\",\"gw\":\"fd00::1\"}]}}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"subnet\":"
		"\"10.0.0.0/24\",\"dataDir\":[]}}",
	};
	static struct loaded l;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (load_conf(&l, bad[i], NULL, true) != -EINVAL || l.err.code != 7)
			fail_msg("config %zu: want code 7, got %d (%s)", i, l.err.code,
				 l.err.details);
		cni_conf_free(&l.conf);
	}
}

static void test_resolv_conf(void **state)
{
	char path[] = "/tmp/test_ipam_resolv.XXXXXX", big[400];
	struct cni_dns dns;
	struct err err = { 0 };
	const char *text = "# c\n; c\nnameserver 1.1.1.1 ignored\n  nameserver\tfd00::53\n"
			   "domain a.example\ndomain b.example\nsearch x.example y.example\n"
			   "search z.example\noptions ndots:3 rotate\nsortlist 1.2.3.4\n"
			   "nameserver\n";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
	assert_int_equal(hl_parse_resolv_conf(path, &dns, &err), 0);
	assert_int_equal(dns.n_nameservers, 2);
	assert_string_equal(dns.nameservers[0], "1.1.1.1");
	assert_string_equal(dns.nameservers[1], "fd00::53");
	assert_string_equal(dns.domain, "b.example");
	assert_int_equal(dns.n_search, 3);
	assert_string_equal(dns.search[2], "z.example");
	assert_int_equal(dns.n_options, 2);
	assert_string_equal(dns.options[1], "rotate");

	memset(big, 'a', sizeof(big));
	memcpy(big, "search ", 7);
	big[sizeof(big) - 1] = '\0';
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write_all(fd, big, strlen(big)), 0);
	close(fd);
	assert_int_equal(hl_parse_resolv_conf(path, &dns, &err), -EINVAL);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	unlink(path);
	memset(&err, 0, sizeof(err));
	assert_true(hl_parse_resolv_conf(path, &dns, &err) < 0);
	assert_int_equal(err.code, ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_forms),
		cmocka_unit_test(test_config_requests),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_resolv_conf),
	};

	return cmocka_run_group_tests_name("host-local", tests, NULL, NULL);
}
