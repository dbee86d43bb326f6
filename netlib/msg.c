// SPDX-License-Identifier: Apache-2.0
/*
 * Builders check names and sizes up front; every message they make is far below
 * NETLIB_MSG_MAX, so the attribute puts need no per-call bound checks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <libmnl/libmnl.h>

#include "netlib/msg.h"

#ifndef IFLA_BRPORT_ISOLATED
#define IFLA_BRPORT_ISOLATED 33
#endif

int netlib_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;
	int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (s[i * 3 + 2] != ':' && i < 5)
			return -EINVAL;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

void netlib_format_mac(const uint8_t mac[6], char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

static bool name_ok(const char *name)
{
	return name && name[0] && strlen(name) < IFNAMSIZ;
}

static struct nlmsghdr *put_hdr(void *buf, size_t size, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	if (size < NETLIB_MSG_MAX)
		return NULL;
	memset(buf, 0, NETLIB_MSG_MAX);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static struct ifinfomsg *put_ifi(struct nlmsghdr *nlh, int family, int index)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = (uint8_t)family;
	ifi->ifi_index = index;
	return ifi;
}

struct nlmsghdr *netlib_msg_link_new(void *buf, size_t size, const struct netlib_link_new *ln)
{
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifi;
	struct nlmsghdr *nlh;
	bool veth = ln->kind && !strcmp(ln->kind, "veth");

	if (!name_ok(ln->name) || !ln->kind || strlen(ln->kind) >= 16)
		return NULL;
	if (veth && !name_ok(ln->peer_name))
		return NULL;

	nlh = put_hdr(buf, size, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	if (!nlh)
		return NULL;
	put_ifi(nlh, AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ln->name);
	if (ln->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, ln->mtu);
	if (ln->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, ln->mac);
	if (ln->master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)ln->master);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, ln->kind);
	if (ln->vlan_filtering && !strcmp(ln->kind, "bridge")) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u8(nlh, IFLA_BR_VLAN_FILTERING, 1);
		mnl_attr_nest_end(nlh, data);
	}
	if (veth) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
		/* the peer's payload starts with its own ifinfomsg */
		pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
		pifi->ifi_family = AF_UNSPEC;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ln->peer_name);
		if (ln->peer_mtu)
			mnl_attr_put_u32(nlh, IFLA_MTU, ln->peer_mtu);
		if (ln->peer_mac)
			mnl_attr_put(nlh, IFLA_ADDRESS, 6, ln->peer_mac);
		if (ln->peer_netns_fd >= 0)
			mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)ln->peer_netns_fd);
		mnl_attr_nest_end(nlh, peer);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *netlib_msg_link_set(void *buf, size_t size, int index,
				     const struct netlib_link_set *ls)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (index <= 0 ||
	    (ls->alias && strlen(ls->alias) >= sizeof(((struct netlib_link *)0)->alias)))
		return NULL;
	nlh = put_hdr(buf, size, RTM_NEWLINK, NLM_F_ACK);
	if (!nlh)
		return NULL;
	ifi = put_ifi(nlh, AF_UNSPEC, index);
	if (ls->up != NETLIB_KEEP) {
		ifi->ifi_change |= IFF_UP;
		ifi->ifi_flags |= ls->up == NETLIB_ON ? IFF_UP : 0;
	}
	if (ls->promisc != NETLIB_KEEP) {
		ifi->ifi_change |= IFF_PROMISC;
		ifi->ifi_flags |= ls->promisc == NETLIB_ON ? IFF_PROMISC : 0;
	}
	if (ls->allmulti != NETLIB_KEEP) {
		ifi->ifi_change |= IFF_ALLMULTI;
		ifi->ifi_flags |= ls->allmulti == NETLIB_ON ? IFF_ALLMULTI : 0;
	}
	if (ls->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, ls->mtu);
	if (ls->set_txqlen)
		mnl_attr_put_u32(nlh, IFLA_TXQLEN, ls->txqlen);
	if (ls->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, ls->mac);
	if (ls->master >= 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)ls->master);
	if (ls->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)ls->netns_fd);
	if (ls->alias)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, ls->alias);
	return nlh;
}

static struct nlmsghdr *link_by(void *buf, size_t size, uint16_t type, int index,
				const char *name)
{
	struct nlmsghdr *nlh;

	if (index <= 0 && !name_ok(name))
		return NULL;
	nlh = put_hdr(buf, size, type, NLM_F_ACK);
	if (!nlh)
		return NULL;
	put_ifi(nlh, AF_UNSPEC, index > 0 ? index : 0);
	if (index <= 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct nlmsghdr *netlib_msg_link_del(void *buf, size_t size, int index, const char *name)
{
	return link_by(buf, size, RTM_DELLINK, index, name);
}

struct nlmsghdr *netlib_msg_link_get(void *buf, size_t size, int index, const char *name)
{
	return link_by(buf, size, RTM_GETLINK, index, name);
}

struct nlmsghdr *netlib_msg_link_dump(void *buf, size_t size)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, RTM_GETLINK, NLM_F_DUMP);

	if (nlh)
		put_ifi(nlh, AF_UNSPEC, 0);
	return nlh;
}

static void put_tri_u8(struct nlmsghdr *nlh, uint16_t type, enum netlib_tri t)
{
	if (t != NETLIB_KEEP)
		mnl_attr_put_u8(nlh, type, t == NETLIB_ON ? 1 : 0);
}

struct nlmsghdr *netlib_msg_brport(void *buf, size_t size, int index,
				   const struct netlib_brport *bp)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (index <= 0)
		return NULL;
	nlh = put_hdr(buf, size, RTM_SETLINK, NLM_F_ACK);
	if (!nlh)
		return NULL;
	put_ifi(nlh, AF_BRIDGE, index);
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO | NLA_F_NESTED);
	put_tri_u8(nlh, IFLA_BRPORT_MODE, bp->hairpin);
	put_tri_u8(nlh, IFLA_BRPORT_ISOLATED, bp->isolated);
	put_tri_u8(nlh, IFLA_BRPORT_LEARNING, bp->learning);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *netlib_msg_bridge_vlan(void *buf, size_t size, int index, uint16_t vid,
					uint16_t flags, bool add)
{
	struct bridge_vlan_info vi = { .flags = flags, .vid = vid };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (index <= 0 || vid < 1 || vid > 4094)
		return NULL;
	nlh = put_hdr(buf, size, add ? RTM_SETLINK : RTM_DELLINK, NLM_F_ACK);
	if (!nlh)
		return NULL;
	put_ifi(nlh, AF_BRIDGE, index);
	/* no IFLA_BRIDGE_FLAGS: the request goes to the master (the bridge), as `bridge
	 * vlan add dev PORT` does */
	nest = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *netlib_msg_addr(void *buf, size_t size, bool add, const struct netlib_addr *a)
{
	const struct ip_addr *ip = &a->prefix.addr;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t alen;

	if (a->index <= 0 || (ip->family != AF_INET && ip->family != AF_INET6))
		return NULL;
	alen = ip_addr_size(ip);
	if (a->prefix.len > alen * 8)
		return NULL;
	nlh = put_hdr(buf, size, add ? RTM_NEWADDR : RTM_DELADDR,
		      NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
	if (!nlh)
		return NULL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)ip->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefix.len;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (uint32_t)a->index;
	ifa->ifa_flags = (uint8_t)(a->flags & 0xff);
	mnl_attr_put(nlh, IFA_LOCAL, alen, ip->b);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, ip->b);
	if (add && ip->family == AF_INET && a->prefix.len < 31) {
		struct ip_addr brd = ip_prefix_last(&a->prefix);

		mnl_attr_put(nlh, IFA_BROADCAST, 4, brd.b);
	}
	if (a->flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
	return nlh;
}

struct nlmsghdr *netlib_msg_addr_dump(void *buf, size_t size, int family, int index)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa;

	if (!nlh)
		return NULL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_index = (uint32_t)(index > 0 ? index : 0);
	return nlh;
}

struct nlmsghdr *netlib_msg_route(void *buf, size_t size, bool add,
				  const struct netlib_route *rt)
{
	int fam = rt->dst.addr.family;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t alen;

	if (fam != AF_INET && fam != AF_INET6)
		return NULL;
	alen = ip_addr_size(&rt->dst.addr);
	if (rt->dst.len > alen * 8 || (rt->has_gw && rt->gw.family != fam))
		return NULL;
	nlh = put_hdr(buf, size, add ? RTM_NEWROUTE : RTM_DELROUTE,
		      NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
	if (!nlh)
		return NULL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)fam;
	rtm->rtm_dst_len = (uint8_t)rt->dst.len;
	rtm->rtm_table = rt->table && rt->table < 256 ? (uint8_t)rt->table : RT_TABLE_MAIN;
	rtm->rtm_protocol = rt->protocol ? rt->protocol : RTPROT_BOOT;
	rtm->rtm_type = rt->type ? rt->type : RTN_UNICAST;
	rtm->rtm_scope = rt->scope;
	if (!add)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;	/* delete matches any scope */
	if (rt->dst.len) {
		struct ip_prefix net = ip_prefix_network(&rt->dst);

		mnl_attr_put(nlh, RTA_DST, alen, net.addr.b);
	}
	if (rt->has_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, rt->gw.b);
	if (rt->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)rt->oif);
	if (rt->priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->priority);
	if (rt->table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, rt->table);
	return nlh;
}

struct nlmsghdr *netlib_msg_neigh_proxy(void *buf, size_t size, bool add, int index,
					const struct ip_addr *addr)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (index <= 0 || (addr->family != AF_INET && addr->family != AF_INET6))
		return NULL;
	nlh = put_hdr(buf, size, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
		      NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0));
	if (!nlh)
		return NULL;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)addr->family;
	ndm->ndm_ifindex = index;
	ndm->ndm_flags = NTF_PROXY;
	ndm->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, ip_addr_size(addr), addr->b);
	return nlh;
}

struct nlmsghdr *netlib_msg_route_dump(void *buf, size_t size, int family)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm;

	if (!nlh)
		return NULL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	return nlh;
}
