/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_UTIL_HASH_H
#define NETCTL_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/** hash64() - FNV-1a 64 of @len bytes, continuing from @seed (use HASH64_INIT). */
#define HASH64_INIT 0xcbf29ce484222325ULL
uint64_t hash64(uint64_t seed, const void *data, size_t len);

/**
 * ifname_from_ids() - the deterministic host-side name "@prefix" + 8 hex digits of a
 * hash of (@container_id, @ifname), as DESIGN.md names host veths and IFBs.
 * @out must hold 16 bytes (IFNAMSIZ).
 */
void ifname_from_ids(char *out, const char *prefix, const char *container_id,
		     const char *ifname);

#endif
