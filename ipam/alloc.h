/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-local allocation over a locked store: one address per range set, round robin,
 * requested addresses, release by owner, CHECK, GC and the STATUS capacity test.
 * The caller opens (and so locks) the store around each call.
 */
#ifndef NETCTL_IPAM_ALLOC_H
#define NETCTL_IPAM_ALLOC_H

#include <stdbool.h>

#include "util/err.h"
#include "ipam/range.h"
#include "ipam/store.h"

struct ipam_lease {
	struct ip_prefix address;	/* the address with its subnet's length */
	struct ip_addr gateway;
};

/**
 * ipam_allocate() - reserve one address in each of the @n range sets for
 * (@id, @ifname). @want[i] (family 0: any) is a requested address for set i.
 * All or nothing: on failure the reservations made here are released and no
 * last_reserved_ip file is changed.
 * Errors: code 4 when (@id, @ifname) already holds an address in a set, 7 for a
 * requested address outside the set or never handed out (gateway, network,
 * broadcast), 11 for a taken address or a full set, 5 for I/O.
 */
int ipam_allocate(struct ipam_store *st, const struct ipam_range_set *sets, int n,
		  const struct ip_addr *want, const char *id, const char *ifname,
		  struct ipam_lease *out, struct err *err);

/**
 * ipam_release() - free every address held by (@id, @ifname); when there is none,
 * every address recorded for @id alone by an older version (the reference's rule).
 * Return: the number freed, or -errno with @err set. Bad files are noted in @bad.
 */
int ipam_release(struct ipam_store *st, const char *id, const char *ifname,
		 struct ipam_bad *bad, struct err *err);

/**
 * ipam_holds() - is @addr (or, when @addr is NULL, any address) reserved for
 * (@id, @ifname), or for @id alone in an old-format file? Bad files go to @bad.
 * Return: 1, 0, or -errno.
 */
int ipam_holds(struct ipam_store *st, const struct ip_addr *addr, const char *id,
	       const char *ifname, struct ipam_bad *bad);

/* GC's question: is this owner one of the runtime's valid attachments? */
typedef bool (*ipam_valid_fn)(const struct ipam_owner *o, void *data);

/**
 * ipam_gc() - free every reservation whose owner @valid rejects, and temporary files
 * of crashed writers. Bad files are left alone and noted in @bad.
 * Return: the number of reservations freed, or -errno.
 */
int ipam_gc(struct ipam_store *st, ipam_valid_fn valid, void *data, struct ipam_bad *bad);

/**
 * ipam_set_used() - how many addresses of @set are taken in the store (bad files
 * under an address's name count as taken). Return: the count, or -errno.
 */
long long ipam_set_used(struct ipam_store *st, const struct ipam_range_set *set);

#endif
