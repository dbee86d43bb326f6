// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netfilter.h>

#include "ruleset/table.h"
#include "nft/read.h"
#include "plugins/firewall/groups.h"
#include "util/str.h"

int fw_groups_load(struct cni_ctx *ctx, struct fw_config *c, struct fw_groups *g)
{
	char path[4096], err[1024];
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
		return cni_err_set(&ctx->err, CNI_ERR_INVALID_CONFIG, "policy path too long",
				   "%s", c->policy_file ? c->policy_file : c->policy_dir);
	if (!c->policy_file && access(path, F_OK) != 0)
		return 0;	/* no policy for this network */
	r = policy_load(path, &g->policy, err, sizeof(err));
	if (r < 0)
		return cni_err_set_errno(&ctx->err, r == -EFBIG ? -EINVAL : r,
					 CNI_ERR_INVALID_CONFIG, "invalid network policy",
					 "%s: %s", path, err);
	if (g->policy.network[0] && strcmp(g->policy.network, c->net)) {
		policy_free(&g->policy);
		return cni_err_set(&ctx->err, CNI_ERR_INVALID_CONFIG, "invalid network policy",
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
	char err[1024];
	int r;

	if (!g->has_policy)
		return 0;
	r = policy_apply(conn, &g->policy, c->net, force ? POLICY_APPLY_FORCE : 0, err,
			 sizeof(err));
	if (r < 0)
		return cni_err_set_errno(&ctx->err, r, CNI_ERR_IO,
					 "cannot apply the network policy", "%s", err);
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

int fw_groups_build_del(struct nft_conn *conn, struct nft_batch *b, const struct fw_config *c,
			const char *id, char *errbuf, size_t n)
{
	struct grp_list l = { .net = c->net };
	size_t i;
	int r;

	/* The policy may have changed since ADD: walk the sets the kernel has. */
	r = nft_list_sets(conn, NFPROTO_INET, NFT_TABLE, grp_cb, &l, errbuf, n);
	for (i = 0; i < l.list.n && r >= 0; i++) {
		const char *set = l.list.names[i];
		bool v6 = str_has_prefix(set, NFT_GRP6_PFX);

		r = nft_netctl_build_elems_del(conn, b, v6 ? NULL : set, v6 ? set : NULL,
					       c->addrs, c->n_addrs, id, errbuf, n);
	}
	free(l.list.names);
	return r;
}

void fw_groups_free(struct fw_groups *g)
{
	if (g->has_policy)
		policy_free(&g->policy);
	g->has_policy = false;
}
