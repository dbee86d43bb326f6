/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rule builder: each call appends libnftnl expressions and the matching words of
 * `nft list` output, so a rule can be shown, named in an error, and compared to a
 * golden text in unit tests without a kernel.
 *
 *	struct nft_rule_b rb;
 *	nft_rb_init(&rb, "net-web-from");
 *	nft_rb_ct_state(&rb, NFT_CT_EST | NFT_CT_REL);
 *	nft_rb_counter(&rb);
 *	nft_rb_verdict(&rb, NF_ACCEPT, NULL);
 *	nft_batch_rule(&batch, NFPROTO_INET, "netctl", &rb);	(takes the rule)
 *
 * Errors (out of memory, text too long, bad argument) stick in rb.err.
 */
#ifndef NETCTL_NFT_RULE_H
#define NETCTL_NFT_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"

struct nftnl_rule;

#define NFT_RULE_TEXT_MAX 512
#define NFT_COMMENT_MAX 128	/* nft's own limit for rule and element comments */
#define NFT_ANON_SET "__set%d"	/* the kernel picks the number (as for nft's sets) */

/* ct state bits as the kernel has them (nf_conntrack_common.h). */
#define NFT_CT_INVALID		(1u << 0)
#define NFT_CT_EST		(1u << 1)
#define NFT_CT_REL		(1u << 2)
#define NFT_CT_NEW		(1u << 3)

struct nft_rule_b {
	struct nftnl_rule *r;
	char chain[256];
	char text[NFT_RULE_TEXT_MAX];
	size_t len;
	int family;		/* AF_INET/AF_INET6 once an L3 match fixed it; 0 = any */
	int l4proto;		/* IPPROTO_TCP/UDP once matched; 0 = none */
	int err;
};

void nft_rb_init(struct nft_rule_b *rb, const char *chain);
void nft_rb_free(struct nft_rule_b *rb);

/* iifname/oifname "NAME" (@neg: !=). */
void nft_rb_ifname(struct nft_rule_b *rb, bool out, const char *name, bool neg);
/* iifname/oifname @SET */
void nft_rb_ifname_set(struct nft_rule_b *rb, bool out, const char *set);
/* iifname/oifname != @SET */
void nft_rb_ifname_not_set(struct nft_rule_b *rb, bool out, const char *set);
/* iifname/oifname vmap @MAP (ends the rule: a verdict). */
void nft_rb_ifname_vmap(struct nft_rule_b *rb, bool out, const char *map);
/* iifname . ether saddr @SET (@neg: != @SET); bridge family. */
void nft_rb_ifname_ether_set(struct nft_rule_b *rb, const char *set, bool neg);
/*
 * Raw payload compare: @base (NFT_PAYLOAD_LL_HEADER, _NETWORK_HEADER, _TRANSPORT_HEADER),
 * @off and @len in bytes, == or (@neg) != @data. @text is the rule's words for it, as
 * nft would show them ("ether type ip", "arp saddr ip 0.0.0.0").
 */
void nft_rb_payload_cmp(struct nft_rule_b *rb, uint32_t base, uint32_t off, uint32_t len,
			const void *data, bool neg, const char *text);
/*
 * iifname . PAYLOAD @SET (@neg: != @SET): the input interface's name and @len bytes at
 * @base/@off as one concatenated key (bridge family port binding). @what names the
 * payload in the rule's text ("ip saddr", "arp saddr ether").
 */
void nft_rb_ifname_payload_set(struct nft_rule_b *rb, uint32_t base, uint32_t off,
			       uint32_t len, const char *what, const char *set, bool neg);
/* ct state A,B,... (any of @states). */
void nft_rb_ct_state(struct nft_rule_b *rb, uint32_t states);
/* ct state != A,B: none of @states (a new, invalid or untracked packet for est,rel). */
void nft_rb_ct_state_none(struct nft_rule_b *rb, uint32_t states);
/* ip/ip6 saddr/daddr ADDR or PREFIX (@neg: !=). Fixes the rule's family. */
void nft_rb_prefix(struct nft_rule_b *rb, bool src, const struct ip_prefix *p, bool neg);
/* ip/ip6 saddr/daddr @SET (@neg: != @SET); @family AF_INET or AF_INET6. */
void nft_rb_addr_set(struct nft_rule_b *rb, int family, bool src, const char *set, bool neg);
/* meta l4proto PROTO (tcp, udp, icmp, ...). */
void nft_rb_l4proto(struct nft_rule_b *rb, uint8_t proto);
/* tcp/udp dport LO or LO-HI (adds the l4proto match when missing). */
void nft_rb_dport(struct nft_rule_b *rb, uint8_t proto, uint16_t lo, uint16_t hi);
void nft_rb_counter(struct nft_rule_b *rb);
/*
 * update @SET { ip|ip6 saddr|daddr counter }: the packet's address added to (or found
 * in) dynamic set @SET, whose element's counter counts it. Fixes the rule's family.
 */
void nft_rb_set_update(struct nft_rule_b *rb, int family, bool src, const char *set);
/* limit rate N/second burst B packets: the rule stops matching above the rate. */
void nft_rb_limit(struct nft_rule_b *rb, uint64_t per_second, uint32_t burst);
/* log prefix "P" group G: the packet goes to NFLOG group G (nft/nflog.h). */
#define NFT_LOG_PREFIX_MAX 127
void nft_rb_log(struct nft_rule_b *rb, uint16_t group, const char *prefix);
/* accept, drop, return, jump CHAIN, goto CHAIN. */
void nft_rb_verdict(struct nft_rule_b *rb, int verdict, const char *chain);
void nft_rb_masquerade(struct nft_rule_b *rb);
/* fib daddr type local (the destination is one of this host's addresses). */
void nft_rb_fib_daddr_local(struct nft_rule_b *rb);
/*
 * fib daddr . iif type local: the destination is an address of the interface the
 * packet came in by (the gateway of the bridge it came from, not any host address).
 */
void nft_rb_fib_daddr_iif_local(struct nft_rule_b *rb);
/* icmp|icmpv6 type LO or LO-HI (@family AF_INET or AF_INET6; fixes the rule's family). */
void nft_rb_icmp_type(struct nft_rule_b *rb, int family, uint8_t lo, uint8_t hi);
/* ct status dnat (any of @bits, from nf_conntrack_common.h: IPS_DST_NAT ...). */
void nft_rb_ct_status(struct nft_rule_b *rb, uint32_t bits);
/* ct status != dnat: none of @bits set (the connection was not DNATed). */
void nft_rb_ct_status_none(struct nft_rule_b *rb, uint32_t bits);
/*
 * dnat ip|ip6 to [ip daddr .] meta l4proto . th dport map @MAP: the key built in
 * consecutive 32-bit registers, the map's data (address . port) used as the target.
 * @family AF_INET/AF_INET6 (fixes the rule's family). Ends the rule.
 */
void nft_rb_dnat_map(struct nft_rule_b *rb, int family, bool by_daddr, const char *map);
/*
 * ip|ip6 daddr . meta l4proto . th dport @SET: the packet's destination (after DNAT, in
 * forward) is one of the set's address/protocol/port triples.
 */
void nft_rb_daddr_port_set(struct nft_rule_b *rb, int family, const char *set);
/*
 * tcp/udp/sctp dport @NFT_ANON_SET: the destination port looked up in the anonymous
 * set the same batch made with @set_id (nft_batch_anon_set()); @elems its elements as
 * text ("80, 8000-8100"). Adds the l4proto match when missing.
 */
void nft_rb_dport_anon(struct nft_rule_b *rb, uint8_t proto, uint32_t set_id,
		       const char *elems);
/* comment "TEXT" (kept in the rule's userdata, as nft does). */
void nft_rb_comment(struct nft_rule_b *rb, const char *comment);

/** nft_verdict_str() - "accept", "drop", "jump", ... */
const char *nft_verdict_str(int verdict);

#endif
