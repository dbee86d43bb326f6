// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: a bandwidth plugin's stdin (static keys, runtimeConfig.bandwidth,
 * subnet lists) through the plugin's loader, then every accepted direction through the
 * TBF sizing and every subnet through the u32 key builder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netlib/tc.h"
#include "plugins/bandwidth/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cni_ctx ctx;
	static struct bw_config c;
	struct netlib_u32_key keys[4];
	struct bw_shape s;
	size_t i;
	int k;

	memset(&ctx, 0, sizeof(ctx));
	if (cni_conf_parse((const char *)data, size, true, &ctx.conf, &ctx.err) < 0)
		return 0;
	if (bw_config_load(&ctx, &c) == 0) {
		bw_shape_compute(&c.ingress, 1500, &s);
		if (c.ingress.rate && (s.tbf.burst < 3028 || s.tbf.limit < s.tbf.burst))
			abort();
		bw_shape_compute(&c.egress, 9000, &s);
		for (i = 0; i < c.n_subnets; i++) {
			k = netlib_u32_prefix_keys(&c.subnets[i], i % 2, keys);
			if (k < 1 || k > 4)
				abort();
		}
	}
	cni_conf_free(&ctx.conf);
	return 0;
}
