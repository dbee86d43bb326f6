// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ip.h"

int ip_addr_parse(const char *s, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, out->b) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int ip_prefix_parse(const char *s, struct ip_prefix *out)
{
	char buf[IP_STR_MAX];
	const char *slash;
	char *end;
	unsigned long len;
	size_t alen;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash || slash == s || !slash[1])
		return -EINVAL;
	alen = (size_t)(slash - s);
	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (ip_addr_parse(buf, &out->addr) < 0)
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > ip_addr_size(&out->addr) * 8)
		return -EINVAL;
	out->len = (unsigned)len;
	return 0;
}

void ip_addr_format(const struct ip_addr *a, char *buf, size_t n)
{
	if (!a->family || !inet_ntop(a->family, a->b, buf, (socklen_t)n))
		snprintf(buf, n, "?");
}

void ip_prefix_format(const struct ip_prefix *p, char *buf, size_t n)
{
	char a[IP_STR_MAX];

	ip_addr_format(&p->addr, a, sizeof(a));
	snprintf(buf, n, "%s/%u", a, p->len);
}

int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, ip_addr_size(a));
}

struct ip_prefix ip_prefix_network(const struct ip_prefix *p)
{
	struct ip_prefix r = *p;
	size_t i, n = ip_addr_size(&p->addr);

	for (i = 0; i < n; i++) {
		unsigned bit = (unsigned)i * 8;

		if (bit >= p->len)
			r.addr.b[i] = 0;
		else if (bit + 8 > p->len)
			r.addr.b[i] &= (uint8_t)(0xff << (8 - (p->len - bit)));
	}
	return r;
}

struct ip_addr ip_prefix_last(const struct ip_prefix *p)
{
	struct ip_prefix r = ip_prefix_network(p);
	size_t i, n = ip_addr_size(&p->addr);

	for (i = 0; i < n; i++) {
		unsigned bit = (unsigned)i * 8;

		if (bit >= p->len)
			r.addr.b[i] = 0xff;
		else if (bit + 8 > p->len)
			r.addr.b[i] |= (uint8_t)(0xff >> (p->len - bit));
	}
	return r.addr;
}

bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
	struct ip_prefix x = { .addr = *a, .len = p->len };
	struct ip_prefix pn = ip_prefix_network(p);

	if (a->family != p->addr.family)
		return false;
	x = ip_prefix_network(&x);
	return ip_addr_eq(&x.addr, &pn.addr);
}

bool ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b)
{
	if (a->addr.family != b->addr.family)
		return false;
	return a->len <= b->len ? ip_prefix_contains(a, &b->addr)
				: ip_prefix_contains(b, &a->addr);
}

struct ip_addr ip_addr_add(const struct ip_addr *a, int64_t delta)
{
	struct ip_addr r = *a;
	int i = (int)ip_addr_size(a) - 1;
	int64_t carry = delta;

	/* Add byte by byte from the low end; a negative delta borrows. */
	for (; i >= 0 && carry != 0; i--) {
		int64_t v = (int64_t)r.b[i] + (carry % 256);

		carry /= 256;
		if (v < 0) {
			v += 256;
			carry -= 1;
		} else if (v > 255) {
			v -= 256;
			carry += 1;
		}
		r.b[i] = (uint8_t)v;
	}
	return r;
}
