// SPDX-License-Identifier: Apache-2.0
/*
 * tc through libnl-route-3 (the one file that uses it). Every request asks for an ACK
 * (libnl's rtnl_*_add/delete wait for it); errors come back as -errno with libnl's
 * words and the operation in the caller's buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/act/mirred.h>
#include <netlink/route/action.h>
#include <netlink/route/classifier.h>
#include <netlink/route/cls/u32.h>
#include <netlink/route/class.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "netlib/tc.h"

/* Not libnl's TC_HANDLE(): it shifts an int, and 0xffff << 16 overflows it (UBSan). */
#define INGRESS_HANDLE TC_H_MAKE(0xffffU << 16, 0)
#define TBF_HANDLE TC_H_MAKE(1U << 16, 0)
#define REDIRECT_PRIO 1

struct netlib_tc {
	struct nl_sock *sk;
};

int netlib_tc_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NODEV: return -ENODEV;
	case NLE_PERM: return -EPERM;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_BUSY: return -EBUSY;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_NOACCESS: return -EACCES;
	case NLE_MISSING_ATTR: return -EINVAL;
	default: return -EIO;
	}
}

static int tc_fail(int nlerr, const char *what, int ifindex, struct err *err)
{
	return err_detail(err, netlib_tc_errno(nlerr), "%s on link %d: %s", what, ifindex,
			  nl_geterror(nlerr));
}

int netlib_tc_open(struct netlib_tc **tc, struct err *err)
{
	struct netlib_tc *t = calloc(1, sizeof(*t));
	int nle;

	if (!t)
		return -ENOMEM;
	t->sk = nl_socket_alloc();
	if (!t->sk) {
		free(t);
		return -ENOMEM;
	}
	nle = nl_connect(t->sk, NETLINK_ROUTE);
	if (nle < 0) {
		err_detail(err, netlib_tc_errno(nle), "cannot open a netlink socket for tc: %s",
			   nl_geterror(nle));
		nl_socket_free(t->sk);
		free(t);
		return netlib_tc_errno(nle);
	}
	*tc = t;
	return 0;
}

void netlib_tc_close(struct netlib_tc *tc)
{
	if (!tc)
		return;
	nl_socket_free(tc->sk);
	free(tc);
}

static struct rtnl_qdisc *qdisc_new(int ifindex, uint32_t parent, uint32_t handle,
				    const char *kind)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();

	if (!q)
		return NULL;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	if (handle)
		rtnl_tc_set_handle(TC_CAST(q), handle);
	if (kind && rtnl_tc_set_kind(TC_CAST(q), kind) < 0) {
		rtnl_qdisc_put(q);
		return NULL;
	}
	return q;
}

int netlib_tc_tbf_set(struct netlib_tc *tc, int ifindex, const struct netlib_tbf *t,
		      struct err *err)
{
	struct rtnl_qdisc *q;
	int nle;

	if (!t->rate || t->rate > NETLIB_TBF_RATE_MAX || !t->burst || !t->limit ||
	    t->burst > INT32_MAX || t->limit > INT32_MAX)
		return err_detail(err, -ERANGE,
				  "TBF on link %d: rate %llu B/s, burst %u B, limit %u B out "
				  "of range", ifindex, (unsigned long long)t->rate, t->burst,
				  t->limit);
	q = qdisc_new(ifindex, TC_H_ROOT, TBF_HANDLE, "tbf");
	if (!q)
		return -ENOMEM;
	rtnl_qdisc_tbf_set_limit(q, (int)t->limit);
	rtnl_qdisc_tbf_set_rate(q, (int)t->rate, (int)t->burst, 0);
	nle = rtnl_qdisc_add(tc->sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_qdisc_put(q);
	return nle < 0 ? tc_fail(nle, "adding a TBF qdisc", ifindex, err) : 0;
}

int netlib_tc_ingress_add(struct netlib_tc *tc, int ifindex, struct err *err)
{
	struct rtnl_qdisc *q = qdisc_new(ifindex, TC_H_INGRESS, INGRESS_HANDLE, "ingress");
	int nle;

	if (!q)
		return -ENOMEM;
	nle = rtnl_qdisc_add(tc->sk, q, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_qdisc_put(q);
	return nle < 0 ? tc_fail(nle, "adding the ingress qdisc", ifindex, err) : 0;
}

int netlib_tc_redirect_add(struct netlib_tc *tc, int ifindex, int to_ifindex, struct err *err)
{
	struct rtnl_cls *cls = rtnl_cls_alloc();
	struct rtnl_act *act = rtnl_act_alloc();
	int nle = -NLE_NOMEM;

	if (!cls || !act)
		goto out;
	rtnl_tc_set_ifindex(TC_CAST(cls), ifindex);
	rtnl_tc_set_parent(TC_CAST(cls), INGRESS_HANDLE);
	rtnl_cls_set_protocol(cls, ETH_P_ALL);
	rtnl_cls_set_prio(cls, REDIRECT_PRIO);
	if ((nle = rtnl_tc_set_kind(TC_CAST(cls), "u32")) < 0 ||
	    (nle = rtnl_tc_set_kind(TC_CAST(act), "mirred")) < 0)
		goto out;
	/* One key that every packet matches: mask 0 at offset 0. */
	if ((nle = rtnl_u32_set_cls_terminal(cls)) < 0 ||
	    (nle = rtnl_u32_add_key_uint32(cls, 0, 0, 0, 0)) < 0)
		goto out;
	rtnl_mirred_set_action(act, TCA_EGRESS_REDIR);
	rtnl_mirred_set_policy(act, TC_ACT_STOLEN);
	rtnl_mirred_set_ifindex(act, (uint32_t)to_ifindex);
	if ((nle = rtnl_u32_add_action(cls, act)) < 0)
		goto out;
	nle = rtnl_cls_add(tc->sk, cls, NLM_F_CREATE | NLM_F_EXCL);
out:
	if (act)
		rtnl_act_put(act);
	if (cls)
		rtnl_cls_put(cls);
	return nle < 0 ? tc_fail(nle, "adding the redirect filter", ifindex, err) : 0;
}

int netlib_tc_redirect_get(struct netlib_tc *tc, int ifindex, int *to_ifindex, struct err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int nle;

	*to_ifindex = 0;
	nle = rtnl_cls_alloc_cache(tc->sk, ifindex, INGRESS_HANDLE, &cache);
	if (nle < 0)
		return tc_fail(nle, "reading ingress filters", ifindex, err);
	for (o = nl_cache_get_first(cache); o && !*to_ifindex; o = nl_cache_get_next(o)) {
		struct rtnl_cls *cls = (struct rtnl_cls *)o;
		const char *kind = rtnl_tc_get_kind(TC_CAST(cls));
		struct rtnl_act *act;

		if (!kind || strcmp(kind, "u32"))
			continue;
		for (act = rtnl_u32_get_action(cls); act; act = rtnl_act_next(act)) {
			const char *ak = rtnl_tc_get_kind(TC_CAST(act));

			if (ak && !strcmp(ak, "mirred") &&
			    rtnl_mirred_get_action(act) == TCA_EGRESS_REDIR) {
				*to_ifindex = (int)rtnl_mirred_get_ifindex(act);
				break;
			}
		}
	}
	nl_cache_free(cache);
	return 0;
}

static void qdisc_read(struct rtnl_qdisc *q, struct netlib_qdisc *out)
{
	const char *kind = rtnl_tc_get_kind(TC_CAST(q));

	memset(out, 0, sizeof(*out));
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	out->handle = rtnl_tc_get_handle(TC_CAST(q));
	out->parent = rtnl_tc_get_parent(TC_CAST(q));
	if (!strcmp(out->kind, "tbf")) {
		int rate = rtnl_qdisc_tbf_get_rate(q), burst = rtnl_qdisc_tbf_get_rate_bucket(q);
		int limit = rtnl_qdisc_tbf_get_limit(q);

		out->is_tbf = true;
		out->tbf.rate = rate > 0 ? (uint64_t)rate : 0;
		out->tbf.burst = burst > 0 ? (uint32_t)burst : 0;
		out->tbf.limit = limit > 0 ? (uint32_t)limit : 0;
	} else if (!strcmp(out->kind, "bfifo") || !strcmp(out->kind, "pfifo")) {
		int limit = rtnl_qdisc_fifo_get_limit(q);

		out->fifo_limit = limit > 0 ? (uint32_t)limit : 0;
	} else if (!strcmp(out->kind, "htb")) {
		out->htb_defcls = rtnl_htb_get_defcls(q);
	}
}

struct qdisc_get {
	struct netlib_qdisc *out;
	bool found, acked;
};

static int qdisc_ack(struct nl_msg *msg, void *arg)
{
	((struct qdisc_get *)arg)->acked = true;
	return NL_STOP;
}

static void got_qdisc(struct nl_object *o, void *arg)
{
	struct qdisc_get *g = arg;

	if (!g->found) {
		qdisc_read((struct rtnl_qdisc *)o, g->out);
		g->found = true;
	}
}

static int qdisc_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, got_qdisc, arg);
	return NL_OK;
}

/*
 * One RTM_GETQDISC (no dump): the kernel answers for that link and parent only, so the
 * cost does not grow with the links of the host, as a filtered-by-us dump would. The
 * kernel sends a GET's answer as a notification: NLM_F_ECHO brings it to us.
 */
int netlib_tc_qdisc_get(struct netlib_tc *tc, int ifindex, uint32_t parent,
			struct netlib_qdisc *out, struct err *err)
{
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
			   .tcm_parent = parent };
	struct qdisc_get g = { .out = out };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETQDISC, NLM_F_ECHO);
	struct nl_cb *scb = nl_socket_get_cb(tc->sk);	/* a reference */
	struct nl_cb *cb = scb ? nl_cb_clone(scb) : NULL;
	int nle = -NLE_NOMEM;

	if (scb)
		nl_cb_put(scb);
	memset(out, 0, sizeof(*out));
	if (!msg || !cb)
		goto out;
	nle = nlmsg_append(msg, &t, sizeof(t), NLMSG_ALIGNTO);
	if (nle >= 0)
		nle = nl_send_auto(tc->sk, msg);
	if (nle >= 0) {
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, qdisc_msg, &g);
		/* the answer comes alone, its ACK after it; an error comes instead of both */
		nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, qdisc_ack, &g);
		while (nle >= 0 && !g.acked)
			nle = nl_recvmsgs(tc->sk, cb);
	}
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	/* "no such qdisc" is ENOENT or, for an absent ingress, EINVAL */
	if (nle == -NLE_OBJ_NOTFOUND || nle == -NLE_INVAL || (nle >= 0 && !g.found))
		return -ENOENT;
	return nle < 0 ? tc_fail(nle, "reading a qdisc", ifindex, err) : 0;
}

int netlib_tc_qdisc_del(struct netlib_tc *tc, int ifindex, bool ingress, struct err *err)
{
	/* The root of a container's veth or IFB is ours, whichever kind we put there. */
	struct rtnl_qdisc *q = ingress ? qdisc_new(ifindex, TC_H_INGRESS, INGRESS_HANDLE, "ingress")
				       : qdisc_new(ifindex, TC_H_ROOT, 0, NULL);
	int nle;

	if (!q)
		return -ENOMEM;
	nle = rtnl_qdisc_delete(tc->sk, q);
	rtnl_qdisc_put(q);
	/* The kernel says EINVAL for "no such ingress qdisc" and a root of another kind. */
	if (nle == -NLE_OBJ_NOTFOUND || nle == -NLE_INVAL || nle == -NLE_NODEV)
		return nle == -NLE_NODEV ? -ENODEV : -ENOENT;
	return nle < 0 ? tc_fail(nle, ingress ? "deleting the ingress qdisc"
					      : "deleting the root qdisc", ifindex, err) : 0;
}

int netlib_u32_prefix_keys(const struct ip_prefix *p, bool dst, struct netlib_u32_key keys[4])
{
	bool v4 = p->addr.family == AF_INET;
	int base = v4 ? (dst ? 16 : 12) : (dst ? 24 : 8), k = 0;
	unsigned i, words = v4 ? 1 : 4;

	for (i = 0; i < words && p->len > 32 * i; i++) {
		unsigned bits = p->len - 32 * i > 32 ? 32 : p->len - 32 * i;
		uint32_t mask = htonl(bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits)), w;

		memcpy(&w, p->addr.b + 4 * i, 4);
		keys[k++] = (struct netlib_u32_key){ .val = w & mask, .mask = mask,
						     .off = base + 4 * (int)i };
	}
	if (!k)
		keys[k++] = (struct netlib_u32_key){ .val = 0, .mask = 0, .off = base };
	return k;
}

static int htb_class_add(struct netlib_tc *tc, int ifindex, uint32_t minor, uint64_t rate,
			 uint32_t burst)
{
	struct rtnl_class *c = rtnl_class_alloc();
	int err;

	if (!c)
		return -NLE_NOMEM;
	rtnl_tc_set_ifindex(TC_CAST(c), ifindex);
	rtnl_tc_set_parent(TC_CAST(c), TBF_HANDLE);
	rtnl_tc_set_handle(TC_CAST(c), TC_HANDLE(1, minor));
	if ((err = rtnl_tc_set_kind(TC_CAST(c), "htb")) >= 0 &&
	    (err = rtnl_htb_set_rate64(c, rate)) >= 0 &&
	    (err = rtnl_htb_set_ceil64(c, rate)) >= 0 &&
	    (err = rtnl_htb_set_rbuffer(c, burst)) >= 0 &&
	    (err = rtnl_htb_set_cbuffer(c, burst)) >= 0 &&
	    (err = rtnl_htb_set_quantum(c, 60000)) >= 0)
		err = rtnl_class_add(tc->sk, c, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_class_put(c);
	return err;
}

static int split_filter_add(struct netlib_tc *tc, int ifindex, const struct ip_prefix *p,
			    const struct netlib_tc_split *sp, uint16_t prio)
{
	struct rtnl_cls *cls = rtnl_cls_alloc();
	struct netlib_u32_key keys[4];
	int err, k, i;

	if (!cls)
		return -NLE_NOMEM;
	rtnl_tc_set_ifindex(TC_CAST(cls), ifindex);
	rtnl_tc_set_parent(TC_CAST(cls), TBF_HANDLE);
	rtnl_cls_set_protocol(cls, p->addr.family == AF_INET ? ETH_P_IP : ETH_P_IPV6);
	rtnl_cls_set_prio(cls, prio);
	err = rtnl_tc_set_kind(TC_CAST(cls), "u32");
	k = netlib_u32_prefix_keys(p, sp->match_dst, keys);
	for (i = 0; i < k && err >= 0; i++)
		err = rtnl_u32_add_key(cls, keys[i].val, keys[i].mask, keys[i].off, 0);
	if (err >= 0)
		err = rtnl_u32_set_cls_terminal(cls);
	if (err >= 0)
		err = rtnl_u32_set_classid(cls, TC_HANDLE(1, sp->listed_shaped ?
							NETLIB_TC_SHAPED_MINOR :
							NETLIB_TC_UNSHAPED_MINOR));
	if (err >= 0)
		err = rtnl_cls_add(tc->sk, cls, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_cls_put(cls);
	return err;
}

/* "Unlimited" for the class that is not shaped: 100 Gbit/s, a 1 MiB bucket. */
#define UNSHAPED_RATE (100000000000ULL / 8)
#define UNSHAPED_BURST (1024 * 1024)

int netlib_tc_htb_split_set(struct netlib_tc *tc, int ifindex, const struct netlib_tbf *t,
			    const struct netlib_tc_split *sp, struct err *err)
{
	struct rtnl_qdisc *q;
	const char *what = "adding an HTB root qdisc";
	size_t i;
	int nle;

	if (!t->rate || !t->burst || !t->limit || t->limit > INT32_MAX)
		return err_detail(err, -ERANGE,
				  "HTB on link %d: rate, burst or limit out of range", ifindex);
	q = qdisc_new(ifindex, TC_H_ROOT, TBF_HANDLE, "htb");
	if (!q)
		return -ENOMEM;
	nle = rtnl_htb_set_defcls(q, sp->listed_shaped ? NETLIB_TC_UNSHAPED_MINOR
						       : NETLIB_TC_SHAPED_MINOR);
	if (nle >= 0)
		nle = rtnl_qdisc_add(tc->sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_qdisc_put(q);
	if (nle >= 0) {
		what = "adding the unshaped HTB class";
		nle = htb_class_add(tc, ifindex, NETLIB_TC_UNSHAPED_MINOR, UNSHAPED_RATE,
				    UNSHAPED_BURST);
	}
	if (nle >= 0) {
		what = "adding the shaped HTB class";
		nle = htb_class_add(tc, ifindex, NETLIB_TC_SHAPED_MINOR, t->rate, t->burst);
	}
	if (nle >= 0) {
		what = "adding the shaped class's queue";
		q = qdisc_new(ifindex, TC_HANDLE(1, NETLIB_TC_SHAPED_MINOR), TC_HANDLE(2, 0),
			      "bfifo");
		if (!q)
			return -ENOMEM;
		nle = rtnl_qdisc_fifo_set_limit(q, (int)t->limit);
		if (nle >= 0)
			nle = rtnl_qdisc_add(tc->sk, q, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_qdisc_put(q);
	}
	for (i = 0; nle >= 0 && i < sp->n; i++) {
		what = "adding a subnet filter";
		nle = split_filter_add(tc, ifindex, &sp->prefixes[i], sp, (uint16_t)(i + 1));
	}
	return nle < 0 ? tc_fail(nle, what, ifindex, err) : 0;
}

int netlib_tc_htb_class_rate(struct netlib_tc *tc, int ifindex, uint32_t minor,
			     uint64_t *rate, uint64_t *ceil, struct err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int nle, r = -ENOENT;

	nle = rtnl_class_alloc_cache(tc->sk, ifindex, &cache);
	if (nle < 0)
		return tc_fail(nle, "reading classes", ifindex, err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_class *c = (struct rtnl_class *)o;
		const char *kind = rtnl_tc_get_kind(TC_CAST(c));

		if (rtnl_tc_get_handle(TC_CAST(c)) != TC_HANDLE(1, minor) || !kind ||
		    strcmp(kind, "htb"))
			continue;
		if (rtnl_htb_get_rate64(c, rate) < 0 || rtnl_htb_get_ceil64(c, ceil) < 0)
			*rate = *ceil = 0;
		r = 0;
		break;
	}
	nl_cache_free(cache);
	if (r < 0)
		err_detail(err, r, "link %d has no HTB class 1:%u", ifindex, minor);
	return r;
}

int netlib_tc_filter_count(struct netlib_tc *tc, int ifindex, uint32_t parent, size_t *count,
			   struct err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	uint32_t classid;
	int nle;

	*count = 0;
	nle = rtnl_cls_alloc_cache(tc->sk, ifindex, parent, &cache);
	if (nle < 0)
		return tc_fail(nle, "reading filters", ifindex, err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_cls *cls = (struct rtnl_cls *)o;
		const char *kind = rtnl_tc_get_kind(TC_CAST(cls));

		/* A u32 dump lists its hash tables too: count the nodes with a class. */
		if (kind && !strcmp(kind, "u32") && rtnl_u32_get_classid(cls, &classid) == 0)
			(*count)++;
	}
	nl_cache_free(cache);
	return 0;
}
