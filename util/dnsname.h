/* SPDX-License-Identifier: Apache-2.0 */
/* Host names and domain names as DNS and hosts files take them (RFC 1123, plus '_'). */
#ifndef NETCTL_UTIL_DNSNAME_H
#define NETCTL_UTIL_DNSNAME_H

#include <stdbool.h>

#define DNS_NAME_MAX 253	/* a whole name, dots included */
#define DNS_LABEL_MAX 63

/**
 * dns_name_valid() - @s is a name a container may be known by: labels of letters,
 * digits, '-' and '_' (podman and Docker allow '_' in names), 1..63 bytes each, not
 * starting or ending with '-', separated by single dots, at most 253 bytes in all. So no
 * '/', no "..", no space or newline: the name is safe in a hosts file and in a path.
 */
bool dns_name_valid(const char *s);

/** dns_domain_valid() - @s is a domain: dns_name_valid() without '_'. */
bool dns_domain_valid(const char *s);

#endif
