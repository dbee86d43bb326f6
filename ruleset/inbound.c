// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include "ruleset/inbound.h"
#include "ruleset/table.h"
#include "nft/read.h"
#include "util/str.h"

#define FAM NFPROTO_INET
#define PRIO_FILTER_MINUS_10 (-10)
#define MAX_DUPS 8

/* "net:NET published-only": netctl rm (nft_netctl_net_remove) finds it by "net:NET". */
static int rule_tag(char *buf, size_t n, const char *net)
{
	return nft_net_obj(buf, n, "net:", net, " " NFT_INBOUND_CHAIN);
}

struct found {
	char tag[NFT_OBJ_NAME_MAX];
	uint64_t handles[MAX_DUPS];
	size_t n;
};

static int find_cb(uint64_t handle, const char *comment, void *data)
{
	struct found *f = data;

	/* Two racing first ADDs may both add it: every copy is counted (and removed). */
	if (comment && !strcmp(comment, f->tag) && f->n < MAX_DUPS)
		f->handles[f->n++] = handle;
	return 0;
}

/* Every copy of @net's rule in the inbound chain, into @f (and its tag). */
static int find_rules(struct nft_conn *c, const char *net, struct found *f, struct err *err)
{
	int r;

	if (rule_tag(f->tag, sizeof(f->tag), net) < 0)
		return err_detail(err, -EINVAL, "network name \"%s\" cannot name nftables objects",
				  net);
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	return nft_list_rules(c, FAM, NFT_TABLE, NFT_INBOUND_CHAIN, find_cb, f, err);
}

static void build_rule(struct nft_batch *b, const char *bridge, const char *tag)
{
	struct nft_rule_b rb;

	nft_batch_table(b, true, FAM, NFT_TABLE);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_INBOUND_CHAIN,
			NF_INET_FORWARD, "filter", PRIO_FILTER_MINUS_10);
	nft_rb_init(&rb, NFT_INBOUND_CHAIN);
	nft_rb_ifname(&rb, true, bridge, false);
	nft_rb_ifname(&rb, false, bridge, true);
	nft_rb_ct_state_none(&rb, NFT_CT_EST | NFT_CT_REL);
	nft_rb_ct_status_none(&rb, IPS_DST_NAT);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_DROP, NULL);
	nft_rb_comment(&rb, tag);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

int nft_inbound_apply(struct nft_conn *c, const char *net, const char *bridge, bool routed,
		      struct err *err)
{
	struct found f = { 0 };
	struct nft_batch b;
	size_t i;
	int r;

	/* One small dump (a rule per masquerading network), then nothing or one batch. */
	r = find_rules(c, net, &f, err);
	if (r < 0 || (routed ? f.n == 0 : f.n > 0))
		goto out;
	nft_batch_begin(&b, c);
	if (routed)
		for (i = 0; i < f.n; i++)
			nft_batch_del_rule(&b, FAM, NFT_TABLE, NFT_INBOUND_CHAIN, f.handles[i]);
	else
		build_rule(&b, bridge, f.tag);
	r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
out:
	return r < 0 ? r : 0;
}

int nft_inbound_check(struct nft_conn *c, const char *net, struct err *err)
{
	struct found f = { 0 };
	int r;

	r = find_rules(c, net, &f, err);
	if (r < 0)
		return r;
	if (!f.n)
		err_detail(err, -ENOENT, "chain inet netctl %s has no rule \"%s\"",
			   NFT_INBOUND_CHAIN, f.tag);
	return f.n > 0;
}
