// SPDX-License-Identifier: Apache-2.0
/*
 * gc step 5 (netctl/core/gc.h): under every network's lock, check our tables against
 * the cache, and where a flush or a deleted element took part of them, make the nft
 * state of every cached attachment again.
 */
#include <errno.h>
#include <string.h>

#include "cni/netlock.h"
#include "netctl/core/chain.h"
#include "netctl/core/gc.h"
#include "netctl/core/gc_nftscan.h"
#include "netctl/core/gc_report.h"
#include "nft/conn.h"
#include "ruleset/gc.h"
#include "ruleset/names.h"
#include "util/cleanup.h"

/* Missing: chains or elements are gone; flushed: a chain is there with no rule. */
static enum nft_gc_state nft_check(struct nft_conn *c, const struct gc_nftscan *s)
{
	enum nft_gc_state st = NFT_GC_OK, one;
	size_t i;

	for (i = 0; i < s->n; i++) {
		one = nft_gc_check(c, &s->v[i].rs, s->v[i].rs_atts, s->v[i].atts.n);
		if (one == NFT_GC_FLUSHED)
			return one;
		if (one == NFT_GC_MISSING)
			st = one;
	}
	return st;
}

static bool nft_owner(const char *type)
{
	return !strcmp(type, "firewall") || !strcmp(type, "portmap");
}

/* Re-add one attachment's nft state: the plugins that own some re-ADD it, then the
 * bridge's elements (its own ADD would touch links). 0, or -errno with why in @err. */
static int rebuild_att(const struct gc_ctx *g, struct nft_conn *c, const struct gc_nftnet *nn,
		       size_t j, struct err *err)
{
	char etext[ERR_TEXT_MAX];
	const struct gc_att *a = &nn->atts.v[j];
	struct chain_err cerr = { .plugin = -1 };
	_cleanup_(conflist_free) struct conflist cl = { 0 };
	struct chain_req req = { .cni_path = g->p->cni_path, .cache_dir = g->p->statedir,
				 .container_id = a->id, .ifname = a->ifname };
	int r;

	if ((nn->rs.fw || nn->rs.portmap) &&
	    paths_net_load(g->p, nn->rs.net, &cl, &cerr.cni) == 0) {
		r = chain_readd(&cl, &req, nft_owner, &cerr);
		if (r < 0)
			return err_detail(err, r, "re-ADD: %s",
					  err_text(&cerr.cni, etext, sizeof(etext)));
	}
	return nft_gc_rebuild(c, &nn->rs, &nn->rs_atts[j], err);
}

/* Every network's lock, in name order (paths_net_foreach sorts): the table is shared. */
struct net_locks {
	const struct gc_ctx *g;
	int h[256];
	size_t n;
};

static int lock_one(const char *net, void *data)
{
	struct net_locks *l = data;
	struct err err = { 0 };
	int h;

	if (l->n == ARRAY_SIZE(l->h)) {
		gc_report(l->g, true, NULL, NULL, NULL, "more than %zu networks: nftables state "
			  "not checked", ARRAY_SIZE(l->h));
		return -E2BIG;
	}
	h = cni_net_lock(net, NULL, true, &err);
	if (h < 0) {
		gc_report(l->g, true, net, NULL, NULL, "%s: nftables state not checked: %s: %s",
			  net, err.msg, err.details);
		return h;
	}
	l->h[l->n++] = h;
	return 0;
}

static void unlock_all(struct net_locks *l)
{
	while (l->n)
		cni_net_unlock(l->h[--l->n]);
}

/* Make every scanned attachment's nft state again, one report each. */
static void rebuild_all(const struct gc_ctx *g, struct nft_conn *c, const struct gc_nftscan *s)
{
	struct err err = { 0 };
	size_t i, j;
	int r;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->v[i].atts.n; j++) {
			const struct gc_att *a = &s->v[i].atts.v[j];

			err_clear(&err);
			r = rebuild_att(g, c, &s->v[i], j, &err);
			gc_report(g, r < 0, s->v[i].rs.net, a->id, a->ifname,
				  "%s: %s nftables state of %s (%s)%s%s", s->v[i].rs.net,
				  r < 0 ? "cannot rebuild the" : "rebuilt the", a->id, a->ifname,
				  r < 0 ? ": " : "", r < 0 ? err.details : "");
		}
}

void gc_nft(const struct gc_ctx *g)
{
	struct net_locks locks = { .g = g };
	struct gc_nftscan s = { 0 };
	enum nft_gc_state st;
	struct nft_conn c = { 0 };
	struct err err = { 0 };
	int r;

	/* A rebuild may delete the whole table: no network's chain may run meanwhile. */
	if (paths_net_foreach(g->p, lock_one, &locks) < 0 || gc_nftscan_read(g->p, &s) < 0 ||
	    !s.n)
		goto out;
	r = nft_conn_open(&c, &err);
	if (r < 0) {
		gc_report(g, true, NULL, NULL, NULL, "cannot talk to nftables: %s", err.details);
		goto out;
	}
	st = nft_check(&c, &s);
	if (st == NFT_GC_OK)
		goto out;
	if (st == NFT_GC_FLUSHED) {
		r = nft_gc_drop_table(&c, &err);
		gc_report(g, r < 0, NULL, NULL, NULL, "table inet %s lost its rules: %s%s",
			  NFT_TABLE, r < 0 ? "cannot delete it to rebuild: " :
			  "deleted it to rebuild it", r < 0 ? err.details : "");
		if (r < 0)
			goto out;
	}
	rebuild_all(g, &c, &s);
out:
	nft_conn_close(&c);
	unlock_all(&locks);
	gc_nftscan_free(&s);
}
