/* SPDX-License-Identifier: Apache-2.0 */
/*
 * icc=false without br_netfilter (DESIGN.md): the container's bridge port is isolated,
 * and the bridge answers ARP for peers (proxy_arp_pvlan), so container-to-container
 * traffic is routed through the host's forward hook where the policy applies.
 */
#ifndef NETCTL_PLUGINS_FIREWALL_BRPORT_H
#define NETCTL_PLUGINS_FIREWALL_BRPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

/** fw_port_isolate() - set (or clear) the bridge port flag "isolated" of @port. */
int fw_port_isolate(const char *port, bool on, struct err *err);
/** fw_bridge_route_peers() - proxy_arp_pvlan=1, proxy_delay=0, send_redirects=0. */
int fw_bridge_route_peers(const char *bridge, struct err *err);

#endif
