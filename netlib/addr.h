/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses and routes over an rtnetlink socket. */
#ifndef NETCTL_NETLIB_ADDR_H
#define NETCTL_NETLIB_ADDR_H

#include <stdbool.h>

#include "netlib/msg.h"
#include "netlib/sock.h"
#include "util/err.h"

/**
 * netlib_addr_add() - add @prefix (host bits = the address) to link @index.
 * @flags: IFA_F_* (IFA_F_NODAD for a v6 address when DAD is off). -EEXIST if present.
 */
int netlib_addr_add(struct netlib_nl *nl, int index, const struct ip_prefix *prefix,
		    uint32_t flags, struct err *err);
/** netlib_addr_del() - remove it. -EADDRNOTAVAIL if absent. */
int netlib_addr_del(struct netlib_nl *nl, int index, const struct ip_prefix *prefix,
		    struct err *err);
/**
 * netlib_addr_list() - addresses of @family (AF_UNSPEC: both) on link @index (0: all
 * links), at most @max into @out, their number in *@count. -ENOSPC when more exist.
 */
int netlib_addr_list(struct netlib_nl *nl, int family, int index, struct netlib_addr *out,
		     int max, int *count, struct err *err);

/** netlib_route_add() - add @rt (main table unless rt->table). -EEXIST if present. */
int netlib_route_add(struct netlib_nl *nl, const struct netlib_route *rt, struct err *err);
/** netlib_route_del() - delete the route matching @rt. -ESRCH if absent. */
int netlib_route_del(struct netlib_nl *nl, const struct netlib_route *rt, struct err *err);
/**
 * netlib_route_list() - unicast routes of @family in the main table through @oif
 * (0: any), at most @max into @out. -ENOSPC when more exist.
 */
int netlib_route_list(struct netlib_nl *nl, int family, int oif, struct netlib_route *out,
		      int max, int *count, struct err *err);

/** netlib_neigh_proxy() - add (idempotent) or remove a proxy entry for @addr on @index. */
int netlib_neigh_proxy(struct netlib_nl *nl, bool add, int index, const struct ip_addr *addr,
		       struct err *err);

#endif
