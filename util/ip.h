/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4/IPv6 addresses and prefixes as plain values, with the arithmetic IPAM needs. */
#ifndef NETCTL_UTIL_IP_H
#define NETCTL_UTIL_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IP_STR_MAX 64	/* enough for any address "/128" */

struct ip_addr {
	int family;		/* AF_INET or AF_INET6; 0 = unset */
	uint8_t b[16];		/* network order; IPv4 uses b[0..3] */
};

struct ip_prefix {
	struct ip_addr addr;	/* as written: host bits kept ("10.0.0.5/24") */
	unsigned len;
};

static inline size_t ip_addr_size(const struct ip_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

/** ip_addr_parse() - parse a v4 or v6 literal. Return 0 or -EINVAL. */
int ip_addr_parse(const char *s, struct ip_addr *out);
/** ip_prefix_parse() - parse "ADDR/LEN". Return 0 or -EINVAL. */
int ip_prefix_parse(const char *s, struct ip_prefix *out);
/** ip_addr_format() - text form into @buf (IP_STR_MAX is always enough). */
void ip_addr_format(const struct ip_addr *a, char *buf, size_t n);
/** ip_prefix_format() - "ADDR/LEN" into @buf. */
void ip_prefix_format(const struct ip_prefix *p, char *buf, size_t n);

/** ip_addr_cmp() - order by family, then numerically; 0 when equal. */
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);
static inline bool ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return ip_addr_cmp(a, b) == 0;
}

/** ip_prefix_network() - @p with its host bits cleared. */
struct ip_prefix ip_prefix_network(const struct ip_prefix *p);
/** ip_prefix_contains() - @a lies in @p (same family, same network bits). */
bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);
/** ip_prefix_overlaps() - the two prefixes share at least one address. */
bool ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b);
/** ip_prefix_last() - the highest address of @p (the broadcast address for v4). */
struct ip_addr ip_prefix_last(const struct ip_prefix *p);

/** ip_addr_add() - @a + @delta (may be negative), wrapping within the family. */
struct ip_addr ip_addr_add(const struct ip_addr *a, int64_t delta);

#endif
