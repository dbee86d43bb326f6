// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "netctl/core/knet.h"
#include "netctl/core/paths.h"
#include "ruleset/table.h"
#include "nft/read.h"
#include "util/array.h"
#include "util/str.h"

#define FAM NFPROTO_INET

static void split_comment(const char *comment, char *id, size_t idn, char *name, size_t nn)
{
	const char *sp = comment ? strchr(comment, ' ') : NULL;

	if (!comment)
		comment = "";
	if (sp) {
		snprintf(id, idn, "%.*s", (int)(sp - comment), comment);
		snprintf(name, nn, "%s", sp + 1);
	} else {
		snprintf(id, idn, "%s", comment);
		name[0] = '\0';
	}
}

static int member_cb(const void *key, size_t key_len, const char *comment, const char *chain,
		     void *data)
{
	struct knet *k = data;
	struct knet_member *m;
	char name[NFT_COMMENT_MAX + 1];

	if (key_len != 4 && key_len != 16)
		return 0;
	if (array_grow((void **)&k->m, &k->cap_m, k->n_m, sizeof(*k->m), 16) < 0)
		return -ENOMEM;
	m = &k->m[k->n_m++];
	split_comment(comment, m->id, sizeof(m->id), name, sizeof(name));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->addr.family = key_len == 4 ? AF_INET : AF_INET6;
	memcpy(m->addr.b, key, key_len);
	return 0;
}

/* drops-<net>/drops6-<net>: a counter per source address (policy v2). */
static int drops_cb(const void *key, size_t key_len, uint64_t packets, uint64_t bytes,
		    void *data)
{
	struct knet *k = data;
	size_t i;

	for (i = 0; i < k->n_m; i++)
		if (ip_addr_size(&k->m[i].addr) == key_len &&
		    !memcmp(k->m[i].addr.b, key, key_len))
			k->m[i].policy_drops += packets;
	return 0;
}

static int read_drops(struct nft_conn *c, struct knet *k, struct err *err)
{
	char set[NFT_OBJ_NAME_MAX];
	int v6, r = 0;

	for (v6 = 0; r >= 0 && v6 < 2; v6++) {
		nft_net_obj(set, sizeof(set), v6 ? NFT_DROPS6_PFX : NFT_DROPS4_PFX, k->net, "");
		r = nft_list_elem_counters(c, FAM, NFT_TABLE, set, drops_cb, k, err);
	}
	return r;
}

uint64_t knet_policy_drops(const struct knet *k, size_t i)
{
	uint64_t sum = 0;
	size_t j;

	for (j = 0; j < k->n_m; j++)
		if (!strcmp(k->m[j].id, k->m[i].id))
			sum += k->m[j].policy_drops;
	return sum;
}

struct group_walk {
	struct knet *k;
	struct knet_group *g;
	struct nft_names sets;
};

static int group_elem_cb(const void *key, size_t key_len, const char *comment,
			 const char *chain, void *data)
{
	struct knet_group *g = data;
	char name[NFT_COMMENT_MAX + 1];

	if (array_grow((void **)&g->ids, &g->cap, g->n, sizeof(*g->ids), 16) < 0)
		return -ENOMEM;
	split_comment(comment, g->ids[g->n], sizeof(g->ids[0]), name, sizeof(name));
	g->n++;
	return 0;
}

static int set_cb(const char *name, void *data)
{
	struct group_walk *w = data;

	if (!nft_group_of(name, NFT_GRP4_PFX, w->k->net) &&
	    !nft_group_of(name, NFT_GRP6_PFX, w->k->net))
		return 0;
	return nft_names_push(&w->sets, name);
}

static struct knet_group *group_get(struct knet *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n_g; i++)
		if (!strcmp(k->g[i].name, name))
			return &k->g[i];
	if (array_grow((void **)&k->g, &k->cap_g, k->n_g, sizeof(*k->g), 16) < 0)
		return NULL;
	snprintf(k->g[k->n_g].name, sizeof(k->g[0].name), "%s", name);
	return &k->g[k->n_g++];
}

static int read_groups(struct nft_conn *c, struct knet *k, struct err *err)
{
	struct group_walk w = { .k = k };
	size_t i;
	int r;

	r = nft_list_sets(c, FAM, NFT_TABLE, set_cb, &w, err);
	for (i = 0; r >= 0 && i < w.sets.n; i++) {
		const char *s = w.sets.names[i];
		const char *gname = nft_group_of(s, NFT_GRP4_PFX, k->net);
		struct knet_group *g;

		if (!gname)
			gname = nft_group_of(s, NFT_GRP6_PFX, k->net);
		if (strlen(gname) > POLICY_GROUP_MAX)
			continue;
		g = group_get(k, gname);
		if (!g)
			r = -ENOMEM;
		else
			r = nft_list_elems(c, FAM, NFT_TABLE, s, group_elem_cb, g, err);
	}
	free(w.sets.names);
	return r;
}

static int rule_cb(const struct nft_rule_info *ri, void *data)
{
	struct knet *k = data;
	const char *c = ri->comment ? ri->comment : "";
	struct knet_rule *r = NULL;
	size_t i;

	if (str_has_prefix(c, POLICY_LOG_COMMENT) || str_has_prefix(c, POLICY_COUNT_COMMENT))
		return 0;	/* log and count rules decide nothing: the rule after them does */
	for (i = 0; i < k->n_r; i++)
		if (!strcmp(k->r[i].comment, c))
			r = &k->r[i];
	if (!r) {
		if (array_grow((void **)&k->r, &k->cap_r, k->n_r, sizeof(*k->r), 16) < 0)
			return -ENOMEM;
		r = &k->r[k->n_r++];
		snprintf(r->comment, sizeof(r->comment), "%s", c);
	}
	r->packets += ri->packets;
	r->bytes += ri->bytes;
	r->verdict = ri->verdict;
	r->n_nft++;
	return 0;
}

static int mark_cb(const char *name, void *data)
{
	struct knet *k = data;
	const char *hash = nft_group_of(name, NFT_POL_PFX, k->net);
	char *end;
	uint64_t h;

	if (!hash || strlen(hash) != 16)
		return 0;
	h = strtoull(hash, &end, 16);
	if (*end)
		return 0;
	k->has_mark = true;
	k->mark_hash = h;
	return 0;
}

/* The host access mode: the comment of net-<net>-host's last rule ("host-access dns"). */
static int host_cb(const struct nft_rule_info *ri, void *data)
{
	struct knet *k = data;
	const char *c = ri->comment;

	if (c && str_has_prefix(c, "host-access "))
		snprintf(k->host_access, sizeof(k->host_access), "%s", c + strlen("host-access "));
	return 0;
}

static int read_host(struct nft_conn *c, struct knet *k, struct err *err)
{
	char chain[NFT_OBJ_NAME_MAX];
	int r, i;

	k->n_r_policy = k->n_r;
	nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, k->net, NFT_HOSTPOL_SFX);
	r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, rule_cb, k, err);
	nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, k->net, NFT_HOST_SFX);
	if (r >= 0)
		r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, host_cb, k, err);
	/* Version 2: egress and published ports' sources (chains older networks lack). */
	for (i = 0; r >= 0 && i < 2; i++) {
		nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, k->net,
			    i ? NFT_PUBSRC_SFX : NFT_EGRESS_SFX);
		r = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
		if (r == 1)
			r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, rule_cb, k, err);
	}
	return r;
}

int knet_read(struct nft_conn *c, const char *net, struct knet *k, struct err *err)
{
	char chain[NFT_OBJ_NAME_MAX], m4[NFT_OBJ_NAME_MAX], m6[NFT_OBJ_NAME_MAX];
	int r;

	memset(k, 0, sizeof(*k));
	if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, NFT_POLICY_SFX) < 0)
		return err_detail(err, -EINVAL, "\"%s\" is not a network name", net);
	snprintf(k->net, sizeof(k->net), "%s", net);
	nft_net_obj(m4, sizeof(m4), NFT_MEMBERS4_PFX, net, "");
	nft_net_obj(m6, sizeof(m6), NFT_MEMBERS6_PFX, net, "");
	r = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
	if (r < 0)
		return r;
	k->has_chains = r > 0;
	if (!k->has_chains)
		return 0;
	r = nft_list_elems(c, FAM, NFT_TABLE, m4, member_cb, k, err);
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, m6, member_cb, k, err);
	if (r >= 0)
		r = read_drops(c, k, err);
	if (r >= 0)
		r = read_groups(c, k, err);
	if (r >= 0)
		r = nft_list_rules_info(c, FAM, NFT_TABLE, chain, rule_cb, k, err);
	if (r >= 0)
		r = read_host(c, k, err);
	if (r >= 0)
		r = nft_list_chains(c, FAM, NFT_TABLE, mark_cb, k, err);
	if (r == -ENOMEM)
		err_detail(err, r, "out of memory");
	if (r < 0)
		knet_free(k);
	return r < 0 ? r : 0;
}

void knet_free(struct knet *k)
{
	size_t i;

	for (i = 0; i < k->n_g; i++)
		free(k->g[i].ids);
	free(k->g);
	free(k->m);
	free(k->r);
	memset(k, 0, sizeof(*k));
}

int knet_find(const struct knet *k, const char *what)
{
	struct ip_addr a;
	size_t i;

	if (ip_addr_parse(what, &a) == 0) {
		for (i = 0; i < k->n_m; i++)
			if (ip_addr_eq(&k->m[i].addr, &a))
				return (int)i;
		return -1;
	}
	for (i = 0; i < k->n_m; i++)
		if (!strcmp(k->m[i].name, what))
			return (int)i;
	for (i = 0; i < k->n_m; i++)
		if (!strcmp(k->m[i].id, what))
			return (int)i;
	for (i = 0; strlen(what) >= 6 && i < k->n_m; i++)
		if (str_has_prefix(k->m[i].id, what))
			return (int)i;
	return -1;
}

struct policy_member *knet_members(const struct knet *k)
{
	struct policy_member *m = calloc(k->n_m + 1, sizeof(*m));
	size_t i;

	for (i = 0; m && i < k->n_m; i++) {
		m[i].id = k->m[i].id;
		m[i].name = k->m[i].name[0] ? k->m[i].name : NULL;
	}
	return m;
}

int knet_kstate(const struct knet *k, struct policy_kstate *ks)
{
	const char **rules = calloc(k->n_r + 1, sizeof(*rules));
	struct policy_kgroup *g = calloc(k->n_g + 1, sizeof(*g));
	size_t i, j;

	memset(ks, 0, sizeof(*ks));
	if (!rules || !g)
		goto nomem;
	for (i = 0; i < k->n_r; i++)
		rules[i] = k->r[i].comment[0] ? k->r[i].comment : NULL;
	for (i = 0; i < k->n_g; i++) {
		const char **ids = calloc(k->g[i].n + 1, sizeof(*ids));

		if (!ids) {
			ks->groups = g;
			ks->n_groups = i;
			knet_kstate_free(ks);
			g = NULL;
			goto nomem;
		}
		for (j = 0; j < k->g[i].n; j++)
			ids[j] = k->g[i].ids[j];
		g[i] = (struct policy_kgroup){ k->g[i].name, ids, k->g[i].n };
	}
	*ks = (struct policy_kstate){ rules, k->n_r, g, k->n_g };
	return 0;
nomem:
	free(rules);
	free(g);
	return -ENOMEM;
}

void knet_kstate_free(struct policy_kstate *ks)
{
	size_t i;

	for (i = 0; i < ks->n_groups; i++)
		free((void *)ks->groups[i].ids);
	free((void *)ks->groups);
	free((void *)ks->rules);
	memset(ks, 0, sizeof(*ks));
}

bool knet_icc(const struct knet *k)
{
	return k->n_r_policy > 0 && k->r[k->n_r_policy - 1].verdict == NF_ACCEPT;
}

bool knet_first(const struct knet *k, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(k->m[j].id, k->m[i].id))
			return false;
	return true;
}

void knet_addrs(const struct knet *k, size_t i, char *buf, size_t n)
{
	char a[64];
	size_t j, len = 0;

	buf[0] = '\0';
	for (j = 0; j < k->n_m && len < n; j++) {
		if (strcmp(k->m[j].id, k->m[i].id))
			continue;
		ip_addr_format(&k->m[j].addr, a, sizeof(a));
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", a);
	}
}

int knet_policy_path(const struct netctl_paths *paths, const char *net, char *out, size_t n)
{
	struct err err = { 0 };
	struct conflist cl;
	const char *file = NULL, *dir = NULL;
	int i, r;

	r = paths_net_policy(paths, net, out, n);
	if (r < 0 || paths_net_load(paths, net, &cl, &err) < 0)
		return r;	/* no conflist of ours: the default */
	for (i = 0; i < cl.n_plugins; i++) {
		if (strcmp(cl.plugins[i].type, "firewall"))
			continue;
		file = json_string_value(cni_json_get(cl.plugins[i].conf, "policyFile"));
		dir = json_string_value(cni_json_get(cl.plugins[i].conf, "policyDir"));
		break;
	}
	if (file && *file)
		r = str_copy(out, n, file);
	else if (dir && *dir)
		r = str_printf(out, n, "%s/%s.json", dir, net);
	conflist_free(&cl);
	return r;
}

int knet_policy(const struct netctl_paths *paths, const struct knet *k, const char *file,
		struct policy *p, char *path, size_t pn, struct err *err)
{
	int r;

	memset(p, 0, sizeof(*p));
	path[0] = '\0';
	if (file)
		r = str_copy(path, pn, file);
	else
		r = knet_policy_path(paths, k->net, path, pn);
	if (r < 0)
		return err_detail(err, r, "policy path too long");
	if (!file && access(path, F_OK) != 0) {
		path[0] = '\0';
		p->version = 1;
		p->icc = knet_icc(k);
		return 0;
	}
	r = policy_load(path, p, err);
	if (r < 0)
		return err_prefix(err, r, "%s", path);
	if (p->network[0] && strcmp(p->network, k->net)) {
		err_detail(err, -EINVAL, "%s: network: the policy is for \"%s\", not \"%s\"", path,
			   p->network, k->net);
		policy_free(p);
		return -EINVAL;
	}
	return 0;
}
