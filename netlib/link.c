// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netlib/link.h"

static int got_link(const struct nlmsghdr *nlh, void *data)
{
	return netlib_parse_link(nlh, data) < 0 ? -EBADMSG : 0;
}

int netlib_link_get(struct netlib_nl *nl, int index, const char *name, struct netlib_link *out,
		    struct err *err)
{
	char buf[NETLIB_MSG_MAX], what[64];
	struct nlmsghdr *nlh = netlib_msg_link_get(buf, sizeof(buf), index, name);

	snprintf(what, sizeof(what), "looking up link %s", index ? "by index" : name);
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid name", what);
	memset(out, 0, sizeof(*out));
	return netlib_request(nl, nlh, got_link, out, what, err);
}

int netlib_link_create(struct netlib_nl *nl, const struct netlib_link_new *ln, struct err *err)
{
	char buf[NETLIB_MSG_MAX], what[80];
	struct nlmsghdr *nlh = netlib_msg_link_new(buf, sizeof(buf), ln);

	snprintf(what, sizeof(what), "creating %s %s", ln->kind ? ln->kind : "link",
		 ln->name ? ln->name : "");
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid name", what);
	return netlib_request(nl, nlh, NULL, NULL, what, err);
}

int netlib_veth_create(struct netlib_nl *nl, const char *host_name, const char *peer_name,
		       int peer_netns_fd, unsigned mtu, const uint8_t *peer_mac, struct err *err)
{
	struct netlib_link_new ln = {
		.name = host_name, .kind = "veth", .mtu = mtu, .peer_name = peer_name,
		.peer_netns_fd = peer_netns_fd, .peer_mtu = mtu, .peer_mac = peer_mac,
	};

	return netlib_link_create(nl, &ln, err);
}

int netlib_bridge_create(struct netlib_nl *nl, const char *name, unsigned mtu,
			 const uint8_t *mac, struct err *err)
{
	struct netlib_link_new ln = {
		.name = name, .kind = "bridge", .mtu = mtu, .mac = mac, .peer_netns_fd = -1,
	};

	return netlib_link_create(nl, &ln, err);
}

int netlib_ifb_create(struct netlib_nl *nl, const char *name, unsigned mtu, struct err *err)
{
	struct netlib_link_new ln = {
		.name = name, .kind = "ifb", .mtu = mtu, .peer_netns_fd = -1,
	};

	return netlib_link_create(nl, &ln, err);
}

int netlib_link_del(struct netlib_nl *nl, int index, const char *name, struct err *err)
{
	char buf[NETLIB_MSG_MAX], what[64];
	struct nlmsghdr *nlh = netlib_msg_link_del(buf, sizeof(buf), index, name);

	snprintf(what, sizeof(what), "deleting link %s", index ? "by index" : name);
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid name", what);
	return netlib_request(nl, nlh, NULL, NULL, what, err);
}

int netlib_link_set(struct netlib_nl *nl, int index, const struct netlib_link_set *ls,
		    struct err *err)
{
	char buf[NETLIB_MSG_MAX];
	struct nlmsghdr *nlh = netlib_msg_link_set(buf, sizeof(buf), index, ls);

	if (!nlh)
		return err_detail(err, -EINVAL, "changing link %d: invalid index", index);
	return netlib_request(nl, nlh, NULL, NULL, "changing link", err);
}

int netlib_link_set_up(struct netlib_nl *nl, int index, bool up, struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();

	ls.up = up ? NETLIB_ON : NETLIB_OFF;
	return netlib_link_set(nl, index, &ls, err);
}

int netlib_link_set_master(struct netlib_nl *nl, int index, int master, struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();

	ls.master = master;
	return netlib_link_set(nl, index, &ls, err);
}

int netlib_link_set_mtu(struct netlib_nl *nl, int index, unsigned mtu, struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();

	ls.mtu = mtu;
	return netlib_link_set(nl, index, &ls, err);
}

int netlib_link_set_mac(struct netlib_nl *nl, int index, const uint8_t mac[6], struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();

	ls.mac = mac;
	return netlib_link_set(nl, index, &ls, err);
}

int netlib_brport_set(struct netlib_nl *nl, int index, const struct netlib_brport *bp,
		      struct err *err)
{
	char buf[NETLIB_MSG_MAX];
	struct nlmsghdr *nlh = netlib_msg_brport(buf, sizeof(buf), index, bp);

	if (!nlh)
		return err_detail(err, -EINVAL, "setting bridge port flags: invalid index %d",
				  index);
	return netlib_request(nl, nlh, NULL, NULL, "setting bridge port flags", err);
}

int netlib_bridge_vlan(struct netlib_nl *nl, int index, uint16_t vid, uint16_t flags, bool add,
		       struct err *err)
{
	char buf[NETLIB_MSG_MAX], what[48];
	struct nlmsghdr *nlh = netlib_msg_bridge_vlan(buf, sizeof(buf), index, vid, flags, add);

	snprintf(what, sizeof(what), "%s VLAN %u", add ? "adding" : "removing", vid);
	if (!nlh)
		return err_detail(err, -EINVAL, "%s: invalid port or VLAN id", what);
	return netlib_request(nl, nlh, NULL, NULL, what, err);
}

int netlib_link_stats(struct netlib_nl *nl, int index, struct netlib_link_stats *st,
		      struct err *err)
{
	struct netlib_link l;
	int r = netlib_link_get(nl, index, NULL, &l, err);

	if (r < 0)
		return r;
	if (!l.has_stats)
		return err_detail(err, -ENODATA, "link %d: the kernel sent no statistics", index);
	*st = l.stats;
	return 0;
}

struct foreach_ctx {
	netlib_link_fn fn;
	void *data;
};

static int each_link(const struct nlmsghdr *nlh, void *data)
{
	struct foreach_ctx *c = data;
	struct netlib_link l;

	if (netlib_parse_link(nlh, &l) < 0)
		return 0;	/* skip what we cannot read rather than fail the walk */
	return c->fn(&l, c->data);
}

int netlib_link_foreach(struct netlib_nl *nl, netlib_link_fn fn, void *data, struct err *err)
{
	char buf[NETLIB_MSG_MAX];
	struct nlmsghdr *nlh = netlib_msg_link_dump(buf, sizeof(buf));
	struct foreach_ctx c = { fn, data };

	return netlib_request(nl, nlh, each_link, &c, "listing links", err);
}
