/* SPDX-License-Identifier: Apache-2.0 */
/* Links over an rtnetlink socket: veth, bridge, delete, find, up/down, MTU, MAC, master. */
#ifndef NETCTL_NETLIB_LINK_H
#define NETCTL_NETLIB_LINK_H

#include <stdbool.h>

#include "netlib/msg.h"
#include "netlib/sock.h"
#include "util/err.h"

/** netlib_link_get() - by @index, or by @name when @index is 0. -ENODEV if absent. */
int netlib_link_get(struct netlib_nl *nl, int index, const char *name, struct netlib_link *out,
		    struct err *err);
/** netlib_link_create() - create a link as @ln describes; -EEXIST if the name is taken. */
int netlib_link_create(struct netlib_nl *nl, const struct netlib_link_new *ln, struct err *err);
/**
 * netlib_veth_create() - a veth pair @host_name (here) / @peer_name, the peer born in
 * the netns @peer_netns_fd (-1: here) with @mtu (0: default) and @peer_mac (or NULL).
 */
int netlib_veth_create(struct netlib_nl *nl, const char *host_name, const char *peer_name,
		       int peer_netns_fd, unsigned mtu, const uint8_t *peer_mac, struct err *err);
/** netlib_bridge_create() - a bridge @name with @mtu (0: default) and @mac (or NULL). */
int netlib_bridge_create(struct netlib_nl *nl, const char *name, unsigned mtu,
			 const uint8_t *mac, struct err *err);
/** netlib_ifb_create() - an IFB device @name with @mtu (0: default), down. */
int netlib_ifb_create(struct netlib_nl *nl, const char *name, unsigned mtu, struct err *err);
/** netlib_link_del() - delete by @index or @name. -ENODEV if absent. */
int netlib_link_del(struct netlib_nl *nl, int index, const char *name, struct err *err);
/** netlib_link_set() - apply @ls to link @index. */
int netlib_link_set(struct netlib_nl *nl, int index, const struct netlib_link_set *ls,
		    struct err *err);
/** netlib_link_set_up() - administrative state up (@up) or down. */
int netlib_link_set_up(struct netlib_nl *nl, int index, bool up, struct err *err);
/** netlib_link_set_master() - enslave @index to bridge @master (0: release). */
int netlib_link_set_master(struct netlib_nl *nl, int index, int master, struct err *err);
/** netlib_link_set_mtu() - MTU of @index. */
int netlib_link_set_mtu(struct netlib_nl *nl, int index, unsigned mtu, struct err *err);
/** netlib_link_set_mac() - hardware address of @index. */
int netlib_link_set_mac(struct netlib_nl *nl, int index, const uint8_t mac[6], struct err *err);
/** netlib_brport_set() - bridge port flags of @index (hairpin, isolated, learning). */
int netlib_brport_set(struct netlib_nl *nl, int index, const struct netlib_brport *bp,
		      struct err *err);
/** netlib_bridge_vlan() - add or remove VLAN @vid (with @flags) on bridge port @index. */
int netlib_bridge_vlan(struct netlib_nl *nl, int index, uint16_t vid, uint16_t flags, bool add,
		       struct err *err);
/** netlib_link_stats() - the 64-bit counters of @index. */
int netlib_link_stats(struct netlib_nl *nl, int index, struct netlib_link_stats *st,
		      struct err *err);

/* Called for each link of a dump; return 0 to go on, -errno to stop. */
typedef int (*netlib_link_fn)(const struct netlib_link *l, void *data);
/** netlib_link_foreach() - every link of the socket's netns. */
int netlib_link_foreach(struct netlib_nl *nl, netlib_link_fn fn, void *data, struct err *err);

/** netlib_link_set_init() - a netlib_link_set that changes nothing. */
static inline struct netlib_link_set netlib_link_set_init(void)
{
	return (struct netlib_link_set){ .master = -1, .netns_fd = -1 };
}

#endif
