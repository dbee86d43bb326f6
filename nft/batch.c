// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "nft/kind.h"
#include "util/array.h"

/*
 * libnftnl's batch paging, sized as nftables sizes it (src/mnl.c): a message is begun
 * only while its page is below BATCH_PAGE, so it has at least MSG_ROOM to grow into,
 * the longest message netlink can carry when every nest's length is 16 bits (libnftnl
 * writes without bounds: the builders keep their messages below that, element lists by
 * their size, see elems_per_msg(), rules by their few expressions).
 */
#define BATCH_PAGE (128 * 1024)
#define MSG_ROOM (UINT16_MAX + 4096)
#define MAX_ELEMS_PER_MSG 256
#define ELEMS_NEST_MAX (UINT16_MAX - 1024)	/* the element list's 16-bit nest length */

void nft_batch_begin(struct nft_batch *b, struct nft_conn *c)
{
	memset(b, 0, sizeof(*b));
	b->conn = c;
	b->seq_begin = ++c->seq;	/* the BATCH_BEGIN message's */
}

/* The sequence number of the message being written; batch_commit() takes it. */
static uint32_t next_seq(const struct nft_batch *b)
{
	return b->conn->seq + 1;
}

void nft_batch_free(struct nft_batch *b)
{
	size_t i;

	for (i = 0; i < b->n_ops; i++)
		free(b->ops[i].what);
	free(b->ops);
	if (b->pages)
		nftnl_batch_free(b->pages);
	memset(b, 0, sizeof(*b));
}

const struct nft_batch_op *nft_batch_ops(const struct nft_batch *b, size_t *n)
{
	*n = b->n_ops;
	return b->ops;
}

static void batch_fail(struct nft_batch *b, int err, const char *what)
{
	if (b->err)
		return;
	b->err = err;
	snprintf(b->err_what, sizeof(b->err_what), "%s", what);
}

/*
 * Room for one more message (MSG_ROOM at least); NULL (b->err set) without memory.
 * The room is zeroed (once per page, as it is reached): libmnl leaves attribute
 * padding as it finds it, and no byte we send may be one malloc() left.
 */
static char *batch_room(struct nft_batch *b)
{
	uintptr_t p;

	if (b->err)
		return NULL;
	if (!b->pages)
		b->pages = nftnl_batch_alloc(BATCH_PAGE, MSG_ROOM);
	if (!b->pages) {
		batch_fail(b, -ENOMEM, "batch buffer");
		return NULL;
	}
	p = (uintptr_t)nftnl_batch_buffer(b->pages);
	if (p < b->zero_from || p > b->zero_to)	/* a new page (its start is copied in) */
		b->zero_from = b->zero_to = p;
	if (b->zero_to < p + MSG_ROOM) {
		memset((char *)b->zero_to, 0, p + MSG_ROOM - b->zero_to);
		b->zero_to = p + MSG_ROOM;
	}
	return (char *)p;
}

static void batch_commit(struct nft_batch *b, struct nlmsghdr *nlh, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void batch_commit(struct nft_batch *b, struct nlmsghdr *nlh, const char *fmt, ...)
{
	struct nft_batch_op *op;
	va_list ap;

	if (nlh->nlmsg_len > MSG_ROOM)
		abort();	/* past the page's room: a builder broke its bound */
	if (array_grow((void **)&b->ops, &b->cap_ops, b->n_ops, sizeof(*b->ops), 32) < 0)
		return batch_fail(b, -ENOMEM, "batch ops");
	op = &b->ops[b->n_ops];
	op->seq = nlh->nlmsg_seq;
	op->len = nlh->nlmsg_len;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_DELTABLE: case NFT_MSG_DELCHAIN: case NFT_MSG_DELRULE:
	case NFT_MSG_DELSET: case NFT_MSG_DELSETELEM:
		b->destroys = true;
		break;
	}
	va_start(ap, fmt);
	if (vasprintf(&op->what, fmt, ap) < 0)
		op->what = NULL;
	va_end(ap);
	if (!op->what)
		return batch_fail(b, -ENOMEM, "batch ops");
	if (nftnl_batch_update(b->pages) < 0)	/* the next message's room */
		return batch_fail(b, -ENOMEM, "batch buffer");
	b->n_ops++;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	b->conn->seq = nlh->nlmsg_seq;
}

static const char *fam_str(int family)
{
	switch (family) {
	case NFPROTO_INET: return "inet";
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	default: return "?";
	}
}

/*
 * One message of type @msg_type (acked, @flags added) carrying @obj, of kind @k, written
 * into the batch as its next message; @obj is freed. NULL, the batch failed, when there
 * is no room (b->err set). The caller describes it with batch_commit().
 */
static struct nlmsghdr *batch_msg(struct nft_batch *b, enum nft_kind k, void *obj,
				  int msg_type, int family, uint16_t flags)
{
	struct nlmsghdr *nlh;
	char *p = batch_room(b);

	if (!p) {
		nft_obj_free(k, obj);
		return NULL;
	}
	nlh = nftnl_nlmsg_build_hdr(p, (uint16_t)msg_type, (uint16_t)family, flags | NLM_F_ACK,
				    next_seq(b));
	nft_obj_put(k, nlh, obj);
	return nlh;
}

void nft_batch_table(struct nft_batch *b, bool add, int family, const char *table)
{
	struct nftnl_table *t = nft_obj_new(NFT_KIND_TABLE, table, NULL);
	struct nlmsghdr *nlh;

	if (!t)
		return batch_fail(b, -ENOMEM, "table");
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, (uint32_t)family);
	nlh = batch_msg(b, NFT_KIND_TABLE, t, add ? NFT_MSG_NEWTABLE : NFT_MSG_DELTABLE, family,
			add ? NLM_F_CREATE : 0);
	if (!nlh)
		return;
	batch_commit(b, nlh, "%s table %s %s", add ? "add" : "delete", fam_str(family), table);
}

void nft_batch_chain(struct nft_batch *b, int msg_type, uint16_t flags, int family,
		     const char *table, const char *chain, int hook, const char *type,
		     int prio)
{
	struct nftnl_chain *c = nft_obj_new(NFT_KIND_CHAIN, table, chain);
	struct nlmsghdr *nlh;

	if (!c)
		return batch_fail(b, -ENOMEM, "chain");
	if (hook >= 0 && msg_type == NFT_MSG_NEWCHAIN) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = batch_msg(b, NFT_KIND_CHAIN, c, msg_type, family, flags);
	if (!nlh)
		return;
	batch_commit(b, nlh, "%s chain %s %s %s",
		     msg_type == NFT_MSG_NEWCHAIN ? "add" : "delete", fam_str(family), table,
		     chain);
}

static void key_shape(enum nft_key key, uint32_t *type, uint32_t *len)
{
	switch (key) {
	case NFT_KEY_IPV4: *type = 7; *len = 4; break;
	case NFT_KEY_IPV6: *type = 8; *len = 16; break;
	case NFT_KEY_IFNAME: *type = 41; *len = IFNAMSIZ; break;
	/* a concatenation: types shifted by 6 bits each, parts padded to 4 bytes */
	case NFT_KEY_IFNAME_ETHER: *type = 41 << 6 | 9; *len = IFNAMSIZ + 8; break;
	}
}

/* nft shows string keys right only when told they are in host byte order. */
static void set_key_host_order(struct nftnl_set *s)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

	if (!u)
		return;		/* cosmetic: `nft list` would show "" for the keys */
	if (nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, 1 /* BYTEORDER_HOST */))
		nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
				   nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
}

/* One set message: @sh's key (and data, for a data map), or a verdict map (@vmap). */
static void batch_set(struct nft_batch *b, int msg_type, uint16_t flags, int family,
		      const char *table, const char *set, const struct nft_set_shape *sh,
		      bool vmap, bool host_order)
{
	bool map = vmap || sh->data_len;
	struct nftnl_set *s = nft_obj_new(NFT_KIND_SET, table, set);
	struct nlmsghdr *nlh;

	if (!s)
		return batch_fail(b, -ENOMEM, "set");
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, (uint32_t)family);
	if (msg_type == NFT_MSG_NEWSET) {
		nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, sh->key_type);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, sh->key_len);
		if (sh->interval || sh->dynamic)
			nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
					  (sh->interval ? NFT_SET_INTERVAL : 0) |
					  (sh->dynamic ? NFT_SET_EVAL : 0));
		if (sh->size)
			nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, sh->size);
		if (sh->counters) {
			struct nftnl_expr *ctr = nftnl_expr_alloc("counter");

			if (!ctr) {
				nftnl_set_free(s);
				return batch_fail(b, -ENOMEM, "set");
			}
			nftnl_set_add_expr(s, ctr);
		}
		if (map) {
			nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
			nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE,
					  vmap ? NFT_DATA_VERDICT : sh->data_type);
			nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, vmap ? 0 : sh->data_len);
		}
		nftnl_set_set_u32(s, NFTNL_SET_ID, next_seq(b));
		if (host_order)
			set_key_host_order(s);
	}
	nlh = batch_msg(b, NFT_KIND_SET, s, msg_type, family, flags);
	if (!nlh)
		return;
	batch_commit(b, nlh, "%s %s %s %s %s", msg_type == NFT_MSG_NEWSET ? "add" : "delete",
		     map ? "map" : "set", fam_str(family), table, set);
}

void nft_batch_set(struct nft_batch *b, int msg_type, uint16_t flags, int family,
		   const char *table, const char *set, enum nft_key key, bool vmap)
{
	struct nft_set_shape sh = { 0 };

	key_shape(key, &sh.key_type, &sh.key_len);
	batch_set(b, msg_type, flags, family, table, set, &sh, vmap,
		  key == NFT_KEY_IFNAME || key == NFT_KEY_IFNAME_ETHER);
}

static uint32_t dtype_size(enum nft_dtype t)
{
	switch (t) {
	case NFT_DT_IPV4: return 4;
	case NFT_DT_IPV6: return 16;
	case NFT_DT_INET_PROTO: return 1;
	case NFT_DT_INET_SERVICE: return 2;
	case NFT_DT_ETHER: return 6;
	case NFT_DT_IFNAME: return IFNAMSIZ;
	}
	return 0;
}

/* nftables' TYPE_BITS: a concatenation's id is its parts' ids shifted in, in order. */
#define NFT_TYPE_BITS 6

uint32_t nft_concat_type(const enum nft_dtype *t, size_t n)
{
	uint32_t type = 0;
	size_t i;

	for (i = 0; i < n; i++)
		type = (type << NFT_TYPE_BITS) | (uint32_t)t[i];
	return type;
}

uint32_t nft_concat_len(const enum nft_dtype *t, size_t n)
{
	uint32_t len = 0;
	size_t i;

	for (i = 0; i < n; i++)
		len += (dtype_size(t[i]) + 3) & ~3u;
	return len;
}

struct nft_set_shape nft_set_shape_concat(const enum nft_dtype *k, size_t nk,
					  const enum nft_dtype *d, size_t nd)
{
	struct nft_set_shape sh = { .key_type = nft_concat_type(k, nk),
				    .key_len = nft_concat_len(k, nk) };

	if (nd) {
		sh.data_type = nft_concat_type(d, nd);
		sh.data_len = nft_concat_len(d, nd);
	}
	return sh;
}

void nft_batch_set_shaped(struct nft_batch *b, uint16_t flags, int family, const char *table,
			  const char *set, const struct nft_set_shape *sh)
{
	batch_set(b, NFT_MSG_NEWSET, flags, family, table, set, sh, false, sh->host_order);
}

static int elem_fill(struct nftnl_set *s, const struct nft_elem *e)
{
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();

	if (!el)
		return -ENOMEM;
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, e->key, (uint32_t)e->key_len);
	if (e->data)
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_DATA, e->data, (uint32_t)e->data_len);
	if (e->flags)
		nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_FLAGS, e->flags);
	if (e->verdict != NFT_CONTINUE) {
		nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT, (uint32_t)e->verdict);
		if (e->chain)
			nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN, e->chain);
	}
	if (e->comment) {
		struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(256);

		if (!u || !nftnl_udata_put_strz(u, NFTNL_UDATA_SET_ELEM_COMMENT, e->comment)) {
			if (u)
				nftnl_udata_buf_free(u);
			nftnl_set_elem_free(el);
			return -ENOMEM;
		}
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(u),
				   nftnl_udata_buf_len(u));
		nftnl_udata_buf_free(u);
	}
	nftnl_set_elem_add(s, el);
	return 0;
}

/* The text of the first element, for error messages. */
static void elem_str(const struct nft_elem *e, char *buf, size_t n)
{
	struct ip_addr a = { 0 };

	if (e->text) {
		snprintf(buf, n, "%s", e->text);
		return;
	}
	if (!e->ifname && (e->key_len == 4 || e->key_len == 16)) {
		a.family = e->key_len == 4 ? AF_INET : AF_INET6;
		memcpy(a.b, e->key, e->key_len);
		ip_addr_format(&a, buf, n);
	} else {
		snprintf(buf, n, "\"%.*s\"", (int)strnlen(e->key, e->key_len), (const char *)e->key);
	}
}

static void elems_chunk(struct nft_batch *b, bool add, uint16_t flags, int family,
			const char *table, const char *set, const struct nft_elem *e, size_t n,
			uint32_t set_id)
{
	struct nftnl_set *s = nft_obj_new(NFT_KIND_SET, table, set);
	struct nlmsghdr *nlh;
	char first[IP_STR_MAX + 64];
	size_t i;

	if (!s)
		return batch_fail(b, -ENOMEM, "elements");
	if (set_id)	/* a set of this batch the kernel names itself ("__set%d") */
		nftnl_set_set_u32(s, NFTNL_SET_ID, set_id);
	for (i = 0; i < n; i++) {
		/* NFT_DATA_VALUE_MAXLEN: the longest key (a concatenation) the kernel takes */
		if (!e[i].key_len || e[i].key_len > NFT_DATA_VALUE_MAXLEN ||
		    e[i].data_len > NFT_DATA_VALUE_MAXLEN ||
		    (e[i].comment && strlen(e[i].comment) > NFT_COMMENT_MAX)) {
			nftnl_set_free(s);
			return batch_fail(b, -EINVAL, "element");
		}
		if (elem_fill(s, &e[i]) < 0) {
			nftnl_set_free(s);
			return batch_fail(b, -ENOMEM, "element");
		}
	}
	nlh = batch_msg(b, NFT_KIND_ELEMS, s, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
			family, flags);
	if (!nlh)
		return;
	elem_str(&e[0], first, sizeof(first));
	batch_commit(b, nlh, "%s element%s %s%s %s set %s%s%s%s", add ? "add" : "delete",
		     n > 1 ? "s" : "", first, n > 1 ? ",..." : "", add ? "to" : "from", set,
		     e[0].comment ? " (" : "", e[0].comment ? e[0].comment : "",
		     e[0].comment ? ")" : "");
}

/* An upper bound of the bytes one element takes in the element list (its headers:
 * list entry, key and data nests, verdict, flags, userdata: under 64). */
static size_t elem_bound(const struct nft_elem *e)
{
	return 64 + NLA_ALIGN(e->key_len) + NLA_ALIGN(e->data_len) +
	       (e->chain ? NLA_ALIGN(strlen(e->chain) + 1) : 0) +
	       (e->comment ? NLA_ALIGN(strlen(e->comment) + 3) : 0);
}

/* How many of @n elements go into the next message: whatever their size, the list
 * stays within its 16-bit nest, known before a byte is written. At least one. */
static size_t elems_per_msg(const struct nft_elem *e, size_t n)
{
	size_t k = 0, bytes = 0;

	while (k < n && k < MAX_ELEMS_PER_MSG &&
	       (!k || bytes + elem_bound(&e[k]) <= ELEMS_NEST_MAX))
		bytes += elem_bound(&e[k++]);
	return k;
}

static void elems_chunks(struct nft_batch *b, bool add, uint16_t flags, int family,
			 const char *table, const char *set, const struct nft_elem *e, size_t n,
			 uint32_t set_id)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = elems_per_msg(e + i, n - i);
		elems_chunk(b, add, flags, family, table, set, e + i, k, set_id);
	}
}

void nft_batch_elems(struct nft_batch *b, bool add, uint16_t flags, int family,
		     const char *table, const char *set, const struct nft_elem *e, size_t n)
{
	elems_chunks(b, add, flags, family, table, set, e, n, 0);
}

uint32_t nft_batch_anon_set(struct nft_batch *b, int family, const char *table,
			    const struct nft_set_shape *sh, const struct nft_elem *e, size_t n,
			    const char *text)
{
	struct nftnl_set *s = nft_obj_new(NFT_KIND_SET, table, NFT_ANON_SET);
	struct nlmsghdr *nlh;
	uint32_t id = next_seq(b), flags = NFT_SET_ANONYMOUS | NFT_SET_CONSTANT;

	if (!s) {
		batch_fail(b, -ENOMEM, "set");
		return 0;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, (uint32_t)family);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, sh->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, sh->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags | (sh->interval ? NFT_SET_INTERVAL : 0));
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nlh = batch_msg(b, NFT_KIND_SET, s, NFT_MSG_NEWSET, family, NLM_F_CREATE);	/* seq: id */
	if (!nlh)
		return 0;
	batch_commit(b, nlh, "add set %s %s { %s }", fam_str(family), table, text ? text : "");
	elems_chunks(b, true, NLM_F_CREATE, family, table, NFT_ANON_SET, e, n, id);
	return id;
}

void nft_batch_flush_set(struct nft_batch *b, int family, const char *table, const char *set)
{
	struct nftnl_set *s = nft_obj_new(NFT_KIND_SET, table, set);
	struct nlmsghdr *nlh;

	if (!s)
		return batch_fail(b, -ENOMEM, "set");
	/* DELSETELEM without an element list is the kernel's "flush set". */
	nlh = batch_msg(b, NFT_KIND_ELEMS, s, NFT_MSG_DELSETELEM, family, 0);
	if (!nlh)
		return;
	batch_commit(b, nlh, "flush set %s %s %s", fam_str(family), table, set);
}

static void batch_rule(struct nft_batch *b, int family, const char *table,
		       struct nft_rule_b *rb, bool append)
{
	struct nlmsghdr *nlh;

	if (rb->err) {
		char what[128];

		snprintf(what, sizeof(what), "rule in %.30s: %.60s", rb->chain, rb->text);
		batch_fail(b, rb->err, what);
		nft_rb_free(rb);
		return;
	}
	nftnl_rule_set_u32(rb->r, NFTNL_RULE_FAMILY, (uint32_t)family);
	nftnl_rule_set_str(rb->r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(rb->r, NFTNL_RULE_CHAIN, rb->chain);
	nlh = batch_msg(b, NFT_KIND_RULE, rb->r, NFT_MSG_NEWRULE, family,
			NLM_F_CREATE | (append ? NLM_F_APPEND : 0));
	rb->r = NULL;	/* batch_msg() freed it */
	if (!nlh)
		return;
	batch_commit(b, nlh, "%s rule %s %s %s %s", append ? "add" : "insert", fam_str(family),
		     table, rb->chain, rb->text);
}

void nft_batch_rule(struct nft_batch *b, int family, const char *table,
		    struct nft_rule_b *rb)
{
	batch_rule(b, family, table, rb, true);
}

void nft_batch_rule_head(struct nft_batch *b, int family, const char *table,
			 struct nft_rule_b *rb)
{
	batch_rule(b, family, table, rb, false);
}

/* DELRULE of rule @handle of @chain, or of every rule of it (@handle NULL: a flush). */
static void del_rules(struct nft_batch *b, int family, const char *table, const char *chain,
		      const uint64_t *handle)
{
	struct nftnl_rule *r = nft_obj_new(NFT_KIND_RULE, table, chain);
	struct nlmsghdr *nlh;

	if (!r)
		return batch_fail(b, -ENOMEM, "rule");
	if (handle)
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, *handle);
	nlh = batch_msg(b, NFT_KIND_RULE, r, NFT_MSG_DELRULE, family, 0);
	if (!nlh)
		return;
	if (handle)
		batch_commit(b, nlh, "delete rule %s %s %s handle %llu", fam_str(family), table,
			     chain, (unsigned long long)*handle);
	else
		batch_commit(b, nlh, "flush chain %s %s %s", fam_str(family), table, chain);
}

void nft_batch_flush_chain(struct nft_batch *b, int family, const char *table,
			   const char *chain)
{
	del_rules(b, family, table, chain, NULL);
}

void nft_batch_del_rule(struct nft_batch *b, int family, const char *table,
			const char *chain, uint64_t handle)
{
	del_rules(b, family, table, chain, &handle);
}
