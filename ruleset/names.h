/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every name netctl gives in nftables, and the only place that spells them: its two
 * tables, and in them every chain, set and map, with the formats of the ones made per
 * network ("net-<net>-from") and per policy group ("grp-<net>-<group>"). The layout
 * itself is described in ruleset/table.h (inet) and ruleset/spoofchk.h (bridge). Also
 * the element comments that name a container, and a list of names read back.
 */
#ifndef NETCTL_RULESET_NAMES_H
#define NETCTL_RULESET_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* `table inet netctl` and `table bridge netctl`: only these are ever written. */
#define NFT_TABLE "netctl"

#define NFT_NET_NAME_MAX 64	/* keeps "grp-<net>-<group>" within nft's limits */
#define NFT_OBJ_NAME_MAX 160

/* table inet netctl: base chains */
#define NFT_FORWARD_CHAIN "forward"
#define NFT_INPUT_CHAIN "input"
#define NFT_PREROUTING_CHAIN "prerouting"	/* portmap's DNAT */
#define NFT_OUTPUT_CHAIN "output"		/* portmap's DNAT of the host's own */
#define NFT_POSTROUTING_CHAIN "postrouting"	/* masquerade, hairpin */
#define NFT_INBOUND_CHAIN "published-only"	/* ruleset/inbound.h */
#define NFT_LO_CHAIN "loopback-only"		/* ruleset/loopback.h */

/* table inet netctl: sets and maps every network shares (elements name the network) */
#define NFT_FWD_FROM_MAP "fwd-from"	/* iifname : jump net-<net>-from */
#define NFT_FWD_TO_MAP "fwd-to"		/* oifname : jump net-<net>-to */
#define NFT_HOST_FROM_MAP "host-from"	/* iifname : jump net-<net>-host */
#define NFT_BRIDGES_SET "bridges"	/* the bridges of every network we know */
#define NFT_PUBSRC_MAP "pub-src"	/* oifname : jump net-<net>-pubsrc (policy v2) */
#define NFT_DNAT_V4_MAP "dnat-v4"	/* portmap: published port -> container */
#define NFT_DNAT_V6_MAP "dnat-v6"
#define NFT_DNAT_IP_V4_MAP "dnat-ip-v4"	/* portmap: published on one host address */
#define NFT_DNAT_IP_V6_MAP "dnat-ip-v6"
#define NFT_PUB_V4_SET "pub-v4"		/* portmap: container address . port published */
#define NFT_PUB_V6_SET "pub-v6"
#define NFT_DNAT_PFX "dnat-"		/* the DNAT maps, as gc recognises them */
#define NFT_PUB_PFX "pub-"		/* the published-port sets and pub-src */

/* table inet netctl: one network's objects, "<prefix><net><suffix>" (nft_net_obj()) */
#define NFT_NET_PFX "net-"
#define NFT_FROM_SFX "-from"		/* chains net-<net>-from ... */
#define NFT_TO_SFX "-to"
#define NFT_POLICY_SFX "-policy"
#define NFT_HOST_SFX "-host"
#define NFT_HOSTPOL_SFX "-hostpol"
#define NFT_EGRESS_SFX "-egress"	/* policy v2: to outside */
#define NFT_PUBSRC_SFX "-pubsrc"	/* policy v2: published ports' sources */
#define NFT_MEMBERS4_PFX "members-"	/* sets members-<net>, members6-<net> */
#define NFT_MEMBERS6_PFX "members6-"
#define NFT_MASQ4_PFX "masq-"		/* sets masq-<net>, masq6-<net> */
#define NFT_MASQ6_PFX "masq6-"
#define NFT_NAT4_PFX "nat-"		/* chains nat-<net>, nat6-<net> */
#define NFT_NAT6_PFX "nat6-"

/* table inet netctl: a policy group's sets, "<kind><net>-<group>" (nft_group_set()) */
#define NFT_GRP4_PFX "grp-"		/* its members' addresses */
#define NFT_GRP6_PFX "grp6-"
#define NFT_ADDR4_PFX "addr-"		/* policy v2: its CIDRs */
#define NFT_ADDR6_PFX "addr6-"
#define NFT_DROPS4_PFX "drops-"		/* policy v2: drops-<net>, drops6-<net>: a counter
					 * per source address */
#define NFT_DROPS6_PFX "drops6-"
#define NFT_POL_PFX "pol-"		/* an older netctl's, removed with the network */

/* table bridge netctl */
#define NFT_MACSPOOF_CHAIN "macspoof"	/* ruleset/macspoof.h */
#define NFT_MAC_PORTS_SET "mac-ports"
#define NFT_MAC_OK_SET "mac-ok"
#define NFT_SPOOF_CHAIN "spoofchk"	/* ruleset/spoofchk.h: the base chain */
#define NFT_SPOOF_PORT_CHAIN "spoof-port"
#define NFT_SPOOF_IP4_CHAIN "spoof-ip4"
#define NFT_SPOOF_IP6_CHAIN "spoof-ip6"
#define NFT_SPOOF_ICMP6_CHAIN "spoof-icmp6"
#define NFT_SPOOF_ARP_CHAIN "spoof-arp"
#define NFT_SPOOF_PORTS_SET "spoof-ports"
#define NFT_SPOOF_MAC_SET "spoof-mac"
#define NFT_SPOOF_V4_SET "spoof-v4"
#define NFT_SPOOF_V6_SET "spoof-v6"

/*
 * Element comments: the container ID, optionally followed by " " and the container's
 * name (members sets keep it, so a changed policy can refill its groups).
 */
/** nft_comment_is() - does element comment @comment belong to container @id? */
bool nft_comment_is(const char *comment, const char *id);
/** nft_member_comment() - "@id @name", or "@id" when there is no name or no room. */
void nft_member_comment(char *buf, size_t n, const char *id, const char *name);

/* A growable list of object names, filled by nft_list_* callbacks. */
struct nft_names {
	char (*names)[NFT_OBJ_NAME_MAX];
	size_t n, cap;
};

/** nft_names_push() - append @name (truncated to NFT_OBJ_NAME_MAX). 0 or -ENOMEM. */
int nft_names_push(struct nft_names *l, const char *name);

/** nft_net_obj() - "<prefix><net><suffix>", e.g. (NFT_NET_PFX, "web", NFT_FROM_SFX). */
int nft_net_obj(char *buf, size_t n, const char *prefix, const char *net, const char *suffix);

/** nft_group_set() - "<kind><net>-<group>", e.g. (NFT_GRP4_PFX, "web", "db"). */
int nft_group_set(char *buf, size_t n, const char *kind, const char *net, const char *group);

/**
 * nft_group_of() - the <group> of a set named "<kind><net>-<group>", or NULL: another
 * kind, another network's (also "web-a"'s for "web"), or not a group name (empty, or
 * holding '-' or '.').
 */
const char *nft_group_of(const char *set, const char *kind, const char *net);

/* Which elements of a set in table inet netctl belong to one network (gc). */
enum nft_set_owner {
	NFT_OWNER_NONE,		/* not this network's set */
	NFT_OWNER_ALL,		/* a set of its own: every element */
	NFT_OWNER_BRIDGE,	/* a shared map keyed by bridge: its bridge's elements */
	NFT_OWNER_COMMENT,	/* portmap's shared maps: comment ends with " <net>" */
};
/** nft_set_owner() - how set @set of table inet netctl holds network @net's elements. */
enum nft_set_owner nft_set_owner(const char *set, const char *net);

#endif
