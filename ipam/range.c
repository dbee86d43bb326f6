// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipam/range.h"

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool addr_is_v4mapped(const struct ip_addr *a)
{
	return a->family == AF_INET6 && memcmp(a->b, v4mapped_prefix, 12) == 0;
}

void ipam_addr_name(const struct ip_addr *a, char *buf, size_t n)
{
	int i, j, e0 = -1, e1 = -1;
	size_t off = 0;

	if (a->family != AF_INET6 || addr_is_v4mapped(a)) {
		const uint8_t *p = a->family == AF_INET6 ? a->b + 12 : a->b;

		if (!a->family)
			snprintf(buf, n, "?");
		else
			snprintf(buf, n, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
		return;
	}
	/* Go's rule: the longest run of zero groups (the first on a tie), if >= 2 groups. */
	for (i = 0; i < 16; i += 2) {
		for (j = i; j < 16 && a->b[j] == 0 && a->b[j + 1] == 0; j += 2)
			;
		if (j > i && j - i > e1 - e0) {
			e0 = i;
			e1 = j;
			i = j;
		}
	}
	if (e1 - e0 <= 2)
		e0 = e1 = -1;
	buf[0] = '\0';
	for (i = 0; i < 16 && off < n; i += 2) {
		if (i == e0) {
			off += (size_t)snprintf(buf + off, n - off, "::");
			i = e1 - 2;	/* the loop adds 2 */
			if (e1 >= 16)
				break;
			continue;
		}
		if (i > 0 && i != e1)
			off += (size_t)snprintf(buf + off, n - off, ":");
		if (off < n)
			off += (size_t)snprintf(buf + off, n - off, "%x",
						(unsigned)(a->b[i] << 8 | a->b[i + 1]));
	}
}

static unsigned __int128 addr_u128(const struct ip_addr *a)
{
	unsigned __int128 v = 0;
	size_t i;

	for (i = 0; i < ip_addr_size(a); i++)
		v = v << 8 | a->b[i];
	return v;
}

static bool addr_between(const struct ip_addr *a, const struct ip_addr *lo,
			 const struct ip_addr *hi)
{
	return a->family == lo->family && ip_addr_cmp(a, lo) >= 0 && ip_addr_cmp(a, hi) <= 0;
}

#define range_fail(err, ...) err_set(err, -EINVAL, ERR_INVALID_CONFIG, "an IPAM range is invalid", \
					  __VA_ARGS__)

/* Optional addresses: the same family as the subnet and, for start and end, inside it. */
static int check_member(const struct ipam_range *r, const struct ip_addr *a, const char *key,
			bool in_subnet, struct err *err)
{
	char sa[IP_STR_MAX], sn[IP_STR_MAX];

	ip_addr_format(a, sa, sizeof(sa));
	ip_prefix_format(&r->subnet, sn, sizeof(sn));
	if (a->family != r->subnet.addr.family)
		return range_fail(err, "%s %s is not of the family of subnet %s", key, sa, sn);
	if (in_subnet && !ip_prefix_contains(&r->subnet, a))
		return range_fail(err, "%s %s is not in subnet %s", key, sa, sn);
	return 0;
}

int ipam_range_init(struct ipam_range *r, struct err *err)
{
	struct ip_prefix net;
	char sn[IP_STR_MAX], sa[IP_STR_MAX];
	unsigned bits;

	if (!r->subnet.addr.family)
		return range_fail(err, "a range has no subnet");
	ip_prefix_format(&r->subnet, sn, sizeof(sn));
	if (addr_is_v4mapped(&r->subnet.addr))
		return range_fail(err, "subnet %s: write IPv4 subnets in dotted-quad form", sn);
	bits = (unsigned)ip_addr_size(&r->subnet.addr) * 8;
	if (r->subnet.len > bits - 2)
		return range_fail(err, "network %s is too small to allocate from", sn);
	net = ip_prefix_network(&r->subnet);
	if (!ip_addr_eq(&net.addr, &r->subnet.addr)) {
		ip_addr_format(&net.addr, sa, sizeof(sa));
		return range_fail(err, "subnet %s has host bits set; the network address is %s",
				  sn, sa);
	}
	if (!r->gateway.family)
		r->gateway = ip_addr_add(&net.addr, 1);
	else if (check_member(r, &r->gateway, "gateway", false, err) < 0)
		return -EINVAL;
	if (!r->start.family)
		r->start = ip_addr_add(&net.addr, 1);
	else if (check_member(r, &r->start, "rangeStart", true, err) < 0)
		return -EINVAL;
	if (!r->end.family) {
		r->end = ip_prefix_last(&r->subnet);
		if (r->end.family == AF_INET)
			r->end = ip_addr_add(&r->end, -1);
	} else if (check_member(r, &r->end, "rangeEnd", true, err) < 0) {
		return -EINVAL;
	}
	if (ip_addr_cmp(&r->start, &r->end) > 0) {
		ip_addr_format(&r->start, sa, sizeof(sa));
		return range_fail(err, "rangeStart %s is after rangeEnd in subnet %s", sa, sn);
	}
	return 0;
}

bool ipam_range_contains(const struct ipam_range *r, const struct ip_addr *a)
{
	return ip_prefix_contains(&r->subnet, a) && addr_between(a, &r->start, &r->end);
}

bool ipam_range_skips(const struct ipam_range *r, const struct ip_addr *a)
{
	struct ip_addr last;

	if (ip_addr_eq(a, &r->gateway) || ip_addr_eq(a, &r->subnet.addr))
		return true;
	if (a->family != AF_INET)
		return false;
	last = ip_prefix_last(&r->subnet);
	return ip_addr_eq(a, &last);
}

bool ipam_range_overlaps(const struct ipam_range *a, const struct ipam_range *b)
{
	if (a->start.family != b->start.family)
		return false;
	return ip_addr_cmp(&a->start, &b->end) <= 0 && ip_addr_cmp(&b->start, &a->end) <= 0;
}

int ipam_range_set_init(struct ipam_range_set *s, struct err *err)
{
	char a[IP_STR_MAX * 2 + 2], b[IP_STR_MAX * 2 + 2];
	int i, j;

	if (s->n <= 0)
		return range_fail(err, "a range set is empty");
	for (i = 0; i < s->n; i++) {
		if (ipam_range_init(&s->ranges[i], err) < 0)
			return -EINVAL;
		if (s->ranges[i].subnet.addr.family != ipam_range_set_family(s))
			return range_fail(err, "a range set mixes IPv4 and IPv6 ranges");
	}
	for (i = 0; i < s->n; i++) {
		for (j = i + 1; j < s->n; j++) {
			struct ipam_range_set x = { .n = 1 }, y = { .n = 1 };

			if (!ipam_range_overlaps(&s->ranges[i], &s->ranges[j]))
				continue;
			x.ranges[0] = s->ranges[i];
			y.ranges[0] = s->ranges[j];
			ipam_range_set_format(&x, a, sizeof(a));
			ipam_range_set_format(&y, b, sizeof(b));
			return range_fail(err, "ranges %s and %s overlap", a, b);
		}
	}
	return 0;
}

int ipam_range_set_find(const struct ipam_range_set *s, const struct ip_addr *a)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (ipam_range_contains(&s->ranges[i], a))
			return i;
	return -1;
}

bool ipam_range_set_overlaps(const struct ipam_range_set *a, const struct ipam_range_set *b)
{
	int i, j;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (ipam_range_overlaps(&a->ranges[i], &b->ranges[j]))
				return true;
	return false;
}

unsigned long long ipam_range_set_size(const struct ipam_range_set *s)
{
	unsigned __int128 total = 0;
	int i;

	for (i = 0; i < s->n; i++) {
		const struct ipam_range *r = &s->ranges[i];
		struct ip_addr skip[3] = { r->gateway, r->subnet.addr, ip_prefix_last(&r->subnet) };
		unsigned __int128 n = addr_u128(&r->end) - addr_u128(&r->start);
		int k, nskip = r->subnet.addr.family == AF_INET ? 3 : 2;

		/* n + 1 addresses; +1 saturates only for a whole /0, which init refuses. */
		n += 1;
		for (k = 0; k < nskip; k++) {
			if (k == 1 && ip_addr_eq(&skip[1], &skip[0]))
				continue;
			if (k == 2 && ip_addr_eq(&skip[2], &skip[0]))
				continue;
			if (addr_between(&skip[k], &r->start, &r->end))
				n--;
		}
		total += n;
		if (total > UINT64_MAX)
			return UINT64_MAX;
	}
	return (unsigned long long)total;
}

void ipam_range_set_format(const struct ipam_range_set *s, char *buf, size_t n)
{
	size_t off = 0;
	int i;

	if (n)
		buf[0] = '\0';
	for (i = 0; i < s->n && off < n; i++) {
		char a[IP_STR_MAX], b[IP_STR_MAX];

		ipam_addr_name(&s->ranges[i].start, a, sizeof(a));
		ipam_addr_name(&s->ranges[i].end, b, sizeof(b));
		off += (size_t)snprintf(buf + off, n - off, "%s%s-%s", i ? "," : "", a, b);
	}
}

void ipam_iter_init(struct ipam_iter *it, const struct ipam_range_set *set,
		    const struct ip_addr *last)
{
	int idx = last && last->family ? ipam_range_set_find(set, last) : -1;

	memset(it, 0, sizeof(*it));
	it->set = set;
	if (idx >= 0) {
		/* The first step moves to last + 1; "first" is set by that step. */
		it->idx = idx;
		it->cur = *last;
	}
}

bool ipam_iter_next(struct ipam_iter *it, struct ip_addr *out, int *range_idx)
{
	for (;;) {
		const struct ipam_range *r = &it->set->ranges[it->idx];

		if (!it->cur.family) {
			it->cur = r->start;
			it->first = it->cur;
		} else {
			if (ip_addr_eq(&it->cur, &r->end)) {
				it->idx = (it->idx + 1) % it->set->n;
				r = &it->set->ranges[it->idx];
				it->cur = r->start;
			} else {
				it->cur = ip_addr_add(&it->cur, 1);
			}
			if (!it->first.family)
				it->first = it->cur;
			else if (ip_addr_eq(&it->cur, &it->first))
				return false;
		}
		if (ipam_range_skips(r, &it->cur))
			continue;
		*out = it->cur;
		if (range_idx)
			*range_idx = it->idx;
		return true;
	}
}
