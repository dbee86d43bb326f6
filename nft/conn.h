/* SPDX-License-Identifier: Apache-2.0 */
/* A netlink socket to nf_tables, opened once per plugin run. */
#ifndef NETCTL_NFT_CONN_H
#define NETCTL_NFT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include "util/err.h"

struct nft_conn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	bool destroyed;		/* a batch sent here deleted something */
};

/** nft_conn_open() - open a socket with extended ACKs on. Return 0 or -errno. */
int nft_conn_open(struct nft_conn *c, struct err *err);
/**
 * nft_conn_ensure() - open @c unless it is open: a run's modules share one socket
 * that the first one to need it opens. @c starts zeroed. Return 0 or -errno.
 */
int nft_conn_ensure(struct nft_conn *c, struct err *err);
/**
 * nft_conn_close() - close it (safe on a closed or zeroed @c). After a batch that
 * deleted something, the kernel makes the closing process wait for an RCU grace
 * period (8-16 ms here); the socket's last reference is then dropped by a short-lived
 * grandchild instead, so the caller goes on at once. NETCTL_NFT_SYNC_CLOSE=1: wait.
 */
void nft_conn_close(struct nft_conn *c);

/**
 * nft_conn_query() - send one request @nlh (a get or a dump) and feed every reply to
 * @cb. Return 0, or -errno with the kernel's words in @err (@what names the request).
 */
int nft_conn_query(struct nft_conn *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		   const char *what, struct err *err);

#endif
