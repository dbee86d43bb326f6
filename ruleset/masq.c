// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "ruleset/masq.h"
#include "ruleset/table.h"
#include "nft/read.h"

#define FAM NFPROTO_INET

/* "dst:<subnet>": the comment of the rule that keeps traffic to @sub unmasqueraded. */
static void subnet_tag(char *buf, size_t n, const struct ip_prefix *sub)
{
	char cidr[IP_STR_MAX + 4];

	ip_prefix_format(sub, cidr, sizeof(cidr));
	snprintf(buf, n, "dst:%s", cidr);
}

/* Traffic to any subnet of the network is not masqueraded: a return rule per subnet. */
static void build_subnet_rule(struct nft_batch *b, const char *chain, const struct ip_prefix *sub)
{
	char tag[NFT_OBJ_NAME_MAX];
	struct nft_rule_b rb;

	subnet_tag(tag, sizeof(tag), sub);
	nft_rb_init(&rb, chain);
	nft_rb_prefix(&rb, false, sub, false);
	nft_rb_verdict(&rb, NFT_RETURN, NULL);
	nft_rb_comment(&rb, tag);
	nft_batch_rule_head(b, FAM, NFT_TABLE, &rb);
}

#define MASQ_TAG "masquerade"

static void net_tag(char *buf, size_t n, const char *net)
{
	snprintf(buf, n, "net:%s", net);
}

/* The tail rule: everything else leaving through the host is masqueraded. */
static void build_masq_rule(struct nft_batch *b, const char *chain, int family)
{
	struct ip_prefix mcast = { .addr.family = family };
	struct nft_rule_b rb;

	if (family == AF_INET) {
		mcast.addr.b[0] = 224;
		mcast.len = 4;
	} else {
		mcast.addr.b[0] = 0xff;
		mcast.len = 8;
	}
	nft_rb_init(&rb, chain);
	nft_rb_prefix(&rb, false, &mcast, true);
	nft_rb_counter(&rb);
	nft_rb_masquerade(&rb);
	nft_rb_comment(&rb, MASQ_TAG);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

/* postrouting: sources in the network's set go through its nat chain. */
static void build_jump_rule(struct nft_batch *b, const char *net, const char *chain,
			    const char *set, int family)
{
	char tag[NFT_OBJ_NAME_MAX];
	struct nft_rule_b rb;

	net_tag(tag, sizeof(tag), net);
	nft_rb_init(&rb, NFT_POSTROUTING_CHAIN);
	nft_rb_addr_set(&rb, family, true, set, false);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NFT_JUMP, chain);
	nft_rb_comment(&rb, tag);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

/* The network's objects; @guard: its nat chain exclusively (the first attach). */
static void build_masq_objects(struct nft_batch *b, const char *chain, const char *set,
			       int family, bool guard)
{
	nft_batch_table(b, true, FAM, NFT_TABLE);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_POSTROUTING_CHAIN,
			NF_INET_POST_ROUTING, "nat", 100);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, set,
		      family == AF_INET ? NFT_KEY_IPV4 : NFT_KEY_IPV6, false);
	/* The guard against a racing first attach: EEXIST, then we only add elements. */
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | (guard ? NLM_F_EXCL : 0), FAM,
			NFT_TABLE, chain, -1, NULL, 0);
}

struct tag_find {
	const char *tags[2];
	bool found[2];
	int rules;
};

static int tag_cb(uint64_t handle, const char *comment, void *data)
{
	struct tag_find *f = data;
	int i;

	f->rules++;
	for (i = 0; i < 2; i++)
		if (comment && f->tags[i] && !strcmp(comment, f->tags[i]))
			f->found[i] = true;
	return 0;
}

/*
 * Make sure the network's nat chain exists, masquerades and knows @subnet. Return 0,
 * or -EEXIST when a concurrent first attach won the race (try again), -errno else.
 * A second subnet seen by two racing ADDs gets two equal return rules: harmless.
 * A chain without its masquerade rule was flushed by someone (`nft flush table`):
 * its rules and the postrouting jump are put back, or the network would leave
 * unmasqueraded without anyone noticing.
 */
static int masq_prepare(struct nft_conn *c, const char *net, const char *chain,
			const char *set, const struct ip_prefix *subnet, struct err *err)
{
	char dst[NFT_OBJ_NAME_MAX], tag[NFT_OBJ_NAME_MAX];
	struct tag_find f = { .tags = { dst, MASQ_TAG } }, j = { .tags = { tag } };
	int family = subnet->addr.family, r, exists = 1;
	struct nft_batch b;

	subnet_tag(dst, sizeof(dst), subnet);
	r = nft_list_rules(c, FAM, NFT_TABLE, chain, tag_cb, &f, err);
	if (r >= 0 && f.found[0] && f.found[1])
		return 0;
	if (r >= 0 && !f.rules)
		r = exists = nft_chain_exists(c, FAM, NFT_TABLE, chain, err);
	net_tag(tag, sizeof(tag), net);
	if (r >= 0 && exists && !f.found[1])
		r = nft_list_rules(c, FAM, NFT_TABLE, NFT_POSTROUTING_CHAIN, tag_cb, &j, err);
	if (r < 0)
		return r;
	nft_batch_begin(&b, c);
	if (!exists || !f.found[1])
		build_masq_objects(&b, chain, set, family, !exists);
	if (!f.found[1])
		build_masq_rule(&b, chain, family);
	if (!f.found[0])
		build_subnet_rule(&b, chain, subnet);
	if (!exists || (!f.found[1] && !j.found[0]))
		build_jump_rule(&b, net, chain, set, family);
	r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
	return r;
}

int nft_masq_attach(struct nft_conn *c, const char *net, const struct ip_prefix *subnet,
		    const struct ip_addr *addr, const char *container_id, struct err *err)
{
	bool v4 = addr->family == AF_INET;
	char chain[NFT_OBJ_NAME_MAX], s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	int r, tries;

	if (nft_net_obj(chain, sizeof(chain), v4 ? NFT_NAT4_PFX : NFT_NAT6_PFX, net, "") < 0 ||
	    subnet->addr.family != addr->family)
		return err_detail(err, -EINVAL, "ipMasq: invalid network name or address family");
	nft_net_obj(s4, sizeof(s4), NFT_MASQ4_PFX, net, "");
	nft_net_obj(s6, sizeof(s6), NFT_MASQ6_PFX, net, "");
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	for (tries = 0; tries < 3; tries++) {
		r = masq_prepare(c, net, chain, v4 ? s4 : s6, subnet, err);
		if (r != -EEXIST)
			break;
	}
	if (r >= 0)
		r = nft_netctl_elems_add(c, s4, s6, addr, 1, container_id, err);
	return r < 0 ? r : 0;
}

/* @net's two sets of masqueraded addresses named into @s4 and @s6 (NFT_OBJ_NAME_MAX
 * each), and the connection ready for them. */
static int masq_sets(struct nft_conn *c, const char *net, char *s4, char *s6, struct err *err)
{
	if (nft_net_obj(s4, NFT_OBJ_NAME_MAX, NFT_MASQ4_PFX, net, "") < 0)
		return err_detail(err, -EINVAL, "ipMasq: invalid network name");
	nft_net_obj(s6, NFT_OBJ_NAME_MAX, NFT_MASQ6_PFX, net, "");
	return nft_conn_ensure(c, err);
}

int nft_masq_detach(struct nft_conn *c, const char *net, const struct ip_addr *addr,
		    const char *container_id, struct err *err)
{
	char s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	int r;

	r = masq_sets(c, net, s4, s6, err);
	if (r < 0)
		return r;
	return nft_netctl_elems_del(c, s4, s6, addr, addr ? 1 : 0, container_id, err);
}

struct gc_walk {
	struct nft_batch *b;
	const char *set;
	bool (*keep)(const char *id, void *data);
	void *data;
};

static int gc_cb(const void *key, size_t key_len, const char *comment, const char *chain,
		 void *data)
{
	struct gc_walk *w = data;
	struct nft_elem e = { .key = key, .key_len = key_len, .verdict = NFT_CONTINUE };
	char id[256];

	if (!comment)
		return 0;
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(comment, " "), comment);
	if (!w->keep(id, w->data))
		nft_batch_elems(w->b, false, 0, FAM, NFT_TABLE, w->set, &e, 1);
	return 0;
}

int nft_masq_gc(struct nft_conn *c, const char *net, bool (*keep)(const char *id, void *data),
		void *data, struct err *err)
{
	char s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	struct gc_walk w = { .keep = keep, .data = data };
	struct nft_batch b;
	int r;

	r = masq_sets(c, net, s4, s6, err);
	if (r < 0)
		return r;
	nft_batch_begin(&b, c);
	w.b = &b;
	w.set = s4;
	r = nft_list_elems(c, FAM, NFT_TABLE, s4, gc_cb, &w, err);
	w.set = s6;
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, s6, gc_cb, &w, err);
	if (r >= 0)
		r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
	return r;
}
