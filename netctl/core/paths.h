/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where netctl keeps things, and the networks it manages. Every path comes from the
 * environment (NETCTL_CONFDIR, NETCTL_STATEDIR, NETCTL_RUNDIR, NETCTL_NETNSDIR,
 * CNI_PATH); main.c turns the global flags (--confdir ...) into those variables, so
 * every command and every helper it starts sees the same paths.
 */
#ifndef NETCTL_PATHS_H
#define NETCTL_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni/error.h"
#include "netctl/core/conflist.h"

#define NETCTL_DEFAULT_CONFDIR "/etc/netctl"
#define NETCTL_DEFAULT_STATEDIR "/var/lib/netctl"
#define NETCTL_DEFAULT_RUNDIR "/run/netctl"
#define NETCTL_DEFAULT_NETNSDIR "/run/netns"
#define NETCTL_NET_NAME_MAX 64	/* = NFT_NET_NAME_MAX: the name is in nft chain and set names */

struct netctl_paths {
	char confdir[PATH_MAX];		/* net.d/NET.conflist, policy.d/NET.json */
	char statedir[PATH_MAX];	/* results/ (the libcni-format cache) */
	char rundir[PATH_MAX];		/* per-run state of `netctl run` */
	char netnsdir[PATH_MAX];	/* named netns pins, iproute2's /run/netns */
	char cni_path[2 * PATH_MAX];	/* ':'-separated plugin directories */
};

/**
 * paths_init() - fill @p from the environment and defaults. Without CNI_PATH the
 * plugins are looked for beside the netctl binary (a build tree), then in
 * <prefix>/lib/netctl/cni (an install), then /opt/cni/bin and /usr/lib/cni.
 * Return: 0 or -ENAMETOOLONG.
 */
int paths_init(struct netctl_paths *p);

/** paths_net_name_ok() - @net is usable as a network name (and so as a file name). */
bool paths_net_name_ok(const char *net);

/** paths_net_conflist() - "<confdir>/net.d/<net>.conflist"; -EINVAL for a bad name. */
int paths_net_conflist(const struct netctl_paths *p, const char *net, char *out, size_t n);

/** paths_net_exists() - network @net has a conflist in <confdir>/net.d. */
bool paths_net_exists(const struct netctl_paths *p, const char *net);

/** paths_net_policy() - "<confdir>/policy.d/<net>.json"; -EINVAL for a bad name. */
int paths_net_policy(const struct netctl_paths *p, const char *net, char *out, size_t n);

/**
 * paths_net_load() - load network @net's conflist. Return 0, -ENOENT when there is no
 * such network (@err says so), -EINVAL for a bad name, else conflist_load()'s error.
 */
int paths_net_load(const struct netctl_paths *p, const char *net, struct conflist *cl,
		   struct err *err);

/**
 * paths_net_foreach() - call @fn with each network's name, sorted. A missing net.d is
 * no network. Stops and returns @fn's value when it is non-zero; -errno on error.
 */
int paths_net_foreach(const struct netctl_paths *p, int (*fn)(const char *net, void *data),
		      void *data);

#endif
