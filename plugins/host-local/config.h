/* SPDX-License-Identifier: Apache-2.0 */
/* host-local's "ipam" configuration, in the reference plugin's format. */
#ifndef NETCTL_HOST_LOCAL_CONFIG_H
#define NETCTL_HOST_LOCAL_CONFIG_H

#include "cni/plugin.h"
#include "ipam/range.h"

#define HL_MAX_REQUESTED 32

struct hl_config {
	const char *name;		/* the network's, borrowed from the config */
	const char *data_dir;		/* NULL: the default */
	const char *resolv_conf;	/* NULL: no DNS in the result */
	struct ipam_range_set sets[IPAM_MAX_SETS];
	int n_sets;
	struct ip_addr want[IPAM_MAX_SETS];	/* requested address per set, family 0: any */
	struct cni_route routes[CNI_MAX_ROUTES];
	int n_routes;
};

/**
 * hl_config_load() - read the "ipam" object (ranges in both forms, routes, dataDir,
 * resolvConf) and runtimeConfig.ipRanges; with @requests, also the requested
 * addresses (CNI_ARGS IP=, args.cni.ips, runtimeConfig.ips), matched to range sets.
 * Errors: code 7 (4 for a bad CNI_ARGS IP=), naming the key.
 */
int hl_config_load(const struct cni_conf *conf, const struct cni_env *env, bool requests,
		   struct hl_config *c, struct err *err);

/**
 * hl_parse_resolv_conf() - nameserver, domain, search and options lines of the file
 * at @path into @dns, as the reference does. Errors: code 5 (unreadable), 7.
 */
int hl_parse_resolv_conf(const char *path, struct cni_dns *dns, struct err *err);

#endif
