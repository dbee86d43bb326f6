/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A netlink extended ACK (NETLINK_EXT_ACK), read once for both kernel-access layers:
 * rtnetlink (netlib/sock.c) and nf_tables (nft/conn.c).
 */
#ifndef NETCTL_UTIL_NLACK_H
#define NETCTL_UTIL_NLACK_H

struct nlmsghdr;

struct nl_ack {
	const char *msg;	/* NLMSGERR_ATTR_MSG, the kernel's words; NULL: none */
	int bad_attr;		/* the type of the attribute NLMSGERR_ATTR_OFFS points at,
				 * -1: none (or the request was not echoed: a capped ACK) */
};

/**
 * nl_ack_parse() - what the kernel said in the NLMSG_ERROR @nlh. Every length is
 * checked against @nlh->nlmsg_len; a message of another type gives { NULL, -1 }. Pure.
 */
struct nl_ack nl_ack_parse(const struct nlmsghdr *nlh);

#endif
