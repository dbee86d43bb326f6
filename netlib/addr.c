// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "netlib/addr.h"

static int addr_op(struct netlib_nl *nl, bool add, int index, const struct ip_prefix *prefix,
		   uint32_t flags, struct err *err)
{
	struct netlib_addr a = { .index = index, .prefix = *prefix, .flags = flags };
	char buf[NETLIB_MSG_MAX], what[IP_STR_MAX + 32], txt[IP_STR_MAX];
	struct nlmsghdr *nlh = netlib_msg_addr(buf, sizeof(buf), add, &a);

	ip_prefix_format(prefix, txt, sizeof(txt));
	snprintf(what, sizeof(what), "%s address %s", add ? "adding" : "removing", txt);
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid address or index", what);
	return netlib_request(nl, nlh, NULL, NULL, what, err);
}

int netlib_addr_add(struct netlib_nl *nl, int index, const struct ip_prefix *prefix,
		    uint32_t flags, struct err *err)
{
	return addr_op(nl, true, index, prefix, flags, err);
}

int netlib_addr_del(struct netlib_nl *nl, int index, const struct ip_prefix *prefix,
		    struct err *err)
{
	return addr_op(nl, false, index, prefix, 0, err);
}

struct list_ctx {
	int family, index, max, count;
	bool overflow;
	void *out;
};

static int each_addr(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *c = data;
	struct netlib_addr a;

	if (netlib_parse_addr(nlh, &a) < 0)
		return 0;
	if ((c->index && a.index != c->index) ||
	    (c->family != AF_UNSPEC && a.prefix.addr.family != c->family))
		return 0;
	if (c->count >= c->max) {
		c->overflow = true;	/* keep draining the dump */
		return 0;
	}
	((struct netlib_addr *)c->out)[c->count++] = a;
	return 0;
}

int netlib_addr_list(struct netlib_nl *nl, int family, int index, struct netlib_addr *out,
		     int max, int *count, struct err *err)
{
	struct list_ctx c = { .family = family, .index = index, .max = max, .out = out };
	char buf[NETLIB_MSG_MAX];
	struct nlmsghdr *nlh = netlib_msg_addr_dump(buf, sizeof(buf), family, index);
	int r = netlib_request(nl, nlh, each_addr, &c, "listing addresses", err);

	*count = c.count;
	if (r == 0 && c.overflow)
		return err_detail(err, -ENOSPC, "listing addresses: more than %d", max);
	return r;
}

static int route_op(struct netlib_nl *nl, bool add, const struct netlib_route *rt,
		    struct err *err)
{
	char buf[NETLIB_MSG_MAX], what[2 * IP_STR_MAX + 32], dst[IP_STR_MAX], gw[IP_STR_MAX];
	struct nlmsghdr *nlh = netlib_msg_route(buf, sizeof(buf), add, rt);

	ip_prefix_format(&rt->dst, dst, sizeof(dst));
	if (rt->has_gw)
		ip_addr_format(&rt->gw, gw, sizeof(gw));
	snprintf(what, sizeof(what), "%s route %s%s%s", add ? "adding" : "removing", dst,
		 rt->has_gw ? " via " : "", rt->has_gw ? gw : "");
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid route", what);
	return netlib_request(nl, nlh, NULL, NULL, what, err);
}

int netlib_route_add(struct netlib_nl *nl, const struct netlib_route *rt, struct err *err)
{
	return route_op(nl, true, rt, err);
}

int netlib_route_del(struct netlib_nl *nl, const struct netlib_route *rt, struct err *err)
{
	return route_op(nl, false, rt, err);
}

int netlib_neigh_proxy(struct netlib_nl *nl, bool add, int index, const struct ip_addr *addr,
		       struct err *err)
{
	char buf[NETLIB_MSG_MAX], what[IP_STR_MAX + 40], txt[IP_STR_MAX];
	struct nlmsghdr *nlh = netlib_msg_neigh_proxy(buf, sizeof(buf), add, index, addr);

	ip_addr_format(addr, txt, sizeof(txt));
	snprintf(what, sizeof(what), "%s proxy neighbour %s", add ? "adding" : "removing", txt);
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid address or index", what);
	return netlib_request(nl, nlh, NULL, NULL, what, err);
}

static int each_route(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *c = data;
	struct netlib_route rt;

	if (netlib_parse_route(nlh, &rt) < 0)
		return 0;
	if (rt.table != RT_TABLE_MAIN || rt.type != RTN_UNICAST ||
	    (c->index && rt.oif != c->index))
		return 0;
	if (c->count >= c->max) {
		c->overflow = true;
		return 0;
	}
	((struct netlib_route *)c->out)[c->count++] = rt;
	return 0;
}

int netlib_route_list(struct netlib_nl *nl, int family, int oif, struct netlib_route *out,
		      int max, int *count, struct err *err)
{
	struct list_ctx c = { .family = family, .index = oif, .max = max, .out = out };
	char buf[NETLIB_MSG_MAX];
	struct nlmsghdr *nlh = netlib_msg_route_dump(buf, sizeof(buf), family);
	int r = netlib_request(nl, nlh, each_route, &c, "listing routes", err);

	*count = c.count;
	if (r == 0 && c.overflow)
		return err_detail(err, -ENOSPC, "listing routes: more than %d", max);
	return r;
}
