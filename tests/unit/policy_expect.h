/* SPDX-License-Identifier: Apache-2.0 */
/* For the policy unit tests (cmocka): a file the parser must refuse, and with what. */
#ifndef NETCTL_TESTS_POLICY_EXPECT_H
#define NETCTL_TESTS_POLICY_EXPECT_H

#include <string.h>

#include "policy/policy.h"

/* @text is refused, the error contains @want, and nothing of it is left in the policy. */
static inline void expect_error(const char *text, const char *want)
{
	struct policy p;
	struct err err = { 0 };

	assert_int_not_equal(policy_parse(text, strlen(text), &p, &err), 0);
	if (!strstr(err.details, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err.details, want);
	assert_int_equal(p.n_groups, 0);
	assert_null(p.rules);
}

#endif
