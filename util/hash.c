// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>

#include "util/hash.h"

uint64_t hash64(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void ifname_from_ids(char *out, const char *prefix, const char *container_id,
		     const char *ifname)
{
	uint64_t h = hash64(HASH64_INIT, container_id, strlen(container_id));

	h = hash64(h, "", 1);	/* separator: ("ab","c") differs from ("a","bc") */
	h = hash64(h, ifname, strlen(ifname));
	/* fold the 64 bits so every input bit reaches the 32 we print */
	snprintf(out, 16, "%.7s%08x", prefix, (unsigned)(h ^ (h >> 32)));
}
