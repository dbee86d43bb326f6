// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "nft/rule.h"
#include "util/str.h"

static void rb_fail(struct nft_rule_b *rb, int err)
{
	if (!rb->err)
		rb->err = err;
}

static void rb_text(struct nft_rule_b *rb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rb_text(struct nft_rule_b *rb, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (rb->len && rb->len < sizeof(rb->text) - 1)
		rb->text[rb->len++] = ' ';
	va_start(ap, fmt);
	k = vsnprintf(rb->text + rb->len, sizeof(rb->text) - rb->len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(rb->text) - rb->len) {
		rb_fail(rb, -ENAMETOOLONG);
		rb->len = sizeof(rb->text) - 1;
		return;
	}
	rb->len += (size_t)k;
}

static struct nftnl_expr *rb_expr(struct nft_rule_b *rb, const char *name)
{
	struct nftnl_expr *e;

	if (!rb->r)
		return NULL;
	e = nftnl_expr_alloc(name);
	if (!e) {
		rb_fail(rb, -ENOMEM);
		return NULL;
	}
	nftnl_rule_add_expr(rb->r, e);
	return e;
}

void nft_rb_init(struct nft_rule_b *rb, const char *chain)
{
	memset(rb, 0, sizeof(*rb));
	if (str_copy(rb->chain, sizeof(rb->chain), chain) < 0)
		rb_fail(rb, -ENAMETOOLONG);
	rb->r = nftnl_rule_alloc();
	if (!rb->r)
		rb_fail(rb, -ENOMEM);
}

void nft_rb_free(struct nft_rule_b *rb)
{
	if (rb->r)
		nftnl_rule_free(rb->r);
	rb->r = NULL;
}

static void e_meta_reg(struct nft_rule_b *rb, uint32_t key, uint32_t reg)
{
	struct nftnl_expr *e = rb_expr(rb, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, reg);
}

static void e_meta(struct nft_rule_b *rb, uint32_t key)
{
	e_meta_reg(rb, key, NFT_REG_1);
}

static void e_cmp(struct nft_rule_b *rb, uint32_t op, const void *data, size_t len)
{
	struct nftnl_expr *e = rb_expr(rb, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, (uint32_t)len);
}

/* A lookup of the key in @sreg; the element's data to @dreg (-1: a set, no data). */
static void e_lookup_reg(struct nft_rule_b *rb, const char *set, bool inv, uint32_t sreg,
			 int dreg)
{
	struct nftnl_expr *e = rb_expr(rb, "lookup");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	if (dreg >= 0)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, (uint32_t)dreg);
	if (inv)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
}

static void e_lookup(struct nft_rule_b *rb, const char *set, bool inv, bool vmap)
{
	e_lookup_reg(rb, set, inv, NFT_REG_1, vmap ? NFT_REG_VERDICT : -1);
}

/* A lookup of a key built in 32-bit registers from NFT_REG32_00 (a concatenation);
 * @data: the element's data goes to the same registers (a data map). */
static void e_lookup_concat(struct nft_rule_b *rb, const char *set, bool inv, bool data)
{
	e_lookup_reg(rb, set, inv, NFT_REG32_00, data ? NFT_REG32_00 : -1);
}

static void e_payload_reg(struct nft_rule_b *rb, uint32_t base, uint32_t off, uint32_t len,
			  uint32_t reg)
{
	struct nftnl_expr *e = rb_expr(rb, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
}

static void e_payload(struct nft_rule_b *rb, uint32_t base, uint32_t off, uint32_t len)
{
	e_payload_reg(rb, base, off, len, NFT_REG_1);
}

static void e_bitwise(struct nft_rule_b *rb, const void *mask, size_t len)
{
	struct nftnl_expr *e = rb_expr(rb, "bitwise");
	static const uint8_t zero[16];

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, (uint32_t)len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, (uint32_t)len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, (uint32_t)len);
}

/* The hidden dependency nft adds for ip/ip6 matches in an inet table. */
static int rb_family(struct nft_rule_b *rb, int family)
{
	uint8_t nfproto;

	if (family != AF_INET && family != AF_INET6) {
		rb_fail(rb, -EINVAL);
		return -EINVAL;
	}
	if (rb->family == family)
		return 0;
	if (rb->family) {
		rb_fail(rb, -EINVAL);	/* ip and ip6 in one rule never match */
		return -EINVAL;
	}
	rb->family = family;
	nfproto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	e_meta(rb, NFT_META_NFPROTO);
	e_cmp(rb, NFT_CMP_EQ, &nfproto, 1);
	return 0;
}

static void ifname_key(char key[IFNAMSIZ], const char *name)
{
	memset(key, 0, IFNAMSIZ);
	strncpy(key, name, IFNAMSIZ - 1);
}

void nft_rb_ifname(struct nft_rule_b *rb, bool out, const char *name, bool neg)
{
	char key[IFNAMSIZ];

	if (strlen(name) >= IFNAMSIZ) {
		rb_fail(rb, -EINVAL);
		return;
	}
	ifname_key(key, name);
	e_meta(rb, out ? NFT_META_OIFNAME : NFT_META_IIFNAME);
	e_cmp(rb, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, key, sizeof(key));
	rb_text(rb, "%s %s\"%s\"", out ? "oifname" : "iifname", neg ? "!= " : "", name);
}

void nft_rb_ifname_set(struct nft_rule_b *rb, bool out, const char *set)
{
	e_meta(rb, out ? NFT_META_OIFNAME : NFT_META_IIFNAME);
	e_lookup(rb, set, false, false);
	rb_text(rb, "%s @%s", out ? "oifname" : "iifname", set);
}

void nft_rb_ifname_not_set(struct nft_rule_b *rb, bool out, const char *set)
{
	e_meta(rb, out ? NFT_META_OIFNAME : NFT_META_IIFNAME);
	e_lookup(rb, set, true, false);
	rb_text(rb, "%s != @%s", out ? "oifname" : "iifname", set);
}

void nft_rb_ifname_vmap(struct nft_rule_b *rb, bool out, const char *map)
{
	e_meta(rb, out ? NFT_META_OIFNAME : NFT_META_IIFNAME);
	e_lookup(rb, map, false, true);
	rb_text(rb, "%s vmap @%s", out ? "oifname" : "iifname", map);
}

/* "established,related" for @states. */
static void ct_state_words(uint32_t states, char words[64])
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ NFT_CT_INVALID, "invalid" }, { NFT_CT_EST, "established" },
		{ NFT_CT_REL, "related" }, { NFT_CT_NEW, "new" },
	};
	size_t i;

	words[0] = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(states & names[i].bit))
			continue;
		if (words[0])
			strcat(words, ",");
		strcat(words, names[i].name);
	}
}

/* ct state & @states, compared with @op against zero. */
static void e_ct_state(struct nft_rule_b *rb, uint32_t states, uint32_t op)
{
	struct nftnl_expr *e = rb_expr(rb, "ct");
	uint32_t zero = 0;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	e_bitwise(rb, &states, sizeof(states));
	e_cmp(rb, op, &zero, sizeof(zero));
}

void nft_rb_ct_state(struct nft_rule_b *rb, uint32_t states)
{
	char words[64];

	e_ct_state(rb, states, NFT_CMP_NEQ);
	ct_state_words(states, words);
	rb_text(rb, "ct state %s", words);
}

/* ct state & (@states) == 0: none of them. */
void nft_rb_ct_state_none(struct nft_rule_b *rb, uint32_t states)
{
	char words[64];

	e_ct_state(rb, states, NFT_CMP_EQ);
	ct_state_words(states, words);
	rb_text(rb, "ct state != %s", words);
}

static uint32_t addr_off(int family, bool src)
{
	if (family == AF_INET)
		return src ? 12 : 16;
	return src ? 8 : 24;
}

void nft_rb_prefix(struct nft_rule_b *rb, bool src, const struct ip_prefix *p, bool neg)
{
	struct ip_prefix net = ip_prefix_network(p);
	size_t size = ip_addr_size(&p->addr), full = size * 8;
	char s[IP_STR_MAX];

	if (rb_family(rb, p->addr.family) < 0 || p->len > full)
		return rb_fail(rb, -EINVAL);
	e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, addr_off(p->addr.family, src),
		  (uint32_t)size);
	if (p->len < full) {
		uint8_t mask[16] = { 0 };
		unsigned i;

		for (i = 0; i < p->len; i++)
			mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		e_bitwise(rb, mask, size);
		ip_prefix_format(&net, s, sizeof(s));
	} else {
		ip_addr_format(&p->addr, s, sizeof(s));
	}
	e_cmp(rb, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, net.addr.b, size);
	rb_text(rb, "%s %s %s%s", p->addr.family == AF_INET ? "ip" : "ip6",
		src ? "saddr" : "daddr", neg ? "!= " : "", s);
}

/* A concatenation fills consecutive 32-bit registers: the name takes 4, the MAC 2. */
void nft_rb_ifname_ether_set(struct nft_rule_b *rb, const char *set, bool neg)
{
	struct nftnl_expr *e = rb_expr(rb, "meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_IIFNAME);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG32_00);
	}
	e = rb_expr(rb, "payload");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_LL_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 6);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 6);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG32_04);
	}
	e_lookup_concat(rb, set, neg, false);
	rb_text(rb, "iifname . ether saddr %s@%s", neg ? "!= " : "", set);
}

void nft_rb_payload_cmp(struct nft_rule_b *rb, uint32_t base, uint32_t off, uint32_t len,
			const void *data, bool neg, const char *text)
{
	if (!len || len > 16)
		return rb_fail(rb, -EINVAL);
	e_payload(rb, base, off, len);
	e_cmp(rb, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, data, len);
	rb_text(rb, "%s", text);
}

/* The name takes four 32-bit registers, the payload the ones after it. */
void nft_rb_ifname_payload_set(struct nft_rule_b *rb, uint32_t base, uint32_t off,
			       uint32_t len, const char *what, const char *set, bool neg)
{
	if (!len || len > 16)
		return rb_fail(rb, -EINVAL);
	e_meta_reg(rb, NFT_META_IIFNAME, NFT_REG32_00);
	e_payload_reg(rb, base, off, len, NFT_REG32_04);
	e_lookup_concat(rb, set, neg, false);
	rb_text(rb, "iifname . %s %s@%s", what, neg ? "!= " : "", set);
}

void nft_rb_addr_set(struct nft_rule_b *rb, int family, bool src, const char *set, bool neg)
{
	if (rb_family(rb, family) < 0)
		return;
	e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, addr_off(family, src),
		  family == AF_INET ? 4 : 16);
	e_lookup(rb, set, neg, false);
	rb_text(rb, "%s %s %s@%s", family == AF_INET ? "ip" : "ip6", src ? "saddr" : "daddr",
		neg ? "!= " : "", set);
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "ipv6-icmp";
	case IPPROTO_SCTP: return "sctp";
	default: return NULL;
	}
}

void nft_rb_l4proto(struct nft_rule_b *rb, uint8_t proto)
{
	const char *name = proto_name(proto);

	e_meta(rb, NFT_META_L4PROTO);
	e_cmp(rb, NFT_CMP_EQ, &proto, 1);
	if (name)
		rb_text(rb, "meta l4proto %s", name);
	else
		rb_text(rb, "meta l4proto %u", proto);
	rb->l4proto = proto;
}

void nft_rb_dport(struct nft_rule_b *rb, uint8_t proto, uint16_t lo, uint16_t hi)
{
	uint16_t nlo = htons(lo), nhi = htons(hi);
	size_t keep;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_SCTP)
		return rb_fail(rb, -EINVAL);
	if (hi < lo)
		return rb_fail(rb, -ERANGE);
	if (rb->l4proto != proto) {
		/* nft shows "tcp dport" alone: the l4proto match is its hidden dependency. */
		keep = rb->len;
		nft_rb_l4proto(rb, proto);
		rb->len = keep;
		rb->text[keep] = '\0';
	}
	e_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	if (lo == hi) {
		e_cmp(rb, NFT_CMP_EQ, &nlo, 2);
		rb_text(rb, "%s dport %u", proto_name(proto), lo);
	} else {
		e_cmp(rb, NFT_CMP_GTE, &nlo, 2);
		e_cmp(rb, NFT_CMP_LTE, &nhi, 2);
		rb_text(rb, "%s dport %u-%u", proto_name(proto), lo, hi);
	}
}

void nft_rb_dport_anon(struct nft_rule_b *rb, uint8_t proto, uint32_t set_id,
		       const char *elems)
{
	struct nftnl_expr *e;
	size_t keep;

	if (!set_id || !proto_name(proto))
		return rb_fail(rb, -EINVAL);
	if (rb->l4proto != proto) {
		/* hidden dependency, as in nft_rb_dport() */
		keep = rb->len;
		nft_rb_l4proto(rb, proto);
		rb->len = keep;
		rb->text[keep] = '\0';
	}
	e_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	e = rb_expr(rb, "lookup");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, NFT_ANON_SET);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	rb_text(rb, "%s dport { %s }", proto_name(proto), elems);
}

void nft_rb_set_update(struct nft_rule_b *rb, int family, bool src, const char *set)
{
	struct nftnl_expr *e, *ctr;

	if (rb_family(rb, family) < 0)
		return;
	e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, addr_off(family, src),
		  family == AF_INET ? 4 : 16);
	e = rb_expr(rb, "dynset");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
	nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set);
	ctr = nftnl_expr_alloc("counter");
	if (!ctr)
		return rb_fail(rb, -ENOMEM);
	nftnl_expr_add_expr(e, NFTNL_EXPR_DYNSET_EXPRESSIONS, ctr);
	rb_text(rb, "update @%s { %s %s counter }", set, family == AF_INET ? "ip" : "ip6",
		src ? "saddr" : "daddr");
}

void nft_rb_limit(struct nft_rule_b *rb, uint64_t per_second, uint32_t burst)
{
	struct nftnl_expr *e = rb_expr(rb, "limit");

	if (!e)
		return;
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, per_second);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 1);	/* seconds */
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, burst);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	rb_text(rb, "limit rate %llu/second burst %u packets", (unsigned long long)per_second,
		burst);
}

void nft_rb_log(struct nft_rule_b *rb, uint16_t group, const char *prefix)
{
	struct nftnl_expr *e = rb_expr(rb, "log");

	if (!e)
		return;
	if (strlen(prefix) > NFT_LOG_PREFIX_MAX)
		return rb_fail(rb, -ENAMETOOLONG);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, group);
	rb_text(rb, "log prefix \"%s\" group %u", prefix, group);
}

void nft_rb_counter(struct nft_rule_b *rb)
{
	rb_expr(rb, "counter");
	rb_text(rb, "counter");
}

const char *nft_verdict_str(int verdict)
{
	switch (verdict) {
	case NF_ACCEPT: return "accept";
	case NF_DROP: return "drop";
	case NFT_RETURN: return "return";
	case NFT_JUMP: return "jump";
	case NFT_GOTO: return "goto";
	case NFT_CONTINUE: return "continue";
	default: return "?";
	}
}

void nft_rb_verdict(struct nft_rule_b *rb, int verdict, const char *chain)
{
	struct nftnl_expr *e;
	bool to_chain = verdict == NFT_JUMP || verdict == NFT_GOTO;

	if (to_chain != (chain != NULL))
		return rb_fail(rb, -EINVAL);
	e = rb_expr(rb, "immediate");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	if (chain)
		rb_text(rb, "%s %s", nft_verdict_str(verdict), chain);
	else
		rb_text(rb, "%s", nft_verdict_str(verdict));
}

void nft_rb_masquerade(struct nft_rule_b *rb)
{
	rb_expr(rb, "masq");
	rb_text(rb, "masquerade");
}

void nft_rb_comment(struct nft_rule_b *rb, const char *comment)
{
	struct nftnl_udata_buf *u;

	if (strlen(comment) > NFT_COMMENT_MAX || strchr(comment, '"'))
		return rb_fail(rb, -EINVAL);
	u = nftnl_udata_buf_alloc(256);
	if (!u)
		return rb_fail(rb, -ENOMEM);
	if (!nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, comment)) {
		nftnl_udata_buf_free(u);
		return rb_fail(rb, -ENOMEM);
	}
	if (rb->r)
		nftnl_rule_set_data(rb->r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
				    nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	rb_text(rb, "comment \"%s\"", comment);
}

void nft_rb_fib_daddr_local(struct nft_rule_b *rb)
{
	struct nftnl_expr *e = rb_expr(rb, "fib");
	uint32_t local = RTN_LOCAL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	e_cmp(rb, NFT_CMP_EQ, &local, sizeof(local));
	rb_text(rb, "fib daddr type local");
}

void nft_rb_fib_daddr_iif_local(struct nft_rule_b *rb)
{
	struct nftnl_expr *e = rb_expr(rb, "fib");
	uint32_t local = RTN_LOCAL;

	if (e) {
		/* F_IIF: local only when the address sits on the interface it came in by. */
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR | NFTA_FIB_F_IIF);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	e_cmp(rb, NFT_CMP_EQ, &local, sizeof(local));
	rb_text(rb, "fib daddr . iif type local");
}

void nft_rb_icmp_type(struct nft_rule_b *rb, int family, uint8_t lo, uint8_t hi)
{
	uint8_t proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	const char *name = family == AF_INET6 ? "icmpv6" : "icmp";
	size_t keep;

	if (hi < lo)
		return rb_fail(rb, -ERANGE);
	if (rb_family(rb, family) < 0)
		return;
	/* nft shows "icmp type" alone: the l4proto match is its hidden dependency. */
	keep = rb->len;
	nft_rb_l4proto(rb, proto);
	rb->len = keep;
	rb->text[keep] = '\0';
	e_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	if (lo == hi) {
		e_cmp(rb, NFT_CMP_EQ, &lo, 1);
		rb_text(rb, "%s type %u", name, lo);
	} else {
		e_cmp(rb, NFT_CMP_GTE, &lo, 1);
		e_cmp(rb, NFT_CMP_LTE, &hi, 1);
		rb_text(rb, "%s type %u-%u", name, lo, hi);
	}
}

/* ct status & @bits != 0 (@set), or == 0 (!@set). */
static void ct_status(struct nft_rule_b *rb, uint32_t bits, bool set)
{
	struct nftnl_expr *e = rb_expr(rb, "ct");
	uint32_t zero = 0;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	e_bitwise(rb, &bits, sizeof(bits));
	e_cmp(rb, set ? NFT_CMP_NEQ : NFT_CMP_EQ, &zero, sizeof(zero));
	if (bits == IPS_DST_NAT)
		rb_text(rb, set ? "ct status dnat" : "ct status != dnat");
	else
		rb_text(rb, set ? "ct status & 0x%x != 0" : "ct status & 0x%x == 0", bits);
}

void nft_rb_ct_status(struct nft_rule_b *rb, uint32_t bits)
{
	ct_status(rb, bits, true);
}

void nft_rb_ct_status_none(struct nft_rule_b *rb, uint32_t bits)
{
	ct_status(rb, bits, false);
}

/*
 * [ip daddr .] meta l4proto . th dport into consecutive 32-bit registers from
 * NFT_REG32_00 (each part zero-padded to 4 bytes by the kernel); returns the text.
 */
static const char *load_addr_proto_port(struct nft_rule_b *rb, int family, bool by_daddr)
{
	uint32_t reg = NFT_REG32_00, alen = family == AF_INET ? 4 : 16;

	if (by_daddr) {
		e_payload_reg(rb, NFT_PAYLOAD_NETWORK_HEADER, addr_off(family, false), alen, reg);
		reg += alen / 4;
	}
	e_meta_reg(rb, NFT_META_L4PROTO, reg++);
	e_payload_reg(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg);
	if (!by_daddr)
		return "meta l4proto . th dport";
	return family == AF_INET ? "ip daddr . meta l4proto . th dport"
				 : "ip6 daddr . meta l4proto . th dport";
}

/* [ip daddr .] meta l4proto . th dport looked up in @set, its data (if any) to reg 8. */
static const char *lookup_addr_proto_port(struct nft_rule_b *rb, int family, bool by_daddr,
					  const char *set, bool data)
{
	const char *key;

	if (rb_family(rb, family) < 0)
		return NULL;
	key = load_addr_proto_port(rb, family, by_daddr);
	e_lookup_concat(rb, set, false, data);
	return key;
}

void nft_rb_dnat_map(struct nft_rule_b *rb, int family, bool by_daddr, const char *map)
{
	const char *key = lookup_addr_proto_port(rb, family, by_daddr, map, true);
	struct nftnl_expr *e;

	if (!key)
		return;
	e = rb_expr(rb, "nat");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY,
				   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG32_00);
		/* The port follows the address in the map's data. */
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN,
				   NFT_REG32_00 + (family == AF_INET ? 1 : 4));
	}
	rb_text(rb, "dnat %s to %s map @%s", family == AF_INET ? "ip" : "ip6", key, map);
}

void nft_rb_daddr_port_set(struct nft_rule_b *rb, int family, const char *set)
{
	const char *key = lookup_addr_proto_port(rb, family, true, set, false);

	if (key)
		rb_text(rb, "%s @%s", key, set);
}
