// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "ruleset/table.h"
#include "nft/read.h"
#include "plugins/firewall/groups.h"
#include "util/str.h"

int fw_groups_load(struct cni_ctx *ctx, struct fw_config *c, struct fw_groups *g)
{
	char path[4096];
	const char *confdir = getenv("NETCTL_CONFDIR");
	int r;

	memset(g, 0, sizeof(*g));
	if (c->policy_file) {
		r = str_copy(path, sizeof(path), c->policy_file);
	} else if (confdir && *confdir && !cni_json_get(ctx->conf.root, "policyDir")) {
		r = str_printf(path, sizeof(path), "%s/policy.d/%s.json", confdir, c->net);
	} else {
		r = str_printf(path, sizeof(path), "%s/%s.json", c->policy_dir, c->net);
	}
	if (r < 0)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "policy path too long",
			       "%s", c->policy_file ? c->policy_file : c->policy_dir);
	if (!c->policy_file && access(path, F_OK) != 0)
		return 0;	/* no policy for this network */
	r = policy_load(path, &g->policy, &ctx->err);
	if (r < 0) {
		err_prefix(&ctx->err, r, "%s", path);
		return err_fail(&ctx->err, r == -EFBIG ? -EINVAL : r, ERR_INVALID_CONFIG,
				"invalid network policy");
	}
	if (g->policy.network[0] && strcmp(g->policy.network, c->net)) {
		policy_free(&g->policy);
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid network policy",
			       "%s: network: the policy is for \"%s\", not \"%s\"", path,
			       g->policy.network, c->net);
	}
	g->has_policy = true;
	c->icc = g->policy.icc;
	return 0;
}

int fw_groups_apply(struct cni_ctx *ctx, struct nft_conn *conn, const struct fw_config *c,
		    const struct fw_groups *g, bool force)
{
	int r;

	if (!g->has_policy)
		return 0;
	r = policy_apply(conn, &g->policy, c->net, force ? POLICY_APPLY_FORCE : 0, &ctx->err);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot apply the network policy");
	return 0;
}

int fw_groups_build_add(struct nft_batch *b, const struct fw_config *c,
			const struct fw_groups *g, const char *id)
{
	char s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	size_t i;
	int r;

	for (i = 0; g->has_policy && i < g->policy.n_groups; i++) {
		if (!policy_match(&g->policy, i, c->name))
			continue;
		policy_set_name(s4, sizeof(s4), c->net, g->policy.groups[i].name, false);
		policy_set_name(s6, sizeof(s6), c->net, g->policy.groups[i].name, true);
		r = nft_netctl_build_elems_add(b, s4, s6, c->addrs, c->n_addrs, id);
		if (r < 0)
			return r;
	}
	return 0;
}

struct grp_list {
	const char *net;
	struct nft_names list;
};

static int grp_cb(const char *name, void *data)
{
	struct grp_list *l = data;

	if (!nft_group_of(name, NFT_GRP4_PFX, l->net) && !nft_group_of(name, NFT_GRP6_PFX, l->net))
		return 0;
	return nft_names_push(&l->list, name);
}

/*
 * A version 2 policy counts drops per source address in drops-<net>/drops6-<net>: the
 * leaving container's counters go with it (a later container given the address starts
 * from zero). Those elements are the kernel's (a rule adds them): no container ID to
 * check, the address is the container's own.
 */
static int drops_build_del(struct nft_conn *conn, struct nft_batch *b, const struct fw_config *c,
			   struct err *err)
{
	char set[NFT_OBJ_NAME_MAX], comment[NFT_COMMENT_MAX + 1];
	size_t i;
	int r;

	for (i = 0; i < c->n_addrs; i++) {
		struct nft_elem e = { .key = c->addrs[i].b, .key_len = ip_addr_size(&c->addrs[i]),
				      .verdict = NFT_CONTINUE };
		bool v6 = c->addrs[i].family == AF_INET6;

		if (nft_net_obj(set, sizeof(set), v6 ? NFT_DROPS6_PFX : NFT_DROPS4_PFX, c->net,
				"") < 0)
			return -EINVAL;
		r = nft_get_elem(conn, NFPROTO_INET, NFT_TABLE, set, e.key, e.key_len, comment,
				 sizeof(comment), err);
		if (r < 0)
			return r;
		if (r == 1)
			nft_batch_elems(b, false, 0, NFPROTO_INET, NFT_TABLE, set, &e, 1);
	}
	return 0;
}

/* The addresses of a set's elements, for fw_drops_prune(). */
struct keys {
	uint8_t (*k)[16];
	size_t *len;
	size_t n, cap;
};

static int key_cb(const void *key, size_t key_len, const char *comment, const char *chain,
		  void *data)
{
	struct keys *l = data;

	if (key_len > 16)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *k = realloc(l->k, cap * sizeof(*l->k)), *len;

		if (!k)
			return -ENOMEM;
		l->k = k;
		len = realloc(l->len, cap * sizeof(*l->len));
		if (!len)
			return -ENOMEM;
		l->len = len;
		l->cap = cap;
	}
	memcpy(l->k[l->n], key, key_len);
	l->len[l->n++] = key_len;
	return 0;
}

static bool keys_has(const struct keys *l, const void *key, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->len[i] == len && !memcmp(l->k[i], key, len))
			return true;
	return false;
}

int fw_drops_prune(struct nft_conn *conn, const char *net, struct err *err)
{
	struct keys members = { 0 }, drops = { 0 };
	char set[NFT_OBJ_NAME_MAX];
	struct nft_batch b;
	size_t i;
	int v6, r = 0;

	nft_batch_begin(&b, conn);
	for (v6 = 0; r >= 0 && v6 < 2; v6++) {
		members.n = drops.n = 0;
		nft_net_obj(set, sizeof(set), v6 ? NFT_MEMBERS6_PFX : NFT_MEMBERS4_PFX, net, "");
		r = nft_list_elems(conn, NFPROTO_INET, NFT_TABLE, set, key_cb, &members, err);
		nft_net_obj(set, sizeof(set), v6 ? NFT_DROPS6_PFX : NFT_DROPS4_PFX, net, "");
		if (r >= 0)
			r = nft_list_elems(conn, NFPROTO_INET, NFT_TABLE, set, key_cb, &drops,
					   err);
		for (i = 0; r >= 0 && i < drops.n; i++) {
			struct nft_elem e = { .key = drops.k[i], .key_len = drops.len[i],
					      .verdict = NFT_CONTINUE };

			if (!keys_has(&members, drops.k[i], drops.len[i]))
				nft_batch_elems(&b, false, 0, NFPROTO_INET, NFT_TABLE, set, &e, 1);
		}
	}
	if (r >= 0 && !nft_batch_empty(&b))
		r = nft_batch_send(conn, &b, err);
	nft_batch_free(&b);
	free(members.k);
	free(members.len);
	free(drops.k);
	free(drops.len);
	return r;
}

int fw_groups_build_del(struct nft_conn *conn, struct nft_batch *b, const struct fw_config *c,
			const char *id, struct err *err)
{
	struct grp_list l = { .net = c->net };
	size_t i;
	int r;

	/* The policy may have changed since ADD: walk the sets the kernel has. */
	r = nft_list_sets(conn, NFPROTO_INET, NFT_TABLE, grp_cb, &l, err);
	for (i = 0; i < l.list.n && r >= 0; i++) {
		const char *set = l.list.names[i];
		bool v6 = str_has_prefix(set, NFT_GRP6_PFX);

		r = nft_netctl_build_elems_del(conn, b, v6 ? NULL : set, v6 ? set : NULL,
					       c->addrs, c->n_addrs, id, err);
	}
	free(l.list.names);
	return r < 0 ? r : drops_build_del(conn, b, c, err);
}

void fw_groups_free(struct fw_groups *g)
{
	if (g->has_policy)
		policy_free(&g->policy);
	g->has_policy = false;
}
