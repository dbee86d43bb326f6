/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loopback stays loopback, in `table inet netctl`:
 *
 *   chain loopback-only  type filter hook prerouting priority raw (-300)
 *     ip daddr 127.0.0.0/8 iifname != "lo" counter drop   comment "loopback: to 127/8"
 *     ip saddr 127.0.0.0/8 iifname != "lo" counter drop   comment "loopback: from 127/8"
 *     ip6 daddr ::1 iifname != "lo" counter drop          comment "loopback: to ::1"
 *     ip6 saddr ::1 iifname != "lo" counter drop          comment "loopback: from ::1"
 *
 * Before conntrack (-200) and every DNAT (-100): a packet that claims a loopback
 * address and did not come in on `lo` never reaches a published port (portmap's DNAT
 * matches any local address, 127.0.0.1 included) nor, where portmap's `snat` set
 * route_localnet on a bridge, a host service bound to 127.0.0.1 (CVE-2020-8558). The
 * host's own connections to 127.0.0.1:PORT leave through output, and their replies
 * reach prerouting addressed to the bridge (un-NATed after this chain): untouched.
 * The portmap plugin makes the chain with its DNAT chains (ruleset/portmap.h).
 */
#ifndef NETCTL_RULESET_LOOPBACK_H
#define NETCTL_RULESET_LOOPBACK_H

#include <stddef.h>

#include "nft/batch.h"
#include "nft/conn.h"

#include "ruleset/names.h"
#include "util/err.h"
#define NFT_LO_RULES 4

/** nft_lo_build() - the chain (NLM_F_CREATE), flushed and refilled: idempotent. */
void nft_lo_build(struct nft_batch *b);

/**
 * nft_lo_check() - does chain loopback-only hold its rules? 0, or -ENOENT with what is
 * missing in @err (a flushed table), or -errno.
 */
int nft_lo_check(struct nft_conn *c, struct err *err);

#endif
