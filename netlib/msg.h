/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rtnetlink messages as pure functions: builders fill a caller's buffer (at least
 * NETLIB_MSG_MAX bytes) and return the message header; parsers turn a kernel message
 * into plain structs. Nothing here touches a socket, so all of it is unit-testable.
 * Sequence numbers are left 0: netlib_request() stamps them when it sends.
 */
#ifndef NETCTL_NETLIB_MSG_H
#define NETCTL_NETLIB_MSG_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "util/ip.h"

#define NETLIB_MSG_MAX 4096

/* A tri-state for flags a request may set, clear, or leave alone. */
enum netlib_tri { NETLIB_KEEP = 0, NETLIB_OFF, NETLIB_ON };

struct netlib_link_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
};

/* What we learn from an RTM_NEWLINK message. */
struct netlib_link {
	int index;
	char name[IFNAMSIZ];
	char kind[16];			/* IFLA_INFO_KIND: "veth", "bridge", "" */
	unsigned flags;			/* IFF_UP, IFF_PROMISC, ... */
	unsigned mtu;
	unsigned txqlen;		/* IFLA_TXQLEN */
	uint8_t mac[6];
	bool has_mac;
	int master;			/* 0 = none */
	int link;			/* IFLA_LINK: a veth's peer index (in its netns) */
	uint8_t operstate;
	char alias[128];		/* IFLA_IFALIAS, "" = none (or longer than this) */
	bool has_stats;
	struct netlib_link_stats stats;
};

/* Creating a link. Zero values mean "kernel default". */
struct netlib_link_new {
	const char *name;
	const char *kind;		/* "bridge", "veth", "dummy" */
	unsigned mtu;
	const uint8_t *mac;		/* 6 bytes or NULL */
	bool vlan_filtering;		/* bridge only: IFLA_BR_VLAN_FILTERING */
	int master;			/* > 0: enslaved to this ifindex at birth */
	/* veth only: the peer */
	const char *peer_name;
	int peer_netns_fd;		/* -1 = same netns */
	unsigned peer_mtu;
	const uint8_t *peer_mac;
};

/* Changing a link (RTM_NEWLINK on an existing index, so unset fields stay). */
struct netlib_link_set {
	enum netlib_tri up;
	enum netlib_tri promisc;
	enum netlib_tri allmulti;
	unsigned mtu;			/* 0 = keep */
	bool set_txqlen;		/* txqlen: 0 is a length, so a flag says "set" */
	unsigned txqlen;
	const uint8_t *mac;		/* NULL = keep */
	int master;			/* -1 = keep, 0 = no master, >0 = bridge index */
	int netns_fd;			/* -1 = keep */
	const char *alias;		/* IFLA_IFALIAS (< 128 bytes), NULL = keep; the
					 * kernel ignores it when creating a link */
};

/* Bridge port flags (IFLA_PROTINFO in an AF_BRIDGE RTM_SETLINK). */
struct netlib_brport {
	enum netlib_tri hairpin;	/* IFLA_BRPORT_MODE */
	enum netlib_tri isolated;	/* IFLA_BRPORT_ISOLATED */
	enum netlib_tri learning;	/* IFLA_BRPORT_LEARNING */
};

struct netlib_addr {
	int index;
	struct ip_prefix prefix;	/* the address with its prefix length */
	uint32_t flags;			/* IFA_F_* */
	uint8_t scope;
};

struct netlib_route {
	struct ip_prefix dst;		/* len 0 = default route */
	bool has_gw;
	struct ip_addr gw;
	int oif;			/* 0 = none */
	uint32_t table;			/* 0 = main */
	uint32_t priority;		/* 0 = none */
	uint8_t scope;			/* RT_SCOPE_UNIVERSE unless set */
	uint8_t protocol;		/* RTPROT_BOOT unless set (kept when parsing) */
	uint8_t type;			/* RTN_UNICAST unless set */
};

/** netlib_parse_mac() - "aa:bb:cc:dd:ee:ff" into 6 bytes. Return 0 or -EINVAL. */
int netlib_parse_mac(const char *s, uint8_t mac[6]);
/** netlib_format_mac() - 6 bytes as "aa:bb:cc:dd:ee:ff" (18 bytes of @buf). */
void netlib_format_mac(const uint8_t mac[6], char *buf, size_t n);

/**
 * netlib_msg_link_new() - RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK.
 * A veth's peer goes into IFLA_INFO_DATA/VETH_INFO_PEER, with IFLA_NET_NS_FD when the
 * peer belongs in another netns (so it is born there, under its final name).
 * Return: the message, or NULL when a name is too long or the buffer too small.
 */
struct nlmsghdr *netlib_msg_link_new(void *buf, size_t size, const struct netlib_link_new *ln);
/** netlib_msg_link_set() - RTM_NEWLINK (no create) changing link @index. */
struct nlmsghdr *netlib_msg_link_set(void *buf, size_t size, int index,
				     const struct netlib_link_set *ls);
/** netlib_msg_link_del() - RTM_DELLINK by @index, or by @name when @index is 0. */
struct nlmsghdr *netlib_msg_link_del(void *buf, size_t size, int index, const char *name);
/** netlib_msg_link_get() - RTM_GETLINK by @index, or by @name when @index is 0. */
struct nlmsghdr *netlib_msg_link_get(void *buf, size_t size, int index, const char *name);
/** netlib_msg_link_dump() - RTM_GETLINK dump of every link. */
struct nlmsghdr *netlib_msg_link_dump(void *buf, size_t size);
/** netlib_msg_brport() - AF_BRIDGE RTM_SETLINK with IFLA_PROTINFO port flags. */
struct nlmsghdr *netlib_msg_brport(void *buf, size_t size, int index,
				   const struct netlib_brport *bp);
/**
 * netlib_msg_bridge_vlan() - add (@add: RTM_SETLINK) or remove (RTM_DELLINK) VLAN @vid
 * on bridge port @index, AF_BRIDGE with IFLA_AF_SPEC/IFLA_BRIDGE_VLAN_INFO; @flags are
 * BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED or 0.
 */
struct nlmsghdr *netlib_msg_bridge_vlan(void *buf, size_t size, int index, uint16_t vid,
					uint16_t flags, bool add);
/**
 * netlib_msg_addr() - RTM_NEWADDR (@add, with CREATE|EXCL) or RTM_DELADDR.
 * IFA_FLAGS carries @a->flags (e.g. IFA_F_NODAD); v4 gets IFA_BROADCAST when the
 * prefix leaves room for one, as `ip addr add ... brd +` would.
 */
struct nlmsghdr *netlib_msg_addr(void *buf, size_t size, bool add, const struct netlib_addr *a);
/**
 * netlib_msg_addr_dump() - RTM_GETADDR dump of family @family (AF_UNSPEC = both), of
 * link @index only (0: every link). The kernel filters by index on a socket with
 * NETLINK_GET_STRICT_CHK (netlib's are), so the cost does not grow with the links.
 */
struct nlmsghdr *netlib_msg_addr_dump(void *buf, size_t size, int family, int index);
/** netlib_msg_route() - RTM_NEWROUTE (@add, CREATE|EXCL) or RTM_DELROUTE. */
struct nlmsghdr *netlib_msg_route(void *buf, size_t size, bool add,
				  const struct netlib_route *rt);
/**
 * netlib_msg_neigh_proxy() - RTM_NEWNEIGH (@add, CREATE|REPLACE) or RTM_DELNEIGH of a
 * proxy entry (NTF_PROXY) for @addr on link @index: the kernel then answers ARP/NDP
 * for @addr there (IPv6 needs proxy_ndp on the link).
 */
struct nlmsghdr *netlib_msg_neigh_proxy(void *buf, size_t size, bool add, int index,
					const struct ip_addr *addr);
/** netlib_msg_route_dump() - RTM_GETROUTE dump of family @family. */
struct nlmsghdr *netlib_msg_route_dump(void *buf, size_t size, int family);

/** netlib_parse_link() - an RTM_NEWLINK message into @out. Return 0 or -EINVAL. */
int netlib_parse_link(const struct nlmsghdr *nlh, struct netlib_link *out);
/** netlib_parse_addr() - an RTM_NEWADDR message into @out. Return 0 or -EINVAL. */
int netlib_parse_addr(const struct nlmsghdr *nlh, struct netlib_addr *out);
/**
 * netlib_parse_route() - an RTM_NEWROUTE message into @out. Return 0, -EINVAL, or
 * -ENOTSUP for routes with several next hops (we never create those).
 */
int netlib_parse_route(const struct nlmsghdr *nlh, struct netlib_route *out);

#endif
