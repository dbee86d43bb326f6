// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "nft/kind.h"
#include "nft/read.h"

struct walk {
	nft_name_cb name_cb;
	nft_elem_cb elem_cb;
	nft_elem_counter_cb counter_cb;
	nft_rule_cb rule_cb;
	nft_rule_info_cb info_cb;
	void *data;
	const char *table;
	int ret;		/* a callback's non-zero answer */
	char *comment;		/* nft_get_elem() */
	size_t comment_n;
	void *data_out;		/* nft_get_elem_data() */
	size_t data_n, data_len;
	int found;
};

static int udata_comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **out = data;
	const char *s = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	/* NFTNL_UDATA_SET_ELEM_COMMENT and NFTNL_UDATA_RULE_COMMENT are both 0. */
	if (nftnl_udata_type(attr) == 0 && len > 0 && s[len - 1] == '\0')
		*out = s;
	return 0;
}

static const char *comment_of(const void *ud, uint32_t len)
{
	const char *comment = NULL;

	if (ud && len)
		nftnl_udata_parse(ud, len, udata_comment_cb, &comment);
	return comment;
}

/* A GET of one object kind: its message, its answers' parser, and what it does. */
struct get {
	enum nft_kind kind;
	uint16_t msg;		/* NFT_MSG_GET... */
	mnl_cb_t cb;		/* each answer to the walk */
	const char *listing, *looking_up;	/* for errors: a dump, a lookup (if any) */
};

/* @obj's GET @g, a dump (NLM_F_DUMP) or a lookup (NLM_F_ACK), its answers to @w;
 * @obj is freed. */
static int query(struct nft_conn *c, const struct get *g, uint16_t flags, int family,
		 void *obj, struct walk *w, struct err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int r;

	/* Zeroed: attribute padding would otherwise carry stack bytes to the kernel. */
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, g->msg, (uint16_t)family, flags, ++c->seq);
	nft_obj_put(g->kind, nlh, obj);	/* the message holds all it needs */
	r = nft_conn_query(c, nlh, g->cb, w, flags & NLM_F_DUMP ? g->listing : g->looking_up,
			   err);
	if (r == -ENOENT) {
		err_forget(err);
		return 0;	/* no table, set or chain: nothing to list */
	}
	if (r < 0)
		return r;
	return w->ret;
}

/* @g of the objects of @table named @name (every one of the table: NULL; of a set or
 * chain: its name), a dump or (@flags NLM_F_ACK) a lookup, its answers to @w. */
static int ask(struct nft_conn *c, const struct get *g, uint16_t flags, int family,
	       const char *table, const char *name, struct walk *w, struct err *err)
{
	void *obj = nft_obj_new(g->kind, table, name);

	if (!obj)
		return -ENOMEM;
	return query(c, g, flags, family, obj, w, err);
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct nftnl_chain *ch = nftnl_chain_alloc();
	const char *table, *name;

	if (!ch)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, ch) == 0) {
		table = nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE);
		name = nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME);
		w->found = 1;
		if (w->name_cb && table && name && !strcmp(table, w->table) && !w->ret)
			w->ret = w->name_cb(name, w->data);
	}
	nftnl_chain_free(ch);
	return MNL_CB_OK;
}

static const struct get chains = { NFT_KIND_CHAIN, NFT_MSG_GETCHAIN, chain_cb,
				   "listing chains", "looking up a chain" };

int nft_chain_exists(struct nft_conn *c, int family, const char *table, const char *chain,
		     struct err *err)
{
	struct walk w = { .table = table };
	int r = ask(c, &chains, NLM_F_ACK, family, table, chain, &w, err);

	return r < 0 ? r : w.found;
}

int nft_list_chains(struct nft_conn *c, int family, const char *table, nft_name_cb cb,
		    void *data, struct err *err)
{
	struct walk w = { .name_cb = cb, .data = data, .table = table };

	return ask(c, &chains, NLM_F_DUMP, family, table, NULL, &w, err);
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct nftnl_set *s = nftnl_set_alloc();
	const char *table, *name;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) == 0) {
		table = nftnl_set_get_str(s, NFTNL_SET_TABLE);
		name = nftnl_set_get_str(s, NFTNL_SET_NAME);
		if (table && name && !strcmp(table, w->table) && !w->ret)
			w->ret = w->name_cb(name, w->data);
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static const struct get sets = { NFT_KIND_SET, NFT_MSG_GETSET, set_cb, "listing sets", NULL };

int nft_list_sets(struct nft_conn *c, int family, const char *table, nft_name_cb cb,
		  void *data, struct err *err)
{
	struct walk w = { .name_cb = cb, .data = data, .table = table };

	return ask(c, &sets, NLM_F_DUMP, family, table, NULL, &w, err);
}

/* An element's counter (its own stateful expression: sets made with a counter). */
static int elem_expr_cb(struct nftnl_expr *e, void *data)
{
	uint64_t *pb = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name && !strcmp(name, "counter")) {
		pb[0] += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		pb[1] += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	}
	return 0;
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	it = nftnl_set_elems_iter_create(s);
	for (e = it ? nftnl_set_elems_iter_next(it) : NULL; e;
	     e = nftnl_set_elems_iter_next(it)) {
		uint32_t klen = 0, ulen = 0;
		const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
		const void *ud = nftnl_set_elem_get(e, NFTNL_SET_ELEM_USERDATA, &ulen);
		const char *comment = comment_of(ud, ulen);
		const char *chain = nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN);

		w->found = 1;
		if (w->comment)
			snprintf(w->comment, w->comment_n, "%s", comment ? comment : "");
		if (w->data_out) {
			uint32_t dlen = 0;
			const void *d = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &dlen);

			w->data_len = d && dlen <= w->data_n ? dlen : 0;
			if (w->data_len)
				memcpy(w->data_out, d, w->data_len);
		}
		if (w->elem_cb && key && !w->ret)
			w->ret = w->elem_cb(key, klen, comment, chain, w->data);
		if (w->counter_cb && key && !w->ret) {
			uint64_t pb[2] = { 0, 0 };

			nftnl_set_elem_expr_foreach(e, elem_expr_cb, pb);
			w->ret = w->counter_cb(key, klen, pb[0], pb[1], w->data);
		}
	}
	if (it)
		nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static const struct get elems = { NFT_KIND_ELEMS, NFT_MSG_GETSETELEM, elem_cb,
				  "listing set elements", "looking up a set element" };

int nft_list_elems(struct nft_conn *c, int family, const char *table, const char *set,
		   nft_elem_cb cb, void *data, struct err *err)
{
	struct walk w = { .elem_cb = cb, .data = data, .table = table };

	return ask(c, &elems, NLM_F_DUMP, family, table, set, &w, err);
}

int nft_list_elem_counters(struct nft_conn *c, int family, const char *table,
			   const char *set, nft_elem_counter_cb cb, void *data, struct err *err)
{
	struct walk w = { .counter_cb = cb, .data = data, .table = table };

	return ask(c, &elems, NLM_F_DUMP, family, table, set, &w, err);
}

int nft_get_elem(struct nft_conn *c, int family, const char *table, const char *set,
		 const void *key, size_t key_len, char *comment, size_t comment_n,
		 struct err *err)
{
	return nft_get_elem_data(c, family, table, set, key, key_len, comment, comment_n, NULL,
				 NULL, err);
}

int nft_get_elem_data(struct nft_conn *c, int family, const char *table, const char *set,
		      const void *key, size_t key_len, char *comment, size_t comment_n,
		      void *data, size_t *data_len, struct err *err)
{
	struct nftnl_set *s = nft_obj_new(NFT_KIND_ELEMS, table, set);
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	struct walk w = { .table = table, .comment = comment, .comment_n = comment_n,
			  .data_out = data, .data_n = data_len ? *data_len : 0 };
	int r;

	if (!s || !e) {
		if (s)
			nftnl_set_free(s);
		if (e)
			nftnl_set_elem_free(e);
		return -ENOMEM;
	}
	if (comment_n)
		comment[0] = '\0';
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, (uint32_t)key_len);
	nftnl_set_elem_add(s, e);
	r = query(c, &elems, NLM_F_ACK, family, s, &w, err);
	if (data_len)
		*data_len = w.data_len;
	return r < 0 ? r : w.found;
}

static int expr_cb(struct nftnl_expr *e, void *data)
{
	struct nft_rule_info *ri = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!name)
		return 0;
	if (!strcmp(name, "counter")) {
		ri->has_counter = true;
		ri->packets += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		ri->bytes += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	} else if (!strcmp(name, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
		ri->verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	}
	return 0;
}

static int rule_info(struct nftnl_rule *r, const char *comment, struct walk *w)
{
	struct nft_rule_info ri = { .handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE),
				    .comment = comment, .verdict = -1000 };

	nftnl_expr_foreach(r, expr_cb, &ri);
	return w->info_cb(&ri, w->data);
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0) {
		uint32_t ulen = 0;
		const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &ulen);

		if (!w->ret && w->rule_cb)
			w->ret = w->rule_cb(nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE),
					    comment_of(ud, ulen), w->data);
		if (!w->ret && w->info_cb)
			w->ret = rule_info(r, comment_of(ud, ulen), w);
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static const struct get rules = { NFT_KIND_RULE, NFT_MSG_GETRULE, rule_cb, "listing rules", NULL };

int nft_list_rules(struct nft_conn *c, int family, const char *table, const char *chain,
		   nft_rule_cb cb, void *data, struct err *err)
{
	struct walk w = { .rule_cb = cb, .data = data, .table = table };

	return ask(c, &rules, NLM_F_DUMP, family, table, chain, &w, err);
}

int nft_list_rules_info(struct nft_conn *c, int family, const char *table, const char *chain,
			nft_rule_info_cb cb, void *data, struct err *err)
{
	struct walk w = { .info_cb = cb, .data = data, .table = table };

	return ask(c, &rules, NLM_F_DUMP, family, table, chain, &w, err);
}
