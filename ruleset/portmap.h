/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports (the portmap plugin) in `table inet netctl`:
 *
 *   map dnat-v4     inet_proto . inet_service : ipv4_addr . inet_service
 *   map dnat-v6     inet_proto . inet_service : ipv6_addr . inet_service
 *   map dnat-ip-v4  ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
 *   map dnat-ip-v6  ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service
 *                   (hostIP-bound mappings; looked up before the wildcard maps)
 *   set pub-v4/-v6  container address . proto . container port that a mapping targets;
 *                   the firewall's forward chain accepts `ct status dnat` traffic to them
 *   chain prerouting  hook nat prio dstnat: fib daddr type local dnat ... map @dnat-*
 *   chain output      hook nat prio dstnat: the same for connections from the host
 *   chain loopback-only hook prerouting prio raw: 127.0.0.0/8 and ::1 not from lo
 *                   dropped before any DNAT (ruleset/loopback.h)
 *   chain postrouting hook nat: ct status dnat ip saddr 127.0.0.0/8 masquerade (snat);
 *                   ct status dnat ip saddr SUBNET ip daddr SUBNET masquerade (hairpin,
 *                   one rule per container subnet, comment "net:NET hairpin:SUBNET")
 *
 * Every element's comment is "CONTAINERID NETWORK" (nft_pm_tag()): one element per
 * mapping and container address, so ADD/DEL/CHECK touch elements only and cost the
 * same at any scale; the network part keeps one network's GC (and a container attached
 * to two networks) from touching another network's elements, the maps being shared.
 * Below, @id is that whole tag.
 */
#ifndef NETCTL_RULESET_PORTMAP_H
#define NETCTL_RULESET_PORTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "util/ip.h"
#include "util/err.h"

#define NFT_PM_KEY_MAX 24
#define NFT_PM_DATA_MAX 20

/* One published port for one container address. */
struct nft_pm_map {
	struct ip_addr host_ip;		/* family 0: every local address of cont's family */
	uint8_t proto;			/* IPPROTO_TCP, _UDP, _SCTP */
	uint16_t host_port;
	struct ip_addr cont;		/* the container's address: its family picks the map */
	uint16_t cont_port;
};

/**
 * nft_pm_tag() - the element comment of container @id on network @net: "ID NET", or
 * "ID" when that would not fit nft's 128 bytes (such elements are never GCed).
 */
void nft_pm_tag(char *buf, size_t n, const char *id, const char *net);
/** nft_pm_map_name() - the map that holds @m ("dnat-v4", "dnat-ip-v6", ...). */
const char *nft_pm_map_name(const struct nft_pm_map *m);
/** nft_pm_key() - @m's key in its map into @key; returns its length. */
size_t nft_pm_key(const struct nft_pm_map *m, uint8_t key[NFT_PM_KEY_MAX]);
/** nft_pm_data() - @m's data (container address . port); returns its length. */
size_t nft_pm_data(const struct nft_pm_map *m, uint8_t data[NFT_PM_DATA_MAX]);
/** nft_pm_pub_key() - @m's key in pub-v4/-v6 (container address . proto . port). */
size_t nft_pm_pub_key(const struct nft_pm_map *m, uint8_t key[NFT_PM_KEY_MAX]);
/** nft_pm_format() - "tcp [HOSTIP:]8080 -> 10.88.0.5:80" for messages. */
void nft_pm_format(const struct nft_pm_map *m, char *buf, size_t n);

/**
 * nft_pm_build_base() - maps, sets and chains (NLM_F_CREATE), prerouting's and
 * output's rules flushed and added: idempotent.
 */
void nft_pm_build_base(struct nft_batch *b);
/** nft_pm_build_localhost() - postrouting: ct status dnat ip saddr 127.0.0.0/8 masquerade. */
void nft_pm_build_localhost(struct nft_batch *b);
/** nft_pm_build_pub() - sets pub-v4 and pub-v6 (NLM_F_CREATE). */
void nft_pm_build_pub(struct nft_batch *b);
/**
 * nft_pm_build_pub_accept() - in @chain: ct status dnat ip daddr . meta l4proto .
 * th dport @pub-v4 accept (and v6): a published port passes any isolation.
 */
void nft_pm_build_pub_accept(struct nft_batch *b, const char *chain);
/**
 * nft_pm_build_hairpin() - the hairpin masquerade rule for @subnet of network @net
 * (comment "net:NET hairpin:SUBNET", so removing the network removes it).
 */
void nft_pm_build_hairpin(struct nft_batch *b, const char *net, const struct ip_prefix *subnet);

/**
 * nft_pm_prepare() - make the base objects unless chain prerouting has its rules (so a
 * flushed table is repaired), the localhost rule and the hairpin rule of each of
 * @subnets of network @net unless there. Return 0 or -errno (@err).
 */
int nft_pm_prepare(struct nft_conn *c, const char *net, const struct ip_prefix *subnets,
		   size_t n_subnets, struct err *err);

/**
 * nft_pm_add() - publish @maps for container @id in one transaction. A key published
 * by another container (or, for hostIP-bound and wildcard mappings of one port, one
 * overlapping the other) is a conflict: nothing is changed, -EADDRINUSE, the owner's
 * container ID in @owner and the mapping in @err. Keys this container already
 * holds are left as they are.
 */
int nft_pm_add(struct nft_conn *c, const struct nft_pm_map *maps, size_t n_maps,
	       const char *id, char *owner, size_t owner_n, struct err *err);

/**
 * nft_pm_del() - remove container @id's elements: those of @maps (looked up by key,
 * deleted only when @id owns them), or with @n_maps 0 every element whose comment is
 * @id (a walk of the maps). Missing objects are success.
 */
int nft_pm_del(struct nft_conn *c, const struct nft_pm_map *maps, size_t n_maps,
	       const char *id, struct err *err);

/**
 * nft_pm_check() - is @m published for @id and pointing to its container address and
 * port? 0 when it is; -ENOENT (absent) or -EXDEV (someone else's, or another target)
 * with the reason in @err; -errno on failure.
 */
int nft_pm_check(struct nft_conn *c, const struct nft_pm_map *m, const char *id,
		 struct err *err);

/**
 * nft_pm_check_rules() - do prerouting and output hold their DNAT rules, and
 * loopback-only its drops? 0, or -ENOENT naming the chain (someone flushed the
 * table), or -errno.
 */
int nft_pm_check_rules(struct nft_conn *c, struct err *err);

/**
 * nft_pm_gc() - remove every element of network @net whose container ID @keep does not
 * want kept. @removed (may be NULL) counts the elements removed.
 */
int nft_pm_gc(struct nft_conn *c, const char *net, bool (*keep)(const char *id, void *data),
	      void *data, size_t *removed, struct err *err);

#endif
