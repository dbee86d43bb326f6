/* SPDX-License-Identifier: Apache-2.0 */
/* The network's policy file seen from one container: apply it, fill its groups. */
#ifndef NETCTL_PLUGINS_FIREWALL_GROUPS_H
#define NETCTL_PLUGINS_FIREWALL_GROUPS_H

#include <stdbool.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "plugins/firewall/config.h"
#include "policy/policy.h"
#include "util/err.h"

struct fw_groups {
	bool has_policy;
	struct policy policy;
};

/**
 * fw_groups_load() - find and parse the network's policy (policyFile, else
 * <policyDir>/<net>.json when it exists). A broken policy fails the ADD (code 7, the
 * line and key in details) before anything changes. Sets c->icc from the policy.
 */
int fw_groups_load(struct cni_ctx *ctx, struct fw_config *c, struct fw_groups *g);
/**
 * fw_groups_apply() - make the kernel hold the policy unless it already does (always
 * with @force: its rules were flushed). Under the network lock.
 */
int fw_groups_apply(struct cni_ctx *ctx, struct nft_conn *conn, const struct fw_config *c,
		    const struct fw_groups *g, bool force);
/** fw_groups_build_add() - add the container (@id) to its groups' sets, into @b. */
int fw_groups_build_add(struct nft_batch *b, const struct fw_config *c,
			const struct fw_groups *g, const char *id);
/**
 * fw_drops_prune() - delete the policy drop counts (drops-<net>, drops6-<net>) of
 * addresses that are no member's any more: GC, which knows containers by ID only.
 */
int fw_drops_prune(struct nft_conn *conn, const char *net, struct err *err);
/**
 * fw_groups_build_del() - remove @id's elements from every group set of the network
 * (the sets the kernel has) and its policy drop counts (drops-<net>), into @b.
 */
int fw_groups_build_del(struct nft_conn *conn, struct nft_batch *b, const struct fw_config *c,
			const char *id, struct err *err);
void fw_groups_free(struct fw_groups *g);

#endif
