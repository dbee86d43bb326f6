// SPDX-License-Identifier: Apache-2.0
/* netlib message builders and parsers, without a kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
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
#include "netlib/sock.h"
#include "util/nlack.h"

#ifndef IFLA_BRPORT_ISOLATED
#define IFLA_BRPORT_ISOLATED 33
#endif

static char buf[NETLIB_MSG_MAX];

/* The attribute of @type directly in @payload..@len, or NULL. */
static const struct nlattr *find_attr(const void *payload, size_t len, uint16_t type)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload(payload, len) {
		if (mnl_attr_get_type(attr) == type)
			return attr;
	}
	return NULL;
}

static const struct nlattr *msg_attr(const struct nlmsghdr *nlh, size_t hdr, uint16_t type)
{
	return find_attr((const char *)mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(hdr),
			 nlh->nlmsg_len - NLMSG_HDRLEN - MNL_ALIGN(hdr), type);
}

static const struct nlattr *nested(const struct nlattr *a, uint16_t type)
{
	return find_attr(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), type);
}

static void test_veth_peer_in_netns(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x42, 0xac, 0x11, 0, 2 };
	struct netlib_link_new ln = {
		.name = "veth1234abcd", .kind = "veth", .mtu = 1400, .peer_name = "eth0",
		.peer_netns_fd = 7, .peer_mtu = 1400, .peer_mac = mac,
	};
	struct nlmsghdr *nlh = netlib_msg_link_new(buf, sizeof(buf), &ln);
	const struct nlattr *li, *data, *peer, *a;
	const char *ppay;
	size_t plen;

	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_string_equal(mnl_attr_get_str(msg_attr(nlh, sizeof(struct ifinfomsg),
						      IFLA_IFNAME)), "veth1234abcd");
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_MTU)),
			 1400);
	li = msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	assert_non_null(li);
	assert_string_equal(mnl_attr_get_str(nested(li, IFLA_INFO_KIND)), "veth");
	data = nested(li, IFLA_INFO_DATA);
	assert_non_null(data);
	peer = nested(data, VETH_INFO_PEER);
	assert_non_null(peer);
	/* the peer nest starts with its own ifinfomsg */
	ppay = (const char *)mnl_attr_get_payload(peer) + MNL_ALIGN(sizeof(struct ifinfomsg));
	plen = mnl_attr_get_payload_len(peer) - MNL_ALIGN(sizeof(struct ifinfomsg));
	assert_string_equal(mnl_attr_get_str(find_attr(ppay, plen, IFLA_IFNAME)), "eth0");
	assert_int_equal(mnl_attr_get_u32(find_attr(ppay, plen, IFLA_NET_NS_FD)), 7);
	a = find_attr(ppay, plen, IFLA_ADDRESS);
	assert_non_null(a);
	assert_memory_equal(mnl_attr_get_payload(a), mac, 6);

	/* same netns: no IFLA_NET_NS_FD at all */
	ln.peer_netns_fd = -1;
	ln.peer_mac = NULL;
	nlh = netlib_msg_link_new(buf, sizeof(buf), &ln);
	peer = nested(nested(msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO),
			     IFLA_INFO_DATA), VETH_INFO_PEER);
	ppay = (const char *)mnl_attr_get_payload(peer) + MNL_ALIGN(sizeof(struct ifinfomsg));
	plen = mnl_attr_get_payload_len(peer) - MNL_ALIGN(sizeof(struct ifinfomsg));
	assert_null(find_attr(ppay, plen, IFLA_NET_NS_FD));
}

static void test_bridge_and_bad_names(void **state)
{
	static const uint8_t mac[6] = { 0x0a, 0x58, 0x0a, 0x16, 0, 1 };
	struct netlib_link_new ln = { .name = "cni0", .kind = "bridge", .mtu = 9000,
				      .mac = mac, .peer_netns_fd = -1 };
	struct nlmsghdr *nlh = netlib_msg_link_new(buf, sizeof(buf), &ln);
	const struct nlattr *a;

	assert_non_null(nlh);
	a = msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_ADDRESS);
	assert_memory_equal(mnl_attr_get_payload(a), mac, 6);
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_MTU)),
			 9000);
	assert_string_equal(mnl_attr_get_str(nested(msg_attr(nlh, sizeof(struct ifinfomsg),
							     IFLA_LINKINFO), IFLA_INFO_KIND)),
			    "bridge");

	ln.name = "abcdefghijklmnop";	/* 16 bytes: one too many */
	assert_null(netlib_msg_link_new(buf, sizeof(buf), &ln));
	ln.name = "";
	assert_null(netlib_msg_link_new(buf, sizeof(buf), &ln));
	ln.name = "ok";
	assert_null(netlib_msg_link_new(buf, 100, &ln));	/* buffer too small */
	ln.kind = "veth";	/* a veth without a peer name */
	assert_null(netlib_msg_link_new(buf, sizeof(buf), &ln));
	assert_null(netlib_msg_link_del(buf, sizeof(buf), 0, NULL));
	assert_null(netlib_msg_link_get(buf, sizeof(buf), 0, "x/y/z/abcdefghijklmnop"));
}

static void test_link_set_and_del(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	struct netlib_link_set ls = { .up = NETLIB_ON, .promisc = NETLIB_OFF, .mtu = 1300,
				      .mac = mac, .master = 4, .netns_fd = -1,
				      .alias = "netctl/c1/eth0" };
	struct nlmsghdr *nlh = netlib_msg_link_set(buf, sizeof(buf), 12, &ls);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(ifi->ifi_index, 12);
	assert_int_equal(ifi->ifi_change, IFF_UP | IFF_PROMISC);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifi), IFLA_MASTER)), 4);
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifi), IFLA_MTU)), 1300);
	assert_null(msg_attr(nlh, sizeof(*ifi), IFLA_NET_NS_FD));
	assert_string_equal(mnl_attr_get_str(msg_attr(nlh, sizeof(*ifi), IFLA_IFALIAS)),
			    "netctl/c1/eth0");
	assert_false(nlh->nlmsg_flags & NLM_F_CREATE);

	/* master 0 releases the port: the attribute must be there, with 0 */
	ls = (struct netlib_link_set){ .master = 0, .netns_fd = -1 };
	nlh = netlib_msg_link_set(buf, sizeof(buf), 12, &ls);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_change, 0);
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifi), IFLA_MASTER)), 0);
	assert_null(netlib_msg_link_set(buf, sizeof(buf), 0, &ls));

	/* allmulti through the flags, as promisc; a txqlen of 0 is sent when asked */
	ls = (struct netlib_link_set){ .allmulti = NETLIB_ON, .promisc = NETLIB_ON,
				       .set_txqlen = true, .txqlen = 0, .master = -1,
				       .netns_fd = -1 };
	nlh = netlib_msg_link_set(buf, sizeof(buf), 12, &ls);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_change, IFF_ALLMULTI | IFF_PROMISC);
	assert_int_equal(ifi->ifi_flags, IFF_ALLMULTI | IFF_PROMISC);
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifi), IFLA_TXQLEN)), 0);
	ls = (struct netlib_link_set){ .allmulti = NETLIB_OFF, .master = -1, .netns_fd = -1 };
	nlh = netlib_msg_link_set(buf, sizeof(buf), 12, &ls);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_change, IFF_ALLMULTI);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_null(msg_attr(nlh, sizeof(*ifi), IFLA_TXQLEN));

	nlh = netlib_msg_link_del(buf, sizeof(buf), 0, "veth0");
	assert_int_equal(nlh->nlmsg_type, RTM_DELLINK);
	assert_string_equal(mnl_attr_get_str(msg_attr(nlh, sizeof(*ifi), IFLA_IFNAME)), "veth0");
	nlh = netlib_msg_link_del(buf, sizeof(buf), 33, NULL);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 33);
	assert_null(msg_attr(nlh, sizeof(*ifi), IFLA_IFNAME));
}

static void test_brport_flags(void **state)
{
	struct netlib_brport bp = { .hairpin = NETLIB_ON, .isolated = NETLIB_ON,
				    .learning = NETLIB_KEEP };
	struct nlmsghdr *nlh = netlib_msg_brport(buf, sizeof(buf), 5, &bp);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *pi;

	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(ifi->ifi_family, AF_BRIDGE);
	assert_int_equal(ifi->ifi_index, 5);
	pi = msg_attr(nlh, sizeof(*ifi), IFLA_PROTINFO);
	assert_non_null(pi);
	assert_true(pi->nla_type & NLA_F_NESTED);
	assert_int_equal(mnl_attr_get_u8(nested(pi, IFLA_BRPORT_MODE)), 1);
	assert_int_equal(mnl_attr_get_u8(nested(pi, IFLA_BRPORT_ISOLATED)), 1);
	assert_null(nested(pi, IFLA_BRPORT_LEARNING));

	bp = (struct netlib_brport){ .learning = NETLIB_OFF };
	nlh = netlib_msg_brport(buf, sizeof(buf), 5, &bp);
	pi = msg_attr(nlh, sizeof(*ifi), IFLA_PROTINFO);
	assert_int_equal(mnl_attr_get_u8(nested(pi, IFLA_BRPORT_LEARNING)), 0);
	assert_null(nested(pi, IFLA_BRPORT_MODE));
}

static void test_bridge_vlan(void **state)
{
	struct netlib_link_new ln = { .name = "brv", .kind = "bridge", .peer_netns_fd = -1,
				      .vlan_filtering = true };
	struct nlmsghdr *nlh = netlib_msg_link_new(buf, sizeof(buf), &ln);
	const struct bridge_vlan_info *vi;
	const struct nlattr *li, *spec;

	li = msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	assert_int_equal(mnl_attr_get_u8(nested(nested(li, IFLA_INFO_DATA),
						IFLA_BR_VLAN_FILTERING)), 1);

	nlh = netlib_msg_bridge_vlan(buf, sizeof(buf), 8, 10,
				     BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED, true);
	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family, AF_BRIDGE);
	spec = msg_attr(nlh, sizeof(struct ifinfomsg), IFLA_AF_SPEC);
	vi = mnl_attr_get_payload(nested(spec, IFLA_BRIDGE_VLAN_INFO));
	assert_int_equal(vi->vid, 10);
	assert_int_equal(vi->flags, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
	assert_null(nested(spec, IFLA_BRIDGE_FLAGS));	/* to the master, like `bridge vlan` */
	nlh = netlib_msg_bridge_vlan(buf, sizeof(buf), 8, 1, 0, false);
	assert_int_equal(nlh->nlmsg_type, RTM_DELLINK);
	assert_null(netlib_msg_bridge_vlan(buf, sizeof(buf), 8, 0, 0, true));
	assert_null(netlib_msg_bridge_vlan(buf, sizeof(buf), 8, 4095, 0, true));
}

static void test_addr_roundtrip(void **state)
{
	struct netlib_addr a = { .index = 3, .flags = IFA_F_NODAD }, back;
	const struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	struct ip_addr brd;
	char txt[IP_STR_MAX];

	assert_int_equal(ip_prefix_parse("fd00:1::5/64", &a.prefix), 0);
	nlh = netlib_msg_addr(buf, sizeof(buf), true, &a);
	assert_non_null(nlh);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	assert_int_equal(mnl_attr_get_u32(msg_attr(nlh, sizeof(*ifa), IFA_FLAGS)), IFA_F_NODAD);
	assert_null(msg_attr(nlh, sizeof(*ifa), IFA_BROADCAST));
	assert_int_equal(netlib_parse_addr(nlh, &back), 0);
	ip_prefix_format(&back.prefix, txt, sizeof(txt));
	assert_string_equal(txt, "fd00:1::5/64");
	assert_int_equal(back.index, 3);
	assert_int_equal(back.flags, IFA_F_NODAD);

	/* v4 gets a broadcast address, as `ip addr add ... brd +` */
	a.flags = 0;
	assert_int_equal(ip_prefix_parse("10.22.0.7/16", &a.prefix), 0);
	nlh = netlib_msg_addr(buf, sizeof(buf), true, &a);
	ifa = mnl_nlmsg_get_payload(nlh);
	memcpy(brd.b, mnl_attr_get_payload(msg_attr(nlh, sizeof(*ifa), IFA_BROADCAST)), 4);
	brd.family = AF_INET;
	ip_addr_format(&brd, txt, sizeof(txt));
	assert_string_equal(txt, "10.22.255.255");
	assert_null(msg_attr(nlh, sizeof(*ifa), IFA_FLAGS));

	nlh = netlib_msg_addr(buf, sizeof(buf), false, &a);
	assert_int_equal(nlh->nlmsg_type, RTM_DELADDR);
	assert_false(nlh->nlmsg_flags & NLM_F_CREATE);
	a.index = 0;
	assert_null(netlib_msg_addr(buf, sizeof(buf), true, &a));

	/* A dump of one link names it, so a strict-checking kernel filters for us. */
	nlh = netlib_msg_addr_dump(buf, sizeof(buf), AF_INET6, 7);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_index, 7);
	assert_int_equal(ifa->ifa_prefixlen, 0);
}

static void test_route_roundtrip(void **state)
{
	struct netlib_route rt = { .has_gw = true, .oif = 9 }, back;
	const struct rtmsg *rtm;
	struct nlmsghdr *nlh;
	char txt[IP_STR_MAX];

	assert_int_equal(ip_prefix_parse("0.0.0.0/0", &rt.dst), 0);
	assert_int_equal(ip_addr_parse("10.22.0.1", &rt.gw), 0);
	nlh = netlib_msg_route(buf, sizeof(buf), true, &rt);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_dst_len, 0);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_null(msg_attr(nlh, sizeof(*rtm), RTA_DST));
	nlh->nlmsg_type = RTM_NEWROUTE;
	assert_int_equal(netlib_parse_route(nlh, &back), 0);
	assert_true(back.has_gw);
	ip_addr_format(&back.gw, txt, sizeof(txt));
	assert_string_equal(txt, "10.22.0.1");
	assert_int_equal(back.oif, 9);

	/* host bits of the destination are cleared, as the kernel insists */
	rt.has_gw = false;
	assert_int_equal(ip_prefix_parse("fd00:2::7/64", &rt.dst), 0);
	nlh = netlib_msg_route(buf, sizeof(buf), true, &rt);
	assert_int_equal(netlib_parse_route(nlh, &back), 0);
	ip_prefix_format(&back.dst, txt, sizeof(txt));
	assert_string_equal(txt, "fd00:2::/64");
	assert_false(back.has_gw);

	/* a gateway of the other family is refused */
	rt.has_gw = true;
	assert_null(netlib_msg_route(buf, sizeof(buf), true, &rt));
}

static void test_neigh_proxy(void **state)
{
	struct ip_addr a;
	struct nlmsghdr *nlh;
	const struct ndmsg *ndm;

	assert_int_equal(ip_addr_parse("fd00::3", &a), 0);
	nlh = netlib_msg_neigh_proxy(buf, sizeof(buf), true, 4, &a);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWNEIGH);
	ndm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ndm->ndm_flags, NTF_PROXY);
	assert_int_equal(ndm->ndm_ifindex, 4);
	assert_int_equal(ndm->ndm_family, AF_INET6);
	assert_memory_equal(mnl_attr_get_payload(msg_attr(nlh, sizeof(*ndm), NDA_DST)), a.b, 16);
	nlh = netlib_msg_neigh_proxy(buf, sizeof(buf), false, 4, &a);
	assert_int_equal(nlh->nlmsg_type, RTM_DELNEIGH);
	assert_null(netlib_msg_neigh_proxy(buf, sizeof(buf), true, 0, &a));
}

static void test_parse_link(void **state)
{
	static const uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtnl_link_stats64 st = { .rx_packets = 5, .tx_bytes = 900 };
	struct ifinfomsg *ifi;
	struct netlib_link l;
	struct nlattr *li;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 42;
	ifi->ifi_flags = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "br0");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1450);
	mnl_attr_put_u32(nlh, IFLA_MASTER, 7);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	mnl_attr_put(nlh, IFLA_STATS64, sizeof(st), &st);
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, "netctl/x/eth1");
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, li);
	assert_int_equal(netlib_parse_link(nlh, &l), 0);
	assert_int_equal(l.index, 42);
	assert_string_equal(l.name, "br0");
	assert_string_equal(l.kind, "bridge");
	assert_int_equal(l.mtu, 1450);
	assert_int_equal(l.master, 7);
	assert_true(l.flags & IFF_UP);
	assert_true(l.has_mac);
	assert_memory_equal(l.mac, mac, 6);
	assert_true(l.has_stats);
	assert_int_equal(l.stats.rx_packets, 5);
	assert_int_equal(l.stats.tx_bytes, 900);
	assert_string_equal(l.alias, "netctl/x/eth1");

	nlh->nlmsg_type = RTM_DELADDR;
	assert_int_equal(netlib_parse_link(nlh, &l), -EINVAL);
}

static void test_ack_text(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EEXIST;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Device name already exists");
	assert_string_equal(netlib_ack_text(nlh), "Device name already exists");
	nlh->nlmsg_flags = 0;
	assert_null(netlib_ack_text(nlh));
}

/* An uncapped ACK echoes the request: OFFS names its bad attribute; lengths are checked. */
static void test_ack_offs(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf), *req;
	struct nlmsgerr *e;
	struct nl_ack ack;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EINVAL;
	req = &e->msg;		/* the echoed request: a header and one attribute */
	req->nlmsg_len = sizeof(*req);
	nlh->nlmsg_len += sizeof(struct nlattr) + 4;
	mnl_attr_put_u32(req, IFLA_MTU, 70000);
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, sizeof(*req));
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "MTU too big");
	ack = nl_ack_parse(nlh);
	assert_string_equal(ack.msg, "MTU too big");
	assert_int_equal(ack.bad_attr, IFLA_MTU);
	/* an offset past the echoed request, then a message cut short: nothing read */
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(*e) + 8 + 8;
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 4096);
	assert_int_equal(nl_ack_parse(nlh).bad_attr, -1);
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(*e) - 1;
	ack = nl_ack_parse(nlh);
	assert_null(ack.msg);
	assert_int_equal(ack.bad_attr, -1);
}

static void test_mac(void **state)
{
	uint8_t mac[6];
	char txt[18];

	assert_int_equal(netlib_parse_mac("0A:58:0a:16:00:01", mac), 0);
	netlib_format_mac(mac, txt, sizeof(txt));
	assert_string_equal(txt, "0a:58:0a:16:00:01");
	assert_int_equal(netlib_parse_mac("0a:58:0a:16:00", mac), -EINVAL);
	assert_int_equal(netlib_parse_mac("0a:58:0a:16:00:01:", mac), -EINVAL);
	assert_int_equal(netlib_parse_mac("0a-58-0a-16-00-01", mac), -EINVAL);
	assert_int_equal(netlib_parse_mac("zz:58:0a:16:00:01", mac), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_veth_peer_in_netns),
		cmocka_unit_test(test_bridge_and_bad_names),
		cmocka_unit_test(test_link_set_and_del),
		cmocka_unit_test(test_brport_flags),
		cmocka_unit_test(test_bridge_vlan),
		cmocka_unit_test(test_addr_roundtrip),
		cmocka_unit_test(test_route_roundtrip),
		cmocka_unit_test(test_neigh_proxy),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_ack_text),
		cmocka_unit_test(test_ack_offs),
		cmocka_unit_test(test_mac),
	};

	return cmocka_run_group_tests_name("netlib", tests, NULL, NULL);
}
