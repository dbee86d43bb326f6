// SPDX-License-Identifier: Apache-2.0
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

#include "util/array.h"
#include "util/err.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/ip.h"
#include "util/str.h"

static void fmt_prefix(const char *in, const char *expect)
{
	struct ip_prefix p;
	char buf[IP_STR_MAX];

	assert_int_equal(ip_prefix_parse(in, &p), 0);
	ip_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, expect);
}

static void test_ip_parse(void **state)
{
	struct ip_prefix p;
	struct ip_addr a;

	fmt_prefix("10.0.0.5/24", "10.0.0.5/24");
	fmt_prefix("fd00::1/64", "fd00::1/64");
	assert_int_equal(ip_prefix_parse("10.0.0.0/33", &p), -EINVAL);
	assert_int_equal(ip_prefix_parse("10.0.0.0/", &p), -EINVAL);
	assert_int_equal(ip_prefix_parse("10.0.0.0/-1", &p), -EINVAL);
	assert_int_equal(ip_prefix_parse("/24", &p), -EINVAL);
	assert_int_equal(ip_prefix_parse("10.0.0.0", &p), -EINVAL);
	assert_int_equal(ip_addr_parse("10.0.0.256", &a), -EINVAL);
	assert_int_equal(ip_addr_parse("::ffff:1.2.3.4", &a), 0);
	assert_int_equal(a.family, AF_INET6);
}

static void test_ip_arith(void **state)
{
	struct ip_prefix p, n;
	struct ip_addr a, b;
	char buf[IP_STR_MAX];

	assert_int_equal(ip_prefix_parse("10.1.2.3/22", &p), 0);
	n = ip_prefix_network(&p);
	ip_addr_format(&n.addr, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0");
	a = ip_prefix_last(&p);
	ip_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.3.255");
	b = ip_addr_add(&a, 1);
	ip_addr_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.4.0");
	b = ip_addr_add(&b, -257);
	ip_addr_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.2.255");
	assert_true(ip_prefix_contains(&p, &a));
	assert_false(ip_prefix_contains(&p, &(struct ip_addr){ .family = AF_INET, .b = { 10, 1, 4, 0 } }));

	assert_int_equal(ip_prefix_parse("fd00::ffff/112", &p), 0);
	a = ip_prefix_last(&p);
	ip_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::ffff");
	b = ip_addr_add(&a, 1);
	ip_addr_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::1:0");
}

static void test_overlap(void **state)
{
	struct ip_prefix a, b;

	ip_prefix_parse("10.0.0.0/16", &a);
	ip_prefix_parse("10.0.5.0/24", &b);
	assert_true(ip_prefix_overlaps(&a, &b));
	assert_true(ip_prefix_overlaps(&b, &a));
	ip_prefix_parse("10.1.0.0/24", &b);
	assert_false(ip_prefix_overlaps(&a, &b));
}

static void test_names(void **state)
{
	char out[16];

	assert_true(name_is_safe("web-1.a_b", 64));
	assert_false(name_is_safe("../../etc", 64));
	assert_false(name_is_safe(".hidden", 64));
	assert_false(name_is_safe("a/b", 64));
	assert_false(name_is_safe("", 64));
	assert_false(name_is_safe("abcdef", 5));
	ifname_from_ids(out, "veth", "abc", "eth0");
	assert_int_equal(strlen(out), 12);
	assert_memory_equal(out, "veth", 4);
	char out2[16];
	ifname_from_ids(out2, "veth", "abce", "th0");
	assert_string_not_equal(out, out2);
}

static void test_str(void **state)
{
	char b[8];

	assert_int_equal(str_copy(b, sizeof(b), "1234567"), 0);
	assert_int_equal(str_copy(b, sizeof(b), "12345678"), -ENAMETOOLONG);
	assert_string_equal(b, "1234567");
	assert_int_equal(path_join(b, sizeof(b), "/a/", "b"), 0);
	assert_string_equal(b, "/a/b");
}

/* The error object: details until classified, the first classification wins. */
static void test_err(void **state)
{
	struct err e = { 0 };
	char text[ERR_TEXT_MAX], big[3000];

	assert_int_equal(err_detail(&e, -ENODEV, "link %s: gone", "br0"), -ENODEV);
	assert_int_equal(err_detail(&e, 0, "replaced"), -EINVAL);	/* never 0 */
	assert_int_equal(err_prefix(&e, -EIO, "ipMasq"), -EIO);
	assert_string_equal(e.details, "ipMasq: replaced");
	assert_int_equal(err_fail(&e, -EIO, ERR_IO, "cannot add"), -EIO);
	assert_int_equal(e.code, ERR_IO);
	/* classified: an undo step's failure does not hide the cause */
	err_detail(&e, -ENOENT, "undo failed");
	err_prefix(&e, -ENOENT, "undo");
	err_fail(&e, -ENOENT, ERR_INTERNAL, "later");
	err_set(&e, -ENOENT, ERR_INTERNAL, "later", "%s", "too");
	err_forget(&e);
	assert_int_equal(e.code, ERR_IO);
	assert_string_equal(e.msg, "cannot add");
	assert_string_equal(err_text(&e, text, sizeof(text)), "cannot add: ipMasq: replaced");
	/* a tolerated failure: its words go */
	err_clear(&e);
	err_detail(&e, -ENOENT, "no such set");
	err_forget(&e);
	assert_string_equal(err_text(&e, text, sizeof(text)), "");
	/* NULL: the caller does not want to know */
	assert_int_equal(err_detail(NULL, -EPERM, "x"), -EPERM);
	assert_int_equal(err_fail(NULL, -EPERM, ERR_IO, "x"), -EPERM);
	/* a prefix on long details keeps the context and cuts the inner words' end */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_detail(&e, -EIO, "%s", big);
	err_prefix(&e, -EIO, "spoofchk");
	assert_int_equal(strlen(e.details), sizeof(e.details) - 1);
	assert_memory_equal(e.details, "spoofchk: xxx", 13);
	/* unclassified at the end: the fallback code is internal */
	err_fail(&e, -EIO, 0, "failed");
	assert_int_equal(e.code, ERR_INTERNAL);
}

static void test_atomic_file(void **state)
{
	char dir[] = "/tmp/netctl-unit.XXXXXX", path[256], *data = NULL;
	size_t len;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x/y/f", dir);
	snprintf(path, sizeof(path), "%s/x/y", dir);
	assert_int_equal(mkdir_p(path, 0755), 0);
	assert_int_equal(mkdir_p(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/x/y/f", dir);
	assert_int_equal(file_write_atomic(path, "hello", 5, 0644), 0);
	assert_int_equal(file_read_bounded(path, 100, &data, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(data, "hello");
	free(data);
	assert_int_equal(file_read_bounded(path, 3, &data, &len), -EFBIG);
	assert_int_equal(mkdir_p(path, 0755), -ENOTDIR);
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* Room appears only when full, doubled, zeroed; the elements kept. */
static void test_array_grow(void **state)
{
	int *a = NULL;
	size_t cap = 0, n;

	for (n = 0; n < 40; n++) {
		assert_int_equal(array_grow((void **)&a, &cap, n, sizeof(*a), 4), 0);
		assert_true(cap > n);
		assert_int_equal(a[n], 0);
		a[n] = (int)n + 1;
	}
	assert_int_equal(cap, 64);
	for (n = 0; n < 40; n++)
		assert_int_equal(a[n], (int)n + 1);
	assert_int_equal(array_grow((void **)&a, &cap, 10, sizeof(*a), 4), 0);
	assert_int_equal(cap, 64);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_parse),  cmocka_unit_test(test_ip_arith),
		cmocka_unit_test(test_overlap),	  cmocka_unit_test(test_names),
		cmocka_unit_test(test_str),	  cmocka_unit_test(test_atomic_file),
		cmocka_unit_test(test_array_grow),
		cmocka_unit_test(test_err),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
