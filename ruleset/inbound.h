/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Only published ports from outside, for masquerading networks (bridge ipMasq), as
 * Docker 28 does for its NAT networks, in `table inet netctl`:
 *
 *   chain published-only  type filter hook forward priority filter - 10
 *     oifname "BR" iifname != "BR" ct state != established,related ct status != dnat
 *       counter drop comment "net:NET published-only"      (one rule per network)
 *
 * A new connection forwarded into a masquerading network's bridge from any other
 * interface (a LAN that routes the subnet through this host, another bridge) is
 * dropped unless a published port DNATed it. Replies, container -> container on the
 * bridge (icc and policy decide), hairpin (in on the bridge) and the host's own
 * connections (output, not forward) are not this chain's business. The chain only
 * drops: an accept elsewhere (the firewall's forward chain) cannot open what it shuts.
 * A network made "routed" (bridge "gatewayMode": "routed") has no rule.
 */
#ifndef NETCTL_RULESET_INBOUND_H
#define NETCTL_RULESET_INBOUND_H

#include <stdbool.h>
#include <stddef.h>

#include "ruleset/names.h"
#include "util/err.h"

struct nft_conn;

/**
 * nft_inbound_apply() - network @net on bridge @bridge: its drop rule present (@routed
 * false; made unless there, the chain too) or absent (@routed true; removed if there).
 * Return 0, or -errno with the failing object and the kernel's words in @err.
 */
int nft_inbound_apply(struct nft_conn *c, const char *net, const char *bridge, bool routed,
		      struct err *err);

/**
 * nft_inbound_check() - is network @net's drop rule there? 1 yes, 0 no (the reason in
 * @err: a flushed table), -errno.
 */
int nft_inbound_check(struct nft_conn *c, const char *net, struct err *err);

#endif
