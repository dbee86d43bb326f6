/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attaching a container (a network namespace) to a netctl network: the one place that
 * does it, for connect/disconnect/check and for `netctl run`. It loads
 * <confdir>/net.d/NET.conflist, passes the policy-group name in CNI_ARGS
 * ("IgnoreUnknown=1;K8S_POD_NAME=<name>") and ports, rates and a fixed address as
 * capability arguments (given as runtimeConfig only to plugins that declare them),
 * runs the chain like libcni with rollback on failure, caches the result in
 * <statedir>/results, and writes one audit line per change (netctl/core/audit.h).
 */
#ifndef NETCTL_ATTACH_H
#define NETCTL_ATTACH_H

#include <stdint.h>
#include <jansson.h>

#include "netctl/core/chain.h"

#define ATTACH_DEFAULT_IFNAME "eth0"

struct attach_opts {
	const char *net;
	const char *netns;		/* absolute path; DEL may go without (the cache's) */
	const char *container_id;
	const char *name;		/* policy-group name (K8S_POD_NAME), may be NULL */
	const char *ifname;		/* NULL = eth0 */
	const char *ip;			/* fixed address ("10.88.0.5" or with /len), NULL */
	json_t *port_mappings;		/* [{hostPort,containerPort,protocol[,hostIP]}] or NULL */
	uint64_t rate_in, rate_out;	/* bits/s into / out of the container, 0 = none */
	json_t *aliases;		/* ["name", ...]: runtimeConfig.aliases.<net>, or NULL */
	const char *op;			/* the audit line's op= (NULL: connect/disconnect/check) */
};

/**
 * attach_add() - ADD the chain of @o->net for the container; on success *@result is the
 * chain's result (new reference). On failure everything the chain did is undone.
 * Return: 0, or -errno with @err set (err->plugin says which plugin failed).
 */
int attach_add(const struct attach_opts *o, json_t **result, struct chain_err *err);

/**
 * attach_del() - DEL the chain with what ADD cached (args, capability args, netns
 * when @o->netns is NULL). Deleting what is not attached succeeds. 0 or -errno.
 */
int attach_del(const struct attach_opts *o, struct chain_err *err);

/** attach_check() - CHECK the chain with the cached result. 0 or -errno, @err set. */
int attach_check(const struct attach_opts *o, struct chain_err *err);

/* One cached attachment, as attach_list() reports it (borrowed, valid during the call). */
struct attach_info {
	const char *net;
	const char *container_id;
	const char *ifname;
	const char *netns;		/* may be NULL */
	const char *name;		/* K8S_POD_NAME from the cached CNI_ARGS, may be NULL */
	json_t *result;			/* the cached result object, may be NULL */
	json_t *cap_args;		/* the cached capability arguments, may be NULL */
};

/**
 * attach_list() - call @fn for each cached attachment of @net (NULL: of every
 * network, by network name then file name). Stops and returns @fn's value when it is
 * non-zero; -errno when the cache cannot be read.
 */
int attach_list(const char *net, int (*fn)(const struct attach_info *a, void *data),
		void *data);

/**
 * attach_count() - how many attachments the cache holds for @net (0 when none), or
 * -errno.
 */
int attach_count(const char *net);

/**
 * attach_cap_args() - the capability arguments for @o (pure): "portMappings" (as
 * given), "bandwidth" {ingressRate, ingressBurst, egressRate, egressBurst} in bits/s
 * and bits, "ips" [@o->ip], "aliases" {net: @o->aliases} (podman's shape, for dnsname). NULL when there is nothing to pass (or out of memory;
 * *@oom says which).
 */
json_t *attach_cap_args(const struct attach_opts *o, bool *oom);

#endif
