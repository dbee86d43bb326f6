// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipam/alloc.h"
#include "ipam/index.h"

/* (id, ifname) itself, or an old-format file that recorded the ID only. */
static bool owner_matches(const struct ipam_owner *o, const char *id, const char *ifname)
{
	return strcmp(o->id, id) == 0 && (!o->ifname[0] || strcmp(o->ifname, ifname) == 0);
}

/*
 * The spec forbids a second ADD for one (id, ifname); the reference refuses it too.
 * Our own attachments are found through the index in O(1); an attachment that only
 * the reference plugin recorded (no index entry) is not seen here, which costs
 * nothing but the check against a runtime that ADDs twice without a DEL.
 */
static int refuse_duplicate(struct ipam_store *st, const struct ipam_range_set *sets, int n,
			    const char *id, const char *ifname, struct err *err)
{
	struct ip_addr held[IPAM_INDEX_MAX_ADDRS];
	char a[IP_STR_MAX];
	int k = ipam_index_get(st, id, ifname, held, IPAM_INDEX_MAX_ADDRS), i, j;

	for (j = 0; j < k; j++) {
		for (i = 0; i < n; i++) {
			if (ipam_range_set_find(&sets[i], &held[j]) < 0)
				continue;
			ipam_addr_name(&held[j], a, sizeof(a));
			return err_set(err, -EEXIST, ERR_INVALID_ENV,
				       "this container interface already has an address",
				       "CNI_CONTAINERID=%s CNI_IFNAME=%s holds %s in range "
				       "set %d; a second ADD needs a DEL first", id, ifname, a, i);
		}
	}
	return 0;
}

static int reserve_wanted(struct ipam_store *st, const struct ipam_range_set *set, int i,
			  const struct ip_addr *want, const char *id, const char *ifname,
			  int *range_idx, struct err *err)
{
	char a[IP_STR_MAX], rs[1024];
	int ri = ipam_range_set_find(set, want), r;

	ipam_addr_name(want, a, sizeof(a));
	ipam_range_set_format(set, rs, sizeof(rs));
	if (ri < 0)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG,
			       "the requested address is not in the range set",
			       "%s is not in range set %d (%s)", a, i, rs);
	if (ipam_range_skips(&set->ranges[ri], want))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG,
			       "the requested address cannot be handed out",
			       "%s is the gateway, network or broadcast address of range "
			       "set %d (%s)", a, i, rs);
	r = ipam_store_reserve(st, want, id, ifname, err);
	if (r < 0)
		return r;
	if (r == 0)
		return err_set(err, -EADDRINUSE, ERR_TRY_AGAIN,
			       "the requested address is already in use",
			       "%s in range set %d (%s) is reserved by another container", a, i,
			       rs);
	*range_idx = ri;
	return 0;
}

static int reserve_next(struct ipam_store *st, const struct ipam_range_set *set, int i,
			const char *id, const char *ifname, struct ip_addr *got,
			int *range_idx, struct err *err)
{
	struct ip_addr last = { 0 };
	struct ipam_iter it;
	char rs[1024];
	int r;

	/* A missing or unreadable last_reserved_ip only costs the round robin once. */
	if (ipam_store_last_get(st, i, &last) < 0)
		last.family = 0;
	ipam_iter_init(&it, set, &last);
	while (ipam_iter_next(&it, got, range_idx)) {
		r = ipam_store_reserve(st, got, id, ifname, err);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	ipam_range_set_format(set, rs, sizeof(rs));
	return err_set(err, -ENOSPC, ERR_TRY_AGAIN, "no free address is left in the range set",
		       "range set %d (%s) is full", i, rs);
}

int ipam_allocate(struct ipam_store *st, const struct ipam_range_set *sets, int n,
		  const struct ip_addr *want, const char *id, const char *ifname,
		  struct ipam_lease *out, struct err *err)
{
	struct ip_addr got[IPAM_MAX_SETS];
	int i, done, ri, r;

	if (n <= 0 || n > IPAM_MAX_SETS)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "no IP ranges are configured",
			       "%d range sets (1 to %d are allowed)", n, IPAM_MAX_SETS);
	r = refuse_duplicate(st, sets, n, id, ifname, err);
	if (r < 0)
		return r;
	for (done = 0; done < n; done++) {
		const struct ipam_range *rg;

		if (want && want[done].family) {
			got[done] = want[done];
			r = reserve_wanted(st, &sets[done], done, &want[done], id, ifname, &ri,
					   err);
		} else {
			r = reserve_next(st, &sets[done], done, id, ifname, &got[done], &ri, err);
		}
		if (r < 0)
			goto undo;
		rg = &sets[done].ranges[ri];
		out[done].address.addr = got[done];
		out[done].address.len = rg->subnet.len;
		out[done].gateway = rg->gateway;
	}
	/* Only now: a failed ADD must not even move the round robin. */
	for (i = 0; i < n; i++) {
		r = ipam_store_last_set(st, i, &got[i], err);
		if (r < 0)
			goto undo;
	}
	/* A hint: if it cannot be written, DEL and the duplicate check fall back. */
	ipam_index_put(st, id, ifname, got, n);
	return 0;
undo:
	for (i = 0; i < done; i++)
		ipam_store_release(st, &got[i]);
	return r;
}

struct release_ctx {
	struct ipam_store *st;
	const char *id, *ifname;
	bool old_form;			/* second pass: files holding the ID only */
	int freed;
	struct ipam_bad *bad;
};

/* A file that is not a valid reservation: noted in @bad (when given) and skipped. */
static bool skip_bad(const struct ipam_entry *e, struct ipam_bad *bad)
{
	if (e->bad && bad)
		ipam_bad_add(bad, e);
	return e->bad;
}

static int release_visit(const struct ipam_entry *e, void *data)
{
	struct release_ctx *c = data;
	bool match;
	int r;

	if (skip_bad(e, c->old_form ? NULL : c->bad))
		return 0;
	if (strcmp(e->owner.id, c->id) != 0)
		return 0;
	match = c->old_form ? !e->owner.ifname[0] : strcmp(e->owner.ifname, c->ifname) == 0;
	if (!match)
		return 0;
	r = unlinkat(c->st->dirfd, e->name, 0);
	if (r < 0 && errno != ENOENT)
		return -errno;
	c->freed++;
	return 0;
}

int ipam_release(struct ipam_store *st, const char *id, const char *ifname,
		 struct ipam_bad *bad, struct err *err)
{
	struct release_ctx c = { .st = st, .id = id, .ifname = ifname, .bad = bad };
	struct ip_addr held[IPAM_INDEX_MAX_ADDRS];
	int k, i, r;

	k = ipam_index_get(st, id, ifname, held, IPAM_INDEX_MAX_ADDRS);
	for (i = 0; i < k; i++)
		if (ipam_store_release(st, &held[i]) == 0)
			c.freed++;
	ipam_index_drop(st, id, ifname);
	if (c.freed)
		return c.freed;
	/* No index entry (the reference's ADD, or a crash before it was written): scan. */
	r = ipam_store_scan(st, release_visit, &c);
	if (r >= 0 && c.freed == 0) {
		c.old_form = true;
		r = ipam_store_scan(st, release_visit, &c);
	}
	if (r < 0)
		return err_set(err, r, ERR_IO, "cannot release addresses", "%s: %s", st->dir,
			       strerror(-r));
	return c.freed;
}

struct holds_ctx {
	const struct ip_addr *addr;
	const char *id, *ifname;
	struct ipam_bad *bad;
	bool found;
};

static int holds_visit(const struct ipam_entry *e, void *data)
{
	struct holds_ctx *c = data;

	if (skip_bad(e, c->bad))
		return 0;
	if ((!c->addr || ip_addr_eq(c->addr, &e->addr)) &&
	    owner_matches(&e->owner, c->id, c->ifname))
		c->found = true;
	return 0;
}

int ipam_holds(struct ipam_store *st, const struct ip_addr *addr, const char *id,
	       const char *ifname, struct ipam_bad *bad)
{
	struct holds_ctx c = { .addr = addr, .id = id, .ifname = ifname, .bad = bad };
	int r;

	if (addr && ipam_reserved_for(st, addr, id, ifname))
		return 1;
	r = ipam_store_scan(st, holds_visit, &c);

	return r < 0 ? r : c.found;
}

struct gc_ctx {
	struct ipam_store *st;
	ipam_valid_fn valid;
	void *data;
	struct ipam_bad *bad;
	int freed;
};

static int gc_visit(const struct ipam_entry *e, void *data)
{
	struct gc_ctx *c = data;

	if (skip_bad(e, c->bad))
		return 0;
	if (c->valid(&e->owner, c->data))
		return 0;
	if (unlinkat(c->st->dirfd, e->name, 0) < 0 && errno != ENOENT)
		return -errno;
	c->freed++;
	return 0;
}

int ipam_gc(struct ipam_store *st, ipam_valid_fn valid, void *data, struct ipam_bad *bad)
{
	struct gc_ctx c = { .st = st, .valid = valid, .data = data, .bad = bad };
	int r = ipam_store_clean_tmp(st);

	if (r < 0)
		return r;
	r = ipam_store_scan(st, gc_visit, &c);
	if (r >= 0)
		r = ipam_index_prune(st, valid, data);
	return r < 0 ? r : c.freed;
}

struct used_ctx {
	const struct ipam_range_set *set;
	long long used;
};

static int used_visit(const struct ipam_entry *e, void *data)
{
	struct used_ctx *c = data;
	int ri = ipam_range_set_find(c->set, &e->addr);

	if (ri >= 0 && !ipam_range_skips(&c->set->ranges[ri], &e->addr))
		c->used++;
	return 0;
}

long long ipam_set_used(struct ipam_store *st, const struct ipam_range_set *set)
{
	struct used_ctx c = { .set = set };
	int r = ipam_store_scan(st, used_visit, &c);

	return r < 0 ? r : c.used;
}
