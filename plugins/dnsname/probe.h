/* SPDX-License-Identifier: Apache-2.0 */
/* One DNS question over UDP, for CHECK: does the network's server answer for a name? */
#ifndef NETCTL_PLUGINS_DNSNAME_PROBE_H
#define NETCTL_PLUGINS_DNSNAME_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"

/**
 * dn_query_build() - a standard query for @name (type A for an AF_INET @family, AAAA
 * for AF_INET6) with id @id into @buf. Return its length, or -EINVAL.
 */
int dn_query_build(uint16_t id, const char *name, int family, uint8_t *buf, size_t n);

/**
 * dn_answer_has() - does the response @buf (to query @id) hold @want among its
 * A/AAAA answers? 1 yes, 0 no, -EINVAL for a malformed or foreign response.
 */
int dn_answer_has(const uint8_t *buf, size_t len, uint16_t id, const struct ip_addr *want);

/**
 * dn_probe() - ask @server:53 for @name's address of @want's family, two tries of
 * 500 ms, from the network namespace at @netns (the container's: the server answers
 * only what arrives on its bridge), or from ours when @netns is NULL.
 * Return 0 when @want is in the answer, -ENOENT when not, -ETIMEDOUT, -errno.
 */
int dn_probe(const struct ip_addr *server, const char *name, const struct ip_addr *want,
	     const char *netns);

#endif
