/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-local ranges and range sets, with the reference plugin's semantics: a range is
 * a subnet with an inclusive [start, end] window and a gateway; a range set is one or
 * more ranges of one family, and gives one address per ADD.
 */
#ifndef NETCTL_IPAM_RANGE_H
#define NETCTL_IPAM_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/ip.h"

#define IPAM_MAX_RANGES 64	/* ranges in one range set */
#define IPAM_MAX_SETS 16	/* range sets in one config (one address each) */

struct ipam_range {
	struct ip_prefix subnet;	/* network address and length */
	struct ip_addr start;		/* first address handed out, inclusive */
	struct ip_addr end;		/* last address handed out, inclusive */
	struct ip_addr gateway;		/* never handed out */
};

struct ipam_range_set {
	struct ipam_range ranges[IPAM_MAX_RANGES];
	int n;
};

/**
 * ipam_range_init() - validate @r and fill its defaults. On input, fields with
 * family 0 are unset: gateway defaults to network+1, start to network+1, end to the
 * last address (the one below the broadcast address for IPv4).
 * Errors: code 7 with the offending value in details.
 */
int ipam_range_init(struct ipam_range *r, struct err *err);

/** ipam_range_contains() - @a lies in @r's subnet and within [start, end]. */
bool ipam_range_contains(const struct ipam_range *r, const struct ip_addr *a);

/**
 * ipam_range_skips() - @a is never handed out from @r: its gateway, its network
 * address, or (IPv4) its broadcast address.
 */
bool ipam_range_skips(const struct ipam_range *r, const struct ip_addr *a);

/** ipam_range_overlaps() - the [start, end] windows of @a and @b intersect. */
bool ipam_range_overlaps(const struct ipam_range *a, const struct ipam_range *b);

/**
 * ipam_range_set_init() - ipam_range_init() every range, then require one family and
 * no overlaps. Errors: code 7.
 */
int ipam_range_set_init(struct ipam_range_set *s, struct err *err);

/** ipam_range_set_find() - index of the range of @s holding @a, or -1. */
int ipam_range_set_find(const struct ipam_range_set *s, const struct ip_addr *a);

/** ipam_range_set_overlaps() - any range of @a overlaps any range of @b. */
bool ipam_range_set_overlaps(const struct ipam_range_set *a, const struct ipam_range_set *b);

/** ipam_range_set_family() - AF_INET or AF_INET6 (of the first range). */
static inline int ipam_range_set_family(const struct ipam_range_set *s)
{
	return s->ranges[0].subnet.addr.family;
}

/**
 * ipam_range_set_size() - how many addresses @s can hand out (skipped ones not
 * counted), saturating at UINT64_MAX (a /64 is "plenty").
 */
unsigned long long ipam_range_set_size(const struct ipam_range_set *s);

/** ipam_range_set_format() - "start-end,start-end" like the reference's messages. */
void ipam_range_set_format(const struct ipam_range_set *s, char *buf, size_t n);

/**
 * ipam_addr_name() - the text the reference plugin (Go's net.IP.String) names a store
 * file by: dotted quad, or RFC 5952 IPv6 without an embedded dotted quad.
 */
void ipam_addr_name(const struct ip_addr *a, char *buf, size_t n);

/*
 * The round-robin walk over a range set, as the reference does it: start right after
 * the last reserved address (or at the first range's start), go to the end of each
 * range, continue with the next range, wrap around, stop when back where it started.
 */
struct ipam_iter {
	const struct ipam_range_set *set;
	int idx;			/* current range */
	struct ip_addr cur;		/* family 0 before the first step */
	struct ip_addr first;		/* family 0 until known */
};

/** ipam_iter_init() - start after @last (family 0 or outside @set: from the start). */
void ipam_iter_init(struct ipam_iter *it, const struct ipam_range_set *set,
		    const struct ip_addr *last);

/**
 * ipam_iter_next() - the next candidate address and the index of its range.
 * Return: false when every address has been offered once.
 */
bool ipam_iter_next(struct ipam_iter *it, struct ip_addr *out, int *range_idx);

#endif
