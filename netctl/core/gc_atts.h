/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A network's cached attachments, copied out of the cache walk (attach_list() lends
 * them only during its callback), for the gc steps that decide on them afterwards.
 */
#ifndef NETCTL_GC_ATTS_H
#define NETCTL_GC_ATTS_H

#include <limits.h>
#include <stddef.h>
#include <jansson.h>

struct gc_att {
	char id[257], ifname[16], netns[PATH_MAX];	/* netns "" when none was cached */
	json_t *result;		/* the cached result (owned), may be NULL */
};

struct gc_att_list {
	struct gc_att *v;
	size_t n, cap;
};

/**
 * gc_atts_read() - append network @net's cached attachments to @l (an entry whose ID
 * or interface name does not fit is left out). 0, or -errno when the cache cannot be
 * read or memory runs out (@l keeps what it got: free it).
 */
int gc_atts_read(const char *net, struct gc_att_list *l);

/** gc_atts_free() - free @l's entries and array; @l is then empty. */
void gc_atts_free(struct gc_att_list *l);

#endif
