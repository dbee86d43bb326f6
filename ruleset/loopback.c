// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "ruleset/loopback.h"
#include "ruleset/names.h"
#include "nft/read.h"

#define FAM NFPROTO_INET
#define PRIO_RAW (-300)

void nft_lo_build(struct nft_batch *b)
{
	static const struct { int family; bool src; const char *comment; } r[NFT_LO_RULES] = {
		{ AF_INET, false, "loopback: to 127.0.0.0/8" },
		{ AF_INET, true, "loopback: from 127.0.0.0/8" },
		{ AF_INET6, false, "loopback: to ::1" },
		{ AF_INET6, true, "loopback: from ::1" },
	};
	struct ip_prefix lo4 = { .addr = { .family = AF_INET, .b = { 127 } }, .len = 8 };
	struct ip_prefix lo6 = { .addr = { .family = AF_INET6 }, .len = 128 };
	struct nft_rule_b rb;
	size_t i;

	lo6.addr.b[15] = 1;
	nft_batch_table(b, true, FAM, NFT_TABLE);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_LO_CHAIN,
			NF_INET_PRE_ROUTING, "filter", PRIO_RAW);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, NFT_LO_CHAIN);
	for (i = 0; i < NFT_LO_RULES; i++) {
		nft_rb_init(&rb, NFT_LO_CHAIN);
		/* The address first: most packets fail it and skip the name compare. */
		nft_rb_prefix(&rb, r[i].src, r[i].family == AF_INET ? &lo4 : &lo6, false);
		nft_rb_ifname(&rb, false, "lo", true);
		nft_rb_counter(&rb);
		nft_rb_verdict(&rb, NF_DROP, NULL);
		nft_rb_comment(&rb, r[i].comment);
		nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	}
}

static int count_cb(uint64_t handle, const char *comment, void *data)
{
	(*(int *)data)++;
	return 0;
}

int nft_lo_check(struct nft_conn *c, struct err *err)
{
	int rules = 0, r;

	r = nft_list_rules(c, FAM, NFT_TABLE, NFT_LO_CHAIN, count_cb, &rules, err);
	if (r < 0)
		return r;
	if (rules < NFT_LO_RULES)
		return err_detail(err, -ENOENT,
				  "chain inet netctl %s has %d of its %d loopback rules",
				  NFT_LO_CHAIN, rules, NFT_LO_RULES);
	return 0;
}
