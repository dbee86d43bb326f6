// SPDX-License-Identifier: Apache-2.0
/*
 * The bandwidth plugin. Traffic to the container (ingressRate) meets a TBF at the
 * root of the host veth; traffic from it (egressRate) arrives on the host veth's
 * ingress, where a u32 match-all filter redirects it to an IFB whose root is the
 * same kind of TBF. The IFB is "nbw" + 8 hex of a hash of (containerID, ifname), the
 * same 8 hex as the host veth our bridge plugin names: DEL and GC find it without a
 * cache or a netns. Its ifalias "netctl-bw/<network>" tells GC whose it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pkt_sched.h>

#include "netlib/link.h"
#include "netlib/tc.h"
#include "plugins/bandwidth/bandwidth.h"
#include "plugins/bandwidth/config.h"
#include "util/array.h"
#include "util/hash.h"
#include "util/str.h"

#define IFB_PREFIX "nbw"
#define ALIAS_PREFIX "netctl-bw/"

const struct cni_plugin_ops bw_ops = {
	.name = "bandwidth",
	.add = bw_add,
	.del = bw_del,
	.check = bw_check,
	.gc = bw_gc,
	.runtime_keys = (const char *const[]){ "bandwidth", NULL },
};

struct bw_run {
	struct cni_ctx *ctx;
	struct bw_config c;
	struct netlib_nl nl;
	struct netlib_tc *tc;
	struct netlib_link veth, ifb;
	char ifb_name[IFNAMSIZ];
};

static int run_open(struct bw_run *b, struct cni_ctx *ctx)
{
	int r;

	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	if (ctx->env.container_id && ctx->env.ifname)	/* GC has neither */
		ifname_from_ids(b->ifb_name, IFB_PREFIX, ctx->env.container_id,
				ctx->env.ifname);
	r = netlib_open(&b->nl, &b->ctx->err);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO, "cannot talk to the kernel (rtnetlink)");
	r = netlib_tc_open(&b->tc, &b->ctx->err);
	if (r < 0) {
		netlib_close(&b->nl);
		return err_fail(&b->ctx->err, r, ERR_IO, "cannot talk to the kernel (tc)");
	}
	return 0;
}

static void run_close(struct bw_run *b)
{
	netlib_tc_close(b->tc);
	netlib_close(&b->nl);
}

static void ifb_alias(const char *net, char *out, size_t n)
{
	snprintf(out, n, ALIAS_PREFIX "%.100s", net);
}

/* The host veth: the first host-side interface of prevResult that is a veth. */
static int find_veth(struct bw_run *b)
{
	const struct cni_result *p = b->ctx->prev;
	int i;

	for (i = 0; p && i < p->n_interfaces; i++) {
		if (p->interfaces[i].sandbox[0] || !p->interfaces[i].name[0])
			continue;
		if (netlib_link_get(&b->nl, 0, p->interfaces[i].name, &b->veth, &b->ctx->err) == 0 &&
		    !strcmp(b->veth.kind, "veth"))
			return 0;
	}
	memset(&b->veth, 0, sizeof(b->veth));
	if (!p)
		return err_set(&b->ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "missing prevResult from earlier plugin",
			       "the bandwidth plugin must be chained after a plugin that "
			       "creates the container's veth (bridge, ptp)");
	return err_set(&b->ctx->err, -EINVAL, ERR_INVALID_CONFIG,
		       "no host-side veth in prevResult",
		       "none of prevResult's host interfaces is an existing veth; chain the "
		       "bandwidth plugin after bridge or ptp");
}

static void log_shape(const char *dir, const struct bw_limit *l, const struct bw_shape *s,
		      unsigned mtu)
{
	if (s->burst_raised)
		fprintf(stderr, "bandwidth: %sBurst %llu bits (%u bytes) is below two full "
			"frames at MTU %u; using %u bytes\n", dir, (unsigned long long)l->burst,
			s->burst_asked, mtu, s->tbf.burst);
}

/*
 * The root of @ifindex: a TBF, or with subnet lists an HTB split whose filters look at
 * the remote end: the source of traffic to the container, the destination of
 * traffic from it (@remote_is_dst).
 */
static int shaper_set(struct bw_run *b, int ifindex, const struct netlib_tbf *t,
		      bool remote_is_dst)
{
	struct netlib_tc_split sp = {
		.prefixes = b->c.subnets, .n = b->c.n_subnets, .match_dst = remote_is_dst,
		.listed_shaped = b->c.subnets_shaped,
	};

	if (!b->c.n_subnets)
		return netlib_tc_tbf_set(b->tc, ifindex, t, &b->ctx->err);
	return netlib_tc_htb_split_set(b->tc, ifindex, t, &sp, &b->ctx->err);
}

static int shape_ingress(struct bw_run *b)
{
	struct bw_shape s;
	int r;

	bw_shape_compute(&b->c.ingress, b->veth.mtu, &s);
	log_shape("ingress", &b->c.ingress, &s, b->veth.mtu);
	r = shaper_set(b, b->veth.index, &s.tbf, false);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO, "cannot limit the traffic to the container");
	return 0;
}

static int ifb_make(struct bw_run *b)
{
	struct netlib_link_set ls = netlib_link_set_init();
	char alias[128];
	int r;

	ifb_alias(b->ctx->conf.name, alias, sizeof(alias));
	/* A leftover of an earlier, interrupted ADD of this attachment: ours by name. */
	if (netlib_link_get(&b->nl, 0, b->ifb_name, &b->ifb, &b->ctx->err) == 0) {
		if (strcmp(b->ifb.kind, "ifb"))
			return err_set(&b->ctx->err, -EEXIST, ERR_INTERNAL,
				       "the IFB device's name is taken",
				       "%s exists and is a %s link, not an IFB", b->ifb_name,
				       b->ifb.kind[0] ? b->ifb.kind : "plain");
		netlib_link_del(&b->nl, b->ifb.index, NULL, &b->ctx->err);
	}
	r = netlib_ifb_create(&b->nl, b->ifb_name, b->veth.mtu, &b->ctx->err);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO,
				"cannot create the IFB device for the container's egress");
	r = netlib_link_get(&b->nl, 0, b->ifb_name, &b->ifb, &b->ctx->err);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO,
				"cannot find the IFB device just created");
	ls.up = NETLIB_ON;
	ls.alias = alias;
	r = netlib_link_set(&b->nl, b->ifb.index, &ls, &b->ctx->err);
	return r < 0 ? err_fail(&b->ctx->err, r, ERR_IO, "cannot bring the IFB device up") : 0;
}

static int shape_egress(struct bw_run *b)
{
	struct bw_shape s;
	int r;

	r = ifb_make(b);
	if (r < 0)
		return r;
	bw_shape_compute(&b->c.egress, b->veth.mtu, &s);
	log_shape("egress", &b->c.egress, &s, b->veth.mtu);
	r = shaper_set(b, b->ifb.index, &s.tbf, true);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO,
				"cannot limit the traffic from the container");
	netlib_tc_qdisc_del(b->tc, b->veth.index, true, &b->ctx->err);
	r = netlib_tc_ingress_add(b->tc, b->veth.index, &b->ctx->err);
	if (r >= 0)
		r = netlib_tc_redirect_add(b->tc, b->veth.index, b->ifb.index, &b->ctx->err);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO,
				"cannot redirect the container's traffic to its IFB");
	return 0;
}

/* Undo ADD (and DEL): every step tolerates what is already gone. */
static void unshape(struct bw_run *b, int veth_index)
{
	struct netlib_link l;

	if (veth_index > 0) {
		netlib_tc_qdisc_del(b->tc, veth_index, true, NULL);
		netlib_tc_qdisc_del(b->tc, veth_index, false, NULL);
	}
	/* Only an IFB: a link of another kind under the name is not ours. */
	if (netlib_link_get(&b->nl, 0, b->ifb_name, &l, NULL) == 0 &&
	    !strcmp(l.kind, "ifb"))
		netlib_link_del(&b->nl, l.index, NULL, NULL);
}

static bool limited(const struct bw_limit *l)
{
	return l->rate != 0;
}

int bw_add(struct cni_ctx *ctx)
{
	struct bw_config c;
	struct bw_run b;
	char mac[32] = "";
	int r;

	if (bw_config_load(ctx, &c) < 0)
		return -EINVAL;
	if (!limited(&c.ingress) && !limited(&c.egress))
		return 0;	/* nothing to shape: prevResult goes on as it came */
	r = run_open(&b, ctx);
	if (r < 0)
		return r;
	b.c = c;
	r = find_veth(&b);
	if (r < 0)
		goto out;
	if (limited(&b.c.ingress))
		r = shape_ingress(&b);
	if (r >= 0 && limited(&b.c.egress)) {
		r = shape_egress(&b);
		if (r >= 0) {
			if (b.ifb.has_mac)
				netlib_format_mac(b.ifb.mac, mac, sizeof(mac));
			r = cni_result_add_iface(ctx->result, b.ifb_name, mac, "");
			if (r < 0)
				err_set(&ctx->err, r, ERR_INTERNAL,
					"too many interfaces in the result",
					"cannot add %s to the result", b.ifb_name);
		}
	}
	if (r < 0)
		unshape(&b, b.veth.index);
out:
	run_close(&b);
	return r < 0 ? r : 0;
}

/*
 * DEL needs neither the config nor the netns: the IFB's name comes from the IDs. The
 * host veth (from prevResult, when there is one and it still exists) loses our
 * qdiscs; once the netns is gone the veth is gone with them.
 */
int bw_del(struct cni_ctx *ctx)
{
	struct bw_run b;
	struct netlib_link l;
	int r, veth_index = 0;

	r = run_open(&b, ctx);
	if (r < 0)
		return r;
	if (ctx->prev && find_veth(&b) == 0)
		veth_index = b.veth.index;
	err_clear(&ctx->err);	/* no veth is not an error here */
	unshape(&b, veth_index);
	if (netlib_link_get(&b.nl, 0, b.ifb_name, &l, &ctx->err) == 0 &&
	    !strcmp(l.kind, "ifb"))
		r = err_set(&ctx->err, -EINVAL, ERR_IO, "cannot delete the container's IFB",
			    "%s is still there", b.ifb_name);
	run_close(&b);
	return r < 0 ? r : 0;
}

/* Burst as the kernel keeps it (time in 64 ns ticks): compare within that rounding. */
static bool burst_close(uint32_t got, uint32_t want, uint64_t rate)
{
	uint64_t tol = want / 100 + rate / 1000000 + 64;

	return (got > want ? got - want : want - got) <= tol;
}

static int differs(struct bw_run *b, const char *dir, const char *name, const char *what,
		   unsigned long long got, unsigned long long want)
{
	return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
		       "the container's rate limit differs from its config",
		       "%s on %s: %s %llu, expected %llu", dir, name, what, got, want);
}

/* A qdisc of @l under @parent; *@found false when there is none. */
static int qdisc_get(struct bw_run *b, const struct netlib_link *l, uint32_t parent,
		     struct netlib_qdisc *q, bool *found)
{
	int r = netlib_tc_qdisc_get(b->tc, l->index, parent, q, &b->ctx->err);

	*found = r == 0;
	if (r == -ENOENT)
		return 0;
	return r < 0 ? err_fail(&b->ctx->err, r, ERR_IO, "cannot read the container's qdiscs") : 0;
}

/* The HTB split: default class, shaped class's rate, its bfifo, one filter per subnet. */
static int check_split(struct bw_run *b, const struct netlib_link *l, const struct bw_shape *s,
		       const struct netlib_qdisc *root, const char *dir)
{
	uint32_t defcls = b->c.subnets_shaped ? NETLIB_TC_UNSHAPED_MINOR : NETLIB_TC_SHAPED_MINOR;
	struct netlib_qdisc leaf;
	uint64_t rate, ceil;
	size_t filters;
	bool found;
	int r;

	if (strcmp(root->kind, "htb") || root->htb_defcls != defcls)
		return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
			       "the container's rate limit is missing",
			       "%s: no HTB qdisc with default class 1:%u at the root of %s", dir,
			       defcls, l->name);
	r = netlib_tc_htb_class_rate(b->tc, l->index, NETLIB_TC_SHAPED_MINOR, &rate, &ceil,
				     &b->ctx->err);
	if (r < 0) {
		err_prefix(&b->ctx->err, r, "%s", dir);
		return err_fail(&b->ctx->err, -EINVAL, ERR_INTERNAL,
				"the container's rate limit is missing");
	}
	if (rate != s->tbf.rate || ceil != s->tbf.rate)
		return differs(b, dir, l->name, "HTB class 1:2 rate (B/s)", rate, s->tbf.rate);
	r = qdisc_get(b, l, NETLIB_TC_HANDLE(1, NETLIB_TC_SHAPED_MINOR), &leaf, &found);
	if (r < 0)
		return r;
	if (!found || strcmp(leaf.kind, "bfifo") || leaf.fifo_limit != s->tbf.limit)
		return differs(b, dir, l->name, "bfifo queue under 1:2 (B)",
			       found ? leaf.fifo_limit : 0, s->tbf.limit);
	r = netlib_tc_filter_count(b->tc, l->index, NETLIB_TC_HANDLE(1, 0), &filters, &b->ctx->err);
	if (r < 0)
		return err_fail(&b->ctx->err, r, ERR_IO, "cannot read the container's filters");
	if (filters != b->c.n_subnets)
		return differs(b, dir, l->name, "subnet filters", filters, b->c.n_subnets);
	return 0;
}

static int check_tbf(struct bw_run *b, const struct netlib_link *l, const struct bw_limit *lim,
		     const char *dir)
{
	struct netlib_qdisc q;
	struct bw_shape s;
	bool found;
	int r;

	r = qdisc_get(b, l, TC_H_ROOT, &q, &found);
	if (r < 0)
		return r;
	bw_shape_compute(lim, b->veth.mtu, &s);
	if (found && b->c.n_subnets)
		return check_split(b, l, &s, &q, dir);
	if (!found || !q.is_tbf)
		return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
			       "the container's rate limit is missing",
			       "%s: no %s qdisc at the root of %s", dir,
			       b->c.n_subnets ? "HTB" : "TBF", l->name);
	if (q.tbf.rate != s.tbf.rate || q.tbf.limit != s.tbf.limit ||
	    !burst_close(q.tbf.burst, s.tbf.burst, s.tbf.rate))
		return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
			       "the container's rate limit differs from its config",
			       "%s on %s: TBF rate %llu B/s, burst %u B, limit %u B; "
			       "expected %llu B/s, %u B, %u B", dir, l->name,
			       (unsigned long long)q.tbf.rate, q.tbf.burst, q.tbf.limit,
			       (unsigned long long)s.tbf.rate, s.tbf.burst, s.tbf.limit);
	return 0;
}

static int check_egress(struct bw_run *b)
{
	struct netlib_qdisc q;
	bool found;
	int r, to = 0;

	r = netlib_link_get(&b->nl, 0, b->ifb_name, &b->ifb, &b->ctx->err);
	if (r < 0 || strcmp(b->ifb.kind, "ifb") || !(b->ifb.flags & IFF_UP)) {
		if (r < 0)
			err_prefix(&b->ctx->err, r, "%s", b->ifb_name);
		else
			err_detail(&b->ctx->err, -EINVAL, "%s: not an IFB that is up",
				   b->ifb_name);
		return err_fail(&b->ctx->err, -EINVAL, ERR_INTERNAL,
				"the container's IFB device is missing or down");
	}
	r = check_tbf(b, &b->ifb, &b->c.egress, "egress");
	if (r >= 0)
		r = qdisc_get(b, &b->veth, TC_H_INGRESS, &q, &found);
	if (r < 0)
		return r;
	found = found && !strcmp(q.kind, "ingress");
	if (found) {
		r = netlib_tc_redirect_get(b->tc, b->veth.index, &to, &b->ctx->err);
		if (r < 0)
			return err_fail(&b->ctx->err, r, ERR_IO,
					"cannot read the container's ingress filters");
	}
	if (!found || to != b->ifb.index)
		return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
			       "the container's egress is not redirected to its IFB", "%s: %s",
			       b->veth.name,
			       !found ? "no ingress qdisc"
				      : "no u32 filter with a mirred redirect to the IFB");
	return 0;
}

int bw_check(struct cni_ctx *ctx)
{
	struct bw_run b;
	struct bw_config c;
	int r;

	if (bw_config_load(ctx, &c) < 0)
		return -EINVAL;
	if (!limited(&c.ingress) && !limited(&c.egress))
		return 0;	/* ADD shaped nothing */
	r = run_open(&b, ctx);
	if (r < 0)
		return r;
	b.c = c;
	r = find_veth(&b);
	if (r >= 0 && limited(&c.ingress))
		r = check_tbf(&b, &b.veth, &c.ingress, "ingress");
	if (r >= 0 && limited(&c.egress))
		r = check_egress(&b);
	run_close(&b);
	return r < 0 ? r : 0;
}

struct gc_walk {
	json_t *root;
	const char *alias;
	char (*stale)[IFNAMSIZ];
	size_t n, cap;
};

static int gc_link_cb(const struct netlib_link *l, void *data)
{
	struct gc_walk *w = data;

	/*
	 * The kernel ignores IFLA_IFALIAS when it creates a link, so an ADD killed
	 * between creating its IFB and naming it leaves one of ours without alias:
	 * half-made, whatever its network, and gone too.
	 */
	if (strcmp(l->kind, "ifb") || !str_has_prefix(l->name, IFB_PREFIX) ||
	    (l->alias[0] && strcmp(l->alias, w->alias)) ||
	    cni_gc_name_valid(w->root, IFB_PREFIX, l->name))
		return 0;
	if (array_grow((void **)&w->stale, &w->cap, w->n, sizeof(*w->stale), 16) < 0)
		return -ENOMEM;
	snprintf(w->stale[w->n++], IFNAMSIZ, "%s", l->name);
	return 0;
}

/* GC: IFBs of this network (by ifalias) or of none, whose attachment is not valid, go. */
int bw_gc(struct cni_ctx *ctx)
{
	struct bw_run b;
	char alias[128];
	struct gc_walk w = { .root = ctx->conf.root, .alias = alias };
	size_t i;
	int r;

	ifb_alias(ctx->conf.name, alias, sizeof(alias));
	r = run_open(&b, ctx);
	if (r < 0)
		return r;
	r = netlib_link_foreach(&b.nl, gc_link_cb, &w, &ctx->err);
	if (r < 0)
		err_fail(&ctx->err, r, ERR_IO, "cannot list links");
	for (i = 0; r >= 0 && i < w.n; i++) {
		r = netlib_link_del(&b.nl, 0, w.stale[i], &ctx->err);
		if (r == -ENODEV)
			r = 0;
		if (r < 0)
			err_fail(&ctx->err, r, ERR_IO, "cannot delete a stale IFB device");
	}
	free(w.stale);
	run_close(&b);
	return r < 0 ? r : 0;
}
