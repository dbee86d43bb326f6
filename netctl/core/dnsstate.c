// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netctl/core/conflist.h"
#include "netctl/core/dnsstate.h"
#include "util/cleanup.h"
#include "util/str.h"

int dnsstate_foreach(const struct netctl_paths *p, int (*fn)(const char *net, void *data),
		     void *data)
{
	char dir[PATH_MAX + 16];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int r;

	if (str_printf(dir, sizeof(dir), "%s", DNSSTATE_DIR) < 0)
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || !paths_net_name_ok(e->d_name))
			continue;
		r = fn(e->d_name, data);
		if (r)
			return r;
	}
	return 0;
}

int dnsstate_stop(const struct netctl_paths *p, const char *net, struct chain_err *err)
{
	struct chain_req req = { .cni_path = p->cni_path, .cache_dir = p->statedir,
				 .have_valid = true };
	struct conflist cl = { 0 };
	char text[512];
	int r;

	if (!paths_net_name_ok(net))
		return -EINVAL;
	snprintf(text, sizeof(text), "{\"cniVersion\":\"1.1.0\",\"name\":\"%s\",\"plugins\":"
		 "[{\"type\":\"dnsname\"}]}", net);
	r = conflist_parse(text, strlen(text), &cl, &err->cni);
	if (r == 0)
		r = chain_gc(&cl, &req, err);
	conflist_free(&cl);
	return r;
}
