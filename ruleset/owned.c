// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "nft/read.h"
#include "ruleset/names.h"
#include "ruleset/owned.h"

struct walk {
	const struct nft_owner *o;
	struct nft_batch *b;
	int family;
	const char *set, *text;
};

static int walk_cb(const void *key, size_t key_len, const char *comment, const char *chain,
		   void *data)
{
	struct walk *w = data;
	struct nft_elem e = { .key = key, .key_len = key_len, .text = w->text,
			      .verdict = NFT_CONTINUE, .ifname = !w->text };
	char id[256];

	(void)chain;
	if (!comment)
		return 0;
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(comment, " "), comment);
	if (w->o->id ? !strcmp(id, w->o->id) : !w->o->keep(id, w->o->data))
		nft_batch_elems(w->b, false, 0, w->family, NFT_TABLE, w->set, &e, 1);
	return 0;
}

int nft_owned_remove(struct nft_conn *c, int family, const char *const *sets, size_t n_sets,
		     const struct nft_owner *o, const char *text, struct err *err)
{
	struct nft_batch b;
	struct walk w = { .o = o, .b = &b, .family = family, .text = text };
	size_t i;
	int r;

	r = nft_conn_ensure(c, err);
	if (r < 0)
		return r;
	nft_batch_begin(&b, c);
	for (i = 0; r >= 0 && i < n_sets; i++) {
		w.set = sets[i];
		r = nft_list_elems(c, family, NFT_TABLE, sets[i], walk_cb, &w, err);
	}
	if (r >= 0)
		return nft_batch_commit(&b, err);
	nft_batch_free(&b);
	return r;
}
