// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "plugins/firewall/brport.h"
#include "util/file.h"
#include "util/str.h"

int fw_port_isolate(const char *port, bool on, char *errbuf, size_t n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *nest;
	unsigned idx = if_nametoindex(port);
	uint32_t seq = (uint32_t)time(NULL);
	int r = 0, one = 1;
	ssize_t len;

	if (!idx) {
		snprintf(errbuf, n, "bridge port %s: %s", port, strerror(errno));
		return -errno;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = (int)idx;
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, on ? 1 : 0);
	mnl_attr_nest_end(nlh, nest);

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (len < 0 || mnl_cb_run(buf, (size_t)len, seq, mnl_socket_get_portid(nl), NULL,
				  NULL) < 0)
		r = -errno;
out:
	if (r < 0)
		snprintf(errbuf, n, "setting bridge port %s isolated: %s", port, strerror(-r));
	if (nl)
		mnl_socket_close(nl);
	return r;
}

/* /proc/sys/net/ipv4/@dir/@dev/@key = @val */
static int write_sysctl(const char *dir, const char *dev, const char *key, const char *val,
			char *errbuf, size_t n)
{
	char path[256];
	int fd, r = 0;

	if (str_printf(path, sizeof(path), "/proc/sys/net/ipv4/%s/%s/%s", dir, dev, key) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, val, strlen(val)) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		snprintf(errbuf, n, "writing %s: %s", path, strerror(-r));
	return r;
}

int fw_bridge_route_peers(const char *bridge, char *errbuf, size_t n)
{
	int r;

	if (strchr(bridge, '/') || !strcmp(bridge, ".") || !strcmp(bridge, ".."))
		return -EINVAL;
	r = write_sysctl("conf", bridge, "proxy_arp_pvlan", "1", errbuf, n);
	if (r >= 0)
		r = write_sysctl("neigh", bridge, "proxy_delay", "0", errbuf, n);
	if (r >= 0)
		r = write_sysctl("conf", bridge, "send_redirects", "0", errbuf, n);
	return r;
}
