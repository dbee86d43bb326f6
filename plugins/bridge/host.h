/* SPDX-License-Identifier: Apache-2.0 */
/* Host-side objects of the bridge plugin: the bridge, its ports, gateways, sysctls. */
#ifndef NETCTL_PLUGINS_BRIDGE_HOST_H
#define NETCTL_PLUGINS_BRIDGE_HOST_H

#include "netlib/link.h"
#include "plugins/bridge/config.h"
#include "util/err.h"

/**
 * br_ensure_bridge() - find or create the bridge (with the configured MTU), pin its
 * MAC (so it does not follow the lowest port's), set it up, promiscuous when asked,
 * and routed-peers sysctls when icc is off. Fills @br.
 */
int br_ensure_bridge(struct netlib_nl *nl, const struct br_conf *c, struct netlib_link *br,
		     struct err *err);
/**
 * br_attach_port() - @port onto bridge @br, up, with hairpin/isolation flags, and
 * @alias (or NULL) as its ifalias: GC recognises our veths by it.
 */
int br_attach_port(struct netlib_nl *nl, const struct br_conf *c, int port, int br,
		   const char *alias, struct err *err);
/**
 * br_ensure_gateway() - gateway address @gw (with the subnet's length) on bridge @br,
 * the reference's rules: present already is fine; another v4 address (or an
 * overlapping v6 one) is replaced with forceAddress, an error without it.
 */
int br_ensure_gateway(struct netlib_nl *nl, const struct br_conf *c, int br,
		      const struct ip_prefix *gw, struct err *err);
/** br_enable_forwarding() - ip_forward / ipv6 forwarding on in our netns. */
int br_enable_forwarding(int family, struct err *err);

#endif
