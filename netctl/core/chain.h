/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin-chain executor: runs a conflist's plugins for one attachment the way
 * libcni (AddNetworkList, DelNetworkList, CheckNetworkList, GCNetworkList,
 * GetStatusNetworkList) does, with a libcni-compatible result cache.
 */
#ifndef NETCTL_CHAIN_H
#define NETCTL_CHAIN_H

#include <stdbool.h>
#include <jansson.h>

#include "cni/error.h"
#include "netctl/core/conflist.h"

#define CHAIN_MAX_VALID 4096

struct chain_attachment {
	const char *container_id;
	const char *ifname;
};

struct chain_req {
	const char *cni_path;		/* ':'-separated plugin search path */
	const char *cache_dir;		/* results live in <cache_dir>/results */
	const char *container_id;	/* ADD/DEL/CHECK */
	const char *netns;		/* absolute path; DEL may go without */
	const char *ifname;
	const char *args;		/* CNI_ARGS "K=V;K2=V2", NULL for none */
	json_t *cap_args;		/* capability arguments (object), NULL for none */
	bool rollback;			/* ADD: on failure DEL the whole chain (libcni does not) */
	/* GC: the attachments still in use; without them, those in the cache are. */
	const struct chain_attachment *valid;
	int n_valid;
	bool have_valid;
	bool locked;			/* GC: the caller holds the network lock (shared)
					 * and the exclusive cache lock */
};

struct chain_err {
	struct err cni;		/* the plugin's own error, or ours */
	int plugin;			/* index of the failing plugin, -1 = not a plugin's */
	const char *op;			/* "add", "delete", "check", "GC", "status" */
};

/* Request configuration derivation (pure, chain_conf.c). */

/**
 * chain_plugin_conf() - what plugin @idx gets on stdin for ADD/DEL/CHECK: its config
 * with "name" and "cniVersion" from the list, "prevResult" when @prev is given,
 * "runtimeConfig" holding the @cap_args whose key the plugin enables in
 * "capabilities", and no "capabilities" (the spec: must not be set).
 * Return: new reference, or NULL when out of memory.
 */
json_t *chain_plugin_conf(const struct conflist *cl, int idx, json_t *prev, json_t *cap_args);

/**
 * chain_gc_conf() - the GC request for plugin @idx: name, cniVersion and the valid
 * attachments under both "cni.dev/valid-attachments" and "cni.dev/attachments"
 * (libcni sends both: the spec once named it the latter). New reference or NULL.
 */
json_t *chain_gc_conf(const struct conflist *cl, int idx, const struct chain_attachment *valid,
		      int n_valid);

/** chain_status_conf() - the STATUS request for plugin @idx. New reference or NULL. */
json_t *chain_status_conf(const struct conflist *cl, int idx);

/**
 * chain_result_convert() - a plugin's ADD output @text as a result object of the
 * list's version (a result without "cniVersion" is taken as the config's, as libcni's
 * fixupResultVersion does). New reference, or NULL with @err set (code 6).
 */
json_t *chain_result_convert(const char *text, enum cni_version v, struct err *err);

/* Execution (chain.c). Each returns 0, or -errno with @err set. */

/** chain_add() - ADD each plugin in order, cache and return the final result. */
int chain_add(const struct conflist *cl, const struct chain_req *req, json_t **result,
	      struct chain_err *err);
/** chain_del() - DEL each plugin in reverse with the cached result, then drop it. */
int chain_del(const struct conflist *cl, const struct chain_req *req, struct chain_err *err);
/** chain_check() - CHECK each plugin in order with the cached result (>= 0.4.0). */
int chain_check(const struct conflist *cl, const struct chain_req *req,
		struct chain_err *err);
/**
 * chain_readd() - ADD again, with the cached result as prevResult and what ADD was
 * given (netns, CNI_ARGS, capability arguments) from the cache, only the plugins
 * whose type @want accepts: plugins whose ADD is idempotent and only (re)makes kernel
 * state that someone else removed, e.g. nftables elements after a flush. The cache is
 * not changed. -ENOENT (code 3) when nothing is cached for the attachment.
 */
int chain_readd(const struct conflist *cl, const struct chain_req *req,
		bool (*want)(const char *type), struct chain_err *err);
/** chain_gc() - DEL cached attachments not valid, then GC each plugin (>= 1.1.0). */
int chain_gc(const struct conflist *cl, const struct chain_req *req, struct chain_err *err);
/** chain_status() - STATUS each plugin in order, stopping at the first failure. */
int chain_status(const struct conflist *cl, const struct chain_req *req,
		 struct chain_err *err);

#endif
