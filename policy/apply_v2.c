// SPDX-License-Identifier: Apache-2.0
/*
 * "Already applied", read from the kernel, for what a version 2 policy adds: its four
 * chains rule by rule (comment and verdict, in order) as policy_build_v2() writes them,
 * and each address group's interval sets element by element. The expected rules are
 * taken from the very batch policy_build_v2() makes, so the compare and the build can
 * never drift apart.
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
#include "util/str.h"

#define FAM NFPROTO_INET

struct want_rule {
	char comment[NFT_COMMENT_MAX + 1];	/* "" for none */
	int verdict;
};

/* One op text "add rule inet netctl CHAIN WORDS... VERDICT [comment "C"]" of @chain. */
static bool parse_op(const char *what, const char *chain, struct want_rule *w)
{
	char pfx[NFT_OBJ_NAME_MAX + 32];
	const char *s, *c, *v;
	size_t len;

	snprintf(pfx, sizeof(pfx), "add rule inet %s %s ", NFT_TABLE, chain);
	if (!str_has_prefix(what, pfx))
		return false;
	s = what + strlen(pfx);
	c = strstr(s, " comment \"");
	len = c ? (size_t)(c - s) : strlen(s);
	w->comment[0] = '\0';
	if (c)
		snprintf(w->comment, sizeof(w->comment), "%.*s", (int)strlen(c + 10) - 1, c + 10);
	for (v = s + len; v > s && v[-1] != ' '; v--)
		;
	len -= (size_t)(v - s);
	w->verdict = !strncmp(v, "accept", len) ? NF_ACCEPT : !strncmp(v, "drop", len) ?
		     NF_DROP : !strncmp(v, "return", len) ? NFT_RETURN : -1000;
	return true;
}

struct v2_cmp {
	struct want_rule *want;
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

static int chain_match(struct nft_conn *c, const struct nft_batch *b, const char *chain,
		       char *errbuf, size_t n)
{
	struct v2_cmp vc = { 0 };
	const struct nft_batch_op *ops;
	size_t n_ops, i;
	int r;

	ops = nft_batch_ops(b, &n_ops);
	vc.want = calloc(n_ops + 1, sizeof(*vc.want));
	if (!vc.want)
		return -ENOMEM;
	for (i = 0; i < n_ops; i++)
		if (parse_op(ops[i].what, chain, &vc.want[vc.n]))
			vc.n++;
	r = nft_chain_exists(c, FAM, NFT_TABLE, chain, errbuf, n);
	if (r == 1)
		r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, v2_rule_cb, &vc, errbuf, n);
	if (r >= 0)
		r = !vc.mismatch && vc.at == vc.n;
	free(vc.want);
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
			   bool *ok, char *errbuf, size_t n)
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
			r = nft_list_elems(c, FAM, NFT_TABLE, set, addr_elem_cb, &ac, errbuf, n);
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
			 char *errbuf, size_t n)
{
	static const char *const suffixes[] = { NFT_POLICY_SFX, NFT_HOSTPOL_SFX, NFT_EGRESS_SFX,
						NFT_PUBSRC_SFX };
	char chain[NFT_OBJ_NAME_MAX];
	struct nft_conn offline = { 0 };	/* the batch is compared, never sent */
	struct nft_batch b;
	size_t i;
	int r = 1;

	nft_batch_begin(&b, &offline);
	policy_build_v2(&b, p, net, NULL, 0, NULL);
	if (b.err)
		r = b.err;
	for (i = 0; r == 1 && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, suffixes[i]) < 0)
			r = -EINVAL;
		else
			r = chain_match(c, &b, chain, errbuf, n);
	}
	nft_batch_free(&b);
	return r;
}

static const char *const v2_only[] = { NFT_EGRESS_SFX, NFT_PUBSRC_SFX };

static int count_cb(uint64_t handle, const char *comment, void *data)
{
	(*(size_t *)data)++;
	return 0;
}

int policy_v1_leftovers(struct nft_conn *c, const char *net, char *errbuf, size_t n)
{
	char chain[NFT_OBJ_NAME_MAX];
	size_t i, rules;
	int r, mask = 0;

	for (i = 0; i < 2; i++) {
		rules = 0;
		if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, v2_only[i]) < 0)
			return -EINVAL;
		r = nft_chain_exists(c, FAM, NFT_TABLE, chain, errbuf, n);
		if (r == 1)
			r = nft_list_rules(c, FAM, NFT_TABLE, chain, count_cb, &rules, errbuf, n);
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
