/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading NFLOG (nfnetlink_log) messages over NETLINK_NETFILTER with libmnl: the
 * packets nftables' `log group N` rules hand to userspace. The kernel keeps no
 * history: a message is only delivered while someone has the group bound.
 */
#ifndef NETCTL_NFT_NFLOG_H
#define NETCTL_NFT_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"
#include "util/err.h"

struct mnl_socket;

struct nft_nflog {
	struct mnl_socket *nl;
	uint16_t group;
	uint32_t seq;
};

/* One logged packet, its L3/L4 header decoded. */
struct nft_log_entry {
	char prefix[129];		/* the rule's log prefix */
	struct ip_addr saddr, daddr;
	uint8_t proto;			/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, ... */
	uint16_t sport, dport;		/* 0 for ICMP; dport: the ICMP type there */
	uint32_t indev, outdev;		/* ifindex, 0 when none */
	uint64_t time_ns;		/* the kernel's timestamp, 0 without one */
};

/**
 * nft_nflog_open() - bind NFLOG group @group, copying the first bytes of each packet
 * (enough for its IP and transport headers). Return 0, or -errno (-EBUSY: another
 * listener holds the group) with the reason in @err.
 */
int nft_nflog_open(struct nft_nflog *l, uint16_t group, struct err *err);

typedef int (*nft_nflog_cb)(const struct nft_log_entry *e, void *data);

/**
 * nft_nflog_read() - wait up to @timeout_ms (-1: forever) for messages, give each to
 * @cb (a non-zero return stops and is returned). Return 0 on timeout, 1 after one
 * read's messages, the callback's value, or -errno.
 */
int nft_nflog_read(struct nft_nflog *l, int timeout_ms, nft_nflog_cb cb, void *data,
		   struct err *err);
void nft_nflog_close(struct nft_nflog *l);

/** nft_log_parse() - decode one NFULNL_MSG_PACKET (for tests). 0 or -EINVAL. */
int nft_log_parse(const void *nlh, struct nft_log_entry *e);

#endif
