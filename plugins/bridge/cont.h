/* SPDX-License-Identifier: Apache-2.0 */
/* The container side of the bridge plugin: its interface's addresses and routes. */
#ifndef NETCTL_PLUGINS_BRIDGE_CONT_H
#define NETCTL_PLUGINS_BRIDGE_CONT_H

#include "cni/result.h"
#include "netlib/link.h"
#include "util/err.h"

#define BR_CONT_DAD	(1u << 0)	/* IPv6 DAD on (enabledad) */
#define BR_CONT_LL6	(1u << 1)	/* keep IPv6 on an interface without IPv6 addresses */
#define BR_CONT_EUI64	(1u << 2)	/* link-local from the MAC (spoofchk binds it) */

/**
 * br_cont_setup() - in the container netns (socket @nl, fd @ns_fd): DAD off (unless
 * BR_CONT_DAD in @flags), IPv6 off when the interface gets no IPv6 address (unless
 * BR_CONT_LL6), @index up, the result's addresses for interface @iface_idx, then its
 * routes (a route without gateway uses its family's gateway, as the reference does).
 */
int br_cont_setup(struct netlib_nl *nl, int ns_fd, const char *ifname, int index,
		  const struct cni_result *res, int iface_idx, unsigned flags, struct err *err);
/**
 * br_cont_check() - the interface @ifname is a veth with every address of the result
 * for @iface_idx, and every route of the result is there (@link: what was found).
 * -ENOENT with a sentence in @err when not.
 */
int br_cont_check(struct netlib_nl *nl, const char *ifname, const struct cni_result *res,
		  int iface_idx, struct netlib_link *link, struct err *err);

#endif
