/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin skeleton: a plugin's main() is a table of handlers.
 *
 *	static const struct cni_plugin_ops ops = {
 *		.name = "host-local", .add = hl_add, .del = hl_del, ...
 *	};
 *	int main(void) { return cni_plugin_main(&ops); }
 *
 * The skeleton reads the environment and stdin (bounded), validates both, answers
 * VERSION itself, refuses commands the config's version does not have, calls the
 * handler, and prints the result or the error JSON in the config's version.
 */
#ifndef NETCTL_CNI_PLUGIN_H
#define NETCTL_CNI_PLUGIN_H

#include "cni/conf.h"
#include "cni/env.h"
#include "cni/error.h"
#include "cni/result.h"

struct cni_ctx {
	struct cni_env env;
	struct cni_conf conf;
	struct err err;
	/* ADD: the handler fills this (it starts as a copy of prevResult, if any). */
	struct cni_result *result;
	/* prevResult parsed, or NULL when the config has none. */
	struct cni_result *prev;
};

typedef int (*cni_handler_fn)(struct cni_ctx *ctx);

struct cni_plugin_ops {
	const char *name;	/* for "CNI <name> plugin" in VERSION's about text */
	cni_handler_fn add;
	cni_handler_fn del;
	cni_handler_fn check;	/* NULL: CHECK succeeds (nothing to check) */
	cni_handler_fn gc;	/* NULL: GC succeeds */
	cni_handler_fn status;	/* NULL: STATUS succeeds */
	bool is_ipam;		/* an IPAM plugin prints no "interfaces" */
	/*
	 * The runtimeConfig keys the plugin uses, NULL-terminated (NULL: not checked).
	 * libcni puts a key there only when the conflist declares the capability for this
	 * plugin, so any other key asks for something the plugin cannot do: ADD and CHECK
	 * refuse it with code 7 naming it, rather than do less than asked without a word.
	 */
	const char *const *runtime_keys;
	/* runtimeConfig also reaches the IPAM plugin: keys are checked only when
	 * ipam.type is host-local, whose keys ("ips", "ipRanges") are then allowed */
	bool delegates_ipam;
};

/** cni_plugin_main() - the whole process: returns the exit status for main(). */
int cni_plugin_main(const struct cni_plugin_ops *ops);

/**
 * cni_plugin_call() - what running the plugin of @ops as a child would do, in this
 * process: @command ("ADD", "DEL", ...) with @env's other variables and @in as stdin,
 * audited the same way. Return 0 with *@out (malloc'd: the ADD result in the config's
 * version, else "") or -errno with @err set as the child's error JSON would have it.
 */
int cni_plugin_call(const struct cni_plugin_ops *ops, const struct cni_env *env,
		    const char *command, const char *in, size_t len, char **out,
		    struct err *err);

/**
 * cni_gc_attachment_valid() - is (@container_id, @ifname) in the GC config's
 * valid attachments ("cni.dev/valid-attachments" or "cni.dev/attachments")?
 */
bool cni_gc_attachment_valid(json_t *conf_root, const char *container_id, const char *ifname);

/**
 * cni_gc_name_valid() - is @name the deterministic host-side name (@prefix + hash,
 * ifname_from_ids()) of one of the GC config's valid attachments?
 */
bool cni_gc_name_valid(json_t *conf_root, const char *prefix, const char *name);

#endif
