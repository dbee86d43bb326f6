// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: a tuning plugin's stdin (sysctl names and values, mac, mtu, promisc,
 * allmulti, txQLen, dataDir, runtimeConfig.mac, args.cni) through the loader, with an
 * ifname that has a dot; every accepted sysctl path must stay below net/ with no
 * empty, "." or ".." part. The same bytes then go through the saved-state parser,
 * whose output must write and parse back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/tuning/tuning.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p)
{
	const char *c = p;

	if (strncmp(p, "net/", 4) || strstr(p, "//") || p[strlen(p) - 1] == '/')
		abort();
	for (; c; c = strchr(c, '/'), c = c ? c + 1 : NULL)
		if (!strncmp(c, "./", 2) || !strncmp(c, "../", 3) || !strcmp(c, ".") ||
		    !strcmp(c, ".."))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cni_ctx ctx;
	static struct tu_config c;
	static struct tu_saved s;
	int i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.env.ifname = "eth0.100";
	if (cni_conf_parse((const char *)data, size, true, &ctx.conf, &ctx.err) == 0) {
		if (tu_config_load(&ctx, &c) == 0)
			for (i = 0; i < c.n_sysctls; i++)
				check_path(c.sysctls[i].path);
		cni_conf_free(&ctx.conf);
	}
	if (tu_state_parse((const char *)data, size, &s) == 0)
		for (i = 0; i < s.n_sysctls; i++)
			if (strncmp(s.sysctls[i].path, "net/", 4) || strstr(s.sysctls[i].path, ".."))
				abort();
	return 0;
}
