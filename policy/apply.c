// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nft/conn.h"
#include "nft/netctl_table.h"
#include "nft/read.h"
#include "policy/policy.h"
#include "util/str.h"

#define FAM NFPROTO_INET
#define MAX_STALE 1024

struct stale {
	const struct policy *p;
	const char *net;
	char mark[NFT_OBJ_NAME_MAX];
	char (*names)[160];
	size_t n;
	bool mark_found;
};

static int add_stale(struct stale *s, const char *name)
{
	if (s->n == MAX_STALE)
		return -E2BIG;
	snprintf(s->names[s->n++], 160, "%s", name);
	return 0;
}

/* Group sets of this network that the policy no longer has. */
static int set_cb(const char *name, void *data)
{
	struct stale *s = data;
	char pfx[NFT_OBJ_NAME_MAX];
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		const char *g;

		snprintf(pfx, sizeof(pfx), "%s%s-", v6 ? "grp6-" : "grp-", s->net);
		if (!str_has_prefix(name, pfx))
			continue;
		g = name + strlen(pfx);
		if (*g && !strpbrk(g, "-.") && policy_group_index(s->p, g) < 0)
			return add_stale(s, name);
	}
	return 0;
}

static int chain_cb(const char *name, void *data)
{
	struct stale *s = data;
	char pfx[NFT_OBJ_NAME_MAX];

	snprintf(pfx, sizeof(pfx), "pol-%s-", s->net);
	if (!str_has_prefix(name, pfx) || strlen(name) != strlen(pfx) + 16)
		return 0;
	if (!strcmp(name, s->mark)) {
		s->mark_found = true;
		return 0;
	}
	return add_stale(s, name);
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
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->m, cap * sizeof(*l->m));

		if (!p)
			return -ENOMEM;
		l->m = p;
		l->cap = cap;
	}
	m = &l->m[l->n++];
	memcpy(m->key, key, key_len);
	m->key_len = key_len;
	snprintf(m->id, sizeof(m->id), "%.*s", (int)(sp - comment), comment);
	snprintf(m->name, sizeof(m->name), "%s", sp + 1);
	return 0;
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

				if ((l->m[i].key_len == 16) != v6 ||
				    !policy_match(p, g, l->m[i].name))
					continue;
				nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, set, &e, 1);
			}
		}
	}
}

int policy_apply(struct nft_conn *c, const struct policy *p, const char *net, bool force,
		 char *errbuf, size_t n)
{
	struct stale s = { .p = p, .net = net };
	struct members mem = { 0 };
	char chain[NFT_OBJ_NAME_MAX], m4[NFT_OBJ_NAME_MAX], m6[NFT_OBJ_NAME_MAX];
	struct nft_batch b;
	int r;

	if (nft_net_obj(chain, sizeof(chain), "net-", net, "-policy") < 0 ||
	    policy_mark_name(s.mark, sizeof(s.mark), net, p->hash) < 0) {
		snprintf(errbuf, n, "invalid network name");
		return -EINVAL;
	}
	r = nft_chain_exists(c, FAM, NFT_TABLE, chain, errbuf, n);
	if (r <= 0) {
		if (r == 0)
			snprintf(errbuf, n, "network %s has no firewall chains yet", net);
		return r < 0 ? r : -ENOENT;
	}
	s.names = calloc(MAX_STALE, sizeof(*s.names));
	if (!s.names)
		return -ENOMEM;
	r = nft_list_chains(c, FAM, NFT_TABLE, chain_cb, &s, errbuf, n);
	if (r >= 0 && s.mark_found && !force) {
		free(s.names);
		return 0;
	}
	if (r >= 0)
		r = nft_list_sets(c, FAM, NFT_TABLE, set_cb, &s, errbuf, n);
	nft_net_obj(m4, sizeof(m4), "members-", net, "");
	nft_net_obj(m6, sizeof(m6), "members6-", net, "");
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, m4, member_cb, &mem, errbuf, n);
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, m6, member_cb, &mem, errbuf, n);
	if (r >= 0) {
		nft_batch_init(&b, ++c->seq);
		policy_build(&b, p, net, s.names, s.n);
		build_refill(&b, p, net, &mem);
		r = nft_batch_send(c, &b, errbuf, n);
		c->seq = b.seq;
		nft_batch_free(&b);
	}
	free(s.names);
	free(mem.m);
	if (r == -E2BIG)
		snprintf(errbuf, n, "too many stale policy objects");
	return r < 0 ? r : 1;
}
