// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nft/conn.h"
#include "ruleset/table.h"
#include "nft/read.h"
#include "policy/apply.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "util/array.h"
#include "util/str.h"

#define FAM NFPROTO_INET
#define MAX_STALE 1024

/* What the kernel holds of the network's policy objects, read under its lock. */
struct kpol {
	const struct policy *p;
	const char *net;
	char mark[NFT_OBJ_NAME_MAX];
	char (*names)[160];		/* stale: other marks, group sets @p does not have */
	size_t n;
	bool mark_found;
	bool *have_set;			/* [group * 2 + v6]: the group's set exists */
	bool *have_addr;		/* [group * 2 + v6]: its address set (v2) exists */
	bool *addr_ok;			/* [group * 2 + v6]: and holds its ranges (apply only) */
};

static int add_stale(struct kpol *s, const char *name)
{
	if (s->n == MAX_STALE)
		return -E2BIG;
	snprintf(s->names[s->n++], 160, "%s", name);
	return 0;
}

/* Address sets (v2): the policy's own, and any other (of a group gone, or without
 * CIDRs now, or under a version 1 policy) is stale. */
static int addr_set_cb(struct kpol *s, const char *name)
{
	int v6, g;

	for (v6 = 0; v6 < 2; v6++) {
		const char *rest = nft_group_of(name, v6 ? NFT_ADDR6_PFX : NFT_ADDR4_PFX, s->net);

		if (!rest)
			continue;
		g = policy_group_index(s->p, rest);
		if (g < 0 || s->p->version < 2 || !s->p->groups[g].n_cidrs)
			return add_stale(s, name);
		s->have_addr[g * 2 + v6] = true;
	}
	return 0;
}

/* Group sets of this network: the policy's own, and the ones it no longer has. */
static int set_cb(const char *name, void *data)
{
	struct kpol *s = data;
	char pfx[NFT_OBJ_NAME_MAX];
	int v6, g;

	if (str_has_prefix(name, NFT_ADDR4_PFX) || str_has_prefix(name, NFT_ADDR6_PFX))
		return addr_set_cb(s, name);
	/* A version 2 policy's drop counts: stale under version 1. */
	for (v6 = 0; v6 < 2; v6++) {
		nft_net_obj(pfx, sizeof(pfx), v6 ? NFT_DROPS6_PFX : NFT_DROPS4_PFX, s->net, "");
		if (!strcmp(name, pfx))
			return s->p->version < 2 ? add_stale(s, name) : 0;
	}
	for (v6 = 0; v6 < 2; v6++) {
		const char *rest = nft_group_of(name, v6 ? NFT_GRP6_PFX : NFT_GRP4_PFX, s->net);

		if (!rest)
			continue;
		g = policy_group_index(s->p, rest);
		if (g < 0)
			return add_stale(s, name);
		s->have_set[g * 2 + v6] = true;
	}
	return 0;
}

/* Marks: ours is kept, any other is stale (two marks must never stay). */
static int chain_cb(const char *name, void *data)
{
	struct kpol *s = data;
	const char *hash = nft_group_of(name, NFT_POL_PFX, s->net);

	if (!hash || strlen(hash) != 16)
		return 0;
	if (!strcmp(name, s->mark)) {
		s->mark_found = true;
		return 0;
	}
	return add_stale(s, name);
}

/*
 * net-<net>-policy compared rule by rule with what policy_build() writes: per allow
 * entry, IPv4 then IPv6, a rule per port, each with its comment; then the final rule.
 * With @host, net-<net>-hostpol: the "to": "host" entries the same way (whatever icc
 * says), no final rule.
 */
struct rules_cmp {
	const struct policy *p;
	bool host;
	size_t i, k;
	int v6;
	bool final_done, mismatch;
};

static bool next_expected(struct rules_cmp *rc, char *buf, size_t n, int *verdict)
{
	const struct policy *p = rc->p;

	while ((rc->host || !p->icc) && rc->i < p->n_rules) {
		size_t np = p->rules[rc->i].n_ports ? p->rules[rc->i].n_ports : 1;

		if (policy_rule_is_host(p, rc->i) == rc->host && rc->k < np) {
			policy_rule_comment(buf, n, p, rc->i, rc->k++);
			*verdict = NF_ACCEPT;
			return true;
		}
		rc->k = 0;
		if (policy_rule_is_host(p, rc->i) == rc->host && rc->v6++ == 0)
			continue;
		rc->v6 = 0;
		rc->i++;
	}
	if (rc->final_done)
		return false;
	rc->final_done = true;
	if (rc->host)
		return false;
	snprintf(buf, n, "%s", p->icc ? POLICY_ICC_ACCEPT : POLICY_FINAL_DROP);
	*verdict = p->icc ? NF_ACCEPT : NF_DROP;
	return true;
}

static int rule_cb(const struct nft_rule_info *ri, void *data)
{
	struct rules_cmp *rc = data;
	char want[POLICY_TEXT_MAX + 16];
	int verdict;

	if (rc->mismatch)
		return 0;
	if (!next_expected(rc, want, sizeof(want), &verdict) || !ri->comment ||
	    strcmp(ri->comment, want) || ri->verdict != verdict)
		rc->mismatch = true;
	return 0;
}

struct member {
	uint8_t key[16];
	size_t key_len;
	char id[160];
	char name[160];
};

struct members {
	struct member *m;
	size_t n, cap;
	bool read;
};

/* Members whose comment carries a name ("ID NAME"): the ones groups can match. */
static int member_cb(const void *key, size_t key_len, const char *comment,
		     const char *chain, void *data)
{
	struct members *l = data;
	const char *sp = comment ? strchr(comment, ' ') : NULL;
	struct member *m;

	if (!sp || (key_len != 4 && key_len != 16))
		return 0;
	if (array_grow((void **)&l->m, &l->cap, l->n, sizeof(*l->m), 64) < 0)
		return -ENOMEM;
	m = &l->m[l->n++];
	memcpy(m->key, key, key_len);
	m->key_len = key_len;
	snprintf(m->id, sizeof(m->id), "%.*s", (int)(sp - comment), comment);
	snprintf(m->name, sizeof(m->name), "%s", sp + 1);
	return 0;
}

static int member_key_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return memcmp(x->key, y->key, x->key_len);
}

/* members-<net> and members6-<net>, sorted by address. */
static int read_members(struct nft_conn *c, const char *net, struct members *mem,
			struct err *err)
{
	char m4[NFT_OBJ_NAME_MAX], m6[NFT_OBJ_NAME_MAX];
	int r;

	nft_net_obj(m4, sizeof(m4), NFT_MEMBERS4_PFX, net, "");
	nft_net_obj(m6, sizeof(m6), NFT_MEMBERS6_PFX, net, "");
	r = nft_list_elems(c, FAM, NFT_TABLE, m4, member_cb, mem, err);
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, m6, member_cb, mem, err);
	if (r >= 0 && mem->n)
		qsort(mem->m, mem->n, sizeof(*mem->m), member_key_cmp);
	mem->read = r >= 0;
	return r;
}

/* Does member @m belong in group @g's set for its family? */
static bool in_group(const struct policy *p, size_t g, const struct member *m)
{
	return policy_match(p, g, m->name);
}

/* Refill every group set from the members' names: one more part of the same batch. */
static void build_refill(struct nft_batch *b, const struct policy *p, const char *net,
			 const struct members *l)
{
	char set[NFT_OBJ_NAME_MAX];
	size_t g, i;
	int v6;

	for (g = 0; g < p->n_groups; g++) {
		for (v6 = 0; v6 < 2; v6++) {
			policy_set_name(set, sizeof(set), net, p->groups[g].name, v6);
			nft_batch_flush_set(b, FAM, NFT_TABLE, set);
			for (i = 0; i < l->n; i++) {
				struct nft_elem e = { .key = l->m[i].key,
						      .key_len = l->m[i].key_len,
						      .verdict = NFT_CONTINUE,
						      .comment = l->m[i].id };

				if ((l->m[i].key_len == 16) != v6 || !in_group(p, g, &l->m[i]))
					continue;
				nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, set, &e, 1);
			}
		}
	}
}

/* One group set against the members: exactly the matching ones, with their IDs. */
struct grp_cmp {
	const struct policy *p;
	const struct members *mem;
	size_t g, n;
	bool mismatch;
};

static int grp_elem_cb(const void *key, size_t key_len, const char *comment,
		       const char *chain, void *data)
{
	struct grp_cmp *gc = data;
	struct member k = { .key_len = key_len }, *m;

	gc->n++;
	if (key_len > sizeof(k.key)) {
		gc->mismatch = true;
		return 0;
	}
	memcpy(k.key, key, key_len);
	m = gc->mem->n ? bsearch(&k, gc->mem->m, gc->mem->n, sizeof(k), member_key_cmp) : NULL;
	/* A left container's address, even one a new member holds now, is a mismatch. */
	if (!m || !in_group(gc->p, gc->g, m) || !comment || strcmp(comment, m->id))
		gc->mismatch = true;
	return 0;
}

static int groups_match(struct nft_conn *c, const struct policy *p, const char *net,
			const struct members *mem, struct err *err)
{
	char set[NFT_OBJ_NAME_MAX];
	size_t g, i, want;
	int v6, r;

	for (g = 0; g < p->n_groups; g++) {
		for (v6 = 0; v6 < 2; v6++) {
			struct grp_cmp gc = { .p = p, .mem = mem, .g = g };

			for (i = 0, want = 0; i < mem->n; i++)
				if ((mem->m[i].key_len == 16) == v6 && in_group(p, g, &mem->m[i]))
					want++;
			policy_set_name(set, sizeof(set), net, p->groups[g].name, v6);
			r = nft_list_elems(c, FAM, NFT_TABLE, set, grp_elem_cb, &gc, err);
			if (r < 0)
				return r;
			if (gc.mismatch || gc.n != want)
				return 0;
		}
	}
	return 1;
}

/*
 * Does the kernel hold exactly @p: its mark and no other, its rules in order, every
 * group set and no stale one (and with @members, each group exactly its members)?
 * Fills @s (stale objects) and, with @members, @mem for the apply that follows.
 */
/* Do @chain's rules (@host: net-<net>-hostpol's) match @p? 1 yes, 0 no, or -errno. */
static int rules_match(struct nft_conn *c, const struct policy *p, const char *chain, bool host,
		       struct err *err)
{
	struct rules_cmp rc = { .p = p, .host = host };
	char want[POLICY_TEXT_MAX + 16];
	int verdict, r;

	r = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
	if (r <= 0)
		return r;
	r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, rule_cb, &rc, err);
	if (r < 0)
		return r;
	/* Every expected rule seen, none left over. */
	return !rc.mismatch && !next_expected(&rc, want, sizeof(want), &verdict) &&
	       rc.final_done;
}

static int kernel_holds(struct nft_conn *c, struct kpol *s, const char *chain, bool members,
			struct members *mem, struct err *err)
{
	char hostpol[NFT_OBJ_NAME_MAX];
	size_t g;
	int r;

	if (nft_net_obj(hostpol, sizeof(hostpol), NFT_NET_PFX, s->net, NFT_HOSTPOL_SFX) < 0)
		return -EINVAL;
	r = nft_list_chains(c, FAM, NFT_TABLE, chain_cb, s, err);
	if (r >= 0)
		r = nft_list_sets(c, FAM, NFT_TABLE, set_cb, s, err);
	/* v2 apply: address sets read whatever else differs, so the sets that hold
	 * their ranges already are kept (they are large: see policy_build_v2()). */
	if (r >= 0 && members && s->p->version >= 2)
		r = policy_v2_addr_state(c, s->p, s->net, s->addr_ok, err);
	if (r < 0)
		return r;
	if (!s->mark_found || s->n)
		return 0;
	if (s->p->version >= 2) {
		r = policy_v2_rules_hold(c, s->p, s->net, err);
		for (g = 0; r == 1 && members && g < s->p->n_groups * 2; g++)
			if (s->p->groups[g / 2].n_cidrs && !s->addr_ok[g])
				r = 0;
	} else {
		r = rules_match(c, s->p, chain, false, err);
		if (r == 1)
			r = rules_match(c, s->p, hostpol, true, err);
		/* A version 2 policy's egress or pubsrc rules left: not this policy. */
		if (r == 1)
			r = policy_v1_leftovers(c, s->net, err) == 0;
	}
	if (r <= 0)
		return r;
	for (g = 0; g < s->p->n_groups * 2; g++)
		if (!s->have_set[g] || (s->p->groups[g / 2].n_cidrs && !s->have_addr[g]))
			return 0;
	if (!members)
		return 1;
	r = read_members(c, s->net, mem, err);
	return r < 0 ? r : groups_match(c, s->p, s->net, mem, err);
}

/*
 * The whole policy again unless the kernel holds it already (or FORCE), groups
 * refilled from members-<net>. Return 1 when sent, 0 when it was in place, or -errno.
 */
static int apply(struct nft_conn *c, struct kpol *s, const char *chain, unsigned flags,
		 struct members *mem, struct err *err)
{
	const struct policy *p = s->p;
	struct nft_batch b;
	int r, leftovers = 0;

	r = kernel_holds(c, s, chain, flags & POLICY_APPLY_MEMBERS, mem, err);
	if (r < 0)
		return r;
	if (r == 1 && !(flags & POLICY_APPLY_FORCE))
		return 0;
	if (!mem->read) {
		r = read_members(c, s->net, mem, err);
		if (r < 0)
			return r;
	}
	if (p->version < 2) {
		leftovers = policy_v1_leftovers(c, s->net, err);
		if (leftovers < 0)
			return leftovers;
	}
	nft_batch_begin(&b, c);
	/* Version 1 after version 2: its egress and pubsrc rules go first, before the
	 * address sets they use are deleted as stale. */
	policy_v1_flush(&b, s->net, leftovers);
	if (p->version >= 2)
		policy_build_v2(&b, p, s->net, s->names, s->n,
				flags & POLICY_APPLY_FORCE ? NULL : s->addr_ok);
	else
		policy_build(&b, p, s->net, s->names, s->n);
	build_refill(&b, p, s->net, mem);
	r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
	return r < 0 ? r : 1;
}

int policy_apply(struct nft_conn *c, const struct policy *p, const char *net, unsigned flags,
		 struct err *err)
{
	struct kpol s = { .p = p, .net = net };
	struct members mem = { 0 };
	char chain[NFT_OBJ_NAME_MAX];
	int r;

	if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, NFT_POLICY_SFX) < 0 ||
	    policy_mark_name(s.mark, sizeof(s.mark), net, p->hash) < 0)
		return err_detail(err, -EINVAL, "invalid network name");
	r = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
	if (r < 0)
		return r;
	if (r == 0)
		return err_detail(err, -ENOENT, "network %s has no firewall chains yet", net);
	s.names = calloc(MAX_STALE, sizeof(*s.names));
	s.have_set = calloc(p->n_groups * 2 + 1, sizeof(*s.have_set));
	s.have_addr = calloc(p->n_groups * 2 + 1, sizeof(*s.have_addr));
	s.addr_ok = calloc(p->n_groups * 2 + 1, sizeof(*s.addr_ok));
	if (s.names && s.have_set && s.have_addr && s.addr_ok)
		r = apply(c, &s, chain, flags, &mem, err);
	else
		r = -ENOMEM;
	free(s.names);
	free(s.have_set);
	free(s.have_addr);
	free(s.addr_ok);
	free(mem.m);
	if (r == -E2BIG)
		err_detail(err, r, "too many stale policy objects");
	return r;
}
