/* SPDX-License-Identifier: Apache-2.0 */
/* Flows with one end outside the network (version 2 policies): policy/explain_v2.c. */
#ifndef NETCTL_POLICY_EXPLAIN_V2_H
#define NETCTL_POLICY_EXPLAIN_V2_H

#include "policy/policy.h"
#include "policy/verdict.h"

/** policy_explain_outside() - policy_explain() of a flow to or from outside (v2). */
void policy_explain_outside(const struct policy *p, const struct policy_flow *f,
			    struct policy_verdict *v);

#endif
