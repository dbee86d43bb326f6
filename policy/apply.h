/* SPDX-License-Identifier: Apache-2.0 */
/* Inside policy/: the kernel compare of what version 2 adds (apply_v2.c). */
#ifndef NETCTL_POLICY_APPLY_H
#define NETCTL_POLICY_APPLY_H

#include "nft/batch.h"
#include "nft/conn.h"
#include "policy/policy.h"
#include "util/err.h"

/**
 * policy_v2_rules_hold() - do net-<net>-policy, -hostpol, -egress and -pubsrc hold
 * exactly the rules policy_build_v2() writes for @p (comment and verdict, in order)?
 * Return 1 yes, 0 no, -errno.
 */
int policy_v2_rules_hold(struct nft_conn *c, const struct policy *p, const char *net,
			 struct err *err);
/**
 * policy_v2_addr_state() - which address sets hold exactly their group's ranges:
 * @ok[group * 2 + v6] (room for 2 * n_groups; groups without CIDRs left alone).
 * Return 0 or -errno.
 */
int policy_v2_addr_state(struct nft_conn *c, const struct policy *p, const char *net,
			 bool *ok, struct err *err);

/**
 * policy_v1_leftovers() - a version 1 policy has no egress or pubsrc rules: which of
 * net-<net>-egress (bit 0) and -pubsrc (bit 1) still hold some (a version 2 policy's),
 * 0 when none, or -errno.
 */
int policy_v1_leftovers(struct nft_conn *c, const char *net, struct err *err);
/** policy_v1_flush() - flush, in @b, the chains @mask names. */
void policy_v1_flush(struct nft_batch *b, const char *net, int mask);

#endif
