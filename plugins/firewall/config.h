/* SPDX-License-Identifier: Apache-2.0 */
/* The firewall plugin's configuration: the reference plugin's keys plus netctl's. */
#ifndef NETCTL_PLUGINS_FIREWALL_CONFIG_H
#define NETCTL_PLUGINS_FIREWALL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/plugin.h"
#include "ruleset/table.h"

#define FW_MAX_ADDRS 16

enum fw_ingress {
	FW_INGRESS_OPEN,	/* reachable from anywhere, other networks included */
	FW_INGRESS_SAME_BRIDGE,	/* no connections to or from other isolated networks */
	FW_INGRESS_ISOLATED,	/* same-bridge, and icc off inside the network */
};

struct fw_config {
	const char *net;		/* network name */
	const char *backend;		/* "iptables", "nftables" or NULL; accepted, unused */
	const char *admin_chain;	/* iptablesAdminChainName: accepted, unused */
	const char *zone;		/* firewalldZone: accepted, unused */
	enum fw_ingress ingress;
	bool icc;			/* containers of the network may talk to each other */
	bool internal;			/* netctl: nothing forwarded in or out of the bridge */
	enum nft_host_access host;	/* netctl "hostAccess": default dns for icc off */
	const char *policy_file;	/* netctl: the network's policy file, or NULL */
	const char *policy_dir;		/* netctl: where <net>.json is looked up */
	/* From prevResult (ADD, CHECK; DEL when present). */
	const char *bridge;		/* interfaces[0], the bridge */
	const char *host_veth;		/* the first host-side interface after it, or NULL */
	struct ip_addr addrs[FW_MAX_ADDRS];
	size_t n_addrs;
	const char *name;		/* the container's name: K8S_POD_NAME or "name" arg */
};

/**
 * fw_config_load() - read @ctx's config and prevResult into @c.
 * @need_prev: ADD and CHECK need a prevResult with a bridge.
 */
int fw_config_load(struct cni_ctx *ctx, bool need_prev, struct fw_config *c);

#endif
