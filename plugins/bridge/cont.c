// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>

#include "netlib/addr.h"
#include "netlib/netns.h"
#include "plugins/bridge/cont.h"

static void dad_sysctls(int ns_fd, const char *ifname, bool enable_dad)
{
	char key[128];

	/* best effort, as the reference: a netns with IPv6 off has no such files */
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", ifname);
	netlib_sysctl_write(ns_fd, key, enable_dad ? "1" : "0", NULL);
	if (enable_dad) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/enhanced_dad", ifname);
		netlib_sysctl_write(ns_fd, key, "1", NULL);
	}
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/arp_notify", ifname);
	netlib_sysctl_write(ns_fd, key, "1", NULL);
}

/*
 * spoofchk binds the port to the link-local derived from the MAC, so the interface
 * gets that one whatever the netns's default (stable privacy, random), before it is up.
 */
static void eui64_ll(int ns_fd, const char *ifname)
{
	char key[128];

	snprintf(key, sizeof(key), "net/ipv6/conf/%s/addr_gen_mode", ifname);
	netlib_sysctl_write(ns_fd, key, "0", NULL);
}

/* The gateway of the result's first address of @family on the interface, if any. */
static const struct ip_addr *family_gw(const struct cni_result *res, int iface_idx, int family)
{
	int i;

	for (i = 0; i < res->n_ips; i++) {
		const struct cni_ip *ip = &res->ips[i];

		if (ip->address.addr.family == family && ip->has_gateway &&
		    (ip->interface == iface_idx || ip->interface < 0))
			return &ip->gateway;
	}
	return NULL;
}

/* Does interface @iface_idx get an IPv6 address from the result? */
static bool gets_ipv6(const struct cni_result *res, int iface_idx)
{
	int i;

	for (i = 0; i < res->n_ips; i++)
		if (res->ips[i].interface == iface_idx &&
		    res->ips[i].address.addr.family == AF_INET6)
			return true;
	return false;
}

/*
 * An IPv4-only interface with IPv6 on still has a link-local address, joins its
 * groups and solicits routers, forever with backoff: multicast that the bridge floods
 * to every port, so each container costs every other one (at 600 containers, 21
 * packets a second into each at rest, and ADD slows as the bridge grows). Off, as
 * Docker does for IPv4-only networks, before the link comes up.
 */
static void ipv6_off(int ns_fd, const char *ifname)
{
	char key[128];

	snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", ifname);
	netlib_sysctl_write(ns_fd, key, "1", NULL);
}

int br_cont_setup(struct netlib_nl *nl, int ns_fd, const char *ifname, int index,
		  const struct cni_result *res, int iface_idx, unsigned flags, struct err *err)
{
	bool enable_dad = flags & BR_CONT_DAD;
	int r, i;

	dad_sysctls(ns_fd, ifname, enable_dad);
	if (flags & BR_CONT_EUI64)
		eui64_ll(ns_fd, ifname);
	if (!(flags & BR_CONT_LL6) && !gets_ipv6(res, iface_idx))
		ipv6_off(ns_fd, ifname);
	r = netlib_link_set_up(nl, index, true, err);
	if (r < 0)
		return r;
	for (i = 0; i < res->n_ips; i++) {
		const struct cni_ip *ip = &res->ips[i];
		uint32_t addr_flags = 0;

		if (ip->interface != iface_idx)
			continue;
		if (ip->address.addr.family == AF_INET6 && !enable_dad)
			addr_flags = IFA_F_NODAD;
		r = netlib_addr_add(nl, index, &ip->address, addr_flags, err);
		if (r < 0)
			return r;
	}
	for (i = 0; i < res->n_routes; i++) {
		const struct cni_route *cr = &res->routes[i];
		struct netlib_route rt = { .dst = cr->dst, .oif = index, .has_gw = cr->has_gw,
					   .gw = cr->gw, .priority = cr->priority };
		const struct ip_addr *gw;

		if (!rt.has_gw) {
			gw = family_gw(res, iface_idx, cr->dst.addr.family);
			if (gw) {
				rt.gw = *gw;
				rt.has_gw = true;
			}
		}
		r = netlib_route_add(nl, &rt, err);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

static bool has_addr(const struct netlib_addr *a, int count, const struct ip_prefix *p)
{
	int i;

	for (i = 0; i < count; i++)
		if (a[i].prefix.len == p->len && ip_addr_eq(&a[i].prefix.addr, &p->addr))
			return true;
	return false;
}

static bool has_route(const struct netlib_route *rts, int count, const struct cni_route *cr,
		      const struct ip_addr *gw)
{
	struct ip_prefix want = ip_prefix_network(&cr->dst);
	int i;

	for (i = 0; i < count; i++) {
		struct ip_prefix got = ip_prefix_network(&rts[i].dst);

		if (got.len != want.len || !ip_addr_eq(&got.addr, &want.addr))
			continue;
		if (gw && (!rts[i].has_gw || !ip_addr_eq(&rts[i].gw, gw)))
			continue;
		return true;
	}
	return false;
}

int br_cont_check(struct netlib_nl *nl, const char *ifname, const struct cni_result *res,
		  int iface_idx, struct netlib_link *link, struct err *err)
{
	static struct netlib_addr addrs[256];
	static struct netlib_route rts[256];
	struct netlib_link l;
	char txt[IP_STR_MAX];
	int r, na, nr, i;

	r = netlib_link_get(nl, 0, ifname, &l, err);
	*link = l;
	if (r == -ENODEV)
		return err_detail(err, -ENOENT, "container interface %s not found", ifname);
	if (r < 0)
		return r;
	if (strcmp(l.kind, "veth"))
		return err_detail(err, -ENOENT, "container interface %s is not a veth", ifname);
	r = netlib_addr_list(nl, AF_UNSPEC, l.index, addrs, 256, &na, err);
	if (r == 0)
		r = netlib_route_list(nl, AF_UNSPEC, l.index, rts, 256, &nr, err);
	if (r < 0)
		return r;
	for (i = 0; i < res->n_ips; i++) {
		if (res->ips[i].interface != iface_idx || has_addr(addrs, na, &res->ips[i].address))
			continue;
		ip_prefix_format(&res->ips[i].address, txt, sizeof(txt));
		return err_detail(err, -ENOENT, "container interface %s lacks address %s", ifname,
				  txt);
	}
	for (i = 0; i < res->n_routes; i++) {
		const struct cni_route *cr = &res->routes[i];
		const struct ip_addr *gw = cr->has_gw ? &cr->gw :
			family_gw(res, iface_idx, cr->dst.addr.family);

		if (has_route(rts, nr, cr, gw))
			continue;
		ip_prefix_format(&cr->dst, txt, sizeof(txt));
		return err_detail(err, -ENOENT, "container has no route to %s through %s", txt,
				  ifname);
	}
	return 0;
}
