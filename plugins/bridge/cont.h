/* SPDX-License-Identifier: Apache-2.0 */
/* The container side of the bridge plugin: its interface's addresses and routes. */
#ifndef NETCTL_PLUGINS_BRIDGE_CONT_H
#define NETCTL_PLUGINS_BRIDGE_CONT_H

#include "cni/result.h"
#include "netlib/link.h"

/**
 * br_cont_setup() - in the container netns (socket @nl, fd @ns_fd): DAD off (unless
 * @enable_dad), @index up, the result's addresses for interface @iface_idx, then its
 * routes (a route without gateway uses its family's gateway, as the reference does).
 */
int br_cont_setup(struct netlib_nl *nl, int ns_fd, const char *ifname, int index,
		  const struct cni_result *res, int iface_idx, bool enable_dad, char *ebuf,
		  size_t n);
/**
 * br_cont_check() - the interface @ifname is a veth with every address of the result
 * for @iface_idx, and every route of the result is there (@link: what was found).
 * -ENOENT with a sentence in @ebuf when not.
 */
int br_cont_check(struct netlib_nl *nl, const char *ifname, const struct cni_result *res,
		  int iface_idx, struct netlib_link *link, char *ebuf, size_t n);

#endif
