// SPDX-License-Identifier: Apache-2.0
/* plugins/tuning: sysctl names into paths, the config's keys and their order, saved state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "plugins/tuning/tuning.h"
#include "util/str.h"

static char path[TU_PATH_MAX];
static struct err why;

static const char *p(const char *key, const char *ifname)
{
	if (tu_sysctl_path(key, ifname, path, sizeof(path), &why) < 0)
		return NULL;
	return path;
}

static void test_sysctl_paths(void **state)
{
	assert_string_equal(p("net.core.somaxconn", "eth0"), "net/core/somaxconn");
	assert_string_equal(p("net.ipv4.conf.IFNAME.arp_filter", "eth0"),
			    "net/ipv4/conf/eth0/arp_filter");
	/* an interface name with a dot stays one component */
	assert_string_equal(p("net.ipv4.conf.IFNAME.arp_filter", "eth0.100"),
			    "net/ipv4/conf/eth0.100/arp_filter");
	/* sysctl(8): slash-separated names keep dots; in dotted ones a slash is a dot */
	assert_string_equal(p("net/ipv4/conf/eth0.100/rp_filter", "x"),
			    "net/ipv4/conf/eth0.100/rp_filter");
	assert_string_equal(p("net.ipv4.conf.eth0/100.rp_filter", "x"),
			    "net/ipv4/conf/eth0.100/rp_filter");
	/* only the first IFNAME, as the reference */
	assert_string_equal(p("net.IFNAME.IFNAME", "e"), "net/e/IFNAME");

	assert_null(p("kernel.hostname", "eth0"));
	assert_non_null(strstr(why.details, "net.*"));
	assert_null(p("net", "eth0"));
	assert_null(p("net.", "eth0"));
	assert_null(p("", "eth0"));
	assert_null(p("net..core", "eth0"));
	assert_null(p("net/../kernel/hostname", "eth0"));
	assert_non_null(strstr(why.details, "\"..\""));
	assert_null(p("net/core/..", "eth0"));
	assert_null(p("net/./core", "eth0"));
	assert_null(p("net.core./..", "eth0"));	/* "/.." in a dotted name is ".." */
	assert_null(p("/proc/sys/net/core/somaxconn", "eth0"));
	/* what IFNAME becomes counts, as in the reference: still below net/ */
	assert_string_equal(p("IFNAME.core", "net"), "net/core");
}

static struct cni_ctx ctx;

static int load(const char *keys, const char *cni_args, struct tu_config *c)
{
	char json[2048];

	cni_conf_free(&ctx.conf);
	memset(&ctx, 0, sizeof(ctx));
	ctx.env.ifname = "eth0";
	ctx.env.args = cni_args;
	if (cni_args) {
		/* as cni_env_parse() splits them */
		static char buf[256];

		snprintf(buf, sizeof(buf), "%s", cni_args);
		ctx.env.kv[0].key = buf;
		*strchr(buf, '=') = '\0';
		ctx.env.kv[0].value = buf + strlen(buf) + 1;
		ctx.env.n_kv = 1;
	}
	snprintf(json, sizeof(json), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"tuning\"%s%s}",
		 *keys ? "," : "", keys);
	assert_int_equal(cni_conf_parse(json, strlen(json), true, &ctx.conf, &ctx.err), 0);
	return tu_config_load(&ctx, c);
}

static void test_config(void **state)
{
	static struct tu_config c;

	assert_int_equal(load("", NULL, &c), 0);
	assert_string_equal(c.data_dir, "/run/cni/tuning");
	assert_false(c.has_mac || c.promisc || c.mtu || c.has_txqlen || c.n_sysctls);
	assert_int_equal(c.allmulti, NETLIB_KEEP);

	assert_int_equal(load("\"sysctl\":{\"net.core.somaxconn\":\"512\"},\"MTU\":1400,"
			      "\"Promisc\":true,\"allmulti\":false,\"txQLen\":0,"
			      "\"dataDir\":\"/tmp/t\"", NULL, &c), 0);
	assert_int_equal(c.n_sysctls, 1);
	assert_string_equal(c.sysctls[0].path, "net/core/somaxconn");
	assert_string_equal(c.sysctls[0].value, "512");
	assert_int_equal(c.mtu, 1400);
	assert_true(c.promisc);
	assert_int_equal(c.allmulti, NETLIB_OFF);
	assert_true(c.has_txqlen);
	assert_int_equal(c.txqlen, 0);
	assert_string_equal(c.data_dir, "/tmp/t");

	/* the MAC: config, then CNI_ARGS MAC, then runtimeConfig, then args.cni */
	assert_int_equal(load("\"mac\":\"c2:00:00:00:00:01\"", NULL, &c), 0);
	assert_int_equal(c.mac[5], 1);
	assert_int_equal(load("\"mac\":\"c2:00:00:00:00:01\"", "MAC=c2:00:00:00:00:02", &c), 0);
	assert_int_equal(c.mac[5], 2);
	assert_int_equal(load("\"runtimeConfig\":{\"mac\":\"c2:00:00:00:00:03\"}",
			      "MAC=c2:00:00:00:00:02", &c), 0);
	assert_int_equal(c.mac[5], 3);
	assert_int_equal(load("\"runtimeConfig\":{\"mac\":\"c2:00:00:00:00:03\"},"
			      "\"args\":{\"cni\":{\"mac\":\"c2:00:00:00:00:04\",\"mtu\":1300,"
			      "\"sysctl\":{\"net.core.somaxconn\":\"9\"}}},\"mtu\":1400,"
			      "\"sysctl\":{\"net.core.somaxconn\":\"512\"}", NULL, &c), 0);
	assert_int_equal(c.mac[5], 4);
	assert_int_equal(c.mtu, 1300);
	assert_int_equal(c.n_sysctls, 1);
	assert_string_equal(c.sysctls[0].value, "9");

	assert_int_equal(load("\"mac\":\"01:00:5e:00:00:01\"", NULL, &c), -EINVAL);
	assert_int_equal(ctx.err.code, 7);
	assert_int_equal(load("\"mac\":\"00:00:00:00:00:00\"", NULL, &c), -EINVAL);
	assert_int_equal(load("\"mtu\":67", NULL, &c), -EINVAL);
	assert_int_equal(load("\"mtu\":65536", NULL, &c), -EINVAL);
	assert_int_equal(load("\"txQLen\":4294967296", NULL, &c), -EINVAL);
	assert_int_equal(load("\"allmulti\":\"yes\"", NULL, &c), -EINVAL);
	assert_int_equal(load("\"sysctl\":[]", NULL, &c), -EINVAL);
	assert_int_equal(load("\"sysctl\":{\"net.core.somaxconn\":1}", NULL, &c), -EINVAL);
	assert_int_equal(load("\"sysctl\":{\"kernel.x\":\"1\"}", NULL, &c), -EINVAL);
	assert_non_null(strstr(ctx.err.details, "kernel.x"));
	assert_int_equal(load("\"dataDir\":\"/a/../b\"", NULL, &c), -EINVAL);
	assert_int_equal(load("\"dataDir\":\"rel\"", NULL, &c), -EINVAL);
	cni_conf_free(&ctx.conf);
}

static int parse(const char *text, struct tu_saved *s)
{
	return tu_state_parse(text, strlen(text), s);
}

static void test_state(void **state)
{
	static struct tu_saved s, back;
	char file[] = "/tmp/netctl-unit-tuning-XXXXXX";
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	close(fd);
	/* the reference's own file */
	assert_int_equal(parse("{\"mac\":\"8e:85:3c:60:84:8a\",\"promisc\":false,"
					"\"mtu\":1500}", &s), 0);
	assert_true(s.has_mac);
	assert_int_equal(s.mac[0], 0x8e);
	assert_int_equal(s.promisc, NETLIB_OFF);
	assert_int_equal(s.allmulti, NETLIB_KEEP);
	assert_int_equal(s.mtu, 1500);
	assert_false(s.has_txqlen);
	assert_string_equal(s.network, "");
	/* ours, through a file and back */
	str_copy(s.network, sizeof(s.network), "tunenet");
	str_copy(s.container_id, sizeof(s.container_id), "id-c1");
	str_copy(s.ifname, sizeof(s.ifname), "eth0");
	s.has_txqlen = true;
	s.txqlen = 0;
	s.n_sysctls = 1;
	str_copy(s.sysctls[0].path, TU_PATH_MAX, "net/ipv4/tcp_rmem");
	str_copy(s.sysctls[0].value, TU_VALUE_MAX, "4096\t131072\t33554432");
	assert_int_equal(tu_state_write(file, &s), 0);
	assert_int_equal(tu_state_read(file, &back), 0);
	assert_memory_equal(&s, &back, sizeof(s));
	unlink(file);
	assert_int_equal(tu_state_read(file, &back), -ENOENT);
	assert_int_equal(parse("[]", &back), -EINVAL);
	assert_int_equal(parse("{\"mac\":\"zz\"}", &back), -EINVAL);
	assert_int_equal(parse("{\"mtu\":-1}", &back), -EINVAL);
	assert_int_equal(parse("{\"sysctl\":{\"kernel/x\":\"1\"}}", &back), -EINVAL);
	assert_int_equal(parse("{\"sysctl\":{\"net/../x\":\"1\"}}", &back), -EINVAL);
}

static void test_allowlist(void **state)
{
	static struct tu_config c;
	char file[] = "/tmp/netctl-unit-allow-XXXXXX";
	const char *list = "\n  ^net\\.core\\.somaxconn$  \n^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]+$\n";
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, list, strlen(list)), (ssize_t)strlen(list));
	close(fd);
	c.n_sysctls = 2;
	c.sysctls[0].key = "net.core.somaxconn";
	c.sysctls[1].key = "net.ipv4.conf.IFNAME.arp_filter";
	assert_int_equal(tu_allowlist_check(&c, file, &why), 0);
	c.sysctls[1].key = "net.ipv4.conf.all.arp_filter";
	assert_int_equal(tu_allowlist_check(&c, file, &why), -EPERM);
	assert_non_null(strstr(why.details, "net.ipv4.conf.all.arp_filter"));
	c.sysctls[1].key = "net.core.somaxconnx";	/* anchored */
	assert_int_equal(tu_allowlist_check(&c, file, &why), -EPERM);
	/* no file, no restriction */
	unlink(file);
	assert_int_equal(tu_allowlist_check(&c, file, &why), 0);
	fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_int_equal(write(fd, "net[\n", 5), 5);
	close(fd);
	assert_int_equal(tu_allowlist_check(&c, file, &why), -EINVAL);
	assert_non_null(strstr(why.details, "not a regular expression"));
	unlink(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysctl_paths),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_allowlist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
