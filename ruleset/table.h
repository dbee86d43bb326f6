/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The layout of `table inet netctl` (DESIGN.md "nftables layout"):
 *
 *   chain forward      hook forward: ct state new ct status dnat oifname vmap
 *                      @pub-src (jump net-N-pubsrc: a policy's sources of published
 *                      ports); ct status dnat to @pub-v4/@pub-v6 (published
 *                      ports, ruleset/portmap.h) accept; iifname vmap @fwd-from;
 *                      oifname vmap @fwd-to
 *   set bridges        the bridges of every network we know
 *   chain net-N-from   ct est,rel accept; ct invalid drop; oifname BR jump net-N-policy;
 *                      oifname @bridges drop (only when N is isolated);
 *                      drop (only when N is internal); oifname != @bridges jump
 *                      net-N-egress (a policy's egress rules, to outside)
 *   chain net-N-to     ct est,rel accept; ct invalid drop; iifname @bridges drop (same);
 *                      drop (internal: only same-bridge traffic, which went through
 *                      net-N-from's policy jump, is forwarded)
 *   chain net-N-policy icc on: accept; icc off: compiled policy, then drop
 *   set members-N / members6-N   container addresses, comment = container ID
 *   chain input        hook input: iifname vmap @host-from (traffic from a bridge
 *                      to the host itself)
 *   chain net-N-host   host access of N: "all": accept; "dns"/"none": ct est,rel
 *                      accept; ct invalid drop; ICMP errors and neighbour discovery
 *                      accept; ("dns") udp/tcp dport 53 to an address of the bridge
 *                      accept; jump net-N-hostpol; drop
 *   chain net-N-hostpol the policy's "to": "host" rules (policy/, refilled by apply)
 *   chain net-N-egress / net-N-pubsrc  version 2 policies' rules (policy/compile_v2.c)
 *   chain postrouting  hook nat: ip saddr @masq-N jump nat-N (one rule per network)
 *   chain nat-N        ip daddr != SUBNET ip daddr != 224.0.0.0/4 masquerade
 *   chain published-only  hook forward prio -10: per masquerading network, new
 *                      connections into its bridge from elsewhere dropped unless
 *                      DNATed (ruleset/inbound.h; rule comment "net:N published-only")
 *   chain loopback-only   hook prerouting prio raw: 127/8 and ::1 not from lo
 *                      dropped (ruleset/loopback.h, made with portmap's chains)
 *
 * A network's objects are made once, in one batch guarded by NLM_F_EXCL on its first
 * chain, so two first ADDs racing make them exactly once. After that a container
 * ADD/DEL changes set elements only. Only this table is ever written.
 */
#ifndef NETCTL_RULESET_TABLE_H
#define NETCTL_RULESET_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "ruleset/names.h"
#include "util/ip.h"
#include "util/err.h"

/* What a network's containers may reach of the host itself (its input hook). */
enum nft_host_access {
	NFT_HOST_ALL,		/* everything (the default for icc on) */
	NFT_HOST_DNS,		/* UDP/TCP 53 to the bridge's addresses, and the policy */
	NFT_HOST_NONE,		/* only what the policy's "host" rules allow */
};

/** nft_host_access_name() - "all", "dns", "none". */
const char *nft_host_access_name(enum nft_host_access h);
/** nft_host_access_parse() - "all"/"dns"/"none" into @out. 0 or -EINVAL. */
int nft_host_access_parse(const char *s, enum nft_host_access *out);
/** nft_host_comment() - the comment of net-N-host's last rule for @h ("host-access dns"). */
const char *nft_host_comment(enum nft_host_access h);

struct nft_net {
	const char *name;	/* network name (name_is_safe, <= NFT_NET_NAME_MAX) */
	const char *bridge;	/* the bridge's interface name */
	bool isolate;		/* ingressPolicy same-bridge: no connection to or from
				 * any other network of ours, either direction */
	bool icc;		/* containers of this network may talk to each other */
	bool internal;		/* nothing forwarded between the bridge and any other
				 * interface, either direction (an internal network) */
	enum nft_host_access host;	/* set when the network's chains are made */
};


/**
 * nft_netctl_build_base() - table, forward chain with its two vmap rules, input chain
 * with its host-from vmap rule.
 */
void nft_netctl_build_base(struct nft_batch *b);
/** nft_netctl_build_net() - the network's sets, chains, rules and vmap elements. */
void nft_netctl_build_net(struct nft_batch *b, const struct nft_net *net);
/**
 * nft_netctl_build_policy_open() - refill net-N-policy for icc on (accept) or off with
 * no policy (drop). Adds a flush first.
 */
void nft_netctl_build_policy_default(struct nft_batch *b, const char *net, bool icc);

/**
 * nft_netctl_ensure_net() - make the network's objects unless they are there, and put
 * its rules back when someone flushed them (net-<net>-policy then holds the default:
 * the caller re-applies a policy); make or refill net-<net>-host when it is missing
 * (chains of an older netctl) or in another mode than @net->host (then too the caller
 * re-applies the policy, whose host rules may have had no chain).
 * Return 0, 1 when rules were put back or remade, or -errno with the failing object
 * named in @err.
 */
int nft_netctl_ensure_net(struct nft_conn *c, const struct nft_net *net, struct err *err);

/**
 * nft_netctl_net_wired() - do forward, net-<net>-from and net-<net>-policy hold rules?
 * Return 1 yes, 0 no (which chain lacks them in @what), -errno.
 */
int nft_netctl_net_wired(struct nft_conn *c, const char *net, char *what, size_t what_n,
			 struct err *err);

/**
 * nft_netctl_elems_add() - add @addrs to @set4 (IPv4) / @set6 (IPv6) with @comment
 * (see nft_member_comment()). An element already there is kept as it is.
 */
int nft_netctl_elems_add(struct nft_conn *c, const char *set4, const char *set6,
			 const struct ip_addr *addrs, size_t n_addrs, const char *comment,
			 struct err *err);

/** nft_netctl_build_elems_add() - nft_netctl_elems_add()'s elements, into @b. */
int nft_netctl_build_elems_add(struct nft_batch *b, const char *set4, const char *set6,
			       const struct ip_addr *addrs, size_t n_addrs, const char *comment);

/**
 * nft_netctl_build_elems_del() - nft_netctl_elems_del()'s deletions, into @b (the
 * elements are read now: send @b before anyone else can change the sets).
 */
int nft_netctl_build_elems_del(struct nft_conn *c, struct nft_batch *b, const char *set4,
			       const char *set6, const struct ip_addr *addrs, size_t n_addrs,
			       const char *container_id, struct err *err);

/**
 * nft_netctl_elems_del() - delete the elements of @set4/@set6 whose comment belongs to
 * @container_id (nft_comment_is()): the ones keyed by @addrs, or, when @n_addrs is 0, all of them (a set
 * walk). Elements of other containers and missing sets are left alone, and an
 * element someone else removed between our read and our delete is read again: DEL is
 * idempotent.
 */
int nft_netctl_elems_del(struct nft_conn *c, const char *set4, const char *set6,
			 const struct ip_addr *addrs, size_t n_addrs, const char *container_id,
			 struct err *err);

/** nft_netctl_net_remove() - delete everything of network @net from the table. */
int nft_netctl_net_remove(struct nft_conn *c, const char *net, struct err *err);

#endif
