// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "nft/read.h"
#include "ruleset/gc.h"
#include "ruleset/inbound.h"
#include "ruleset/loopback.h"
#include "ruleset/macspoof.h"
#include "ruleset/masq.h"
#include "ruleset/names.h"
#include "ruleset/spoofchk.h"
#include "ruleset/table.h"
#include "util/str.h"

/* Rules in @chain: -1 when there is no such chain. */
static int count_rule(uint64_t handle, const char *comment, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int chain_rules(struct nft_conn *c, const char *chain)
{
	int n = 0;

	if (nft_chain_exists(c, NFPROTO_INET, NFT_TABLE, chain, NULL) != 1)
		return -1;
	if (nft_list_rules(c, NFPROTO_INET, NFT_TABLE, chain, count_rule, &n, NULL) < 0)
		return -1;
	return n;
}

static bool elem_there(struct nft_conn *c, const char *prefix, const char *prefix6,
		       const char *net, const struct ip_addr *a)
{
	char set[NFT_OBJ_NAME_MAX];

	nft_net_obj(set, sizeof(set), a->family == AF_INET ? prefix : prefix6, net, "");
	return nft_get_elem(c, NFPROTO_INET, NFT_TABLE, set, a->b, ip_addr_size(a), NULL, 0,
			    NULL) == 1;
}

/* spoofchk: the port, MAC and addresses of an attachment. false when it has none. */
struct spoof_att {
	struct nft_spoof_port p;
	struct ip_addr addrs[16];
};

static bool spoof_att(const struct nft_gc_net *nn, const struct nft_gc_att *a,
		      struct spoof_att *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!a->port_mac)
		return false;
	memcpy(s->p.mac, a->mac, sizeof(s->p.mac));
	s->p.ll6 = nn->ll6;
	for (i = 0; i < a->n_ips; i++) {
		s->addrs[i] = a->ips[i].addr;
		s->p.ll6 |= a->ips[i].addr.family == AF_INET6;
	}
	s->p.port = a->port;
	s->p.addrs = s->addrs;
	s->p.n_addrs = a->n_ips;
	return true;
}

/* 1 in place (or nothing to check), 0 missing, -errno. */
static int spoof_check(struct nft_conn *c, const struct nft_gc_net *nn,
		       const struct nft_gc_att *a)
{
	struct spoof_att s;
	char what[128];

	if (!spoof_att(nn, a, &s))
		return 1;
	return nft_spoofchk_check(c, &s.p, what, sizeof(what), NULL);
}

/*
 * The table-wide guards of issue 13: loopback-only once portmap made its chains
 * (prerouting), and a masquerading network's published-only rule.
 */
static enum nft_gc_state guards_check(struct nft_conn *c, const struct nft_gc_net *nn)
{
	int rules;

	if (nn->portmap && chain_rules(c, NFT_PREROUTING_CHAIN) > 0) {
		rules = chain_rules(c, NFT_LO_CHAIN);
		if (rules == 0)
			return NFT_GC_FLUSHED;
		if (rules < NFT_LO_RULES)
			return NFT_GC_MISSING;
	}
	if (nn->masq && !nn->routed) {
		rules = chain_rules(c, NFT_INBOUND_CHAIN);
		if (rules == 0)
			return NFT_GC_FLUSHED;
		if (rules < 0 || nft_inbound_check(c, nn->net, NULL) != 1)
			return NFT_GC_MISSING;
	}
	return NFT_GC_OK;
}

enum nft_gc_state nft_gc_check(struct nft_conn *c, const struct nft_gc_net *nn,
			       const struct nft_gc_att *atts, size_t n)
{
	enum nft_gc_state st = guards_check(c, nn);
	char chain[NFT_OBJ_NAME_MAX];
	size_t j, k;
	int rules;

	if (st == NFT_GC_FLUSHED)
		return st;
	/* forward, net-N-from (firewall), nat-N (ipMasq) */
	for (k = 0; k < 3; k++) {
		if ((k < 2 && !nn->fw) || (k == 2 && !nn->masq))
			continue;
		if (k == 0)
			str_copy(chain, sizeof(chain), NFT_FORWARD_CHAIN);
		else
			nft_net_obj(chain, sizeof(chain), k == 1 ? NFT_NET_PFX : NFT_NAT4_PFX,
				    nn->net, k == 1 ? NFT_FROM_SFX : "");
		rules = chain_rules(c, chain);
		if (rules == 0)
			return NFT_GC_FLUSHED;
		if (rules < 0)
			st = NFT_GC_MISSING;
	}
	for (j = 0; j < n; j++) {
		for (k = 0; k < atts[j].n_ips; k++) {
			const struct ip_addr *a = &atts[j].ips[k].addr;

			if (nn->fw && !elem_there(c, NFT_MEMBERS4_PFX, NFT_MEMBERS6_PFX, nn->net, a))
				st = NFT_GC_MISSING;
			if (nn->masq && !elem_there(c, NFT_MASQ4_PFX, NFT_MASQ6_PFX, nn->net, a))
				st = NFT_GC_MISSING;
		}
		if (nn->spoof && spoof_check(c, nn, &atts[j]) == 0)
			st = NFT_GC_MISSING;
	}
	return st;
}

int nft_gc_rebuild(struct nft_conn *c, const struct nft_gc_net *nn, const struct nft_gc_att *a,
		   struct err *err)
{
	struct spoof_att s;
	size_t i;
	int r;

	for (i = 0; nn->masq && i < a->n_ips; i++) {
		struct ip_prefix sub = ip_prefix_network(&a->ips[i]);

		r = nft_masq_attach(c, nn->net, &sub, &a->ips[i].addr, a->id, err);
		if (r < 0)
			return err_prefix(err, r, "ipMasq");
	}
	if (nn->masq && a->n_ips) {
		r = nft_inbound_apply(c, nn->net, nn->bridge, nn->routed, err);
		if (r < 0)
			return err_prefix(err, r, "published-only");
	}
	if (nn->macspoof && a->port_mac && nft_macspoof_check(c, a->port, a->mac, NULL) == 0) {
		r = nft_macspoof_attach(c, a->port, a->mac, a->id, err);
		if (r < 0)
			return err_prefix(err, r, "macspoofchk");
	}
	if (nn->spoof && spoof_check(c, nn, a) == 0) {
		spoof_att(nn, a, &s);
		r = nft_spoofchk_attach(c, &s.p, a->id, err);
		if (r < 0)
			return err_prefix(err, r, "spoofchk");
	}
	return 0;
}

int nft_gc_drop_table(struct nft_conn *c, struct err *err)
{
	struct nft_batch b;

	nft_batch_begin(&b, c);
	nft_batch_table(&b, false, NFPROTO_INET, NFT_TABLE);
	return nft_batch_commit(&b, err);
}

struct elem_walk {
	const char *net, *bridge, *set;
	enum nft_set_owner own;	/* whose elements are the network's */
	int (*cb)(const char *item, void *data);
	void *data;
};

/* An ifname key (NUL-padded to IFNAMSIZ), not an IPv6 address. */
static bool key_is_name(const uint8_t *key, size_t len)
{
	size_t i = 0;

	while (i < len && key[i] >= 0x21 && key[i] < 0x7f)
		i++;
	if (i == 0 || len != 16)	/* IFNAMSIZ */
		return false;
	while (i < len && key[i] == 0)
		i++;
	return i == len;
}

/*
 * A portmap key: [ADDR .] PROTO . PORT, each part in a 4-byte register (an address in
 * 4 or 16 bytes), as "[ADDR . ]tcp . 8080".
 */
static void port_key(const uint8_t *key, size_t len, char *out, size_t n)
{
	struct ip_addr a = { 0 };
	char addr[IP_STR_MAX + 3] = "";
	const uint8_t *pp = key;

	if (len == 12 || len == 24) {
		a.family = len == 12 ? AF_INET : AF_INET6;
		memcpy(a.b, key, ip_addr_size(&a));
		ip_addr_format(&a, addr, IP_STR_MAX);
		strcat(addr, " . ");
		pp = key + ip_addr_size(&a);
	} else if (len != 8) {
		snprintf(out, n, "(%zu-byte key)", len);
		return;
	}
	snprintf(out, n, "%s%s . %u", addr, pp[0] == 6 ? "tcp" : pp[0] == 17 ? "udp" :
		 pp[0] == 132 ? "sctp" : "?", (unsigned)(pp[4] << 8 | pp[5]));
}

static int walk_elem(const void *key, size_t key_len, const char *comment, const char *chain,
		     void *data)
{
	struct elem_walk *w = data;
	struct ip_addr a = { .family = key_len == 4 ? AF_INET : AF_INET6 };
	char k[IP_STR_MAX], *item;
	size_t cl = comment ? strlen(comment) : 0, nl = strlen(w->net);
	int r;

	if (w->own == NFT_OWNER_COMMENT &&
	    !(cl > nl && comment[cl - nl - 1] == ' ' && !strcmp(comment + cl - nl, w->net)))
		return 0;
	if (w->own == NFT_OWNER_COMMENT) {
		port_key(key, key_len, k, sizeof(k));
	} else if (key_is_name(key, key_len)) {
		if (w->own == NFT_OWNER_BRIDGE && strncmp(key, w->bridge, key_len))
			return 0;
		snprintf(k, sizeof(k), "\"%.*s\"", (int)strnlen(key, key_len), (const char *)key);
	} else if (w->own == NFT_OWNER_BRIDGE) {
		return 0;
	} else if (key_len == 4 || key_len == 16) {
		memcpy(a.b, key, key_len);
		ip_addr_format(&a, k, sizeof(k));
	} else {
		snprintf(k, sizeof(k), "(%zu-byte key)", key_len);
	}
	if (asprintf(&item, "nft element %s in %s%s%s%s", k, w->set, comment && *comment ?
		     " (" : "", comment ? comment : "", comment && *comment ? ")" : "") < 0)
		return -ENOMEM;
	r = w->cb(item, w->data);
	free(item);
	return r;
}

static int set_name(const char *name, void *data)
{
	return nft_names_push(data, name);
}

int nft_gc_elems(struct nft_conn *c, const char *net, const char *bridge,
		 int (*cb)(const char *item, void *data), void *data)
{
	struct nft_names sets = { 0 };
	size_t i;
	int r;

	/* A set that cannot be read (gone meanwhile) is skipped, not the rest. */
	r = nft_list_sets(c, NFPROTO_INET, NFT_TABLE, set_name, &sets, NULL);
	if (r >= 0)
		for (i = 0; i < sets.n; i++) {
			struct elem_walk w = { net, bridge, sets.names[i],
					       nft_set_owner(sets.names[i], net), cb, data };

			if (w.own != NFT_OWNER_NONE)
				nft_list_elems(c, NFPROTO_INET, NFT_TABLE, sets.names[i],
					       walk_elem, &w, NULL);
		}
	free(sets.names);
	return r < 0 ? r : 0;
}
