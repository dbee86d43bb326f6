// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: a conflist through netctl's loader, then every request config the
 * chain would derive from it, and the result conversion on the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/core/chain.h"
#include "netctl/core/conflist.h"
#include "netctl/core/netconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chain_attachment valid[] = { { "c1", "eth0" } };
	json_t *caps = json_pack("{s:[], s:{s:i}}", "portMappings", "bandwidth", "ingressRate",
				 1);
	struct err err = { 0 };
	struct conflist cl;
	char *text;
	json_t *c;
	int i;

	if (conflist_parse((const char *)data, size, &cl, &err) == 0) {
		struct net_info ni;

		netconf_info(&cl, &ni);	/* what ls/inspect/rm/create read of any net.d file */
		for (i = 0; i < cl.n_plugins; i++) {
			json_decref(chain_plugin_conf(&cl, i, caps, caps));
			json_decref(chain_gc_conf(&cl, i, valid, 1));
			json_decref(chain_status_conf(&cl, i));
		}
		conflist_free(&cl);
	}
	text = strndup((const char *)data, size);
	if (text) {
		memset(&err, 0, sizeof(err));
		c = chain_result_convert(text, CNI_V_0_4_0, &err);
		json_decref(c);
		free(text);
	}
	json_decref(caps);
	return 0;
}
