// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/capability.h>

#include "netctl/core/caps.h"

static void test_default_set(void **state)
{
	struct caps_set s = caps_default();

	assert_true(s.mask & (1ULL << CAP_NET_BIND_SERVICE));
	assert_true(s.mask & (1ULL << CAP_CHOWN));
	assert_false(s.mask & (1ULL << CAP_SYS_ADMIN));
	assert_false(s.mask & (1ULL << CAP_NET_ADMIN));
	/* podman's: Docker's without NET_RAW, MKNOD and AUDIT_WRITE */
	assert_int_equal(s.mask, 0x800405fbULL);
	assert_int_equal(__builtin_popcountll(s.mask), 11);
	/* NET_RAW stays in the bounding set only (ping's file capability execs) */
	assert_int_equal(s.bound, s.mask | (1ULL << CAP_NET_RAW));
}

static void test_adjust(void **state)
{
	struct caps_set s = caps_default();

	assert_int_equal(caps_adjust(&s, "NET_ADMIN", true), 0);
	assert_true(s.mask & (1ULL << CAP_NET_ADMIN));
	assert_int_equal(caps_adjust(&s, "cap_chown", false), 0);
	assert_false(s.mask & (1ULL << CAP_CHOWN));
	assert_int_equal(caps_adjust(&s, "CAP_NOPE", true), -EINVAL);
	assert_int_equal(caps_adjust(&s, "", true), -EINVAL);
	assert_int_equal(caps_adjust(&s, "NET_RAW", true), 0);
	assert_true(s.mask & (1ULL << CAP_NET_RAW));
	assert_int_equal(caps_adjust(&s, "net_raw", false), 0);
	assert_false(s.bound & (1ULL << CAP_NET_RAW));
	assert_int_equal(caps_adjust(&s, "ALL", false), 0);
	assert_int_equal(s.mask, 0);
	assert_int_equal(s.bound, 0);
	assert_int_equal(caps_adjust(&s, "all", true), 0);
	assert_true(s.mask & (1ULL << CAP_SYS_ADMIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_set),
		cmocka_unit_test(test_adjust),
	};

	return cmocka_run_group_tests_name("caps", tests, NULL, NULL);
}
