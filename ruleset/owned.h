/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Elements that name their container in their comment (ruleset/names.h), removed by
 * owner: one container's (DEL) or all but the ones still attached (GC).
 */
#ifndef NETCTL_RULESET_OWNED_H
#define NETCTL_RULESET_OWNED_H

#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct nft_conn;

struct nft_owner {
	const char *id;		/* this container's elements, or NULL: */
	bool (*keep)(const char *id, void *data);	/* all but the ones @keep wants */
	void *data;
};

/**
 * nft_owned_remove() - delete the elements of @sets (@n_sets of them, in `table @family
 * netctl`) that @o selects, in one batch on @c (opened if need be). @text names the
 * keys in messages ("port . key"); NULL: they are interface names. Return 0 or -errno.
 */
int nft_owned_remove(struct nft_conn *c, int family, const char *const *sets, size_t n_sets,
		     const struct nft_owner *o, const char *text, struct err *err);

#endif
