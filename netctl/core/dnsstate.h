/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What netctl knows of the dnsname plugin's state: its per-network directories under
 * DNSSTATE_DIR (the plugin's default runDir; not under NETCTL_RUNDIR, which may be a
 * directory the unprivileged DNS server cannot enter), so `netctl gc` can stop the
 * server of a network that no longer exists, through the plugin's own GC.
 */
#ifndef NETCTL_DNSSTATE_H
#define NETCTL_DNSSTATE_H

#include "netctl/core/chain.h"
#include "netctl/core/paths.h"

#define DNSSTATE_DIR "/run/netctl/dnsname"

/** dnsstate_foreach() - @fn for each network with a DNS state directory. 0 or @fn's. */
int dnsstate_foreach(const struct netctl_paths *p, int (*fn)(const char *net, void *data),
		     void *data);

/**
 * dnsstate_stop() - the dnsname plugin's GC for @net with no valid attachment: it
 * stops the network's dnsmasq and removes its state. 0 or -errno with @err set.
 */
int dnsstate_stop(const struct netctl_paths *p, const char *net, struct chain_err *err);

#endif
