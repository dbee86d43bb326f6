// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: a portmap plugin's stdin (config, runtimeConfig.portMappings, options,
 * prevResult) through the plugin's loader, then every mapping through the key, data
 * and text builders of ruleset/portmap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset/portmap.h"
#include "plugins/portmap/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cni_ctx ctx;
	static struct pm_config c;
	static struct nft_pm_map maps[2 * PM_MAX_ENTRIES];
	uint8_t key[NFT_PM_KEY_MAX], d[NFT_PM_DATA_MAX];
	struct cni_result *prev = NULL;
	char text[128];
	size_t n, i;

	memset(&ctx, 0, sizeof(ctx));
	if (cni_conf_parse((const char *)data, size, true, &ctx.conf, &ctx.err) < 0)
		return 0;
	if (ctx.conf.prev_result) {
		prev = cni_result_new();
		if (prev && cni_result_from_json(ctx.conf.prev_result, ctx.conf.version, prev,
						 &ctx.err) == 0)
			ctx.prev = prev;
	}
	if (pm_config_load(&ctx, true, &c) == 0) {
		n = pm_config_maps(&c, maps, sizeof(maps) / sizeof(maps[0]));
		for (i = 0; i < n; i++) {
			nft_pm_key(&maps[i], key);
			nft_pm_data(&maps[i], d);
			nft_pm_pub_key(&maps[i], key);
			nft_pm_format(&maps[i], text, sizeof(text));
			(void)nft_pm_map_name(&maps[i]);
		}
	}
	memset(&ctx.err, 0, sizeof(ctx.err));
	pm_config_load(&ctx, false, &c);	/* DEL's lenient read */
	free(prev);
	cni_conf_free(&ctx.conf);
	return 0;
}
