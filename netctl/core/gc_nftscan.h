/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What gc's step 5 (netctl/core/gc.h) reconciles: each network whose chain owns nft
 * state (firewall, portmap, the bridge's ipMasq, macspoofchk, spoofchk) and has cached
 * attachments, read from its conflist and the result cache as the plain facts the
 * ruleset layer takes (ruleset/gc.h).
 */
#ifndef NETCTL_GC_NFTSCAN_H
#define NETCTL_GC_NFTSCAN_H

#include <stddef.h>

#include "netctl/core/gc_atts.h"
#include "netctl/core/paths.h"
#include "ruleset/gc.h"

struct gc_nftnet {
	struct nft_gc_net rs;		/* what the network's chain puts in our tables */
	struct gc_att_list atts;	/* its cached attachments */
	struct nft_gc_att *rs_atts;	/* atts as the ruleset knows them, same order */
};

struct gc_nftscan {
	struct gc_nftnet *v;
	size_t n, cap;
};

/**
 * gc_nftscan_read() - add to @s every network of @p that owns nft state and has cached
 * attachments, in name order. A network whose conflist or cache cannot be read is left
 * out. 0, or -errno (out of memory, net.d unreadable): free @s either way.
 */
int gc_nftscan_read(const struct netctl_paths *p, struct gc_nftscan *s);

/** gc_nftscan_free() - free @s's networks; @s is then empty. */
void gc_nftscan_free(struct gc_nftscan *s);

#endif
