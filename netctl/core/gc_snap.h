/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What exists of one network, as lines ("veth vethab12", "nft element ... in SET (...)",
 * "reservation DIR/IP"): gc takes it before and after the plugins' GC, which does not
 * say what it removed, and reports each line that went. Objects of the network: veths
 * on its bridge, its IFBs (ifalias netctl-bw/NET), the elements of its own sets
 * (members-, masq-, grp-...), of the bridge-keyed maps and of portmap's shared maps
 * whose comment names it, its host-local reservations.
 */
#ifndef NETCTL_GC_SNAP_H
#define NETCTL_GC_SNAP_H

#include <stdbool.h>
#include <stddef.h>

#include "netctl/core/conflist.h"

struct gc_snap {
	char **v;		/* the lines (owned) */
	size_t n, cap;
	const char *net;	/* borrowed from the conflist, while gc_snap_take() runs */
	char bridge[16];
	int br_index;
};

/**
 * gc_snap_take() - add to @s what exists of network @cl now. Best effort: what cannot
 * be read (netlink, nftables, the reservations' directory) is not listed.
 */
void gc_snap_take(struct gc_snap *s, const struct conflist *cl);

/** gc_snap_has() - @s holds line @item. */
bool gc_snap_has(const struct gc_snap *s, const char *item);

/** gc_snap_free() - free @s's lines; @s is then empty. */
void gc_snap_free(struct gc_snap *s);

#endif
