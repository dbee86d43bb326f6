/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nftnl object kinds netctl puts in messages, so that batch.c (NEW and DEL) and
 * read.c (GET) handle every kind with one routine, as nftables' src/mnl.c does: make
 * one naming its table, write it as a message's payload, free it.
 */
#ifndef NETCTL_NFT_KIND_H
#define NETCTL_NFT_KIND_H

#include <linux/netlink.h>

enum nft_kind {
	NFT_KIND_TABLE,
	NFT_KIND_CHAIN,
	NFT_KIND_SET,
	NFT_KIND_ELEMS,	/* a set's elements: a set object whose element list is the payload */
	NFT_KIND_RULE,
};

/*
 * nft_obj_new() - a new object of @table, named @name when not NULL (for elements and
 * rules, @name is their set's or chain's). NULL without memory.
 */
void *nft_obj_new(enum nft_kind k, const char *table, const char *name);
/** nft_obj_put() - @obj written as @nlh's payload, then freed. */
void nft_obj_put(enum nft_kind k, struct nlmsghdr *nlh, void *obj);
void nft_obj_free(enum nft_kind k, void *obj);

#endif
