/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `netctl gc`'s nftables half (netctl/core/gc.h steps 4 and 5): read what our
 * tables hold for a network, tell whether a `nft flush ruleset` or a deleted element
 * took part of it, and re-add what the bridge put there for one attachment. The
 * runtime core reads the cache and the conflists and says what happened; this file only
 * knows the tables (ruleset/names.h), so it takes plain facts, not JSON.
 */
#ifndef NETCTL_RULESET_GC_H
#define NETCTL_RULESET_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"
#include "util/err.h"

struct nft_conn;

/* Which parts of a network's chain own nft state. */
struct nft_gc_net {
	char net[65];
	char bridge[16];
	bool fw, portmap, masq, macspoof;
	bool spoof, ll6;	/* spoofchk (the bridge's default with icc false) */
	bool routed;		/* bridge "gatewayMode": "routed": no published-only rule */
};

/* One cached attachment, as the tables know it. */
struct nft_gc_att {
	const char *id;
	struct ip_prefix ips[16];
	size_t n_ips;
	bool port_mac;		/* @port (the host veth) and @mac (the container's) known */
	char port[16];
	uint8_t mac[6];
};

enum nft_gc_state {
	NFT_GC_OK,
	NFT_GC_MISSING,		/* chains or elements are gone */
	NFT_GC_FLUSHED,		/* a chain is there with no rule */
};

/**
 * nft_gc_check() - is network @nn's nft state (its chains, the table-wide guards, the
 * elements of its @n attachments @atts) in place? FLUSHED as soon as one chain is seen
 * empty, else MISSING when anything is absent, else OK.
 */
enum nft_gc_state nft_gc_check(struct nft_conn *c, const struct nft_gc_net *nn,
			       const struct nft_gc_att *atts, size_t n);

/**
 * nft_gc_rebuild() - re-add attachment @a's elements that the bridge owns (ipMasq and
 * the published-only rule, macspoofchk, spoofchk). 0, or -errno with what failed
 * in @err.
 */
int nft_gc_rebuild(struct nft_conn *c, const struct nft_gc_net *nn, const struct nft_gc_att *a,
		   struct err *err);

/** nft_gc_drop_table() - delete table inet netctl whole (to rebuild it). 0 or -errno. */
int nft_gc_drop_table(struct nft_conn *c, struct err *err);

/**
 * nft_gc_elems() - call @cb with a line for every element of table inet netctl that is
 * network @net's (bridge @bridge's, in the maps keyed by bridge): "nft element KEY in
 * SET (COMMENT)". A set that cannot be read is skipped. 0, or -errno when the table's
 * sets cannot be listed.
 */
int nft_gc_elems(struct nft_conn *c, const char *net, const char *bridge,
		 int (*cb)(const char *item, void *data), void *data);

#endif
