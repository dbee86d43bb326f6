// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include "ruleset/inbound.h"
#include "ruleset/table.h"
#include "ruleset/portmap.h"
#include "nft/read.h"
#include "util/str.h"

#define FAM NFPROTO_INET

/* Traffic from a network's bridge to the host itself: its net-N-host chain. */
static void build_input_base(struct nft_batch *b)
{
	struct nft_rule_b rb;

	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_INPUT_CHAIN,
			NF_INET_LOCAL_IN, "filter", 0);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, NFT_HOST_FROM_MAP,
		      NFT_KEY_IFNAME, true);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, NFT_INPUT_CHAIN);
	nft_rb_init(&rb, NFT_INPUT_CHAIN);
	nft_rb_ifname_vmap(&rb, false, NFT_HOST_FROM_MAP);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

void nft_netctl_build_base(struct nft_batch *b)
{
	struct nft_rule_b rb;

	nft_batch_table(b, true, FAM, NFT_TABLE);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_FORWARD_CHAIN,
			NF_INET_FORWARD, "filter", 0);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, NFT_FWD_FROM_MAP,
		      NFT_KEY_IFNAME, true);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, NFT_FWD_TO_MAP,
		      NFT_KEY_IFNAME, true);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, NFT_BRIDGES_SET,
		      NFT_KEY_IFNAME, false);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, NFT_PUBSRC_MAP,
		      NFT_KEY_IFNAME, true);
	nft_pm_build_pub(b);
	/* Flush and refill in one transaction: idempotent, never a gap. */
	nft_batch_flush_chain(b, FAM, NFT_TABLE, NFT_FORWARD_CHAIN);
	/* Who may open a published port: net-N-pubsrc (a policy's), before it passes. */
	nft_rb_init(&rb, NFT_FORWARD_CHAIN);
	nft_rb_ct_state(&rb, NFT_CT_NEW);
	nft_rb_ct_status(&rb, IPS_DST_NAT);
	nft_rb_ifname_vmap(&rb, true, NFT_PUBSRC_MAP);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	/* Published ports (portmap) pass every network's isolation, and only those. */
	nft_pm_build_pub_accept(b, NFT_FORWARD_CHAIN);
	/* Counted first: every forwarded packet, ours or not, is one we looked at. */
	nft_rb_init(&rb, NFT_FORWARD_CHAIN);
	nft_rb_counter(&rb);
	nft_rb_ifname_vmap(&rb, false, NFT_FWD_FROM_MAP);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	nft_rb_init(&rb, NFT_FORWARD_CHAIN);
	nft_rb_counter(&rb);
	nft_rb_ifname_vmap(&rb, true, NFT_FWD_TO_MAP);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	build_input_base(b);
}

const char *nft_host_access_name(enum nft_host_access h)
{
	return h == NFT_HOST_NONE ? "none" : h == NFT_HOST_DNS ? "dns" : "all";
}

int nft_host_access_parse(const char *s, enum nft_host_access *out)
{
	if (!strcmp(s, "all"))
		*out = NFT_HOST_ALL;
	else if (!strcmp(s, "dns"))
		*out = NFT_HOST_DNS;
	else if (!strcmp(s, "none"))
		*out = NFT_HOST_NONE;
	else
		return -EINVAL;
	return 0;
}

const char *nft_host_comment(enum nft_host_access h)
{
	return h == NFT_HOST_NONE ? "host-access none" : h == NFT_HOST_DNS ? "host-access dns" :
	       "host-access all";
}

static void add_ct_rules(struct nft_batch *b, const char *chain)
{
	struct nft_rule_b rb;

	nft_rb_init(&rb, chain);
	nft_rb_ct_state(&rb, NFT_CT_EST | NFT_CT_REL);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_ACCEPT, NULL);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	nft_rb_init(&rb, chain);
	nft_rb_ct_state(&rb, NFT_CT_INVALID);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_DROP, NULL);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

static void add_drop_rule(struct nft_batch *b, const char *chain)
{
	struct nft_rule_b rb;

	nft_rb_init(&rb, chain);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_DROP, NULL);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

/* Isolation: in @chain, what goes out to (@out) or comes in from another of our bridges
 * is dropped. */
static void add_isolate_rule(struct nft_batch *b, const char *chain, bool out)
{
	struct nft_rule_b rb;

	nft_rb_init(&rb, chain);
	nft_rb_ifname_set(&rb, out, NFT_BRIDGES_SET);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_DROP, NULL);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

void nft_netctl_build_policy_default(struct nft_batch *b, const char *net, bool icc)
{
	char policy[NFT_OBJ_NAME_MAX];
	struct nft_rule_b rb;

	nft_net_obj(policy, sizeof(policy), NFT_NET_PFX, net, NFT_POLICY_SFX);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, policy);
	nft_rb_init(&rb, policy);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, icc ? NF_ACCEPT : NF_DROP, NULL);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

static void host_rule_icmp(struct nft_batch *b, const char *chain, int family, uint8_t lo,
			   uint8_t hi)
{
	struct nft_rule_b rb;

	nft_rb_init(&rb, chain);
	nft_rb_icmp_type(&rb, family, lo, hi);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_ACCEPT, NULL);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

/*
 * net-N-host: what N's containers may reach of the host. ICMP errors (PMTU: "fragmentation
 * needed", "packet too big") and neighbour discovery pass in every mode, since without
 * them connections stall and IPv6 cannot even reach the gateway. "dns" also lets DNS
 * and ping reach the bridge's own addresses (the gateway), and nothing else of the host.
 * net-N-hostpol holds the policy's "host" rules (policy_build() refills it).
 */
static void build_host(struct nft_batch *b, const struct nft_net *net, const char *host,
		       const char *hostpol)
{
	static const uint8_t l4[] = { IPPROTO_UDP, IPPROTO_TCP };
	struct nft_rule_b rb;
	size_t i;

	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, host, -1, NULL, 0);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, hostpol, -1, NULL,
			0);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, host);
	if (net->host != NFT_HOST_ALL) {
		add_ct_rules(b, host);
		host_rule_icmp(b, host, AF_INET, 3, 3);		/* destination unreachable */
		host_rule_icmp(b, host, AF_INET, 11, 12);	/* time exceeded, parameter */
		host_rule_icmp(b, host, AF_INET6, 1, 4);	/* unreach, too big, time, param */
		host_rule_icmp(b, host, AF_INET6, 133, 133);	/* router solicitation */
		host_rule_icmp(b, host, AF_INET6, 135, 136);	/* neighbour solicit/advert */
	}
	for (i = 0; net->host == NFT_HOST_DNS && i < 4; i++) {
		nft_rb_init(&rb, host);
		if (i < 2)
			nft_rb_dport(&rb, l4[i], 53, 53);
		else	/* echo request: "is my gateway there?" */
			nft_rb_icmp_type(&rb, i == 2 ? AF_INET : AF_INET6, i == 2 ? 8 : 128,
					 i == 2 ? 8 : 128);
		nft_rb_fib_daddr_iif_local(&rb);
		nft_rb_counter(&rb);
		nft_rb_verdict(&rb, NF_ACCEPT, NULL);
		nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	}
	if (net->host != NFT_HOST_ALL) {
		nft_rb_init(&rb, host);
		nft_rb_verdict(&rb, NFT_JUMP, hostpol);
		nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	}
	nft_rb_init(&rb, host);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, net->host == NFT_HOST_ALL ? NF_ACCEPT : NF_DROP, NULL);
	nft_rb_comment(&rb, nft_host_comment(net->host));
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

/* @guard: create net-N-from exclusively (first creation); off for a repair. */
static void build_net(struct nft_batch *b, const struct nft_net *net, bool guard)
{
	char from[NFT_OBJ_NAME_MAX], to[NFT_OBJ_NAME_MAX], policy[NFT_OBJ_NAME_MAX];
	char m4[NFT_OBJ_NAME_MAX], m6[NFT_OBJ_NAME_MAX], key[IFNAMSIZ] = { 0 };
	char host[NFT_OBJ_NAME_MAX], hostpol[NFT_OBJ_NAME_MAX];
	char egress[NFT_OBJ_NAME_MAX], pubsrc[NFT_OBJ_NAME_MAX];
	struct nft_elem e = { .key = key, .key_len = IFNAMSIZ, .ifname = true };
	struct nft_rule_b rb;

	if (nft_net_obj(from, sizeof(from), NFT_NET_PFX, net->name, NFT_FROM_SFX) < 0 ||
	    strlen(net->bridge) >= IFNAMSIZ) {
		/* Let the batch carry the error: callers check one place. */
		b->err = b->err ? b->err : -EINVAL;
		snprintf(b->err_what, sizeof(b->err_what), "network name or bridge name");
		return;
	}
	nft_net_obj(to, sizeof(to), NFT_NET_PFX, net->name, NFT_TO_SFX);
	nft_net_obj(policy, sizeof(policy), NFT_NET_PFX, net->name, NFT_POLICY_SFX);
	nft_net_obj(m4, sizeof(m4), NFT_MEMBERS4_PFX, net->name, "");
	nft_net_obj(m6, sizeof(m6), NFT_MEMBERS6_PFX, net->name, "");
	nft_net_obj(host, sizeof(host), NFT_NET_PFX, net->name, NFT_HOST_SFX);
	nft_net_obj(hostpol, sizeof(hostpol), NFT_NET_PFX, net->name, NFT_HOSTPOL_SFX);
	nft_net_obj(egress, sizeof(egress), NFT_NET_PFX, net->name, NFT_EGRESS_SFX);
	nft_net_obj(pubsrc, sizeof(pubsrc), NFT_NET_PFX, net->name, NFT_PUBSRC_SFX);
	strncpy(key, net->bridge, IFNAMSIZ - 1);

	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, m4, NFT_KEY_IPV4, false);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, m6, NFT_KEY_IPV6, false);
	/* The guard: a racing creator makes this fail with EEXIST, and retries. */
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | (guard ? NLM_F_EXCL : 0), FAM,
			NFT_TABLE, from, -1, NULL, 0);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, to, -1, NULL, 0);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, policy, -1, NULL, 0);
	/* A policy (version 2) fills these; empty, they decide nothing. */
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, egress, -1, NULL, 0);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, pubsrc, -1, NULL, 0);
	nft_netctl_build_policy_default(b, net->name, net->icc);

	nft_batch_flush_chain(b, FAM, NFT_TABLE, from);
	add_ct_rules(b, from);
	nft_rb_init(&rb, from);
	nft_rb_ifname(&rb, true, net->bridge, false);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NFT_JUMP, policy);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	if (net->isolate)
		add_isolate_rule(b, from, true);
	if (net->internal)
		add_drop_rule(b, from);
	/* Leaving for outside (no bridge of ours): the policy's egress rules. */
	nft_rb_init(&rb, from);
	nft_rb_ifname_not_set(&rb, true, NFT_BRIDGES_SET);
	nft_rb_verdict(&rb, NFT_JUMP, egress);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, to);
	add_ct_rules(b, to);
	if (net->isolate)
		add_isolate_rule(b, to, false);
	if (net->internal)
		add_drop_rule(b, to);
	build_host(b, net, host, hostpol);

	e.verdict = NFT_JUMP;
	e.chain = from;
	e.comment = net->name;
	nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_FWD_FROM_MAP, &e, 1);
	e.chain = to;
	nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_FWD_TO_MAP, &e, 1);
	e.chain = host;
	nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_HOST_FROM_MAP, &e, 1);
	e.chain = pubsrc;
	nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_PUBSRC_MAP, &e, 1);
	e.verdict = NFT_CONTINUE;
	e.chain = NULL;
	nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_BRIDGES_SET, &e, 1);
}

void nft_netctl_build_net(struct nft_batch *b, const struct nft_net *net)
{
	build_net(b, net, true);
}

static int count_cb(uint64_t handle, const char *comment, void *data)
{
	(*(int *)data)++;
	return 0;
}

int nft_netctl_net_wired(struct nft_conn *c, const char *net, char *what, size_t what_n,
			 struct err *err)
{
	char chains[5][NFT_OBJ_NAME_MAX];
	int i, r, rules;

	snprintf(chains[0], sizeof(chains[0]), NFT_FORWARD_CHAIN);
	snprintf(chains[3], sizeof(chains[3]), NFT_INPUT_CHAIN);
	if (nft_net_obj(chains[1], sizeof(chains[1]), NFT_NET_PFX, net, NFT_FROM_SFX) < 0 ||
	    nft_net_obj(chains[2], sizeof(chains[2]), NFT_NET_PFX, net, NFT_POLICY_SFX) < 0 ||
	    nft_net_obj(chains[4], sizeof(chains[4]), NFT_NET_PFX, net, NFT_HOST_SFX) < 0)
		return -EINVAL;
	for (i = 0; i < 5; i++) {
		rules = 0;
		r = nft_list_rules(c, FAM, NFT_TABLE, chains[i], count_cb, &rules, err);
		if (r < 0)
			return r;
		if (!rules) {
			snprintf(what, what_n, "chain inet netctl %s has no rules", chains[i]);
			return 0;
		}
	}
	return 1;
}

struct host_walk {
	int rules;
	char last[NFT_COMMENT_MAX + 1];	/* the last rule's comment: the mode */
};

static int host_walk_cb(uint64_t handle, const char *comment, void *data)
{
	struct host_walk *w = data;

	w->rules++;
	snprintf(w->last, sizeof(w->last), "%s", comment ? comment : "");
	return 0;
}

/*
 * net-N-host in the mode the configuration asks for: one more small dump per ADD. A
 * network whose chains an older netctl made has none (its host was open), and an
 * admin may have changed "hostAccess": then the host chains (and the input chain's
 * vmap rule) are made or refilled in one batch. Container work stays elements only:
 * this writes rules only when the mode changes. Return 0 (as asked), 1 (rebuilt:
 * net-N-hostpol may be new, the policy goes on again) or -errno.
 */
static int ensure_host(struct nft_conn *c, const struct nft_net *net, struct err *err)
{
	char host[NFT_OBJ_NAME_MAX], hostpol[NFT_OBJ_NAME_MAX], key[IFNAMSIZ] = { 0 };
	struct nft_elem e = { .key = key, .key_len = IFNAMSIZ, .ifname = true,
			      .verdict = NFT_JUMP, .chain = host, .comment = net->name };
	struct host_walk w = { 0 };
	struct nft_batch b;
	int r;

	nft_net_obj(host, sizeof(host), NFT_NET_PFX, net->name, NFT_HOST_SFX);
	nft_net_obj(hostpol, sizeof(hostpol), NFT_NET_PFX, net->name, NFT_HOSTPOL_SFX);
	r = nft_list_rules(c, FAM, NFT_TABLE, host, host_walk_cb, &w, err);
	if (r < 0)
		return r;
	if (w.rules && !strcmp(w.last, nft_host_comment(net->host)))
		return 0;
	strncpy(key, net->bridge, IFNAMSIZ - 1);
	nft_batch_begin(&b, c);
	build_input_base(&b);
	build_host(&b, net, host, hostpol);
	nft_batch_elems(&b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_HOST_FROM_MAP, &e, 1);
	r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
	return r < 0 ? r : 1;
}

static int jump_cb(const struct nft_rule_info *ri, void *data)
{
	*(int *)data += ri->verdict == NFT_JUMP;
	return 0;
}

/*
 * Policy version 2's hooks in a network made by an older netctl: the egress jump of
 * net-N-from (its second jump, after the policy's) and the pub-src element of its
 * bridge (with the forward rule and map, which a table that old lacks too). Without
 * them a version 2 policy would be installed and not enforced. 1 after a repair.
 */
static int ensure_v2_hooks(struct nft_conn *c, const struct nft_net *net, const char *from,
			   struct err *err)
{
	char egress[NFT_OBJ_NAME_MAX], pubsrc[NFT_OBJ_NAME_MAX], key[IFNAMSIZ] = { 0 };
	char comment[NFT_COMMENT_MAX + 1];
	struct nft_elem e = { .key = key, .key_len = IFNAMSIZ, .ifname = true,
			      .verdict = NFT_JUMP, .chain = pubsrc, .comment = net->name };
	struct nft_rule_b rb;
	struct nft_batch b;
	int r, jumps = 0, elem;

	strncpy(key, net->bridge, IFNAMSIZ - 1);
	r = nft_list_rules_info(c, FAM, NFT_TABLE, from, jump_cb, &jumps, err);
	if (r < 0)
		return r;
	elem = nft_get_elem(c, FAM, NFT_TABLE, NFT_PUBSRC_MAP, key, IFNAMSIZ, comment,
			    sizeof(comment), err);
	if (elem < 0)
		return elem;
	if (jumps >= 2 && elem == 1)
		return 0;
	nft_net_obj(egress, sizeof(egress), NFT_NET_PFX, net->name, NFT_EGRESS_SFX);
	nft_net_obj(pubsrc, sizeof(pubsrc), NFT_NET_PFX, net->name, NFT_PUBSRC_SFX);
	nft_batch_begin(&b, c);
	if (elem != 1)	/* the forward rule and map too (refilled once, on this upgrade) */
		nft_netctl_build_base(&b);
	nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, egress, -1, NULL, 0);
	nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, pubsrc, -1, NULL, 0);
	if (jumps < 2) {
		nft_rb_init(&rb, from);
		nft_rb_ifname_not_set(&rb, true, NFT_BRIDGES_SET);
		nft_rb_verdict(&rb, NFT_JUMP, egress);
		nft_batch_rule(&b, FAM, NFT_TABLE, &rb);
	}
	nft_batch_elems(&b, true, NLM_F_CREATE, FAM, NFT_TABLE, NFT_PUBSRC_MAP, &e, 1);
	r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
	return r < 0 ? r : 1;
}

/*
 * The usual case costs two small dumps: net-N-from has its rules, net-N-host its mode. An empty one means
 * someone flushed our table (`nft flush table inet netctl`, or a ruleset reload that
 * kept the objects): its rules and forward's are put back in one batch, since an ADD
 * that went on would leave the network wide open without saying so.
 */
int nft_netctl_ensure_net(struct nft_conn *c, const struct nft_net *net, struct err *err)
{
	char from[NFT_OBJ_NAME_MAX];
	struct nft_batch b;
	int r, tries, base, rules;
	bool repair;

	if (nft_net_obj(from, sizeof(from), NFT_NET_PFX, net->name, NFT_FROM_SFX) < 0)
		return err_detail(err, -EINVAL, "network name \"%s\" cannot name nftables objects",
				  net->name);
	for (tries = 0; tries < 3; tries++) {
		rules = 0;
		r = nft_list_rules(c, FAM, NFT_TABLE, from, count_cb, &rules, err);
		if (r < 0)
			return r;
		if (rules > 0) {
			int v2 = ensure_v2_hooks(c, net, from, err), h;

			if (v2 < 0)
				return v2;
			h = ensure_host(c, net, err);
			return h < 0 ? h : h || v2;
		}
		r = nft_chain_exists(c, FAM, NFT_TABLE, from, err);
		if (r < 0)
			return r;
		/*
		 * The base objects once: refilling forward would reset its counters. A table
		 * made before host access had no input chain: then it is made now.
		 */
		base = r ? 0 : nft_chain_exists(c, FAM, NFT_TABLE, NFT_FORWARD_CHAIN, err);
		if (base > 0)
			base = nft_chain_exists(c, FAM, NFT_TABLE, NFT_INPUT_CHAIN, err);
		if (base < 0)
			return base;
		nft_batch_begin(&b, c);
		if (!base)
			nft_netctl_build_base(&b);
		repair = r == 1;
		build_net(&b, net, !repair);
		r = nft_batch_send(c, &b, err);
		nft_batch_free(&b);
		if (r != -EEXIST)
			return r < 0 ? r : repair;
	}
	return r;
}

static int fill_elems(const char *set4, const char *set6, const struct ip_addr *addrs,
		      size_t n_addrs, const char *id, struct nft_elem *e4, size_t *n4,
		      struct nft_elem *e6, size_t *n6)
{
	size_t i;

	*n4 = *n6 = 0;
	for (i = 0; i < n_addrs; i++) {
		struct nft_elem *e;

		if (addrs[i].family == AF_INET)
			e = &e4[(*n4)++];
		else if (addrs[i].family == AF_INET6 && set6)
			e = &e6[(*n6)++];
		else
			continue;
		*e = (struct nft_elem){ .key = addrs[i].b, .key_len = ip_addr_size(&addrs[i]),
					.verdict = NFT_CONTINUE, .comment = id };
	}
	return 0;
}

int nft_netctl_build_elems_add(struct nft_batch *b, const char *set4, const char *set6,
			       const struct ip_addr *addrs, size_t n_addrs, const char *comment)
{
	struct nft_elem e4[16], e6[16];
	size_t n4, n6;

	if (n_addrs > 16)
		return -E2BIG;
	fill_elems(set4, set6, addrs, n_addrs, comment, e4, &n4, e6, &n6);
	if (n4)
		nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, set4, e4, n4);
	if (n6)
		nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, set6, e6, n6);
	return 0;
}

int nft_netctl_elems_add(struct nft_conn *c, const char *set4, const char *set6,
			 const struct ip_addr *addrs, size_t n_addrs, const char *container_id,
			 struct err *err)
{
	struct nft_batch b;
	int r;

	nft_batch_begin(&b, c);
	r = nft_netctl_build_elems_add(&b, set4, set6, addrs, n_addrs, container_id);
	if (r == 0)
		r = nft_batch_send(c, &b, err);
	nft_batch_free(&b);
	return r;
}

struct del_walk {
	struct nft_batch *b;
	const char *set;
	const char *id;
};

static int del_walk_cb(const void *key, size_t key_len, const char *comment,
		       const char *chain, void *data)
{
	struct del_walk *w = data;
	struct nft_elem e = { .key = key, .key_len = key_len, .verdict = NFT_CONTINUE };

	if (nft_comment_is(comment, w->id))
		nft_batch_elems(w->b, false, 0, FAM, NFT_TABLE, w->set, &e, 1);
	return 0;
}

static int del_from_set(struct nft_conn *c, struct nft_batch *b, const char *set,
			int family, const struct ip_addr *addrs, size_t n_addrs,
			const char *id, struct err *err)
{
	struct del_walk w = { .b = b, .set = set, .id = id };
	char comment[256];
	size_t i;
	int r;

	if (!set)
		return 0;
	if (!n_addrs)
		return nft_list_elems(c, FAM, NFT_TABLE, set, del_walk_cb, &w, err);
	for (i = 0; i < n_addrs; i++) {
		struct nft_elem e = { .key = addrs[i].b, .key_len = ip_addr_size(&addrs[i]),
				      .verdict = NFT_CONTINUE };

		if (addrs[i].family != family)
			continue;
		r = nft_get_elem(c, FAM, NFT_TABLE, set, addrs[i].b, ip_addr_size(&addrs[i]),
				 comment, sizeof(comment), err);
		if (r < 0)
			return r;
		/* Only our own element: the address may belong to someone else by now. */
		if (r == 1 && nft_comment_is(comment, id))
			nft_batch_elems(b, false, 0, FAM, NFT_TABLE, set, &e, 1);
	}
	return 0;
}

int nft_netctl_build_elems_del(struct nft_conn *c, struct nft_batch *b, const char *set4,
			       const char *set6, const struct ip_addr *addrs, size_t n_addrs,
			       const char *container_id, struct err *err)
{
	int r = del_from_set(c, b, set4, AF_INET, addrs, n_addrs, container_id, err);

	return r < 0 ? r : del_from_set(c, b, set6, AF_INET6, addrs, n_addrs, container_id,
					err);
}

int nft_netctl_elems_del(struct nft_conn *c, const char *set4, const char *set6,
			 const struct ip_addr *addrs, size_t n_addrs, const char *container_id,
			 struct err *err)
{
	struct nft_batch b;
	int r, tries = 0;

	/* Gone between our read and our delete (someone else's DEL or refill): read again. */
	do {
		nft_batch_begin(&b, c);
		r = nft_netctl_build_elems_del(c, &b, set4, set6, addrs, n_addrs, container_id,
					       err);
		if (r >= 0 && !nft_batch_empty(&b))
			r = nft_batch_send(c, &b, err);
		nft_batch_free(&b);
	} while (r == -ENOENT && ++tries < 3);
	return r;
}

struct rm_walk {
	struct nft_conn *c;
	struct nft_batch *b;
	const char *net;
	struct err *err;
	char tag[NFT_OBJ_NAME_MAX];	/* rule comment / element comment to match */
	const char *set;
	const char *chain;
	char bridges[4][IFNAMSIZ];
	size_t n_bridges;
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * fwd-from/fwd-to elements of the network (their comment is the network name). The
 * bridge names are kept to look them up in "bridges" after the dump: no query may run on
 * the socket while a dump is being read.
 */
static int rm_elem_cb(const void *key, size_t key_len, const char *comment,
		      const char *chain, void *data)
{
	struct rm_walk *w = data;
	struct nft_elem e = { .key = key, .key_len = key_len, .verdict = NFT_CONTINUE,
			      .ifname = true };

	if (!comment || strcmp(comment, w->net) || key_len != IFNAMSIZ)
		return 0;
	nft_batch_elems(w->b, false, 0, FAM, NFT_TABLE, w->set, &e, 1);
	if (!strcmp(w->set, NFT_FWD_FROM_MAP) && w->n_bridges < ARRAY_LEN(w->bridges))
		memcpy(w->bridges[w->n_bridges++], key, IFNAMSIZ);
	return 0;
}

static int rm_bridges(struct rm_walk *w)
{
	char comment[256];
	size_t i;
	int r;

	for (i = 0; i < w->n_bridges; i++) {
		struct nft_elem e = { .key = w->bridges[i], .key_len = IFNAMSIZ,
				      .verdict = NFT_CONTINUE, .ifname = true };

		r = nft_get_elem(w->c, FAM, NFT_TABLE, NFT_BRIDGES_SET, w->bridges[i], IFNAMSIZ,
				 comment, sizeof(comment), w->err);
		if (r < 0)
			return r;
		if (r == 1 && !strcmp(comment, w->net))
			nft_batch_elems(w->b, false, 0, FAM, NFT_TABLE, NFT_BRIDGES_SET, &e, 1);
	}
	return 0;
}

static int rm_rule_cb(uint64_t handle, const char *comment, void *data)
{
	struct rm_walk *w = data;

	size_t k = strlen(w->tag);

	/* "net:N", and "net:N <more>" (portmap's hairpin rules: "net:N hairpin:SUBNET") */
	if (comment && !strncmp(comment, w->tag, k) && (comment[k] == '\0' || comment[k] == ' '))
		nft_batch_del_rule(w->b, FAM, NFT_TABLE, w->chain, handle);
	return 0;
}

/*
 * Is @name one of network @net's objects? Names are exact ("net-N-from", "masq-N"),
 * except group sets "grp-N-G" and policy marks "pol-N-HASH", whose last part has no '-'
 * or '.' (policy/ enforces that), so network "a" never claims network "a-b"'s objects.
 */
/* The per-group kinds of object a network's removal takes along. */
static const char *const group_kinds[] = { NFT_GRP4_PFX, NFT_GRP6_PFX, NFT_POL_PFX,
					   NFT_ADDR4_PFX, NFT_ADDR6_PFX };

static bool is_net_obj(const char *name, const char *net, const char *const *names)
{
	char want[NFT_OBJ_NAME_MAX];
	size_t i;

	for (i = 0; names[i]; i += 2) {
		snprintf(want, sizeof(want), "%s%s%s", names[i], net, names[i + 1]);
		if (!strcmp(name, want))
			return true;
	}
	for (i = 0; i < ARRAY_LEN(group_kinds); i++)
		if (nft_group_of(name, group_kinds[i], net))
			return true;
	return false;
}

struct name_list {
	struct nft_names list;
	const char *net;
	const char *const *prefixes;
};

static int collect_cb(const char *name, void *data)
{
	struct name_list *l = data;

	if (!is_net_obj(name, l->net, l->prefixes))
		return 0;
	return nft_names_push(&l->list, name);
}

int nft_netctl_net_remove(struct nft_conn *c, const char *net, struct err *err)
{
	static const char *const chain_pfx[] = { NFT_NET_PFX, NFT_FROM_SFX, NFT_NET_PFX, NFT_TO_SFX,
		NFT_NET_PFX, NFT_POLICY_SFX, NFT_NET_PFX, NFT_HOST_SFX, NFT_NET_PFX, NFT_HOSTPOL_SFX,
		NFT_NET_PFX, NFT_EGRESS_SFX, NFT_NET_PFX, NFT_PUBSRC_SFX, NFT_NAT4_PFX, "",
		NFT_NAT6_PFX, "",
		NULL };
	static const char *const set_pfx[] = { NFT_MEMBERS4_PFX, "", NFT_MEMBERS6_PFX, "",
		NFT_MASQ4_PFX, "", NFT_MASQ6_PFX, "", NFT_DROPS4_PFX, "", NFT_DROPS6_PFX, "",
		NULL };
	struct name_list chains = { .net = net, .prefixes = chain_pfx };
	struct name_list sets = { .net = net, .prefixes = set_pfx };
	struct rm_walk w = { .c = c, .net = net, .err = err };
	struct nft_batch b;
	size_t i;
	int r;

	if (!name_is_safe(net, NFT_NET_NAME_MAX))
		return err_detail(err, -EINVAL, "invalid network name");
	nft_batch_begin(&b, c);
	w.b = &b;
	snprintf(w.tag, sizeof(w.tag), "net:%s", net);
	w.set = NFT_FWD_FROM_MAP;
	r = nft_list_elems(c, FAM, NFT_TABLE, NFT_FWD_FROM_MAP, rm_elem_cb, &w, err);
	w.set = NFT_FWD_TO_MAP;
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, NFT_FWD_TO_MAP, rm_elem_cb, &w, err);
	w.set = NFT_HOST_FROM_MAP;
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, NFT_HOST_FROM_MAP, rm_elem_cb, &w, err);
	w.set = NFT_PUBSRC_MAP;
	if (r >= 0)
		r = nft_list_elems(c, FAM, NFT_TABLE, NFT_PUBSRC_MAP, rm_elem_cb, &w, err);
	if (r >= 0)
		r = rm_bridges(&w);
	w.chain = NFT_POSTROUTING_CHAIN;
	if (r >= 0)
		r = nft_list_rules(c, FAM, NFT_TABLE, NFT_POSTROUTING_CHAIN, rm_rule_cb, &w, err);
	w.chain = NFT_INBOUND_CHAIN;	/* "net:N published-only" (ruleset/inbound.h) */
	if (r >= 0)
		r = nft_list_rules(c, FAM, NFT_TABLE, NFT_INBOUND_CHAIN, rm_rule_cb, &w, err);
	if (r >= 0)
		r = nft_list_chains(c, FAM, NFT_TABLE, collect_cb, &chains, err);
	if (r >= 0)
		r = nft_list_sets(c, FAM, NFT_TABLE, collect_cb, &sets, err);
	if (r >= 0) {
		/* Rules go before the chains and sets they reference. */
		for (i = 0; i < chains.list.n; i++)
			nft_batch_flush_chain(&b, FAM, NFT_TABLE, chains.list.names[i]);
		for (i = 0; i < chains.list.n; i++)
			nft_batch_chain(&b, NFT_MSG_DELCHAIN, 0, FAM, NFT_TABLE,
					chains.list.names[i], -1, NULL, 0);
		for (i = 0; i < sets.list.n; i++)
			nft_batch_set(&b, NFT_MSG_DELSET, 0, FAM, NFT_TABLE, sets.list.names[i],
				      NFT_KEY_IPV4, false);
		r = nft_batch_send(c, &b, err);
	}
	nft_batch_free(&b);
	free(chains.list.names);
	free(sets.list.names);
	return r;
}
