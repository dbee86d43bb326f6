/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Traffic control for rate limits: a TBF qdisc at the root of a link, the ingress
 * qdisc, a u32 match-all filter on it whose action redirects every packet to another
 * link's egress (an IFB), reads of a link's qdiscs and of that filter, deletes.
 *
 * libnl-route-3 does the message work here and nowhere else (DESIGN.md): the TBF rate
 * table and the u32 selector layout are its job. Its socket serves the caller's netns.
 * Rates are bytes per second, sizes bytes, as the kernel counts them (a packet's length
 * at L2, Ethernet header included, FCS not).
 */
#ifndef NETCTL_NETLIB_TC_H
#define NETCTL_NETLIB_TC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"
#include "util/err.h"

/* libnl's TBF takes the rate as an int: the largest rate we can program. */
#define NETLIB_TBF_RATE_MAX 2147483647ULL

struct netlib_tc;

struct netlib_tbf {
	uint64_t rate;		/* bytes/s, 1 .. NETLIB_TBF_RATE_MAX */
	uint32_t burst;		/* bucket, bytes */
	uint32_t limit;		/* queue length, bytes */
};

/* A qdisc of a link, as read back. */
struct netlib_qdisc {
	char kind[16];		/* "tbf", "ingress", "noqueue", ... */
	uint32_t handle;
	uint32_t parent;	/* TC_H_ROOT, TC_H_INGRESS, or a class */
	bool is_tbf;
	struct netlib_tbf tbf;	/* when is_tbf (burst as the kernel rounded it) */
	uint32_t fifo_limit;	/* "bfifo", "pfifo": the queue length */
	uint32_t htb_defcls;	/* "htb": the default class's minor */
};

/*
 * Shaping by remote subnet (classful): an HTB root 1: with class 1:1 unlimited and
 * class 1:2 at the rate (its leaf a bfifo of the limit), u32 filters sending the
 * listed prefixes to one class and the rest by default to the other.
 */
struct netlib_tc_split {
	const struct ip_prefix *prefixes;
	size_t n;
	bool match_dst;		/* the prefixes are destinations (else sources) */
	bool listed_shaped;	/* the listed prefixes are shaped, the rest not */
};

#define NETLIB_TC_HANDLE(maj, min) (((uint32_t)(maj) << 16) | (uint32_t)(min))
#define NETLIB_TC_UNSHAPED_MINOR 1
#define NETLIB_TC_SHAPED_MINOR 2

/* One u32 key: (packet word at @off from the network header & @mask) == @val. */
struct netlib_u32_key {
	uint32_t val, mask;	/* network order */
	int off;
};

/** netlib_tc_open() - a libnl route socket in the caller's netns. */
int netlib_tc_open(struct netlib_tc **tc, struct err *err);
void netlib_tc_close(struct netlib_tc *tc);

/**
 * netlib_tc_tbf_set() - TBF @t as the root qdisc of @ifindex (handle 1:), replacing
 * whatever root qdisc is there.
 */
int netlib_tc_tbf_set(struct netlib_tc *tc, int ifindex, const struct netlib_tbf *t,
		      struct err *err);
/** netlib_tc_ingress_add() - the ingress qdisc (ffff:) on @ifindex; -EEXIST if there. */
int netlib_tc_ingress_add(struct netlib_tc *tc, int ifindex, struct err *err);
/**
 * netlib_tc_redirect_add() - on @ifindex's ingress qdisc, a u32 filter matching every
 * packet (any protocol) whose action is mirred egress redirect to @to_ifindex.
 */
int netlib_tc_redirect_add(struct netlib_tc *tc, int ifindex, int to_ifindex, struct err *err);
/**
 * netlib_tc_redirect_get() - the link the first mirred redirect filter on @ifindex's
 * ingress sends packets to, in *@to_ifindex (0: no such filter).
 */
int netlib_tc_redirect_get(struct netlib_tc *tc, int ifindex, int *to_ifindex, struct err *err);
/**
 * netlib_tc_qdisc_get() - the qdisc of @ifindex under @parent (TC_H_ROOT, TC_H_INGRESS
 * or a class such as 1:2) into @out; -ENOENT when there is none.
 */
int netlib_tc_qdisc_get(struct netlib_tc *tc, int ifindex, uint32_t parent,
			struct netlib_qdisc *out, struct err *err);
/**
 * netlib_tc_qdisc_del() - delete @ifindex's root qdisc, or its ingress qdisc when
 * @ingress (with its filters). -ENOENT when there is none of ours to delete.
 */
int netlib_tc_qdisc_del(struct netlib_tc *tc, int ifindex, bool ingress, struct err *err);

/**
 * netlib_tc_htb_split_set() - replace the root of @ifindex with the HTB split above:
 * class 1:2 at @t's rate and burst, its leaf a bfifo of @t's limit, one u32 filter
 * per prefix of @sp.
 */
int netlib_tc_htb_split_set(struct netlib_tc *tc, int ifindex, const struct netlib_tbf *t,
			    const struct netlib_tc_split *sp, struct err *err);
/**
 * netlib_tc_htb_class_rate() - rate (bytes/s) and ceil of HTB class 1:@minor of
 * @ifindex; -ENOENT when there is no such class.
 */
int netlib_tc_htb_class_rate(struct netlib_tc *tc, int ifindex, uint32_t minor,
			     uint64_t *rate, uint64_t *ceil, struct err *err);
/** netlib_tc_filter_count() - how many u32 filters sit on @parent of @ifindex. */
int netlib_tc_filter_count(struct netlib_tc *tc, int ifindex, uint32_t parent, size_t *count,
			   struct err *err);
/**
 * netlib_u32_prefix_keys() - the u32 keys matching @p as source or destination (@dst)
 * of an IPv4 or IPv6 header: 1 key for v4, up to 4 for v6, 0 words for a /0 (it then
 * returns one key with mask 0: matches every packet of the protocol). Pure.
 * Return: the number of keys written to @keys (room for 4).
 */
int netlib_u32_prefix_keys(const struct ip_prefix *p, bool dst, struct netlib_u32_key keys[4]);

/** netlib_tc_errno() - a libnl error code (negative NLE_*) as -errno. Pure. */
int netlib_tc_errno(int nlerr);

#endif
