/* SPDX-License-Identifier: Apache-2.0 */
/* The dnsname plugin's input: its conf keys, the container's names, prevResult's addresses. */
#ifndef NETCTL_PLUGINS_DNSNAME_CONFIG_H
#define NETCTL_PLUGINS_DNSNAME_CONFIG_H

#include <limits.h>

#include "cni/plugin.h"
#include "util/dnsname.h"
#include "util/ip.h"

#define DN_DEFAULT_DOMAIN "dns.podman"	/* what podman 4 writes */
#define DN_DEFAULT_RUNDIR "/run/netctl/dnsname"
#define DN_DEFAULT_RESOLV "/etc/resolv.conf"
#define DN_MAX_NAMES 64		/* name + short ID + aliases */
#define DN_MAX_ADDRS 16
#define DN_SHORT_ID 12

struct dn_paths {
	char dir[PATH_MAX];	/* <runDir>/<network> */
	char conf[PATH_MAX + 16];
	char hosts[PATH_MAX + 8];
	char pid[PATH_MAX + 8];
};

struct dn_config {
	const char *net;
	const char *domain;
	const char *resolv_conf;
	struct dn_paths paths;
	/* ADD/CHECK: who the container is and where it is */
	const char *names[DN_MAX_NAMES];
	int n_names;
	char short_id[DN_SHORT_ID + 1];
	struct ip_addr addrs[DN_MAX_ADDRS];
	int n_addrs;
	struct ip_addr gateways[DN_MAX_ADDRS];
	int n_gateways;
	bool no_server;		/* no gateway in prevResult: nothing to serve on */
	char bridge[16];	/* prevResult's first interface on the host, "" if none */
};

/**
 * dn_config_load() - conf keys and paths for every command; with @need_prev (ADD,
 * CHECK) also names, aliases and addresses. Bad names, aliases or domain: code 7.
 */
int dn_config_load(struct cni_ctx *ctx, bool need_prev, struct dn_config *c);

/** dn_paths_init() - the per-network paths under @rundir. 0 or -ENAMETOOLONG. */
int dn_paths_init(struct dn_paths *p, const char *rundir, const char *net);

#endif
