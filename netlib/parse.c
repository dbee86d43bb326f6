// SPDX-License-Identifier: Apache-2.0
/* Kernel messages into plain structs; every attribute is length-checked first. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "netlib/msg.h"

/* One table size for link, address and route attributes (IFLA_MAX is the largest). */
#define TB_N (IFLA_MAX + 1)
_Static_assert(RTA_MAX <= IFLA_MAX && IFA_MAX <= IFLA_MAX, "attribute table too small");

static int attr_table_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, TB_N - 1) < 0)
		return MNL_CB_OK;	/* newer than our headers: ignore */
	tb[type] = attr;
	return MNL_CB_OK;
}

static const char *attr_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(a);
}

static int info_table_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static void parse_linkinfo(const struct nlattr *li, struct netlib_link *out)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = { 0 };
	const char *kind;

	if (mnl_attr_parse_nested(li, info_table_cb, tb) < 0)
		return;
	kind = attr_str(tb[IFLA_INFO_KIND]);
	if (kind && strlen(kind) < sizeof(out->kind))
		strcpy(out->kind, kind);
}

int netlib_parse_link(const struct nlmsghdr *nlh, struct netlib_link *out)
{
	const struct nlattr *tb[TB_N] = { 0 };
	const struct ifinfomsg *ifi;
	const char *name;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifi))
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->index = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	if (mnl_attr_parse(nlh, sizeof(*ifi), attr_table_cb, tb) < 0)
		return -EINVAL;
	name = attr_str(tb[IFLA_IFNAME]);
	if (!name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	strcpy(out->name, name);
	if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) == 0)
		out->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_TXQLEN] && mnl_attr_validate(tb[IFLA_TXQLEN], MNL_TYPE_U32) == 0)
		out->txqlen = mnl_attr_get_u32(tb[IFLA_TXQLEN]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(out->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		out->has_mac = true;
	}
	if (tb[IFLA_MASTER] && mnl_attr_validate(tb[IFLA_MASTER], MNL_TYPE_U32) == 0)
		out->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINK] && mnl_attr_validate(tb[IFLA_LINK], MNL_TYPE_U32) == 0)
		out->link = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_OPERSTATE] && mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) == 0)
		out->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	name = attr_str(tb[IFLA_IFALIAS]);
	if (name && strlen(name) < sizeof(out->alias))
		strcpy(out->alias, name);
	if (tb[IFLA_LINKINFO] && mnl_attr_validate(tb[IFLA_LINKINFO], MNL_TYPE_NESTED) == 0)
		parse_linkinfo(tb[IFLA_LINKINFO], out);
	if (tb[IFLA_STATS64] &&
	    mnl_attr_get_payload_len(tb[IFLA_STATS64]) >= sizeof(struct rtnl_link_stats64)) {
		struct rtnl_link_stats64 st;

		memcpy(&st, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof(st));
		out->stats = (struct netlib_link_stats){
			.rx_packets = st.rx_packets, .tx_packets = st.tx_packets,
			.rx_bytes = st.rx_bytes, .tx_bytes = st.tx_bytes,
			.rx_errors = st.rx_errors, .tx_errors = st.tx_errors,
			.rx_dropped = st.rx_dropped, .tx_dropped = st.tx_dropped,
		};
		out->has_stats = true;
	}
	return 0;
}

static int get_ip(const struct nlattr *a, int family, struct ip_addr *out)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (!a || mnl_attr_get_payload_len(a) != len)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->b, mnl_attr_get_payload(a), len);
	return 0;
}

int netlib_parse_addr(const struct nlmsghdr *nlh, struct netlib_addr *out)
{
	const struct nlattr *tb[TB_N] = { 0 };
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifa))
		return -EINVAL;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (mnl_attr_parse(nlh, sizeof(*ifa), attr_table_cb, tb) < 0)
		return -EINVAL;
	/* IFA_LOCAL is our address on point-to-point links; IFA_ADDRESS otherwise */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (get_ip(a, ifa->ifa_family, &out->prefix.addr) < 0)
		return -EINVAL;
	out->prefix.len = ifa->ifa_prefixlen;
	out->index = (int)ifa->ifa_index;
	out->scope = ifa->ifa_scope;
	out->flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_validate(tb[IFA_FLAGS], MNL_TYPE_U32) == 0)
		out->flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	return 0;
}

int netlib_parse_route(const struct nlmsghdr *nlh, struct netlib_route *out)
{
	const struct nlattr *tb[TB_N] = { 0 };
	const struct rtmsg *rtm;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*rtm))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (mnl_attr_parse(nlh, sizeof(*rtm), attr_table_cb, tb) < 0)
		return -EINVAL;
	if (tb[RTA_MULTIPATH])
		return -ENOTSUP;
	out->dst.addr.family = rtm->rtm_family;
	out->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST] && get_ip(tb[RTA_DST], rtm->rtm_family, &out->dst.addr) < 0)
		return -EINVAL;
	if (tb[RTA_GATEWAY]) {
		if (get_ip(tb[RTA_GATEWAY], rtm->rtm_family, &out->gw) < 0)
			return -EINVAL;
		out->has_gw = true;
	}
	if (tb[RTA_OIF] && mnl_attr_validate(tb[RTA_OIF], MNL_TYPE_U32) == 0)
		out->oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_PRIORITY] && mnl_attr_validate(tb[RTA_PRIORITY], MNL_TYPE_U32) == 0)
		out->priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	out->table = rtm->rtm_table;
	if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) == 0)
		out->table = mnl_attr_get_u32(tb[RTA_TABLE]);
	out->scope = rtm->rtm_scope;
	out->protocol = rtm->rtm_protocol;
	out->type = rtm->rtm_type;
	return 0;
}
