/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `netctl create` writes and what ls/inspect/rm read back: a network's conflist
 * built from options (pure), and the facts of a conflist (bridge, subnets, icc ...).
 */
#ifndef NETCTL_NETCONF_H
#define NETCTL_NETCONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <jansson.h>

#include "netctl/core/conflist.h"
#include "util/ip.h"

#define NETCONF_MAX_SUBNETS 8
#define NETCONF_DEFAULT_POOL "10.88.0.0/16"	/* /24s: 10.88.0.0/24, 10.88.1.0/24 ... */
#define NETCONF_DEFAULT_SIZE 24
#define NETCONF_DEFAULT_POOL6 "fd88::/48"	/* /64s: fd88::/64, fd88:0:0:1::/64 ... */
#define NETCONF_DEFAULT_STORE "/var/lib/cni/networks"

#define NETCONF_DNS_DOMAIN "dns.netctl"

struct net_spec {
	const char *name;
	struct ip_prefix subnets[NETCONF_MAX_SUBNETS];	/* network addresses */
	int n_subnets;
	struct ip_addr gateway;		/* family 0: the plugin's default (.1) */
	char bridge[IFNAMSIZ];
	bool icc, masquerade;
	bool no_spoofchk;		/* leave the bridge's per-port source binding off */
	bool internal;			/* no route out, nothing forwarded in or out */
	struct ip_prefix ip_ranges[NETCONF_MAX_SUBNETS];	/* allocate from these */
	int n_ip_ranges;
	bool routed;			/* bridge "gatewayMode": "routed" (ruleset/inbound.h) */
	unsigned mtu;			/* 0: the default */
	bool portmap, bandwidth;	/* add those plugins (with their capabilities) */
	bool dns;			/* chain dnsname (NETCONF_DNS_DOMAIN) last */
	const char *policy_dir;		/* the firewall's policyDir, NULL: its default */
	const char *host_access;	/* the firewall's hostAccess, NULL: its default */
};

/**
 * netconf_build() - the conflist for @s: bridge (+ipMasq) with host-local, firewall
 * (icc), then portmap, bandwidth and dnsname when asked. An ip_range inside a subnet becomes
 * that range's rangeStart/rangeEnd; internal drops the default routes, ipMasq and
 * portmap and sets the firewall's "internal". cniVersion 1.0.0 with cniVersions
 * [1.0.0, 1.1.0]: libcni 1.1 picks 1.0.0, netctl 1.1.0 (so GC works). New reference,
 * or NULL (out of memory, or a gateway in none of the subnets).
 */
json_t *netconf_build(const struct net_spec *s);

struct net_info {
	char bridge[IFNAMSIZ];
	struct ip_prefix subnets[NETCONF_MAX_SUBNETS];
	int n_subnets;
	bool icc, masquerade, firewall;
	bool routed;			/* bridge "gatewayMode": "routed" */
	char host_access[8];		/* "all", "dns" (icc off's default), "none" */
	unsigned mtu;
	char store[PATH_MAX];		/* host-local's dataDir/<net> */
};

/** netconf_info() - what @cl says about its network (missing keys: defaults). */
void netconf_info(const struct conflist *cl, struct net_info *out);

/**
 * netconf_pick_subnet() - the first /@size of @pool that overlaps none of @used.
 * Return 0, or -ENOSPC when the pool is full, -EINVAL for a bad size.
 */
int netconf_pick_subnet(const struct ip_prefix *pool, unsigned size,
			const struct ip_prefix *used, int n_used, struct ip_prefix *out);

/**
 * netconf_default_bridge() - "nctl-<net>" when it fits in an interface name, else
 * "nctl-" and 8 hex digits of a hash of the name.
 */
void netconf_default_bridge(const char *net, char out[IFNAMSIZ]);

#endif
