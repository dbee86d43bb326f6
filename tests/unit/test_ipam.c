// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/wait.h>

#include "ipam/alloc.h"
#include "ipam/index.h"
#include "ipam/range.h"
#include "ipam/store.h"
#include "util/file.h"

/* ---- helpers ---- */

static struct ip_addr A(const char *s)
{
	struct ip_addr a;

	assert_int_equal(ip_addr_parse(s, &a), 0);
	return a;
}

static void assert_addr(const struct ip_addr *a, const char *expect)
{
	char buf[IP_STR_MAX];

	ipam_addr_name(a, buf, sizeof(buf));
	assert_string_equal(buf, expect);
}

/* A range from text; NULL leaves a field unset. Returns init's result. */
static int mkrange(struct ipam_range *r, const char *subnet, const char *start, const char *end,
		   const char *gw, struct err *err)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(ip_prefix_parse(subnet, &r->subnet), 0);
	if (start)
		r->start = A(start);
	if (end)
		r->end = A(end);
	if (gw)
		r->gateway = A(gw);
	return ipam_range_init(r, err);
}

static void mkset(struct ipam_range_set *s, const char *subnet, const char *start,
		  const char *end)
{
	struct err err = { 0 };

	memset(s, 0, sizeof(*s));
	s->n = 1;
	assert_int_equal(mkrange(&s->ranges[0], subnet, start, end, NULL, &err), 0);
}

struct tmpstore {
	char data[64];
	char dir[128];
	struct ipam_store st;
};

static void store_setup(struct tmpstore *t)
{
	struct err err = { 0 };

	strcpy(t->data, "/tmp/test_ipam.XXXXXX");
	assert_non_null(mkdtemp(t->data));
	snprintf(t->dir, sizeof(t->dir), "%s/net1", t->data);
	assert_int_equal(ipam_store_open(&t->st, t->data, "net1", true, &err), 0);
}

static void store_teardown(struct tmpstore *t)
{
	char cmd[256];

	ipam_store_close(&t->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->data);
	assert_int_equal(system(cmd), 0);
}

static void put_file(struct tmpstore *t, const char *name, const char *body)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	assert_int_equal(file_write_atomic(path, body, strlen(body), 0600), 0);
}

static bool has_file(struct tmpstore *t, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	return access(path, F_OK) == 0;
}

static void read_file(struct tmpstore *t, const char *name, const char *expect)
{
	char path[256], *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	assert_int_equal(file_read_bounded(path, 4096, &text, NULL), 0);
	assert_string_equal(text, expect);
	free(text);
}

static int count_files(struct tmpstore *t)
{
	DIR *d = opendir(t->dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- addresses and ranges ---- */

static void test_addr_name(void **state)
{
	static const char *const same[] = {
		"10.0.0.5", "2001:db8::1", "::", "::1", "fe80::", "2001:db8:0:1::1",
		"1:0:0:1::1", "1::2:0:0:3:4", "1:2:3:4:5:6:7:0", "0:1:2:3:4:5:6:7", "::a00:1",
		"fd00::ffff:0:1",
	};
	struct ip_addr a;
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		a = A(same[i]);
		assert_addr(&a, same[i]);
	}
	a = A("2001:0db8:0000:0001:0000:0000:0000:0001");
	assert_addr(&a, "2001:db8:0:1::1");
	a = A("::ffff:10.0.0.1");	/* Go prints a v4-mapped address as IPv4 */
	assert_addr(&a, "10.0.0.1");
	a = A("::10.0.0.1");		/* glibc would say "::10.0.0.1", Go does not */
	assert_addr(&a, "::a00:1");
}

static void test_range_defaults(void **state)
{
	struct err err = { 0 };
	struct ipam_range r;

	assert_int_equal(mkrange(&r, "10.0.0.0/24", NULL, NULL, NULL, &err), 0);
	assert_addr(&r.start, "10.0.0.1");
	assert_addr(&r.end, "10.0.0.254");
	assert_addr(&r.gateway, "10.0.0.1");
	assert_int_equal(mkrange(&r, "fd00::/120", NULL, NULL, NULL, &err), 0);
	assert_addr(&r.start, "fd00::1");
	assert_addr(&r.end, "fd00::ff");	/* v6 has no broadcast: the reference too */
	assert_int_equal(mkrange(&r, "10.1.0.0/16", "10.1.2.0", "10.1.2.99", "10.1.0.254", &err),
			 0);
	assert_addr(&r.start, "10.1.2.0");
	assert_true(ipam_range_contains(&r, &(struct ip_addr){ 0 }) == false);
	{
		struct ip_addr in = A("10.1.2.50"), out = A("10.1.3.1"), v6 = A("fd00::1");

		assert_true(ipam_range_contains(&r, &in));
		assert_false(ipam_range_contains(&r, &out));
		assert_false(ipam_range_contains(&r, &v6));
	}
	assert_int_equal(mkrange(&r, "10.0.0.0/30", NULL, NULL, NULL, &err), 0);
	assert_addr(&r.end, "10.0.0.2");
}

static void expect_range_error(const char *subnet, const char *start, const char *end,
			       const char *gw, const char *needle)
{
	struct err err = { 0 };
	struct ipam_range r;

	assert_int_equal(mkrange(&r, subnet, start, end, gw, &err), -EINVAL);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	if (!strstr(err.details, needle))
		fail_msg("details '%s' lack '%s'", err.details, needle);
}

static void test_range_errors(void **state)
{
	expect_range_error("10.0.0.0/31", NULL, NULL, NULL, "too small");
	expect_range_error("10.0.0.0/32", NULL, NULL, NULL, "too small");
	expect_range_error("fd00::/127", NULL, NULL, NULL, "too small");
	expect_range_error("10.0.0.1/24", NULL, NULL, NULL, "host bits");
	expect_range_error("10.0.0.0/24", "10.0.1.5", NULL, NULL, "rangeStart 10.0.1.5 is not in");
	expect_range_error("10.0.0.0/24", NULL, "10.0.1.5", NULL, "rangeEnd 10.0.1.5 is not in");
	expect_range_error("10.0.0.0/24", "10.0.0.50", "10.0.0.40", NULL, "after rangeEnd");
	expect_range_error("10.0.0.0/24", NULL, NULL, "fd00::1", "gateway fd00::1");
	expect_range_error("10.0.0.0/24", "fd00::1", NULL, NULL, "not of the family");
	expect_range_error("::ffff:10.0.0.0/120", NULL, NULL, NULL, "dotted-quad");
}

static void test_range_set(void **state)
{
	struct err err = { 0 };
	struct ipam_range_set s = { .n = 2 }, t;
	char buf[256];

	assert_int_equal(ip_prefix_parse("10.0.0.0/24", &s.ranges[0].subnet), 0);
	assert_int_equal(ip_prefix_parse("10.0.1.0/24", &s.ranges[1].subnet), 0);
	assert_int_equal(ipam_range_set_init(&s, &err), 0);
	ipam_range_set_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1-10.0.0.254,10.0.1.1-10.0.1.254");
	assert_int_equal(ipam_range_set_size(&s), 2 * 253);
	{
		struct ip_addr b = A("10.0.1.7"), c = A("10.0.2.7");

		assert_int_equal(ipam_range_set_find(&s, &b), 1);
		assert_int_equal(ipam_range_set_find(&s, &c), -1);
	}

	/* Overlap inside one set. */
	memset(&t, 0, sizeof(t));
	t.n = 2;
	assert_int_equal(ip_prefix_parse("10.0.0.0/16", &t.ranges[0].subnet), 0);
	assert_int_equal(ip_prefix_parse("10.0.3.0/24", &t.ranges[1].subnet), 0);
	assert_int_equal(ipam_range_set_init(&t, &err), -EINVAL);
	assert_non_null(strstr(err.details, "overlap"));

	/* Mixed families. */
	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	t.n = 2;
	assert_int_equal(ip_prefix_parse("10.0.0.0/24", &t.ranges[0].subnet), 0);
	assert_int_equal(ip_prefix_parse("fd00::/64", &t.ranges[1].subnet), 0);
	assert_int_equal(ipam_range_set_init(&t, &err), -EINVAL);
	assert_non_null(strstr(err.details, "mixes"));

	/* Sets overlap each other. */
	mkset(&t, "10.0.1.0/24", "10.0.1.100", NULL);
	assert_true(ipam_range_set_overlaps(&s, &t));
	mkset(&t, "10.0.2.0/24", NULL, NULL);
	assert_false(ipam_range_set_overlaps(&s, &t));

	/* Explicit network/broadcast in the window: still never handed out. */
	mkset(&t, "10.0.0.0/24", "10.0.0.0", "10.0.0.255");
	assert_int_equal(ipam_range_set_size(&t), 253);
	mkset(&t, "fd00::/64", NULL, NULL);
	assert_int_equal(ipam_range_set_size(&t), UINT64_MAX - 1);	/* 2^64 - 2 */
}

static void test_iter(void **state)
{
	struct ipam_range_set s;
	struct ipam_iter it;
	struct ip_addr a, last;
	int n = 0, ri;

	mkset(&s, "10.0.0.0/29", NULL, NULL);	/* .1 gateway, .2-.6 usable */
	ipam_iter_init(&it, &s, NULL);
	assert_true(ipam_iter_next(&it, &a, &ri));
	assert_addr(&a, "10.0.0.2");
	assert_int_equal(ri, 0);
	n = 1;
	while (ipam_iter_next(&it, &a, NULL))
		n++;
	assert_int_equal(n, 5);

	/* Round robin: after .4 comes .5, .6, then wrap to .2, .3, .4, then done. */
	last = A("10.0.0.4");
	ipam_iter_init(&it, &s, &last);
	{
		static const char *const order[] = { "10.0.0.5", "10.0.0.6", "10.0.0.2", "10.0.0.3",
						     "10.0.0.4" };
		size_t i;

		for (i = 0; i < 5; i++) {
			assert_true(ipam_iter_next(&it, &a, NULL));
			assert_addr(&a, order[i]);
		}
		assert_false(ipam_iter_next(&it, &a, NULL));
	}

	/* A last address outside the set: start from the beginning. */
	last = A("192.168.0.1");
	ipam_iter_init(&it, &s, &last);
	assert_true(ipam_iter_next(&it, &a, NULL));
	assert_addr(&a, "10.0.0.2");

	/* Explicit window including network and broadcast: both skipped. */
	mkset(&s, "10.0.0.0/30", "10.0.0.0", "10.0.0.3");
	ipam_iter_init(&it, &s, NULL);
	assert_true(ipam_iter_next(&it, &a, NULL));
	assert_addr(&a, "10.0.0.2");
	assert_false(ipam_iter_next(&it, &a, NULL));
}

static void test_iter_multi(void **state)
{
	struct err err = { 0 };
	struct ipam_range_set s = { .n = 2 };
	struct ipam_iter it;
	struct ip_addr a, last = A("10.0.0.6");
	int ri, n = 0;

	assert_int_equal(mkrange(&s.ranges[0], "10.0.0.0/29", NULL, NULL, NULL, &err), 0);
	assert_int_equal(mkrange(&s.ranges[1], "10.0.1.0/29", "10.0.1.3", NULL, NULL, &err), 0);
	assert_int_equal(ipam_range_set_init(&s, &err), 0);
	ipam_iter_init(&it, &s, &last);
	assert_true(ipam_iter_next(&it, &a, &ri));
	assert_addr(&a, "10.0.1.3");
	assert_int_equal(ri, 1);
	n = 1;
	while (ipam_iter_next(&it, &a, &ri))
		n++;
	assert_int_equal(n, 5 + 4);	/* .2-.6 and .3-.6 */
	assert_int_equal((int)ipam_range_set_size(&s), 9);
}

static void test_owner_parse(void **state)
{
	struct ipam_owner o;
	const char *why;
	char big[5000];

	assert_int_equal(ipam_owner_parse("abc\r\neth0", 9, &o, &why), 0);
	assert_string_equal(o.id, "abc");
	assert_string_equal(o.ifname, "eth0");
	assert_int_equal(ipam_owner_parse("abc\neth0\n", 9, &o, &why), 0);
	assert_string_equal(o.ifname, "eth0");
	assert_int_equal(ipam_owner_parse("  abc \n", 7, &o, &why), 0);
	assert_string_equal(o.id, "abc");
	assert_string_equal(o.ifname, "");
	assert_int_equal(ipam_owner_parse("", 0, &o, &why), -EINVAL);
	assert_int_equal(ipam_owner_parse("a/b\r\neth0", 9, &o, &why), -EINVAL);
	assert_int_equal(ipam_owner_parse("abc\r\neth0\r\nx", 12, &o, &why), -EINVAL);
	assert_int_equal(ipam_owner_parse("abc\r\nthisnameistoolong", 22, &o, &why), -EINVAL);
	assert_int_equal(ipam_owner_parse("abc\r\neth/0", 10, &o, &why), -EINVAL);
	assert_int_equal(ipam_owner_parse("ab\0c", 4, &o, &why), -EINVAL);
	assert_non_null(strstr(why, "NUL"));
	memset(big, 'a', sizeof(big));
	assert_int_equal(ipam_owner_parse(big, sizeof(big), &o, &why), -EINVAL);
	assert_non_null(strstr(why, "4096"));
}

/* ---- the store ---- */

static void test_store_basics(void **state)
{
	struct tmpstore t;
	struct err err = { 0 };
	struct ip_addr a = A("10.0.0.7"), got;

	store_setup(&t);
	assert_true(has_file(&t, "lock"));
	assert_int_equal(ipam_store_reserve(&t.st, &a, "ctr1", "eth0", &err), 1);
	read_file(&t, "10.0.0.7", "ctr1\r\neth0");
	assert_int_equal(ipam_store_reserve(&t.st, &a, "ctr2", "eth0", &err), 0);
	read_file(&t, "10.0.0.7", "ctr1\r\neth0");

	assert_int_equal(ipam_store_last_get(&t.st, 0, &got), -ENOENT);
	assert_int_equal(ipam_store_last_set(&t.st, 0, &a, &err), 0);
	read_file(&t, "last_reserved_ip.0", "10.0.0.7");
	assert_int_equal(ipam_store_last_get(&t.st, 0, &got), 0);
	assert_true(ip_addr_eq(&got, &a));
	put_file(&t, "last_reserved_ip.1", "garbage");
	assert_int_equal(ipam_store_last_get(&t.st, 1, &got), -EINVAL);
	put_file(&t, "last_reserved_ip.1", "10.0.0.9\n");	/* tolerate a newline */
	assert_int_equal(ipam_store_last_get(&t.st, 1, &got), 0);

	assert_int_equal(ipam_store_release(&t.st, &a), 0);
	assert_false(has_file(&t, "10.0.0.7"));
	assert_int_equal(ipam_store_release(&t.st, &a), -ENOENT);

	/* v6 names are Go's. */
	a = A("fd00:0:0:0:0:0:0:5");
	assert_int_equal(ipam_store_reserve(&t.st, &a, "ctr1", "eth0", &err), 1);
	assert_true(has_file(&t, "fd00::5"));
	store_teardown(&t);
}

static void test_store_open_errors(void **state)
{
	struct err err = { 0 };
	struct ipam_store st;
	char data[64], file[128];
	int fd;

	strcpy(data, "/tmp/test_ipam.XXXXXX");
	assert_non_null(mkdtemp(data));
	assert_int_equal(ipam_store_open(&st, data, "nope", false, &err), -ENOENT);
	assert_int_equal(err.code, 0);
	assert_int_equal(ipam_store_open(&st, data, "../../etc", true, &err), -EINVAL);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);

	snprintf(file, sizeof(file), "%s/afile", data);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	memset(&err, 0, sizeof(err));
	assert_true(ipam_store_open(&st, file, "net1", true, &err) < 0);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	assert_non_null(strstr(err.msg, "dataDir"));
	memset(&err, 0, sizeof(err));
	assert_true(ipam_store_open(&st, data, "afile", true, &err) < 0);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	snprintf(file, sizeof(file), "rm -rf '%s'", data);
	assert_int_equal(system(file), 0);
}

static int collect(const struct ipam_entry *e, void *data)
{
	struct ipam_bad *b = data;

	if (e->bad)
		ipam_bad_add(b, e);
	return 0;
}

static void test_store_bad_files(void **state)
{
	struct tmpstore t;
	struct ipam_bad bad = { 0 };
	char big[5000], path[256];

	store_setup(&t);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put_file(&t, "10.0.0.2", big);
	put_file(&t, "10.0.0.3", "not a\r\nreservation\r\nat all");
	put_file(&t, "10.0.0.4", "ctr\r\neth0");
	put_file(&t, "README", "ignored: not named by an address");
	snprintf(path, sizeof(path), "%s/10.0.0.5", t.dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/10.0.0.6", t.dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ipam_store_scan(&t.st, collect, &bad), 0);
	assert_int_equal(bad.n, 4);
	assert_non_null(strstr(bad.text, "10.0.0.2 (larger than 4096 bytes)"));
	assert_non_null(strstr(bad.text, "10.0.0.3 ("));
	assert_non_null(strstr(bad.text, "10.0.0.5 (a symbolic link)"));
	assert_non_null(strstr(bad.text, "10.0.0.6 (not a regular file)"));
	assert_null(strstr(bad.text, "10.0.0.4"));
	store_teardown(&t);
}

/* ---- allocation ---- */

static void test_alloc_round_robin(void **state)
{
	struct tmpstore t;
	struct err err = { 0 };
	struct ipam_range_set s;
	struct ipam_lease l;
	char id[32], buf[IP_STR_MAX];
	int i;

	store_setup(&t);
	mkset(&s, "10.0.0.0/29", NULL, NULL);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		assert_int_equal(ipam_allocate(&t.st, &s, 1, NULL, id, "eth0", &l, &err), 0);
		snprintf(buf, sizeof(buf), "10.0.0.%d", i + 2);
		assert_addr(&l.address.addr, buf);
		assert_int_equal(l.address.len, 29);
		assert_addr(&l.gateway, "10.0.0.1");
	}
	read_file(&t, "last_reserved_ip.0", "10.0.0.6");
	read_file(&t, "10.0.0.4", "c2\r\neth0");

	/* Full: code 11, nothing new on disk. */
	assert_int_equal(ipam_allocate(&t.st, &s, 1, NULL, "c9", "eth0", &l, &err), -ENOSPC);
	assert_int_equal(err.code, ERR_TRY_AGAIN);
	assert_int_equal(count_files(&t), 7);
	assert_int_equal(ipam_set_used(&t.st, &s), 5);

	/* Free .3: round robin goes on from .6, wraps, and finds .3. */
	assert_int_equal(ipam_release(&t.st, "c1", "eth0", NULL, &err), 1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ipam_allocate(&t.st, &s, 1, NULL, "c9", "eth0", &l, &err), 0);
	assert_addr(&l.address.addr, "10.0.0.3");

	/* A second ADD for the same attachment is refused (code 4). */
	assert_int_equal(ipam_allocate(&t.st, &s, 1, NULL, "c9", "eth0", &l, &err), -EEXIST);
	assert_int_equal(err.code, ERR_INVALID_ENV);
	store_teardown(&t);
}

static void test_alloc_requested(void **state)
{
	struct tmpstore t;
	struct err err = { 0 };
	struct ipam_range_set s;
	struct ipam_lease l;
	struct ip_addr want;

	store_setup(&t);
	mkset(&s, "10.0.0.0/24", "10.0.0.10", "10.0.0.20");
	want = A("10.0.0.15");
	assert_int_equal(ipam_allocate(&t.st, &s, 1, &want, "a", "eth0", &l, &err), 0);
	assert_addr(&l.address.addr, "10.0.0.15");
	read_file(&t, "last_reserved_ip.0", "10.0.0.15");	/* as the reference does */

	/* Taken: code 11 and the store unchanged. */
	assert_int_equal(ipam_allocate(&t.st, &s, 1, &want, "b", "eth0", &l, &err), -EADDRINUSE);
	assert_int_equal(err.code, ERR_TRY_AGAIN);
	assert_int_equal(count_files(&t), 3);

	/* Outside the window, or the gateway: code 7. */
	memset(&err, 0, sizeof(err));
	want = A("10.0.0.21");
	assert_int_equal(ipam_allocate(&t.st, &s, 1, &want, "b", "eth0", &l, &err), -EINVAL);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	mkset(&s, "10.0.0.0/24", NULL, NULL);
	memset(&err, 0, sizeof(err));
	want = A("10.0.0.1");
	assert_int_equal(ipam_allocate(&t.st, &s, 1, &want, "b", "eth0", &l, &err), -EINVAL);
	assert_non_null(strstr(err.details, "gateway"));
	assert_int_equal(count_files(&t), 3);
	store_teardown(&t);
}

static void test_alloc_dual_stack_atomic(void **state)
{
	struct tmpstore t;
	struct err err = { 0 };
	struct ipam_range_set s[2];
	struct ipam_lease l[2];
	struct ip_addr want[2] = { { 0 } };

	store_setup(&t);
	mkset(&s[0], "10.0.0.0/24", NULL, NULL);
	mkset(&s[1], "fd00::/120", NULL, NULL);
	assert_int_equal(ipam_allocate(&t.st, s, 2, NULL, "a", "eth0", l, &err), 0);
	assert_addr(&l[0].address.addr, "10.0.0.2");
	assert_addr(&l[1].address.addr, "fd00::2");
	assert_int_equal(l[1].address.len, 120);
	read_file(&t, "last_reserved_ip.1", "fd00::2");

	/* Set 1's request is taken: set 0's reservation is undone, round robin unmoved. */
	want[1] = A("fd00::2");
	assert_true(ipam_allocate(&t.st, s, 2, want, "b", "eth0", l, &err) < 0);
	assert_int_equal(err.code, ERR_TRY_AGAIN);
	assert_false(has_file(&t, "10.0.0.3"));
	read_file(&t, "last_reserved_ip.0", "10.0.0.2");
	assert_int_equal(count_files(&t), 5);
	store_teardown(&t);
}

static void test_release_semantics(void **state)
{
	struct tmpstore t;
	struct err err = { 0 };
	struct ipam_bad bad = { 0 };

	store_setup(&t);
	put_file(&t, "10.0.0.2", "ctr\r\neth0");
	put_file(&t, "10.0.0.3", "ctr\r\neth1");
	put_file(&t, "10.0.0.4", "ctr");		/* an old version's file */
	put_file(&t, "10.0.0.5", "other\neth0");	/* "\n" form: read too */
	put_file(&t, "fd00::2", "ctr\r\neth0");
	put_file(&t, "10.0.0.9", "junk junk");

	/* (ctr, eth0): its two files; the old-format one stays (there was a match). */
	assert_int_equal(ipam_release(&t.st, "ctr", "eth0", &bad, &err), 2);
	assert_false(has_file(&t, "10.0.0.2"));
	assert_false(has_file(&t, "fd00::2"));
	assert_true(has_file(&t, "10.0.0.3"));
	assert_true(has_file(&t, "10.0.0.4"));
	assert_int_equal(bad.n, 1);
	assert_non_null(strstr(bad.text, "10.0.0.9"));

	/* Idempotent, then (ctr, eth9): no exact match, so the ID-only file goes. */
	assert_int_equal(ipam_release(&t.st, "ctr", "eth9", NULL, &err), 1);
	assert_false(has_file(&t, "10.0.0.4"));
	assert_int_equal(ipam_release(&t.st, "ctr", "eth9", NULL, &err), 0);
	assert_int_equal(ipam_release(&t.st, "other", "eth0", NULL, &err), 1);
	assert_true(has_file(&t, "10.0.0.9"));	/* never trusted, never deleted */
	store_teardown(&t);
}

static void test_holds(void **state)
{
	struct tmpstore t;
	struct ipam_bad bad = { 0 };
	struct ip_addr a = A("10.0.0.2"), b = A("10.0.0.3");

	store_setup(&t);
	put_file(&t, "10.0.0.2", "ctr\r\neth0");
	put_file(&t, "10.0.0.7", "old");
	assert_int_equal(ipam_holds(&t.st, &a, "ctr", "eth0", &bad), 1);
	assert_int_equal(ipam_holds(&t.st, &a, "ctr", "eth1", &bad), 0);
	assert_int_equal(ipam_holds(&t.st, &b, "ctr", "eth0", &bad), 0);
	assert_int_equal(ipam_holds(&t.st, NULL, "ctr", "eth0", &bad), 1);
	assert_int_equal(ipam_holds(&t.st, NULL, "old", "eth5", &bad), 1);
	assert_int_equal(ipam_holds(&t.st, NULL, "nobody", "eth0", &bad), 0);
	store_teardown(&t);
}

static bool keep_even(const struct ipam_owner *o, void *data)
{
	(void)data;
	return (o->id[strlen(o->id) - 1] - '0') % 2 == 0;
}

static void test_gc(void **state)
{
	struct tmpstore t;
	struct ipam_bad bad = { 0 };

	store_setup(&t);
	put_file(&t, "10.0.0.2", "c0\r\neth0");
	put_file(&t, "10.0.0.3", "c1\r\neth0");
	put_file(&t, "10.0.0.4", "c2\r\neth0");
	put_file(&t, "10.0.0.5", "c3");
	put_file(&t, "10.0.0.6", "\x01\x02");
	put_file(&t, "10.0.0.7.tmp.4242", "c5\r\neth0");
	put_file(&t, "last_reserved_ip.0.tmp.17", "10.0.0.7");
	put_file(&t, "last_reserved_ip.0", "10.0.0.4");
	assert_int_equal(ipam_gc(&t.st, keep_even, NULL, &bad), 2);
	assert_true(has_file(&t, "10.0.0.2"));
	assert_false(has_file(&t, "10.0.0.3"));
	assert_true(has_file(&t, "10.0.0.4"));
	assert_false(has_file(&t, "10.0.0.5"));
	assert_true(has_file(&t, "10.0.0.6"));
	assert_false(has_file(&t, "10.0.0.7.tmp.4242"));
	assert_false(has_file(&t, "last_reserved_ip.0.tmp.17"));
	assert_true(has_file(&t, "last_reserved_ip.0"));
	assert_int_equal(bad.n, 1);
	store_teardown(&t);
}

/* A pid that is certainly dead: a child that has been waited for. */
static pid_t dead_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	assert_true(p > 0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return p;
}

/*
 * Writes go through IPAM_TMP_DIR; the next open of the store (any locked operation,
 * ADD and DEL included) removes what a dead writer left there, and only that.
 */
static void test_tmp_dead_writers(void **state)
{
	struct err err = { 0 };
	struct tmpstore t;
	struct ip_addr a;
	char dead[64], live[64];

	store_setup(&t);
	assert_int_equal(ip_addr_parse("10.0.0.9", &a), 0);
	assert_int_equal(ipam_store_reserve(&t.st, &a, "c9", "eth0", &err), 1);
	assert_true(has_file(&t, "10.0.0.9"));
	assert_true(has_file(&t, IPAM_TMP_DIR));
	snprintf(dead, sizeof(dead), IPAM_TMP_DIR "/10.0.0.7.tmp.%d", (int)dead_pid());
	snprintf(live, sizeof(live), IPAM_TMP_DIR "/10.0.0.8.tmp.%d", (int)getpid());
	put_file(&t, dead, "c7\r\neth0");
	put_file(&t, live, "c8\r\neth0");
	put_file(&t, IPAM_TMP_DIR "/README", "not ours");
	ipam_store_close(&t.st);
	assert_int_equal(ipam_store_open(&t.st, t.data, "net1", false, &err), 0);
	assert_false(has_file(&t, dead));
	assert_true(has_file(&t, live));		/* a live writer's (or a reused pid) */
	assert_true(has_file(&t, IPAM_TMP_DIR "/README"));
	assert_true(has_file(&t, "10.0.0.9"));
	/* GC takes every temporary file, live pid or not, old layout too. */
	put_file(&t, "10.0.0.6.tmp.1", "c6\r\neth0");
	assert_int_equal(ipam_store_clean_tmp(&t.st), 2);
	assert_false(has_file(&t, live));
	assert_false(has_file(&t, "10.0.0.6.tmp.1"));
	store_teardown(&t);
}

/* The attachment index: a hint that ADD and DEL trust only after checking it. */
static void test_index(void **state)
{
	struct tmpstore t;
	struct err err = { 0 };
	struct ipam_range_set s[2];
	struct ipam_lease l[2];
	struct ip_addr got[4];

	store_setup(&t);
	mkset(&s[0], "10.0.0.0/24", NULL, NULL);
	mkset(&s[1], "fd00::/120", NULL, NULL);
	assert_int_equal(ipam_allocate(&t.st, s, 2, NULL, "a", "eth0", l, &err), 0);
	assert_int_equal(ipam_index_get(&t.st, "a", "eth0", got, 4), 2);
	assert_addr(&got[0], "10.0.0.2");
	assert_addr(&got[1], "fd00::2");
	assert_int_equal(ipam_index_get(&t.st, "a", "eth1", got, 4), -ENOENT);

	/* A second ADD of (a, eth0) is refused without a scan. */
	assert_true(ipam_allocate(&t.st, s, 2, NULL, "a", "eth0", l, &err) < 0);
	assert_int_equal(err.code, ERR_INVALID_ENV);

	/* Another writer released 10.0.0.2 and gave it to b: the index must not free it. */
	put_file(&t, "10.0.0.2", "b\r\neth0");
	assert_int_equal(ipam_index_get(&t.st, "a", "eth0", got, 4), 1);
	assert_int_equal(ipam_release(&t.st, "a", "eth0", NULL, &err), 1);
	assert_true(has_file(&t, "10.0.0.2"));
	assert_false(has_file(&t, "fd00::2"));
	assert_int_equal(ipam_index_get(&t.st, "a", "eth0", got, 4), -ENOENT);

	/* No index entry (the reference's ADD): DEL scans and still frees it. */
	put_file(&t, "10.0.0.9", "ref\r\neth0");
	assert_int_equal(ipam_release(&t.st, "ref", "eth0", NULL, &err), 1);

	/* A broken entry is no entry; GC drops it and entries of invalid owners. */
	put_file(&t, IPAM_INDEX_DIR "/00000000deadbeef", "garbage");
	assert_int_equal(ipam_allocate(&t.st, s, 2, NULL, "c1", "eth0", l, &err), 0);
	assert_int_equal(ipam_allocate(&t.st, s, 2, NULL, "c2", "eth0", l, &err), 0);
	assert_int_equal(ipam_gc(&t.st, keep_even, NULL, NULL), 2);
	assert_int_equal(ipam_index_get(&t.st, "c1", "eth0", got, 4), -ENOENT);
	assert_int_equal(ipam_index_get(&t.st, "c2", "eth0", got, 4), 2);
	assert_false(has_file(&t, IPAM_INDEX_DIR "/00000000deadbeef"));
	store_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_name),
		cmocka_unit_test(test_range_defaults),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_range_set),
		cmocka_unit_test(test_iter),
		cmocka_unit_test(test_iter_multi),
		cmocka_unit_test(test_owner_parse),
		cmocka_unit_test(test_store_basics),
		cmocka_unit_test(test_store_open_errors),
		cmocka_unit_test(test_store_bad_files),
		cmocka_unit_test(test_alloc_round_robin),
		cmocka_unit_test(test_alloc_requested),
		cmocka_unit_test(test_alloc_dual_stack_atomic),
		cmocka_unit_test(test_release_semantics),
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_gc),
		cmocka_unit_test(test_tmp_dead_writers),
		cmocka_unit_test(test_index),
	};

	return cmocka_run_group_tests_name("ipam", tests, NULL, NULL);
}
