// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netlib/link.h"
#include "netlib/netns.h"
#include "plugins/firewall/brport.h"
#include "util/str.h"

int fw_port_isolate(const char *port, bool on, struct err *err)
{
	struct netlib_brport bp = { .isolated = on ? NETLIB_ON : NETLIB_OFF };
	struct netlib_link l;
	struct netlib_nl nl;
	int r;

	r = netlib_open(&nl, err);
	if (r < 0)
		return r;
	r = netlib_link_get(&nl, 0, port, &l, err);
	if (r >= 0)
		r = netlib_brport_set(&nl, l.index, &bp, err);
	netlib_close(&nl);
	return r;
}

/* net/ipv4/@dir/@dev/@key = @val in our netns */
static int write_sysctl(const char *dir, const char *dev, const char *key, const char *val,
			struct err *err)
{
	char path[256];

	if (str_printf(path, sizeof(path), "net/ipv4/%s/%s/%s", dir, dev, key) < 0)
		return -ENAMETOOLONG;
	return netlib_sysctl_write(-1, path, val, err);
}

int fw_bridge_route_peers(const char *bridge, struct err *err)
{
	int r;

	if (strchr(bridge, '/') || !strcmp(bridge, ".") || !strcmp(bridge, ".."))
		return -EINVAL;
	r = write_sysctl("conf", bridge, "proxy_arp_pvlan", "1", err);
	if (r >= 0)
		r = write_sysctl("neigh", bridge, "proxy_delay", "0", err);
	if (r >= 0)
		r = write_sysctl("conf", bridge, "send_redirects", "0", err);
	return r;
}
