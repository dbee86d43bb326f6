/* SPDX-License-Identifier: Apache-2.0 */
/* Inside policy/: the version 2 compiler, and what the kernel compare shares with it. */
#ifndef NETCTL_POLICY_COMPILE_H
#define NETCTL_POLICY_COMPILE_H

#include "policy/policy.h"

/**
 * policy_build_v2() - policy_build() for a version 2 file (see doc/policy.md). Address
 * sets whose @addr_kept[group * 2 + v6] is true already hold the group's ranges: they
 * are left alone (refilling an interval set in the transaction that empties it costs
 * the kernel time quadratic in its size). @addr_kept NULL: refill all.
 */
void policy_build_v2(struct nft_batch *b, const struct policy *p, const char *net,
		     char (*stale)[160], size_t n_stale, const bool *addr_kept);

/**
 * policy_build_finish() - the end of both versions' batches: the @stale chains and sets
 * deleted (after the flushes that dropped the rules using them), then @p's mark chain.
 */
void policy_build_finish(struct nft_batch *b, const struct policy *p, const char *net,
			 char (*stale)[160], size_t n_stale);

/* One kernel rule a version 2 policy writes: its chain, comment and verdict (-1000:
 * none, as for log and count rules). */
typedef void (*policy_plan_cb)(const char *chain, const char *comment, int verdict,
			       void *data);
/**
 * policy_plan_v2() - the rules policy_build_v2() writes in net-<net>-policy, -hostpol,
 * -egress and -pubsrc, in order, without building them. Return 0 or -EINVAL.
 */
int policy_plan_v2(const struct policy *p, const char *net, policy_plan_cb cb, void *data);

/* One range of an address set: [lo, hi], adjacent CIDRs merged. */
struct policy_interval {
	struct ip_addr lo, hi;
	size_t first;		/* index of its first CIDR in the group */
};

/**
 * policy_intervals() - group @g's CIDRs of one family as merged ranges, in order.
 * Return how many (written to *@out, malloc'd), or -ENOMEM.
 */
int policy_intervals(const struct policy_group *g, bool v6, struct policy_interval **out);

#endif
