// SPDX-License-Identifier: Apache-2.0
/* netctl's paths and its network registry (the conflists in <confdir>/net.d). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netctl/core/paths.h"
#include "util/cleanup.h"
#include "util/str.h"

#define NET_SUFFIX ".conflist"

static int env_or(char *out, size_t n, const char *var, const char *def)
{
	const char *v = getenv(var);

	return str_copy(out, n, v && v[0] ? v : def);
}

/* The directory holding the running binary, e.g. "/usr/local/bin" or "build/bin". */
static int exe_dir(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	char *slash;

	if (len < 0)
		return -errno;
	out[len] = '\0';
	slash = strrchr(out, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

/* Plugins beside the binary (a build tree), the install's own dir, then the usual. */
static int default_cni_path(char *out, size_t n)
{
	char dir[PATH_MAX], probe[PATH_MAX + 16];

	if (exe_dir(dir, sizeof(dir)) < 0)
		return str_copy(out, n, "/opt/cni/bin:/usr/lib/cni");
	if (str_printf(probe, sizeof(probe), "%s/bridge", dir) == 0 &&
	    access(probe, X_OK) == 0)
		return str_printf(out, n, "%s", dir);
	return str_printf(out, n, "%s/../lib/netctl/cni:/opt/cni/bin:/usr/lib/cni", dir);
}

int paths_init(struct netctl_paths *p)
{
	const char *cni_path = getenv("CNI_PATH");
	int r;

	r = env_or(p->confdir, sizeof(p->confdir), "NETCTL_CONFDIR", NETCTL_DEFAULT_CONFDIR);
	if (r == 0)
		r = env_or(p->statedir, sizeof(p->statedir), "NETCTL_STATEDIR",
			   NETCTL_DEFAULT_STATEDIR);
	if (r == 0)
		r = env_or(p->rundir, sizeof(p->rundir), "NETCTL_RUNDIR", NETCTL_DEFAULT_RUNDIR);
	if (r == 0)
		r = env_or(p->netnsdir, sizeof(p->netnsdir), "NETCTL_NETNSDIR",
			   NETCTL_DEFAULT_NETNSDIR);
	if (r == 0 && cni_path && cni_path[0])
		r = str_copy(p->cni_path, sizeof(p->cni_path), cni_path);
	else if (r == 0)
		r = default_cni_path(p->cni_path, sizeof(p->cni_path));
	return r;
}

bool paths_net_name_ok(const char *net)
{
	return name_is_safe(net, NETCTL_NET_NAME_MAX);
}

int paths_net_conflist(const struct netctl_paths *p, const char *net, char *out, size_t n)
{
	if (!paths_net_name_ok(net))
		return -EINVAL;
	return str_printf(out, n, "%s/net.d/%s" NET_SUFFIX, p->confdir, net);
}

bool paths_net_exists(const struct netctl_paths *p, const char *net)
{
	char path[PATH_MAX];

	return paths_net_conflist(p, net, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

int paths_net_policy(const struct netctl_paths *p, const char *net, char *out, size_t n)
{
	if (!paths_net_name_ok(net))
		return -EINVAL;
	return str_printf(out, n, "%s/policy.d/%s.json", p->confdir, net);
}

int paths_net_load(const struct netctl_paths *p, const char *net, struct conflist *cl,
		   struct err *err)
{
	char path[PATH_MAX];
	int r;

	r = paths_net_conflist(p, net, path, sizeof(path));
	if (r < 0)
		return err_set(err, r, ERR_INVALID_CONFIG, "the network name is not valid",
			       "\"%s\": use letters, digits, '_', '.' and '-', at most %d", net,
			       NETCTL_NET_NAME_MAX);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return err_set(err, -ENOENT, ERR_INVALID_CONFIG, "there is no such network",
			       "%s not found (see `netctl ls`)", path);
	return conflist_load(path, cl, err);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The network names in @dir, sorted, into a malloc'd array of malloc'd strings. */
static int list_nets(const char *dir, char ***names, size_t *count)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	char **v = NULL, **nv;
	size_t cnt = 0;
	struct dirent *de;

	*names = NULL;
	*count = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(NET_SUFFIX);
		char *name;

		if (len <= sl || strcmp(de->d_name + len - sl, NET_SUFFIX))
			continue;
		name = strndup(de->d_name, len - sl);
		nv = name ? realloc(v, (cnt + 1) * sizeof(*v)) : NULL;
		if (!nv) {
			free(name);
			break;
		}
		v = nv;
		if (paths_net_name_ok(name))
			v[cnt++] = name;
		else
			free(name);
	}
	if (de) {
		while (cnt)
			free(v[--cnt]);
		free(v);
		return -ENOMEM;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), name_cmp);
	*names = v;
	*count = cnt;
	return 0;
}

int paths_net_foreach(const struct netctl_paths *p, int (*fn)(const char *net, void *data),
		      void *data)
{
	char dir[PATH_MAX];
	char **names;
	size_t cnt, i;
	int r;

	r = str_printf(dir, sizeof(dir), "%s/net.d", p->confdir);
	if (r == 0)
		r = list_nets(dir, &names, &cnt);
	if (r < 0)
		return r;
	for (i = 0; i < cnt; i++) {
		if (r == 0)
			r = fn(names[i], data);
		free(names[i]);
	}
	free(names);
	return r;
}
