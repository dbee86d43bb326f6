// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include "ruleset/loopback.h"
#include "ruleset/names.h"
#include "ruleset/portmap.h"
#include "nft/read.h"
#include "util/str.h"

#define FAM NFPROTO_INET
#define LOCALHOST_TAG "portmap:localhost"

/* Every map and set of ours, for walks (DEL without mappings, GC). */
static const char *const pm_sets[] = { NFT_DNAT_V4_MAP, NFT_DNAT_V6_MAP, NFT_DNAT_IP_V4_MAP,
				       NFT_DNAT_IP_V6_MAP, NFT_PUB_V4_SET, NFT_PUB_V6_SET };

const char *nft_pm_map_name(const struct nft_pm_map *m)
{
	bool v4 = m->cont.family == AF_INET;

	if (m->host_ip.family)
		return v4 ? NFT_DNAT_IP_V4_MAP : NFT_DNAT_IP_V6_MAP;
	return v4 ? NFT_DNAT_V4_MAP : NFT_DNAT_V6_MAP;
}

/* proto . port as two zero-padded 32-bit registers. */
static size_t put_proto_port(uint8_t *p, uint8_t proto, uint16_t port)
{
	uint16_t be = htons(port);

	memset(p, 0, 8);
	p[0] = proto;
	memcpy(p + 4, &be, 2);
	return 8;
}

size_t nft_pm_key(const struct nft_pm_map *m, uint8_t key[NFT_PM_KEY_MAX])
{
	size_t off = 0;

	if (m->host_ip.family) {
		off = ip_addr_size(&m->host_ip);
		memcpy(key, m->host_ip.b, off);
	}
	return off + put_proto_port(key + off, m->proto, m->host_port);
}

size_t nft_pm_data(const struct nft_pm_map *m, uint8_t data[NFT_PM_DATA_MAX])
{
	size_t off = ip_addr_size(&m->cont);
	uint16_t be = htons(m->cont_port);

	memcpy(data, m->cont.b, off);
	memset(data + off, 0, 4);
	memcpy(data + off, &be, 2);
	return off + 4;
}

size_t nft_pm_pub_key(const struct nft_pm_map *m, uint8_t key[NFT_PM_KEY_MAX])
{
	size_t off = ip_addr_size(&m->cont);

	memcpy(key, m->cont.b, off);
	return off + put_proto_port(key + off, m->proto, m->cont_port);
}

static const char *proto_str(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	default: return "?";
	}
}

void nft_pm_format(const struct nft_pm_map *m, char *buf, size_t n)
{
	char h[IP_STR_MAX] = "", c[IP_STR_MAX];
	bool v6 = m->cont.family == AF_INET6;

	if (m->host_ip.family)
		ip_addr_format(&m->host_ip, h, sizeof(h));
	ip_addr_format(&m->cont, c, sizeof(c));
	snprintf(buf, n, "%s %s%s%s%s%u -> %s%s%s:%u", proto_str(m->proto),
		 v6 && *h ? "[" : "", h, v6 && *h ? "]" : "", *h ? ":" : "", m->host_port,
		 v6 ? "[" : "", c, v6 ? "]" : "", m->cont_port);
}

static void build_maps(struct nft_batch *b)
{
	static const enum nft_dtype pp[] = { NFT_DT_INET_PROTO, NFT_DT_INET_SERVICE };
	static const enum nft_dtype a4pp[] = { NFT_DT_IPV4, NFT_DT_INET_PROTO,
					       NFT_DT_INET_SERVICE };
	static const enum nft_dtype a6pp[] = { NFT_DT_IPV6, NFT_DT_INET_PROTO,
					       NFT_DT_INET_SERVICE };
	static const enum nft_dtype a4p[] = { NFT_DT_IPV4, NFT_DT_INET_SERVICE };
	static const enum nft_dtype a6p[] = { NFT_DT_IPV6, NFT_DT_INET_SERVICE };
	struct nft_set_shape sh;

	sh = nft_set_shape_concat(pp, 2, a4p, 2);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, NFT_DNAT_V4_MAP, &sh);
	sh = nft_set_shape_concat(pp, 2, a6p, 2);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, NFT_DNAT_V6_MAP, &sh);
	sh = nft_set_shape_concat(a4pp, 3, a4p, 2);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, NFT_DNAT_IP_V4_MAP, &sh);
	sh = nft_set_shape_concat(a6pp, 3, a6p, 2);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, NFT_DNAT_IP_V6_MAP, &sh);
	nft_pm_build_pub(b);
}

void nft_pm_build_pub(struct nft_batch *b)
{
	static const enum nft_dtype a4pp[] = { NFT_DT_IPV4, NFT_DT_INET_PROTO,
					       NFT_DT_INET_SERVICE };
	static const enum nft_dtype a6pp[] = { NFT_DT_IPV6, NFT_DT_INET_PROTO,
					       NFT_DT_INET_SERVICE };
	struct nft_set_shape sh;

	sh = nft_set_shape_concat(a4pp, 3, NULL, 0);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, NFT_PUB_V4_SET, &sh);
	sh = nft_set_shape_concat(a6pp, 3, NULL, 0);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, NFT_PUB_V6_SET, &sh);
}

void nft_pm_build_pub_accept(struct nft_batch *b, const char *chain)
{
	struct nft_rule_b rb;
	int i;

	for (i = 0; i < 2; i++) {
		nft_rb_init(&rb, chain);
		nft_rb_ct_status(&rb, IPS_DST_NAT);
		nft_rb_daddr_port_set(&rb, i ? AF_INET6 : AF_INET,
				      i ? NFT_PUB_V6_SET : NFT_PUB_V4_SET);
		nft_rb_counter(&rb);
		nft_rb_verdict(&rb, NF_ACCEPT, NULL);
		nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	}
}

/* The DNAT rules of prerouting (and output): fewer means a flush emptied it. */
#define PM_BASE_RULES 4

/* hostIP-bound maps first: a mapping on one address wins over none. */
static void build_dnat_rules(struct nft_batch *b, const char *chain)
{
	static const struct { int family; bool by_daddr; const char *map; } r[] = {
		{ AF_INET, true, NFT_DNAT_IP_V4_MAP }, { AF_INET, false, NFT_DNAT_V4_MAP },
		{ AF_INET6, true, NFT_DNAT_IP_V6_MAP }, { AF_INET6, false, NFT_DNAT_V6_MAP },
	};
	struct nft_rule_b rb;
	size_t i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		nft_rb_init(&rb, chain);
		nft_rb_fib_daddr_local(&rb);
		nft_rb_counter(&rb);
		nft_rb_dnat_map(&rb, r[i].family, r[i].by_daddr, r[i].map);
		nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	}
}

void nft_pm_build_base(struct nft_batch *b)
{
	nft_batch_table(b, true, FAM, NFT_TABLE);
	build_maps(b);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_PREROUTING_CHAIN,
			NF_INET_PRE_ROUTING, "nat", -100);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_OUTPUT_CHAIN,
			NF_INET_LOCAL_OUT, "nat", -100);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, NFT_POSTROUTING_CHAIN,
			NF_INET_POST_ROUTING, "nat", 100);
	/* Flush and refill in one transaction: racing first ADDs make them once. */
	nft_batch_flush_chain(b, FAM, NFT_TABLE, NFT_PREROUTING_CHAIN);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, NFT_OUTPUT_CHAIN);
	build_dnat_rules(b, NFT_PREROUTING_CHAIN);
	build_dnat_rules(b, NFT_OUTPUT_CHAIN);
	/* Before any DNAT: 127.0.0.1 and ::1 only from lo (ruleset/loopback.h). */
	nft_lo_build(b);
}

void nft_pm_build_localhost(struct nft_batch *b)
{
	struct ip_prefix lo = { .addr = { .family = AF_INET, .b = { 127 } }, .len = 8 };
	struct nft_rule_b rb;

	/* snat: connections from 127.0.0.1 leave with the outgoing interface's address. */
	nft_rb_init(&rb, NFT_POSTROUTING_CHAIN);
	nft_rb_ct_status(&rb, IPS_DST_NAT);
	nft_rb_prefix(&rb, true, &lo, false);
	nft_rb_counter(&rb);
	nft_rb_masquerade(&rb);
	nft_rb_comment(&rb, LOCALHOST_TAG);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

static void hairpin_tag(char *buf, size_t n, const char *net, const struct ip_prefix *sub)
{
	struct ip_prefix p = ip_prefix_network(sub);
	char cidr[IP_STR_MAX + 4];

	ip_prefix_format(&p, cidr, sizeof(cidr));
	if (net && name_is_safe(net, NFT_NET_NAME_MAX))
		snprintf(buf, n, "net:%s hairpin:%s", net, cidr);
	else
		snprintf(buf, n, "hairpin:%s", cidr);
}

void nft_pm_build_hairpin(struct nft_batch *b, const char *net, const struct ip_prefix *subnet)
{
	char tag[NFT_OBJ_NAME_MAX];
	struct nft_rule_b rb;

	hairpin_tag(tag, sizeof(tag), net, subnet);
	nft_rb_init(&rb, NFT_POSTROUTING_CHAIN);
	nft_rb_ct_status(&rb, IPS_DST_NAT);
	nft_rb_prefix(&rb, true, subnet, false);
	nft_rb_prefix(&rb, false, subnet, false);
	nft_rb_counter(&rb);
	nft_rb_masquerade(&rb);
	nft_rb_comment(&rb, tag);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

struct tags {
	struct nft_names list;
};

static int tag_cb(uint64_t handle, const char *comment, void *data)
{
	struct tags *t = data;

	if (comment && (strstr(comment, "hairpin:") || !strcmp(comment, LOCALHOST_TAG)))
		return nft_names_push(&t->list, comment);
	return 0;
}

static int count_cb(uint64_t handle, const char *comment, void *data)
{
	(*(size_t *)data)++;
	return 0;
}

static bool has_tag(const struct tags *t, const char *tag)
{
	size_t i;

	for (i = 0; i < t->list.n; i++)
		if (!strcmp(t->list.names[i], tag))
			return true;
	return false;
}

int nft_pm_prepare(struct nft_conn *c, const char *net, const struct ip_prefix *subnets,
		   size_t n_subnets, struct err *err)
{
	struct tags t = { { 0 } };
	char tag[NFT_OBJ_NAME_MAX];
	struct nft_batch b;
	size_t i;
	int r;

	/* Absent, or emptied by a flush of the table: (re)made. Two small dumps. */
	r = nft_pm_check_rules(c, err);
	if (r == -ENOENT) {
		nft_batch_begin(&b, c);
		nft_pm_build_base(&b);
		r = nft_batch_commit(&b, err);
	}
	if (r >= 0)
		r = nft_list_rules(c, FAM, NFT_TABLE, NFT_POSTROUTING_CHAIN, tag_cb, &t, err);
	if (r >= 0) {
		nft_batch_begin(&b, c);
		if (!has_tag(&t, LOCALHOST_TAG))
			nft_pm_build_localhost(&b);
		for (i = 0; i < n_subnets; i++) {
			hairpin_tag(tag, sizeof(tag), net, &subnets[i]);
			if (has_tag(&t, tag))
				continue;
			nft_pm_build_hairpin(&b, net, &subnets[i]);
			if (nft_names_push(&t.list, tag) < 0)
				break;	/* a second equal rule at worst */
		}
		r = nft_batch_commit(&b, err);
	}
	free(t.list.names);
	return r;
}

/* A wildcard mapping's key in its map: the same protocol and port, no address. */
static struct nft_pm_map wildcard_of(const struct nft_pm_map *m)
{
	struct nft_pm_map w = *m;

	w.host_ip.family = 0;
	return w;
}

void nft_pm_tag(char *buf, size_t n, const char *id, const char *net)
{
	nft_member_comment(buf, n, id, net);
}

/* "container ID (network NET)" from a comment "ID NET" (or "ID"), for messages. */
static void comment_id(char *buf, size_t n, const char *comment)
{
	size_t k = strcspn(comment, " ");

	if (comment[k])
		snprintf(buf, n, "%.*s (network %s)", (int)k, comment, comment + k + 1);
	else
		snprintf(buf, n, "%s", comment);
}

/* Does @comment ("ID NET") name network @net? */
static bool comment_net_is(const char *comment, const char *net)
{
	const char *sp = strchr(comment, ' ');

	return sp && !strcmp(sp + 1, net);
}

struct overlap_walk {
	const struct nft_pm_map *maps;
	size_t n_maps;
	const char *id;
	int family;
	char *owner;
	size_t owner_n;
	const struct nft_pm_map *hit;
};

/* An element of dnat-ip-vN on the protocol and port of one of our wildcard mappings. */
static int overlap_cb(const void *key, size_t key_len, const char *comment,
		      const char *chain, void *data)
{
	struct overlap_walk *w = data;
	size_t alen = w->family == AF_INET ? 4 : 16, i;
	uint8_t k[NFT_PM_KEY_MAX];

	if (key_len != alen + 8 || !comment || !strcmp(comment, w->id))
		return 0;
	for (i = 0; i < w->n_maps; i++) {
		const struct nft_pm_map *m = &w->maps[i];

		if (m->host_ip.family || m->cont.family != w->family)
			continue;
		nft_pm_key(m, k);
		if (!memcmp((const uint8_t *)key + alen, k, 8)) {
			comment_id(w->owner, w->owner_n, comment);
			w->hit = m;
			return 1;
		}
	}
	return 0;
}

static int conflict(const struct nft_pm_map *m, const char *owner, struct err *err)
{
	char s[128];

	nft_pm_format(m, s, sizeof(s));
	return err_detail(err, -EADDRINUSE,
			  "host port %s/%u is already published by container %s (%s)",
			  proto_str(m->proto), m->host_port, owner, s);
}

/*
 * Who else holds @m's key, or the wildcard/hostIP twin of it? 1 with the owner's ID in
 * @owner, 0 when no one, and with *@ours set when this container holds the key itself.
 */
static int find_owner(struct nft_conn *c, const struct nft_pm_map *m, const char *id,
		      bool *ours, char *owner, size_t owner_n, struct err *err)
{
	struct nft_pm_map w = wildcard_of(m);
	uint8_t key[NFT_PM_KEY_MAX];
	char comment[256];
	int r;

	*ours = false;
	r = nft_get_elem(c, FAM, NFT_TABLE, nft_pm_map_name(m), key, nft_pm_key(m, key),
			 comment, sizeof(comment), err);
	if (r > 0 && !strcmp(comment, id))
		*ours = true;
	else if (r > 0)
		goto found;
	if (r < 0 || !m->host_ip.family)
		return r < 0 ? r : 0;
	r = nft_get_elem(c, FAM, NFT_TABLE, nft_pm_map_name(&w), key, nft_pm_key(&w, key),
			 comment, sizeof(comment), err);
	if (r <= 0 || !strcmp(comment, id))
		return r < 0 ? r : 0;
found:
	comment_id(owner, owner_n, comment);
	return 1;
}

static struct nft_elem pm_elem(const uint8_t *key, size_t klen, const uint8_t *data,
			       size_t dlen, const char *text, const char *id)
{
	return (struct nft_elem){ .key = key, .key_len = klen, .data = data, .data_len = dlen,
				  .text = text, .verdict = NFT_CONTINUE, .comment = id };
}

#define PM_MAX 2048	/* portmap's 1024 entries, IPv4 and IPv6 each */

int nft_pm_add(struct nft_conn *c, const struct nft_pm_map *maps, size_t n_maps,
	       const char *id, char *owner, size_t owner_n, struct err *err)
{
	static uint8_t keys[PM_MAX][NFT_PM_KEY_MAX], data[PM_MAX][NFT_PM_DATA_MAX],
		pkeys[PM_MAX][NFT_PM_KEY_MAX];
	static char text[PM_MAX][128];
	struct overlap_walk ow = { .maps = maps, .n_maps = n_maps, .id = id, .owner = owner,
				   .owner_n = owner_n };
	bool ours, held[PM_MAX], wild[2] = { false, false };
	struct nft_batch b;
	size_t i;
	int r;

	if (n_maps > PM_MAX)
		return -E2BIG;
	for (i = 0; i < n_maps; i++) {
		r = find_owner(c, &maps[i], id, &ours, owner, owner_n, err);
		if (r < 0)
			return r;
		if (r > 0)
			return conflict(&maps[i], owner, err);
		held[i] = ours;
		if (!maps[i].host_ip.family)
			wild[maps[i].cont.family == AF_INET6] = true;
	}
	/* A wildcard mapping also takes the port on every address: hostIP-bound ones too. */
	for (i = 0; i < 2; i++) {
		if (!wild[i])
			continue;
		ow.family = i ? AF_INET6 : AF_INET;
		r = nft_list_elems(c, FAM, NFT_TABLE, i ? NFT_DNAT_IP_V6_MAP : NFT_DNAT_IP_V4_MAP,
				   overlap_cb, &ow, err);
		if (r < 0)
			return r;
		if (ow.hit)
			return conflict(ow.hit, owner, err);
	}
	nft_batch_begin(&b, c);
	for (i = 0; i < n_maps; i++) {
		const struct nft_pm_map *m = &maps[i];
		struct nft_elem e;

		nft_pm_format(m, text[i], sizeof(text[i]));
		e = pm_elem(keys[i], nft_pm_key(m, keys[i]), data[i], nft_pm_data(m, data[i]),
			    text[i], id);
		/* EXCL: a racing ADD of the same port fails the whole batch. */
		if (!held[i])
			nft_batch_elems(&b, true, NLM_F_CREATE | NLM_F_EXCL, FAM, NFT_TABLE,
					nft_pm_map_name(m), &e, 1);
		e = pm_elem(pkeys[i], nft_pm_pub_key(m, pkeys[i]), NULL, 0, text[i], id);
		nft_batch_elems(&b, true, NLM_F_CREATE, FAM, NFT_TABLE,
				m->cont.family == AF_INET ? NFT_PUB_V4_SET : NFT_PUB_V6_SET, &e, 1);
	}
	r = nft_batch_commit(&b, err);
	if (r == -EEXIST) {
		/* Lost a race for one of the ports (or our own element is there twice). */
		for (i = 0; i < n_maps; i++)
			if (find_owner(c, &maps[i], id, &ours, owner, owner_n, err) > 0)
				return conflict(&maps[i], owner, err);
		comment_id(owner, owner_n, id);
		return conflict(&maps[0], owner, err);
	}
	return r;
}

struct del_walk {
	struct nft_batch *b;
	const char *set;
	const char *id;				/* DEL: elements with this exact tag */
	const char *net;			/* GC: elements of this network */
	bool (*keep)(const char *id, void *data);	/* GC: all but these */
	void *data;
	size_t removed;
};

static int del_cb(const void *key, size_t key_len, const char *comment, const char *chain,
		  void *data)
{
	struct del_walk *w = data;
	struct nft_elem e = pm_elem(key, key_len, NULL, 0, "(walk)", NULL);
	char id[256];

	if (!comment)
		return 0;
	if (w->id && strcmp(comment, w->id))
		return 0;
	if (w->keep) {
		/* Only this network's: the maps are shared by every network. */
		if (!comment_net_is(comment, w->net))
			return 0;
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(comment, " "), comment);
		if (w->keep(id, w->data))
			return 0;
	}
	nft_batch_elems(w->b, false, 0, FAM, NFT_TABLE, w->set, &e, 1);
	w->removed++;
	return 0;
}

static int walk_del(struct nft_conn *c, struct del_walk *w, struct err *err)
{
	struct nft_batch b;
	size_t i;
	int r = 0;

	nft_batch_begin(&b, c);
	w->b = &b;
	for (i = 0; i < sizeof(pm_sets) / sizeof(pm_sets[0]) && r >= 0; i++) {
		w->set = pm_sets[i];
		r = nft_list_elems(c, FAM, NFT_TABLE, pm_sets[i], del_cb, w, err);
	}
	if (r < 0) {
		nft_batch_free(&b);
		return r;
	}
	return nft_batch_commit(&b, err);
}

/* Delete @key from @set when @id owns it. */
static int del_owned(struct nft_conn *c, struct nft_batch *b, const char *set,
		     const uint8_t *key, size_t klen, const char *id, struct err *err)
{
	struct nft_elem e = pm_elem(key, klen, NULL, 0, "(mapping)", NULL);
	char comment[256];
	int r;

	r = nft_get_elem(c, FAM, NFT_TABLE, set, key, klen, comment, sizeof(comment), err);
	if (r > 0 && !strcmp(comment, id))
		nft_batch_elems(b, false, 0, FAM, NFT_TABLE, set, &e, 1);
	return r < 0 ? r : 0;
}

int nft_pm_del(struct nft_conn *c, const struct nft_pm_map *maps, size_t n_maps,
	       const char *id, struct err *err)
{
	static uint8_t keys[PM_MAX][NFT_PM_KEY_MAX], pkeys[PM_MAX][NFT_PM_KEY_MAX];
	struct del_walk w = { .id = id };
	struct nft_batch b;
	size_t i;
	int r = 0;

	if (!n_maps || n_maps > PM_MAX)
		return walk_del(c, &w, err);
	nft_batch_begin(&b, c);
	for (i = 0; i < n_maps && r >= 0; i++) {
		const struct nft_pm_map *m = &maps[i];

		r = del_owned(c, &b, nft_pm_map_name(m), keys[i], nft_pm_key(m, keys[i]), id,
			      err);
		if (r >= 0)
			r = del_owned(c, &b,
				      m->cont.family == AF_INET ? NFT_PUB_V4_SET : NFT_PUB_V6_SET,
				      pkeys[i], nft_pm_pub_key(m, pkeys[i]), id, err);
	}
	if (r < 0) {
		nft_batch_free(&b);
		return r;
	}
	/* The same key twice in one batch (a duplicate pub element) would fail it. */
	r = nft_batch_commit(&b, err);
	if (r == -ENOENT)
		r = walk_del(c, &w, err);
	return r;
}

int nft_pm_check_rules(struct nft_conn *c, struct err *err)
{
	size_t pre = 0, out = 0;
	int r;

	r = nft_list_rules(c, FAM, NFT_TABLE, NFT_PREROUTING_CHAIN, count_cb, &pre, err);
	if (r >= 0)
		r = nft_list_rules(c, FAM, NFT_TABLE, NFT_OUTPUT_CHAIN, count_cb, &out, err);
	if (r < 0)
		return r;
	if (pre < PM_BASE_RULES || out < PM_BASE_RULES)
		return err_detail(err, -ENOENT,
				  "chain inet netctl %s has %zu of its %d DNAT rules",
				  pre < PM_BASE_RULES ? NFT_PREROUTING_CHAIN : NFT_OUTPUT_CHAIN,
				  pre < PM_BASE_RULES ? pre : out, PM_BASE_RULES);
	return nft_lo_check(c, err);
}

int nft_pm_check(struct nft_conn *c, const struct nft_pm_map *m, const char *id,
		 struct err *err)
{
	uint8_t key[NFT_PM_KEY_MAX], want[NFT_PM_DATA_MAX], got[NFT_PM_DATA_MAX];
	size_t glen = sizeof(got), wlen = nft_pm_data(m, want);
	char comment[256], s[128], owner[256];
	int r;

	nft_pm_format(m, s, sizeof(s));
	r = nft_get_elem_data(c, FAM, NFT_TABLE, nft_pm_map_name(m), key, nft_pm_key(m, key),
			      comment, sizeof(comment), got, &glen, err);
	if (r < 0)
		return r;
	if (r == 0)
		return err_detail(err, -ENOENT, "%s is not in map inet netctl %s", s,
				  nft_pm_map_name(m));
	if (strcmp(comment, id)) {
		comment_id(owner, sizeof(owner), comment);
		return err_detail(err, -EXDEV,
				  "%s: the port in map inet netctl %s belongs to container %s", s,
				  nft_pm_map_name(m), owner);
	}
	if (glen != wlen || memcmp(got, want, wlen))
		return err_detail(err, -EXDEV,
				  "%s: the element in map inet netctl %s points elsewhere", s,
				  nft_pm_map_name(m));
	return 0;
}

int nft_pm_gc(struct nft_conn *c, const char *net, bool (*keep)(const char *id, void *data),
	      void *data, size_t *removed, struct err *err)
{
	struct del_walk w = { .net = net, .keep = keep, .data = data };
	int r = walk_del(c, &w, err);

	if (removed)
		*removed = r < 0 ? 0 : w.removed;
	return r;
}
