// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "ruleset/names.h"
#include "ruleset/owned.h"
#include "nft/read.h"
#include "ruleset/spoofchk.h"

#define FAM NFPROTO_BRIDGE
#define PRIO (-300)	/* before the bridge or the host sees the frame */
#define SET_PORTS NFT_SPOOF_PORTS_SET
#define SET_MAC NFT_SPOOF_MAC_SET
#define SET_V4 NFT_SPOOF_V4_SET
#define SET_V6 NFT_SPOOF_V6_SET

#define LL NFT_PAYLOAD_LL_HEADER
#define NH NFT_PAYLOAD_NETWORK_HEADER
#define TH NFT_PAYLOAD_TRANSPORT_HEADER

static const char *const chains[] = {
	NFT_SPOOF_CHAIN, NFT_SPOOF_PORT_CHAIN, NFT_SPOOF_IP4_CHAIN, NFT_SPOOF_IP6_CHAIN,
	NFT_SPOOF_ICMP6_CHAIN, NFT_SPOOF_ARP_CHAIN,
};

/* One rule: @chain, then the caller's matches in @rb, then counter, verdict, comment. */
static void put(struct nft_batch *b, struct nft_rule_b *rb, bool count, int verdict,
		const char *target, const char *comment)
{
	if (count)
		nft_rb_counter(rb);
	nft_rb_verdict(rb, verdict, target);
	if (comment)
		nft_rb_comment(rb, comment);
	nft_batch_rule(b, FAM, NFT_TABLE, rb);
}

static void ether_type(struct nft_rule_b *rb, uint16_t type, const char *name)
{
	uint16_t be = htons(type);
	char text[32];

	snprintf(text, sizeof(text), "ether type %s", name);
	nft_rb_payload_cmp(rb, LL, 12, 2, &be, false, text);
}

static void icmp6_type(struct nft_rule_b *rb, uint8_t type, const char *name)
{
	char text[48];

	snprintf(text, sizeof(text), "icmpv6 type %s", name);
	nft_rb_payload_cmp(rb, TH, 0, 1, &type, false, text);
}

static void build_port(struct nft_batch *b)
{
	struct nft_rule_b rb;

	nft_rb_init(&rb, NFT_SPOOF_CHAIN);
	nft_rb_ifname_set(&rb, false, SET_PORTS);
	put(b, &rb, false, NFT_JUMP, NFT_SPOOF_PORT_CHAIN, NULL);

	nft_rb_init(&rb, NFT_SPOOF_PORT_CHAIN);
	nft_rb_ifname_payload_set(&rb, LL, 6, 6, "ether saddr", SET_MAC, true);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: source MAC not the port's");
	nft_rb_init(&rb, NFT_SPOOF_PORT_CHAIN);
	ether_type(&rb, 0x0800, "ip");
	put(b, &rb, false, NFT_GOTO, NFT_SPOOF_IP4_CHAIN, NULL);
	nft_rb_init(&rb, NFT_SPOOF_PORT_CHAIN);
	ether_type(&rb, 0x86dd, "ip6");
	put(b, &rb, false, NFT_GOTO, NFT_SPOOF_IP6_CHAIN, NULL);
	nft_rb_init(&rb, NFT_SPOOF_PORT_CHAIN);
	ether_type(&rb, 0x0806, "arp");
	put(b, &rb, false, NFT_GOTO, NFT_SPOOF_ARP_CHAIN, NULL);
	/* VLAN tags, RARP, anything else a container has no business sending */
	nft_rb_init(&rb, NFT_SPOOF_PORT_CHAIN);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: ether type other than ip, ip6, arp");
}

/*
 * Each rule of the per-family chains starts with its ether type (and ICMPv6 rules with
 * their l4proto), already known from the goto that led there: a 2-byte compare that
 * lets `nft list` show "ip saddr" rather than "@nh,96,32" (nft 1.0.6 has no word for
 * the NDP target, which stays "@th,64,128").
 */
static void rule_in(struct nft_rule_b *rb, const char *chain, uint16_t type)
{
	nft_rb_init(rb, chain);
	ether_type(rb, type, type == 0x0800 ? "ip" : type == 0x86dd ? "ip6" : "arp");
}

static void rule_icmp6(struct nft_rule_b *rb)
{
	rule_in(rb, NFT_SPOOF_ICMP6_CHAIN, 0x86dd);
	nft_rb_l4proto(rb, IPPROTO_ICMPV6);
}

static void build_ip4(struct nft_batch *b)
{
	static const uint8_t any4[4];
	struct nft_rule_b rb;
	uint16_t bootps = htons(67);

	rule_in(&rb, NFT_SPOOF_IP4_CHAIN, 0x0800);
	nft_rb_ifname_payload_set(&rb, NH, 12, 4, "ip saddr", SET_V4, false);
	put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	/* a DHCP client before it has an address */
	rule_in(&rb, NFT_SPOOF_IP4_CHAIN, 0x0800);
	nft_rb_payload_cmp(&rb, NH, 12, 4, any4, false, "ip saddr 0.0.0.0");
	nft_rb_l4proto(&rb, IPPROTO_UDP);
	nft_rb_payload_cmp(&rb, TH, 2, 2, &bootps, false, "udp dport 67");
	put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	rule_in(&rb, NFT_SPOOF_IP4_CHAIN, 0x0800);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: IPv4 source not the port's");
}

static void build_ip6(struct nft_batch *b)
{
	static const uint8_t any6[16];
	static const struct { uint8_t type; const char *name; } from_any[] = {
		{ 133, "nd-router-solicit" }, { 143, "mld2-listener-report" },
	};
	struct nft_rule_b rb;
	size_t i;

	rule_in(&rb, NFT_SPOOF_IP6_CHAIN, 0x86dd);
	nft_rb_l4proto(&rb, IPPROTO_ICMPV6);
	put(b, &rb, false, NFT_GOTO, NFT_SPOOF_ICMP6_CHAIN, NULL);
	rule_in(&rb, NFT_SPOOF_IP6_CHAIN, 0x86dd);
	nft_rb_ifname_payload_set(&rb, NH, 8, 16, "ip6 saddr", SET_V6, false);
	put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	rule_in(&rb, NFT_SPOOF_IP6_CHAIN, 0x86dd);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: IPv6 source not the port's");

	/* a container is no router: its RAs and redirects would steer its neighbours */
	rule_icmp6(&rb);
	icmp6_type(&rb, 134, "nd-router-advert");
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: router advertisement");
	rule_icmp6(&rb);
	icmp6_type(&rb, 137, "nd-redirect");
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: redirect");
	/* the target of an NA is what a neighbour table learns, whatever its source */
	rule_icmp6(&rb);
	icmp6_type(&rb, 136, "nd-neighbor-advert");
	nft_rb_ifname_payload_set(&rb, TH, 8, 16, "icmpv6 target", SET_V6, true);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: neighbour advertisement not about the port");
	rule_icmp6(&rb);
	nft_rb_ifname_payload_set(&rb, NH, 8, 16, "ip6 saddr", SET_V6, false);
	put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	/* from ::, before an address is there: DAD (about its own), RS, MLD reports */
	rule_icmp6(&rb);
	nft_rb_payload_cmp(&rb, NH, 8, 16, any6, false, "ip6 saddr ::");
	icmp6_type(&rb, 135, "nd-neighbor-solicit");
	nft_rb_ifname_payload_set(&rb, TH, 8, 16, "icmpv6 target", SET_V6, false);
	put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	for (i = 0; i < sizeof(from_any) / sizeof(from_any[0]); i++) {
		rule_icmp6(&rb);
		nft_rb_payload_cmp(&rb, NH, 8, 16, any6, false, "ip6 saddr ::");
		icmp6_type(&rb, from_any[i].type, from_any[i].name);
		put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	}
	rule_icmp6(&rb);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: IPv6 source not the port's");
}

static void build_arp(struct nft_batch *b)
{
	/* Ethernet/IPv4 only, so the sender fields are where the rules below look */
	static const struct { uint32_t off, len; uint8_t v[2]; const char *text; } hdr[] = {
		{ 0, 2, { 0, 1 }, "arp htype != 1" }, { 2, 2, { 8, 0 }, "arp ptype != ip" },
		{ 4, 1, { 6 }, "arp hlen != 6" }, { 5, 1, { 4 }, "arp plen != 4" },
	};
	static const uint8_t any4[4];
	struct nft_rule_b rb;
	size_t i;

	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++) {
		rule_in(&rb, NFT_SPOOF_ARP_CHAIN, 0x0806);
		nft_rb_payload_cmp(&rb, NH, hdr[i].off, hdr[i].len, hdr[i].v, true, hdr[i].text);
		put(b, &rb, true, NF_DROP, NULL, "spoofchk: ARP other than Ethernet/IPv4");
	}
	rule_in(&rb, NFT_SPOOF_ARP_CHAIN, 0x0806);
	nft_rb_ifname_payload_set(&rb, NH, 8, 6, "arp saddr ether", SET_MAC, true);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: ARP sender MAC not the port's");
	rule_in(&rb, NFT_SPOOF_ARP_CHAIN, 0x0806);
	nft_rb_payload_cmp(&rb, NH, 14, 4, any4, false, "arp saddr ip 0.0.0.0");
	put(b, &rb, false, NF_ACCEPT, NULL, NULL);
	rule_in(&rb, NFT_SPOOF_ARP_CHAIN, 0x0806);
	nft_rb_ifname_payload_set(&rb, NH, 14, 4, "arp saddr ip", SET_V4, true);
	put(b, &rb, true, NF_DROP, NULL, "spoofchk: ARP sender IP not the port's");
}

void nft_spoofchk_build(struct nft_batch *b)
{
	static const enum nft_dtype mac[] = { NFT_DT_IFNAME, NFT_DT_ETHER };
	static const enum nft_dtype v4[] = { NFT_DT_IFNAME, NFT_DT_IPV4 };
	static const enum nft_dtype v6[] = { NFT_DT_IFNAME, NFT_DT_IPV6 };
	struct nft_set_shape sh;
	size_t i;

	nft_batch_table(b, true, FAM, NFT_TABLE);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, SET_PORTS,
		      NFT_KEY_IFNAME, false);
	sh = nft_set_shape_concat(mac, 2, NULL, 0);
	sh.host_order = true;
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, SET_MAC, &sh);
	sh = nft_set_shape_concat(v4, 2, NULL, 0);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, SET_V4, &sh);
	sh = nft_set_shape_concat(v6, 2, NULL, 0);
	nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, SET_V6, &sh);
	/* made or found, then refilled: two racing first ADDs end with one copy */
	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, chains[i],
				i ? -1 : NF_BR_PRE_ROUTING, "filter", PRIO);
		nft_batch_flush_chain(b, FAM, NFT_TABLE, chains[i]);
	}
	build_port(b);
	build_ip4(b);
	build_ip6(b);
	build_arp(b);
}

struct ip_addr nft_spoofchk_eui64(const uint8_t mac[6])
{
	struct ip_addr a = { .family = AF_INET6 };

	a.b[0] = 0xfe;
	a.b[1] = 0x80;
	a.b[8] = mac[0] ^ 0x02;
	a.b[9] = mac[1];
	a.b[10] = mac[2];
	a.b[11] = 0xff;
	a.b[12] = 0xfe;
	a.b[13] = mac[3];
	a.b[14] = mac[4];
	a.b[15] = mac[5];
	return a;
}

static int count_rule(uint64_t handle, const char *comment, void *data)
{
	(void)handle;
	(void)comment;
	(*(int *)data)++;
	return 0;
}

/* Rules in the base chain: 0 when it is missing or was flushed. */
static int base_rules(struct nft_conn *c, struct err *err)
{
	int count = 0, r;

	r = nft_list_rules(c, FAM, NFT_TABLE, NFT_SPOOF_CHAIN, count_rule, &count, err);
	return r < 0 ? r : count;
}

/* Every element of @p: keys (ifname padded, then the part padded to 4 bytes). */
struct keys {
	char port[IFNAMSIZ];
	uint8_t mac[IFNAMSIZ + 8];
	uint8_t ip[64][IFNAMSIZ + 16];
	const char *ip_set[64];
	size_t ip_len[64];
	size_t n_ip;
};

static int make_keys(const struct nft_spoof_port *p, struct keys *k, struct err *err)
{
	size_t len = strlen(p->port), i;
	struct ip_addr ll;

	if (len >= IFNAMSIZ || p->n_addrs + 1 > sizeof(k->ip) / sizeof(k->ip[0]))
		return err_detail(err, -EINVAL,
				  "spoofchk: interface name %s or address list too long", p->port);
	memset(k, 0, sizeof(*k));
	memcpy(k->port, p->port, len);
	memcpy(k->mac, k->port, IFNAMSIZ);
	memcpy(k->mac + IFNAMSIZ, p->mac, 6);
	for (i = 0; i <= p->n_addrs; i++) {
		const struct ip_addr *a = i < p->n_addrs ? &p->addrs[i] : NULL;
		size_t j;

		if (!a && p->ll6) {
			ll = nft_spoofchk_eui64(p->mac);
			a = &ll;
		}
		if (!a || (a->family != AF_INET && a->family != AF_INET6))
			continue;
		memcpy(k->ip[k->n_ip], k->port, IFNAMSIZ);
		memcpy(k->ip[k->n_ip] + IFNAMSIZ, a->b, ip_addr_size(a));
		k->ip_set[k->n_ip] = a->family == AF_INET ? SET_V4 : SET_V6;
		k->ip_len[k->n_ip] = IFNAMSIZ + ip_addr_size(a);
		for (j = 0; j < k->n_ip; j++)	/* the link-local may be in the list */
			if (k->ip_len[j] == k->ip_len[k->n_ip] &&
			    !memcmp(k->ip[j], k->ip[k->n_ip], k->ip_len[j]))
				break;
		if (j == k->n_ip)
			k->n_ip++;
	}
	return 0;
}

/* Add (or delete) every element of @k to @b, port last on add (first on delete). */
static void batch_keys(struct nft_batch *b, const struct keys *k, bool add, const char *id)
{
	struct nft_elem e = { .key = k->port, .key_len = IFNAMSIZ, .comment = id,
			      .ifname = true, .verdict = NFT_CONTINUE };
	size_t i;

	if (!add)
		nft_batch_elems(b, false, 0, FAM, NFT_TABLE, SET_PORTS, &e, 1);
	e.key = k->mac;
	e.key_len = sizeof(k->mac);
	e.text = "port . mac";
	nft_batch_elems(b, add, 0, FAM, NFT_TABLE, SET_MAC, &e, 1);
	for (i = 0; i < k->n_ip; i++) {
		e.key = k->ip[i];
		e.key_len = k->ip_len[i];
		e.text = "port . address";
		nft_batch_elems(b, add, 0, FAM, NFT_TABLE, k->ip_set[i], &e, 1);
	}
	if (add) {
		e.key = k->port;
		e.key_len = IFNAMSIZ;
		e.text = NULL;
		nft_batch_elems(b, true, 0, FAM, NFT_TABLE, SET_PORTS, &e, 1);
	}
}

int nft_spoofchk_attach(struct nft_conn *c, const struct nft_spoof_port *p,
			const char *container_id, struct err *err)
{
	struct nft_batch b;
	struct keys k;
	int r;

	r = make_keys(p, &k, err);
	if (r < 0)
		return r;
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	r = base_rules(c, err);	/* how many rules: 0 when missing or flushed */
	if (r < 0)
		return r;
	nft_batch_begin(&b, c);
	if (!r)
		nft_spoofchk_build(&b);	/* the rules and the keys in one transaction */
	batch_keys(&b, &k, true, container_id);
	return nft_batch_commit(&b, err);
}

static int has(struct nft_conn *c, const char *set, const void *key, size_t len,
	       const char *what, char *out, size_t wn, struct err *err)
{
	int r = nft_get_elem(c, FAM, NFT_TABLE, set, key, len, NULL, 0, err);

	if (r == 0)
		snprintf(out, wn, "%s (set %s)", what, set);
	return r;
}

int nft_spoofchk_check(struct nft_conn *c, const struct nft_spoof_port *p, char *what,
		       size_t wn, struct err *err)
{
	char txt[IP_STR_MAX + 16];
	struct keys k;
	size_t i;
	int r;

	r = make_keys(p, &k, err);
	if (r < 0)
		return r;
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	r = base_rules(c, err);
	if (r == 0)
		snprintf(what, wn, "the rules (chain bridge netctl %s is missing or empty)",
			 NFT_SPOOF_CHAIN);
	if (r > 0)
		r = has(c, SET_PORTS, k.port, IFNAMSIZ, "the port", what, wn, err);
	if (r > 0)
		r = has(c, SET_MAC, k.mac, sizeof(k.mac), "its MAC", what, wn, err);
	for (i = 0; r > 0 && i < k.n_ip; i++) {
		struct ip_addr a = { .family = k.ip_len[i] == IFNAMSIZ + 4 ? AF_INET : AF_INET6 };

		memcpy(a.b, k.ip[i] + IFNAMSIZ, ip_addr_size(&a));
		snprintf(txt, sizeof(txt), "address ");
		ip_addr_format(&a, txt + strlen(txt), sizeof(txt) - strlen(txt));
		r = has(c, k.ip_set[i], k.ip[i], k.ip_len[i], txt, what, wn, err);
	}
	return r;
}

static const char *const owned_sets[] = { SET_PORTS, SET_MAC, SET_V4, SET_V6 };

int nft_spoofchk_detach(struct nft_conn *c, const struct nft_spoof_port *p,
			const char *container_id, struct err *err)
{
	struct nft_owner o = { .id = container_id };
	struct nft_batch b;
	struct keys k;
	int r;

	if (p && make_keys(p, &k, err) < 0)
		p = NULL;
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	r = -ENOENT;
	if (p) {
		/* no port element: a DEL before already removed them all */
		r = nft_get_elem(c, FAM, NFT_TABLE, SET_PORTS, k.port, IFNAMSIZ, NULL, 0,
				 err);
		if (r > 0) {
			nft_batch_begin(&b, c);
			batch_keys(&b, &k, false, NULL);
			/* -ENOENT: some element was not the one ADD made: walk */
			r = nft_batch_commit(&b, err);
		}
	}
	if (r == -ENOENT)
		r = nft_owned_remove(c, FAM, owned_sets, 4, &o, "port . key", err);
	return r < 0 ? r : 0;
}

int nft_spoofchk_gc(struct nft_conn *c, bool (*keep)(const char *id, void *data), void *data,
		    struct err *err)
{
	struct nft_owner o = { .keep = keep, .data = data };
	int r = nft_owned_remove(c, FAM, owned_sets, 4, &o, "port . key", err);

	return r < 0 ? r : 0;
}
