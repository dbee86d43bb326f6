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
};

#define NETLIB_TC_QDISCS_MAX 8

/** netlib_tc_open() - a libnl route socket in the caller's netns. */
int netlib_tc_open(struct netlib_tc **tc, char *errbuf, size_t n);
void netlib_tc_close(struct netlib_tc *tc);

/**
 * netlib_tc_tbf_set() - TBF @t as the root qdisc of @ifindex (handle 1:), replacing
 * whatever root qdisc is there.
 */
int netlib_tc_tbf_set(struct netlib_tc *tc, int ifindex, const struct netlib_tbf *t,
		      char *errbuf, size_t n);
/** netlib_tc_ingress_add() - the ingress qdisc (ffff:) on @ifindex; -EEXIST if there. */
int netlib_tc_ingress_add(struct netlib_tc *tc, int ifindex, char *errbuf, size_t n);
/**
 * netlib_tc_redirect_add() - on @ifindex's ingress qdisc, a u32 filter matching every
 * packet (any protocol) whose action is mirred egress redirect to @to_ifindex.
 */
int netlib_tc_redirect_add(struct netlib_tc *tc, int ifindex, int to_ifindex, char *errbuf,
			   size_t n);
/**
 * netlib_tc_redirect_get() - the link the first mirred redirect filter on @ifindex's
 * ingress sends packets to, in *@to_ifindex (0: no such filter).
 */
int netlib_tc_redirect_get(struct netlib_tc *tc, int ifindex, int *to_ifindex, char *errbuf,
			   size_t n);
/**
 * netlib_tc_qdiscs() - the qdiscs of @ifindex (at most @max) into @out, their number
 * in *@count.
 */
int netlib_tc_qdiscs(struct netlib_tc *tc, int ifindex, struct netlib_qdisc *out, size_t max,
		     size_t *count, char *errbuf, size_t n);
/**
 * netlib_tc_qdisc_del() - delete @ifindex's root qdisc, or its ingress qdisc when
 * @ingress (with its filters). -ENOENT when there is none of ours to delete.
 */
int netlib_tc_qdisc_del(struct netlib_tc *tc, int ifindex, bool ingress, char *errbuf,
			size_t n);

/** netlib_tc_errno() - a libnl error code (negative NLE_*) as -errno. Pure. */
int netlib_tc_errno(int nlerr);

#endif
