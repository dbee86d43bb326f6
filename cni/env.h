/* SPDX-License-Identifier: Apache-2.0 */
/* The CNI_* environment, validated. */
#ifndef NETCTL_CNI_ENV_H
#define NETCTL_CNI_ENV_H

#include <stdbool.h>

#include "cni/error.h"
#include "util/str.h"

enum cni_cmd {
	CNI_CMD_NONE = 0,
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_GC,
	CNI_CMD_STATUS,
	CNI_CMD_VERSION,
};

#define CNI_ARGS_MAX 32

struct cni_arg {
	const char *key;	/* points into cni_env.args_buf */
	const char *value;
};

struct cni_env {
	enum cni_cmd cmd;
	const char *container_id;	/* CNI_CONTAINERID, validated */
	const char *netns;		/* CNI_NETNS, may be NULL for DEL/GC/STATUS */
	const char *ifname;		/* CNI_IFNAME, validated (<= 15 bytes, no '/') */
	const char *args;		/* CNI_ARGS as given, may be NULL */
	const char *path;		/* CNI_PATH, may be NULL */
	struct cni_arg kv[CNI_ARGS_MAX];
	int n_kv;
	char args_buf[4096];
};

/** cni_cmd_parse() - "ADD" → CNI_CMD_ADD; CNI_CMD_NONE for anything else. */
enum cni_cmd cni_cmd_parse(const char *s);
const char *cni_cmd_str(enum cni_cmd c);

/**
 * cni_env_parse() - read and validate the CNI_* variables from the process
 * environment, requiring what the spec requires for the command.
 * Return: 0, or -EINVAL with @err set (code 4, naming the variable).
 */
int cni_env_parse(struct cni_env *env, struct err *err);

/**
 * cni_netns_check() - is @netns (CNI_NETNS) a network namespace? Opened and asked
 * (NS_GET_NSTYPE), nothing entered. Return 0, or -EINVAL with @err set: code 4
 * (invalid environment), the path and what it is instead in the details.
 */
int cni_netns_check(const char *netns, struct err *err);

/** cni_env_arg() - value of key @key in CNI_ARGS ("K=V;K2=V2"), or NULL. */
const char *cni_env_arg(const struct cni_env *env, const char *key);


#endif
