// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "ruleset/macspoof.h"
#include "ruleset/owned.h"
#include "ruleset/names.h"
#include "nft/read.h"

#define FAM NFPROTO_BRIDGE
#define CHAIN NFT_MACSPOOF_CHAIN
#define SET_PORTS NFT_MAC_PORTS_SET
#define SET_OK NFT_MAC_OK_SET
#define PRIO (-300)	/* before anything else sees the frame, as the reference does */

static void build_base(struct nft_batch *b)
{
	struct nft_rule_b rb;

	nft_batch_table(b, true, FAM, NFT_TABLE);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, SET_PORTS,
		      NFT_KEY_IFNAME, false);
	nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, SET_OK,
		      NFT_KEY_IFNAME_ETHER, false);
	/* EXCL: of two racing first ADDs, one makes the rule, the other retries */
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, FAM, NFT_TABLE, CHAIN,
			NF_BR_PRE_ROUTING, "filter", PRIO);
	nft_rb_init(&rb, CHAIN);
	nft_rb_ifname_set(&rb, false, SET_PORTS);
	nft_rb_ifname_ether_set(&rb, SET_OK, true);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, NF_DROP, NULL);
	nft_rb_comment(&rb, "macspoofchk");
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
}

static int ensure_base(struct nft_conn *c, struct err *err)
{
	struct nft_batch b;
	int r, tries;

	for (tries = 0; tries < 3; tries++) {
		r = nft_chain_exists(c, FAM, NFT_TABLE, CHAIN, err);
		if (r != 0)
			return r < 0 ? r : 0;
		nft_batch_begin(&b, c);
		build_base(&b);
		r = nft_batch_commit(&b, err);
		if (r != -EEXIST)
			return r;
	}
	return r;
}

/* The keys: the port's name padded to IFNAMSIZ, then that and the MAC padded to 8. */
static int make_keys(const char *port, const uint8_t mac[6], char name[IFNAMSIZ],
		     char pair[IFNAMSIZ + 8], struct err *err)
{
	size_t len = strlen(port);

	if (len >= IFNAMSIZ)
		return err_detail(err, -EINVAL, "macspoofchk: interface name %s too long", port);
	memset(name, 0, IFNAMSIZ);
	memcpy(name, port, len);
	memset(pair, 0, IFNAMSIZ + 8);
	memcpy(pair, name, IFNAMSIZ);
	memcpy(pair + IFNAMSIZ, mac, 6);
	return 0;
}

int nft_macspoof_check(struct nft_conn *c, const char *port, const uint8_t mac[6], struct err *err)
{
	char name[IFNAMSIZ], pair[IFNAMSIZ + 8], comment[256];
	int r;

	r = make_keys(port, mac, name, pair, err);
	if (r < 0)
		return r;
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	r = nft_get_elem(c, FAM, NFT_TABLE, SET_PORTS, name, IFNAMSIZ, comment,
			 sizeof(comment), err);
	if (r > 0)
		r = nft_get_elem(c, FAM, NFT_TABLE, SET_OK, pair, sizeof(pair), comment,
				 sizeof(comment), err);
	return r;
}

int nft_macspoof_attach(struct nft_conn *c, const char *port, const uint8_t mac[6],
			const char *container_id, struct err *err)
{
	char name[IFNAMSIZ], pair[IFNAMSIZ + 8];
	struct nft_elem e = { .key = name, .key_len = IFNAMSIZ, .verdict = NFT_CONTINUE,
			      .comment = container_id, .ifname = true };
	struct nft_batch b;
	int r;

	r = make_keys(port, mac, name, pair, err);
	if (r < 0)
		return r;
	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	r = ensure_base(c, err);
	if (r == 0) {
		nft_batch_begin(&b, c);
		nft_batch_elems(&b, true, 0, FAM, NFT_TABLE, SET_PORTS, &e, 1);
		e.key = pair;
		e.key_len = sizeof(pair);
		nft_batch_elems(&b, true, 0, FAM, NFT_TABLE, SET_OK, &e, 1);
		r = nft_batch_commit(&b, err);
	}
	return r;
}

static const char *const owned_sets[] = { SET_PORTS, SET_OK };

int nft_macspoof_detach(struct nft_conn *c, const char *container_id, struct err *err)
{
	struct nft_owner o = { .id = container_id };
	int r = nft_owned_remove(c, FAM, owned_sets, 2, &o, NULL, err);

	return r < 0 ? r : 0;
}

int nft_macspoof_gc(struct nft_conn *c, bool (*keep)(const char *id, void *data), void *data,
		    struct err *err)
{
	struct nft_owner o = { .keep = keep, .data = data };
	int r = nft_owned_remove(c, FAM, owned_sets, 2, &o, NULL, err);

	return r < 0 ? r : 0;
}
