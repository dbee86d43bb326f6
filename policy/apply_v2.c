// SPDX-License-Identifier: Apache-2.0
/*
 * "Already applied", read from the kernel, for what a version 2 policy adds: its four
 * chains rule by rule (comment and verdict, in order) as policy_build_v2() writes them,
 * and each address group's interval sets element by element. The expected rules come
 * from the compiler itself (policy_plan_v2(): the same walk as policy_build_v2(),
 * naming each rule instead of building it), so the compare and the build cannot drift
 * apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nft/conn.h"
#include "nft/read.h"
#include "policy/apply.h"
#include "policy/compile.h"
#include "ruleset/table.h"
#include "util/array.h"
#include "util/str.h"

#define FAM NFPROTO_INET

struct want_rule {
	char chain[NFT_OBJ_NAME_MAX];
	char comment[NFT_COMMENT_MAX + 1];	/* "" for none */
	int verdict;
};

struct plan {
	struct want_rule *r;
	size_t n, cap;
	int err;
};

static void plan_cb(const char *chain, const char *comment, int verdict, void *data)
{
	struct plan *pl = data;

	if (array_grow((void **)&pl->r, &pl->cap, pl->n, sizeof(*pl->r), 64) < 0) {
		pl->err = -ENOMEM;
		return;
	}
	snprintf(pl->r[pl->n].chain, sizeof(pl->r[0].chain), "%s", chain);
	snprintf(pl->r[pl->n].comment, sizeof(pl->r[0].comment), "%s", comment ? comment : "");
	pl->r[pl->n++].verdict = verdict;
}

struct v2_cmp {
	const struct want_rule *want;	/* the chain's rules in the plan */
	size_t n, at;
	bool mismatch;
};

static int v2_rule_cb(const struct nft_rule_info *ri, void *data)
{
	struct v2_cmp *vc = data;
	const struct want_rule *w;

	if (vc->mismatch || vc->at >= vc->n) {
		vc->mismatch = true;
		return 0;
	}
	w = &vc->want[vc->at++];
	if (strcmp(ri->comment ? ri->comment : "", w->comment) || ri->verdict != w->verdict)
		vc->mismatch = true;
	return 0;
}

/* @chain's rules in the kernel against the plan's [first, first + n). */
static int chain_match(struct nft_conn *c, const struct plan *pl, const char *chain,
		       struct err *err)
{
	struct v2_cmp vc = { 0 };
	size_t i;
	int r;

	for (i = 0; i < pl->n && strcmp(pl->r[i].chain, chain); i++)
		;
	vc.want = pl->r + i;
	for (; i < pl->n && !strcmp(pl->r[i].chain, chain); i++)
		vc.n++;
	r = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
	if (r == 1)
		r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, v2_rule_cb, &vc, err);
	if (r >= 0)
		r = !vc.mismatch && vc.at == vc.n;
	return r;
}

/* An address set: start elements carry their first CIDR as comment, ends none. */
struct addr_cmp {
	const struct policy_group *g;
	struct policy_interval *iv;
	int n_iv;
	size_t starts, ends;
	bool v6, mismatch;
};

static int addr_elem_cb(const void *key, size_t key_len, const char *comment,
			const char *chain, void *data)
{
	struct addr_cmp *ac = data;
	char txt[IP_STR_MAX];
	int i, lo, hi, c;

	if (key_len != (ac->v6 ? 16u : 4u)) {
		ac->mismatch = true;
		return 0;
	}
	if (!comment || !*comment) {
		ac->ends++;
		return 0;
	}
	ac->starts++;
	/* The ranges are sorted and disjoint: find the one starting at @key. */
	lo = 0;
	hi = ac->n_iv;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		c = memcmp(ac->iv[i].lo.b, key, key_len);
		if (!c) {
			ip_prefix_format(&ac->g->cidrs[ac->iv[i].first], txt, sizeof(txt));
			if (strcmp(txt, comment))
				break;
			return 0;
		}
		if (c < 0)
			lo = i + 1;
		else
			hi = i;
	}
	ac->mismatch = true;
	return 0;
}

int policy_v2_addr_state(struct nft_conn *c, const struct policy *p, const char *net,
			   bool *ok, struct err *err)
{
	char set[NFT_OBJ_NAME_MAX];
	size_t g, want_ends;
	int v6, r, i;

	for (g = 0; g < p->n_groups; g++) {
		if (!p->groups[g].n_cidrs)
			continue;
		for (v6 = 0; v6 < 2; v6++) {
			struct addr_cmp ac = { .g = &p->groups[g], .v6 = v6 };

			ac.n_iv = policy_intervals(ac.g, v6, &ac.iv);
			if (ac.n_iv < 0)
				return -ENOMEM;
			policy_addr_set_name(set, sizeof(set), net, ac.g->name, v6);
			r = nft_list_elems(c, FAM, NFT_TABLE, set, addr_elem_cb, &ac, err);
			for (i = 0, want_ends = 0; i < ac.n_iv; i++) {
				struct ip_addr top = ip_addr_add(&ac.iv[i].hi, 1);

				want_ends += ip_addr_cmp(&top, &ac.iv[i].hi) > 0;
			}
			free(ac.iv);
			if (r < 0)
				return r;
			ok[g * 2 + v6] = !ac.mismatch && ac.starts == (size_t)ac.n_iv &&
					 ac.ends == want_ends;
		}
	}
	return 0;
}

int policy_v2_rules_hold(struct nft_conn *c, const struct policy *p, const char *net,
			 struct err *err)
{
	static const char *const suffixes[] = { NFT_POLICY_SFX, NFT_HOSTPOL_SFX,
						NFT_EGRESS_SFX, NFT_PUBSRC_SFX };
	char chain[NFT_OBJ_NAME_MAX];
	struct plan pl = { 0 };
	size_t i;
	int r;

	r = policy_plan_v2(p, net, plan_cb, &pl);
	if (r == 0)
		r = pl.err ? pl.err : 1;
	for (i = 0; r == 1 && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, suffixes[i]) < 0)
			r = -EINVAL;
		else
			r = chain_match(c, &pl, chain, err);
	}
	free(pl.r);
	return r;
}

static const char *const v2_only[] = { NFT_EGRESS_SFX, NFT_PUBSRC_SFX };

static int count_cb(uint64_t handle, const char *comment, void *data)
{
	(*(size_t *)data)++;
	return 0;
}

int policy_v1_leftovers(struct nft_conn *c, const char *net, struct err *err)
{
	char chain[NFT_OBJ_NAME_MAX];
	size_t i, rules;
	int r, mask = 0;

	for (i = 0; i < 2; i++) {
		rules = 0;
		if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, v2_only[i]) < 0)
			return -EINVAL;
		r = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
		if (r == 1)
			r = nft_list_rules(c, FAM, NFT_TABLE, chain, count_cb, &rules, err);
		if (r < 0)
			return r;
		mask |= rules ? 1 << i : 0;
	}
	return mask;
}

void policy_v1_flush(struct nft_batch *b, const char *net, int mask)
{
	char chain[NFT_OBJ_NAME_MAX];
	size_t i;

	for (i = 0; i < 2; i++)
		if (mask & (1 << i) &&
		    nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, v2_only[i]) == 0)
			nft_batch_flush_chain(b, FAM, NFT_TABLE, chain);
}
