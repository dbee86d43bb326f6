// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>

#include "cni/env.h"
#include "util/str.h"

static const char *const cmd_names[] = {
	[CNI_CMD_ADD] = "ADD",	   [CNI_CMD_DEL] = "DEL",	    [CNI_CMD_CHECK] = "CHECK",
	[CNI_CMD_GC] = "GC",	   [CNI_CMD_STATUS] = "STATUS", [CNI_CMD_VERSION] = "VERSION",
};

enum cni_cmd cni_cmd_parse(const char *s)
{
	size_t i;

	for (i = 1; s && i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (strcmp(s, cmd_names[i]) == 0)
			return (enum cni_cmd)i;
	return CNI_CMD_NONE;
}

const char *cni_cmd_str(enum cni_cmd c)
{
	return c > CNI_CMD_NONE && c <= CNI_CMD_VERSION ? cmd_names[c] : "?";
}

/* CNI_ARGS is "K=V;K2=V2": split a private copy so values can be borrowed. */
static int parse_args(struct cni_env *env, struct err *err)
{
	char *save = NULL, *tok;

	if (!env->args || !env->args[0])
		return 0;
	if (str_copy(env->args_buf, sizeof(env->args_buf), env->args) < 0)
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_ARGS is too long",
			       "CNI_ARGS has %zu bytes, at most %zu are accepted",
			       strlen(env->args), sizeof(env->args_buf) - 1);
	for (tok = strtok_r(env->args_buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok)
			return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_ARGS is malformed",
				       "CNI_ARGS: '%s' is not KEY=VALUE", tok);
		if (env->n_kv >= CNI_ARGS_MAX)
			return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_ARGS has too many keys",
				       "at most %d KEY=VALUE pairs", CNI_ARGS_MAX);
		*eq = '\0';
		env->kv[env->n_kv].key = tok;
		env->kv[env->n_kv].value = eq + 1;
		env->n_kv++;
	}
	return 0;
}

const char *cni_env_arg(const struct cni_env *env, const char *key)
{
	int i;

	for (i = 0; i < env->n_kv; i++)
		if (strcmp(env->kv[i].key, key) == 0)
			return env->kv[i].value;
	return NULL;
}

static const char *getenv_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

int cni_env_parse(struct cni_env *env, struct err *err)
{
	const char *cmd = getenv_nonempty("CNI_COMMAND");
	bool attach;

	memset(env, 0, sizeof(*env));
	env->cmd = cni_cmd_parse(cmd);
	if (env->cmd == CNI_CMD_NONE)
		return err_set(err, -EINVAL, ERR_INVALID_ENV,
			       cmd ? "CNI_COMMAND is not a CNI command" : "CNI_COMMAND is not set",
			       "CNI_COMMAND=%s; expected ADD, DEL, CHECK, GC, STATUS or VERSION",
			       cmd ? cmd : "");
	env->container_id = getenv_nonempty("CNI_CONTAINERID");
	env->netns = getenv_nonempty("CNI_NETNS");
	env->ifname = getenv_nonempty("CNI_IFNAME");
	env->args = getenv_nonempty("CNI_ARGS");
	env->path = getenv_nonempty("CNI_PATH");

	attach = env->cmd == CNI_CMD_ADD || env->cmd == CNI_CMD_DEL || env->cmd == CNI_CMD_CHECK;
	if (!attach)
		return env->cmd == CNI_CMD_VERSION ? 0 : parse_args(env, err);

	if (!env->container_id)
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_CONTAINERID is not set",
			       "%s needs CNI_CONTAINERID", cmd);
	/* The ID becomes part of file names and nft comments: hold it to the spec's charset. */
	if (!name_is_safe(env->container_id, 256))
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_CONTAINERID is not valid",
			       "CNI_CONTAINERID must be 1-256 of [A-Za-z0-9_.-] starting "
			       "with a letter or digit");
	if (!env->netns && env->cmd != CNI_CMD_DEL)
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_NETNS is not set",
			       "%s needs CNI_NETNS", cmd);
	if (env->netns && env->netns[0] != '/')
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_NETNS is not an absolute path",
			       "CNI_NETNS=%s", env->netns);
	if (!env->ifname)
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_IFNAME is not set",
			       "%s needs CNI_IFNAME", cmd);
	if (!ifname_valid(env->ifname))
		return err_set(err, -EINVAL, ERR_INVALID_ENV,
			       "CNI_IFNAME is not a valid interface name",
			       "CNI_IFNAME='%s': 1-15 bytes, no '/', ':' or white space",
			       env->ifname);
	return parse_args(env, err);
}

int cni_netns_check(const char *netns, struct err *err)
{
	int fd, type;

	if (!netns)
		return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_NETNS is not set",
			       "ADD needs CNI_NETNS, the container's network namespace");
	fd = open(netns, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(err, -EINVAL, ERR_INVALID_ENV,
			       "CNI_NETNS is not a network namespace", "CNI_NETNS=%s: %s", netns,
			       strerror(errno));
	/* nsfs answers NS_GET_NSTYPE; any other file (a bind mount gone stale: a plain
	 * empty file, a directory, /dev/null) answers ENOTTY. */
	type = ioctl(fd, NS_GET_NSTYPE);
	close(fd);
	if (type == CLONE_NEWNET)
		return 0;
	return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_NETNS is not a network namespace",
		       "CNI_NETNS=%s: %s", netns,
		       type < 0 ? "not a namespace file"
				: "a namespace of another type (pid, mount, uts, ...)");
}
