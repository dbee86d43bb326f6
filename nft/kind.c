// SPDX-License-Identifier: Apache-2.0
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "nft/kind.h"

/* The attributes nft_obj_new() sets: the object's table and its (or its parent's) name. */
static const struct {
	uint16_t table, name;
} attrs[] = {
	[NFT_KIND_TABLE] = { NFTNL_TABLE_NAME, 0 },
	[NFT_KIND_CHAIN] = { NFTNL_CHAIN_TABLE, NFTNL_CHAIN_NAME },
	[NFT_KIND_SET] = { NFTNL_SET_TABLE, NFTNL_SET_NAME },
	[NFT_KIND_ELEMS] = { NFTNL_SET_TABLE, NFTNL_SET_NAME },
	[NFT_KIND_RULE] = { NFTNL_RULE_TABLE, NFTNL_RULE_CHAIN },
};

static void *obj_alloc(enum nft_kind k)
{
	switch (k) {
	case NFT_KIND_TABLE: return nftnl_table_alloc();
	case NFT_KIND_CHAIN: return nftnl_chain_alloc();
	case NFT_KIND_SET: case NFT_KIND_ELEMS: return nftnl_set_alloc();
	case NFT_KIND_RULE: return nftnl_rule_alloc();
	}
	return NULL;
}

static void obj_set_str(enum nft_kind k, void *o, uint16_t attr, const char *s)
{
	switch (k) {
	case NFT_KIND_TABLE: nftnl_table_set_str(o, attr, s); break;
	case NFT_KIND_CHAIN: nftnl_chain_set_str(o, attr, s); break;
	case NFT_KIND_SET: case NFT_KIND_ELEMS: nftnl_set_set_str(o, attr, s); break;
	case NFT_KIND_RULE: nftnl_rule_set_str(o, attr, s); break;
	}
}

void *nft_obj_new(enum nft_kind k, const char *table, const char *name)
{
	void *o = obj_alloc(k);

	if (o)
		obj_set_str(k, o, attrs[k].table, table);
	if (o && name)
		obj_set_str(k, o, attrs[k].name, name);
	return o;
}

void nft_obj_free(enum nft_kind k, void *o)
{
	switch (k) {
	case NFT_KIND_TABLE: nftnl_table_free(o); break;
	case NFT_KIND_CHAIN: nftnl_chain_free(o); break;
	case NFT_KIND_SET: case NFT_KIND_ELEMS: nftnl_set_free(o); break;
	case NFT_KIND_RULE: nftnl_rule_free(o); break;
	}
}

void nft_obj_put(enum nft_kind k, struct nlmsghdr *nlh, void *o)
{
	switch (k) {
	case NFT_KIND_TABLE: nftnl_table_nlmsg_build_payload(nlh, o); break;
	case NFT_KIND_CHAIN: nftnl_chain_nlmsg_build_payload(nlh, o); break;
	case NFT_KIND_SET: nftnl_set_nlmsg_build_payload(nlh, o); break;
	case NFT_KIND_ELEMS: nftnl_set_elems_nlmsg_build_payload(nlh, o); break;
	case NFT_KIND_RULE: nftnl_rule_nlmsg_build_payload(nlh, o); break;
	}
	nft_obj_free(k, o);
}
