// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>

#include "netlib/addr.h"
#include "netlib/netns.h"
#include "plugins/bridge/host.h"

/* icc=false: the bridge answers ARP for its isolated ports, so peers are routed. */
static int route_peers(const char *br, struct err *err)
{
	static const struct { const char *dir, *key, *val; } keys[] = {
		{ "conf", "proxy_arp_pvlan", "1" },
		{ "neigh", "proxy_delay", "0" },
		{ "conf", "send_redirects", "0" },
		{ "conf", "forwarding", "1" },
	};
	char key[128];
	size_t i;
	int r;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(key, sizeof(key), "net/ipv4/%s/%s/%s", keys[i].dir, br, keys[i].key);
		r = netlib_sysctl_write(-1, key, keys[i].val, err);
		if (r < 0)
			return r;
	}
	return netlib_sysctl_write(-1, "net/ipv4/ip_forward", "1", err);
}

/*
 * The bridge's link-local appears with its first port's carrier and, with DAD, stays
 * tentative for a second or two; meanwhile the kernel sends no neighbour solicitation
 * for packets it forwards (it has no source for them), so a container's first IPv6
 * packets to a peer routed through the host (icc=false) are lost. Its gateway
 * addresses already skip DAD; so does its link-local, unless the config asks for DAD.
 * Best effort: a host without IPv6 has no such file.
 */
static void bridge_no_dad(const char *br)
{
	char key[96];

	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", br);
	netlib_sysctl_write(-1, key, "0", NULL);
}

int br_ensure_bridge(struct netlib_nl *nl, const struct br_conf *c, struct netlib_link *br,
		     struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();
	int r;

	r = netlib_link_get(nl, 0, c->bridge, br, err);
	if (r == -ENODEV) {
		struct netlib_link_new ln = {
			.name = c->bridge, .kind = "bridge", .mtu = c->mtu, .peer_netns_fd = -1,
			.vlan_filtering = c->vlan || c->n_trunk,
		};

		r = netlib_link_create(nl, &ln, err);
		if (r < 0 && r != -EEXIST)	/* EEXIST: a concurrent ADD won the race */
			return r;
		r = netlib_link_get(nl, 0, c->bridge, br, err);
		if (r < 0)
			return r;
		/* an explicitly set MAC stays put as ports come and go */
		ls.mac = br->mac;
	}
	if (r < 0)
		return r;
	if (strcmp(br->kind, "bridge"))
		return err_detail(err, -EEXIST, "%s already exists but is not a bridge",
				  c->bridge);
	if (!c->enable_dad)
		bridge_no_dad(c->bridge);
	if (!(br->flags & IFF_UP))
		ls.up = NETLIB_ON;
	if (c->promisc && !(br->flags & IFF_PROMISC))
		ls.promisc = NETLIB_ON;
	if (ls.up || ls.promisc || ls.mac) {
		r = netlib_link_set(nl, br->index, &ls, err);
		if (r < 0)
			return r;
	}
	if (!c->icc)
		return route_peers(c->bridge, err);
	return 0;
}

/* The reference's VLAN rules: VLAN 1 goes unless preserved, the access VLAN is PVID
 * and untagged, trunk VLANs tagged; a trunk without an access VLAN gets 1 native. */
static int port_vlans(struct netlib_nl *nl, const struct br_conf *c, int port, struct err *err)
{
	const uint16_t native = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
	int r = 0, i;

	if (!c->vlan && !c->n_trunk)
		return 0;
	if (!c->preserve_default_vlan)
		netlib_bridge_vlan(nl, port, 1, 0, false, NULL);
	if (c->vlan)
		r = netlib_bridge_vlan(nl, port, (uint16_t)c->vlan, native, true, err);
	for (i = 0; r == 0 && i < c->n_trunk; i++)
		r = netlib_bridge_vlan(nl, port, c->trunk[i], 0, true, err);
	if (r == 0 && !c->vlan && c->n_trunk)
		r = netlib_bridge_vlan(nl, port, 1, native, true, err);
	return r;
}

int br_attach_port(struct netlib_nl *nl, const struct br_conf *c, int port, int br,
		   const char *alias, struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();
	struct netlib_brport bp = { 0 };
	int r;

	ls.master = br;
	ls.up = NETLIB_ON;
	ls.alias = alias;
	r = netlib_link_set(nl, port, &ls, err);
	if (r < 0)
		return r;
	r = port_vlans(nl, c, port, err);
	if (r < 0)
		return r;
	if (c->hairpin)
		bp.hairpin = NETLIB_ON;
	if (c->port_isolation || !c->icc)
		bp.isolated = NETLIB_ON;
	if (!bp.hairpin && !bp.isolated)
		return 0;
	return netlib_brport_set(nl, port, &bp, err);
}

int br_ensure_gateway(struct netlib_nl *nl, const struct br_conf *c, int br,
		      const struct ip_prefix *gw, struct err *err)
{
	struct netlib_addr addrs[64];
	char txt[IP_STR_MAX];
	int r, count, i;

	r = netlib_addr_list(nl, gw->addr.family, br, addrs, 64, &count, err);
	if (r < 0)
		return r;
	for (i = 0; i < count; i++) {
		const struct ip_prefix *a = &addrs[i].prefix;

		if (a->len == gw->len && ip_addr_eq(&a->addr, &gw->addr))
			return 0;
		if (gw->addr.family == AF_INET6 && a->addr.b[0] == 0xfe &&
		    (a->addr.b[1] & 0xc0) == 0x80)
			continue;	/* link-local: every v6 interface has one */
		if (gw->addr.family == AF_INET6 && !ip_prefix_overlaps(a, gw))
			continue;
		if (!c->force_address) {
			ip_prefix_format(gw, txt, sizeof(txt));
			return err_detail(err, -EEXIST,
					  "%s already has an IP address different from %s",
					  c->bridge, txt);
		}
		r = netlib_addr_del(nl, br, a, err);
		if (r < 0)
			return r;
	}
	/* the gateway answers at once: no DAD wait unless the config asks for DAD */
	r = netlib_addr_add(nl, br, gw, gw->addr.family == AF_INET6 && !c->enable_dad ?
			    IFA_F_NODAD : 0, err);
	return r == -EEXIST ? 0 : r;
}

int br_enable_forwarding(int family, struct err *err)
{
	if (family == AF_INET)
		return netlib_sysctl_write(-1, "net/ipv4/ip_forward", "1", err);
	return netlib_sysctl_write(-1, "net/ipv6/conf/all/forwarding", "1", err);
}
