/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bandwidth plugin's configuration (the reference plugin's keys) and the pure
 * arithmetic that turns a rate and a burst in bits into TBF parameters in bytes.
 */
#ifndef NETCTL_PLUGINS_BANDWIDTH_CONFIG_H
#define NETCTL_PLUGINS_BANDWIDTH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/plugin.h"
#include "netlib/tc.h"

#define BW_RATE_MIN 8000ULL				/* bits/s: 1000 bytes/s */
#define BW_RATE_MAX (NETLIB_TBF_RATE_MAX * 8)		/* bits/s: about 17.18 Gbit/s */
#define BW_BURST_MAX (8ULL * 512 * 1024 * 1024)		/* bits: 512 MiB */
#define BW_ETH_HLEN 14
#define BW_MAX_SUBNETS 32		/* TBF counts the Ethernet header, not the FCS */

/* One direction's limit as configured, in the reference's units. */
struct bw_limit {
	uint64_t rate;		/* bits per second, 0 = unlimited */
	uint64_t burst;		/* bits */
};

struct bw_config {
	struct bw_limit ingress;	/* to the container: TBF on the host veth */
	struct bw_limit egress;		/* from the container: TBF on the IFB */
	bool from_runtime;		/* the "bandwidth" capability gave the limits */
	/* unshapedSubnets or shapedSubnets (never both): remote prefixes */
	struct ip_prefix subnets[BW_MAX_SUBNETS];
	size_t n_subnets;
	bool subnets_shaped;		/* shapedSubnets: only these are shaped */
};

/* TBF parameters for one direction, and what was changed on the way. */
struct bw_shape {
	struct netlib_tbf tbf;
	uint32_t burst_asked;	/* bytes, as configured */
	bool burst_raised;	/* the configured burst was below a full frame */
};

/**
 * bw_config_load() - the limits of @ctx's config: the static keys, replaced as a
 * whole by runtimeConfig.bandwidth when the runtime passed one. Validates each
 * direction (bw_limit_check()) and the subnet lists (CIDRs, at most BW_MAX_SUBNETS,
 * not both). Errors are code 7 naming the key.
 */
int bw_config_load(struct cni_ctx *ctx, struct bw_config *c);

/**
 * bw_limit_check() - a direction is either unset (0/0) or a rate in
 * [BW_RATE_MIN, BW_RATE_MAX] with a burst in (0, BW_BURST_MAX] that the rate drains
 * within a minute. Pure. Return 0 or -EINVAL with a sentence in @err.
 */
int bw_limit_check(const struct bw_limit *l, struct err *err);

/** bw_shape_compute() - TBF parameters for @l on a link of @mtu bytes. Pure. */
void bw_shape_compute(const struct bw_limit *l, unsigned mtu, struct bw_shape *out);

#endif
