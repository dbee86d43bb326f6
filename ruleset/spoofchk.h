/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spoofchk: per-port source binding for the bridge plugin. A container's port may send
 * only from its own MAC and its own addresses, ARP only about itself, NDP neighbour
 * advertisements only about its own addresses, and no router advertisement or redirect.
 * It must happen at L2, before the bridge forwards a frame or hands it to the host
 * (whose neighbour table would learn from a forged ARP), so it lives in the bridge
 * family's table, next to macspoofchk (ruleset/macspoof.h):
 *
 *   table bridge netctl
 *     set spoof-ports ifname               ports bound, comment = container ID
 *     set spoof-mac   ifname . ether_addr  the MAC each may send from
 *     set spoof-v4    ifname . ipv4_addr   its IPv4 addresses
 *     set spoof-v6    ifname . ipv6_addr   its IPv6 addresses, link-local included
 *     chain spoofchk  hook prerouting priority -300: iifname @spoof-ports jump spoof-port
 *     chain spoof-port  MAC, then by ether type: goto spoof-ip4/-ip6/-arp, others drop
 *     chain spoof-ip4   source bound (or 0.0.0.0 to DHCP), else drop
 *     chain spoof-ip6   ICMPv6: goto spoof-icmp6; source bound, else drop
 *     chain spoof-icmp6 no RA or redirect; NA only about own addresses; source bound,
 *                       or :: for DAD (about own addresses), RS and MLD reports
 *     chain spoof-arp   Ethernet/IPv4 ARP only, sender MAC bound, sender IP bound or
 *                       0.0.0.0 (a probe)
 *
 * The rules are made once, for every container; an ADD adds elements, a DEL deletes
 * them by key: O(1) either way. Every drop has a counter and a comment saying what it
 * stops.
 */
#ifndef NETCTL_RULESET_SPOOFCHK_H
#define NETCTL_RULESET_SPOOFCHK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft/batch.h"
#include "util/ip.h"

#include "ruleset/names.h"
#include "util/err.h"

/* One container port and what it may send from. */
struct nft_spoof_port {
	const char *port;		/* the host veth on the bridge */
	uint8_t mac[6];			/* the container interface's MAC */
	const struct ip_addr *addrs;	/* its IPv4 and IPv6 addresses */
	size_t n_addrs;
	bool ll6;			/* it has IPv6: bind its EUI-64 link-local too */
};

/** nft_spoofchk_eui64() - the link-local address the kernel derives from @mac. */
struct ip_addr nft_spoofchk_eui64(const uint8_t mac[6]);

/** nft_spoofchk_build() - the table, sets, chains and rules (flushing the chains first). */
void nft_spoofchk_build(struct nft_batch *b);

/**
 * nft_spoofchk_attach() - bind @p's port to its MAC and addresses, elements commented
 * @container_id; makes the rules first when they are missing (or were flushed).
 * Return 0, or -errno with the failing object and the kernel's words in @err.
 */
int nft_spoofchk_attach(struct nft_conn *c, const struct nft_spoof_port *p,
			const char *container_id, struct err *err);
/**
 * nft_spoofchk_check() - 1 when the rules and every element of @p are in place, 0 when
 * not (what is missing in @what), -errno when the kernel cannot be asked.
 */
int nft_spoofchk_check(struct nft_conn *c, const struct nft_spoof_port *p, char *what,
		       size_t wn, struct err *err);
/**
 * nft_spoofchk_detach() - drop @container_id's elements: by key when @p is known (a
 * missing port element means they are gone already), else by walking the sets.
 */
int nft_spoofchk_detach(struct nft_conn *c, const struct nft_spoof_port *p,
			const char *container_id, struct err *err);
/** nft_spoofchk_gc() - drop every element whose container ID @keep does not want kept. */
int nft_spoofchk_gc(struct nft_conn *c, bool (*keep)(const char *id, void *data), void *data,
		    struct err *err);
#endif
