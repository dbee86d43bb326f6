// SPDX-License-Identifier: Apache-2.0
/*
 * gc steps 3 and 4 (netctl/core/gc.h), per network: detach cached attachments whose
 * netns or interface is gone, then run the chain's GC with the cache as the valid list
 * and report what it removed; and stop the DNS server of a network that is gone.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cni/netlock.h"
#include "netctl/core/attach.h"
#include "netctl/core/cache.h"
#include "netctl/core/dnsstate.h"
#include "netctl/core/gc.h"
#include "netctl/core/gc_atts.h"
#include "netctl/core/gc_report.h"
#include "netctl/core/gc_snap.h"
#include "netlib/link.h"
#include "netlib/sock.h"
#include "util/cleanup.h"

/*
 * The attachment's interface is gone from its netns: a DEL killed half-way (bridge's
 * DEL deletes the veth pair) or someone deleted it. Nothing of it can be re-added.
 */
static bool if_gone(const struct gc_att *a)
{
	struct netlib_nl nl;
	struct netlib_link link;
	int r;

	if (netlib_open_netns(&nl, a->netns, NULL) < 0)
		return false;
	r = netlib_link_get(&nl, 0, a->ifname, &link, NULL);
	netlib_close(&nl);
	return r == -ENODEV;
}

/* Step 3: DEL each cached attachment of @net whose netns or interface is gone. */
static int detach_stale(const struct gc_ctx *g, const char *net)
{
	char etext[ERR_TEXT_MAX];
	struct chain_err err = { .plugin = -1 };
	struct gc_att_list l = { 0 };
	size_t i;
	int r;

	r = gc_atts_read(net, &l);
	for (i = 0; r == 0 && i < l.n; i++) {
		struct gc_att *a = &l.v[i];
		struct attach_opts o = { .net = net, .container_id = a->id, .ifname = a->ifname,
					 .op = "gc" };
		bool ns_gone = !a->netns[0] || access(a->netns, F_OK) != 0;

		if (!ns_gone && !if_gone(a))
			continue;
		err = (struct chain_err){ .plugin = -1 };	/* each detach says its own cause */
		r = attach_del(&o, &err);
		gc_report(g, r < 0, net, a->id, a->ifname, "%s: %s %s (%s): %s %s is gone%s%s",
			  net, r < 0 ? "cannot detach" : "detached", a->id, a->ifname,
			  ns_gone ? "its netns" : "its interface in netns",
			  a->netns[0] ? a->netns : "(none cached)", r < 0 ? ": " : "",
			  r < 0 ? err_text(&err.cni, etext, sizeof(etext)) : "");
		r = 0;
	}
	gc_atts_free(&l);
	return r;
}

/*
 * Step 4: the chain's GC under the cache's exclusive lock (ADDs in flight, a killed
 * netctl's plugin too, end before the first snapshot), with what exists of the network
 * before and after it in @before and @after. 0, or -errno with @err set.
 */
static int chain_gc_net(const struct gc_ctx *g, const char *net, struct gc_snap *before,
			struct gc_snap *after, struct chain_err *err)
{
	_cleanup_(conflist_free) struct conflist cl = { 0 };
	struct chain_req req;
	int r, fd;

	r = paths_net_load(g->p, net, &cl, &err->cni);
	if (r < 0)
		return r;
	fd = cache_lock(g->p->statedir, net, true);
	req = (struct chain_req){ .cni_path = g->p->cni_path, .cache_dir = g->p->statedir,
				  .locked = fd >= 0 };
	gc_snap_take(before, &cl);
	r = chain_gc(&cl, &req, err);
	gc_snap_take(after, &cl);
	if (fd >= 0)
		close(fd);
	return r;
}

void gc_network(const struct gc_ctx *g, const char *net)
{
	char etext[ERR_TEXT_MAX];
	struct chain_err err = { .plugin = -1 };
	struct gc_snap before = { 0 }, after = { 0 };
	size_t i;
	int r, nl;

	/* The network lock for all of it, then the cache lock: no chain, apply or rm of
	 * the network runs meanwhile (a DEL half done would look broken). */
	nl = cni_net_lock(net, NULL, true, &err.cni);
	if (nl < 0) {
		gc_report(g, true, net, NULL, NULL, "%s: %s: %s", net, err.cni.msg,
			  err.cni.details);
		return;
	}
	r = detach_stale(g, net);
	if (r < 0) {
		gc_report(g, true, net, NULL, NULL, "%s: cannot read the result cache: %s", net,
			  strerror(-r));
		cni_net_unlock(nl);
		return;
	}
	r = chain_gc_net(g, net, &before, &after, &err);
	cni_net_unlock(nl);
	for (i = 0; i < before.n; i++)
		if (!gc_snap_has(&after, before.v[i]))
			gc_report(g, false, net, NULL, NULL, "%s: plugins' GC removed %s", net,
				  before.v[i]);
	if (r < 0)
		gc_report(g, true, net, NULL, NULL, "%s: GC failed: %s", net,
			  err_text(&err.cni, etext, sizeof(etext)));
	gc_snap_free(&before);
	gc_snap_free(&after);
}

static int gc_network_cb(const char *net, void *data)
{
	gc_network(data, net);
	return 0;
}

void gc_networks(const struct gc_ctx *g)
{
	paths_net_foreach(g->p, gc_network_cb, (void *)g);
}

/* Step 4 for @net's DNS state: its server is stopped when the network was removed under it. */
static int stop_removed_dns(const char *net, void *data)
{
	char etext[ERR_TEXT_MAX];
	const struct gc_ctx *g = data;
	struct chain_err err = { .plugin = -1 };
	int r;

	if (paths_net_exists(g->p, net))
		return 0;
	r = dnsstate_stop(g->p, net, &err);
	gc_report(g, r < 0, net, NULL, NULL, "%s: %s the DNS server of the removed network%s%s",
		  net, r < 0 ? "cannot stop" : "stopped", r < 0 ? ": " : "",
		  r < 0 ? err_text(&err.cni, etext, sizeof(etext)) : "");
	return 0;
}

void gc_removed_dns(const struct gc_ctx *g)
{
	dnsstate_foreach(g->p, stop_removed_dns, (void *)g);
}
