/* SPDX-License-Identifier: Apache-2.0 */
/* Executing a CNI plugin binary: delegation (IPAM) and the runtime's chain. */
#ifndef NETCTL_CNI_EXEC_H
#define NETCTL_CNI_EXEC_H

#include <stddef.h>

#include "cni/env.h"
#include "cni/error.h"
#include "cni/plugin.h"

/**
 * cni_find_plugin() - look @type up in the ':'-separated @cni_path.
 * @type must be a plain file name (no '/'). Return 0 with @out filled, -ENOENT.
 */
int cni_find_plugin(const char *type, const char *cni_path, char *out, size_t n);

struct cni_exec_req {
	const char *type;		/* plugin binary name */
	const char *cni_path;		/* search path */
	const char *command;		/* "ADD", "DEL", … */
	const char *container_id;	/* NULL to leave unset */
	const char *netns;
	const char *ifname;
	const char *args;		/* CNI_ARGS */
	const char *stdin_data;
	size_t stdin_len;
};

/**
 * cni_exec() - run a plugin with a clean CNI_* environment built from @req (other
 * variables inherited), feed it @stdin_data, collect stdout (bounded at 1 MiB).
 * The plugin's stderr goes to ours, as the spec asks.
 * Return: 0 with *@out (malloc'd, may be "") on exit status 0; on failure -EIO (or
 * -errno) with @err set from the plugin's error JSON when it printed one.
 */
int cni_exec(const struct cni_exec_req *req, char **out, struct err *err);

/**
 * cni_delegate() - run IPAM plugin @type with our own environment but CNI_COMMAND
 * set to @command, on the same stdin we got (spec section 4).
 */
int cni_delegate(const struct cni_env *env, const char *type, const char *command,
		 const char *stdin_data, size_t stdin_len, char **out, struct err *err);

/**
 * cni_delegate_builtin() - let cni_delegate() run plugin @type through @ops in this
 * process instead of a child, when the @type that CNI_PATH resolves to is the very
 * file beside this program (the same build: same directory entry, same inode), so
 * what runs is exactly what the exec would have run, a fork+exec (~1 ms) cheaper.
 * Any other @type, or another binary of that name first on CNI_PATH, is exec'd as
 * the spec says; NETCTL_DELEGATE_EXEC=1 always execs.
 */
void cni_delegate_builtin(const char *type, const struct cni_plugin_ops *ops);

#endif
