// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: a plugin's stdin (network configuration) through the common parser. */
#include <stdint.h>
#include <stdlib.h>

#include "cni/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_conf conf;
	struct err err = { 0 };
	unsigned long long u = 0;
	const char *s = NULL;
	bool b = false;

	if (cni_conf_parse((const char *)data, size, true, &conf, &err) == 0) {
		cni_json_get_uint(conf.root, "mtu", 65535, &u, &err);
		cni_json_get_str(conf.root, "bridge", &s, &err);
		cni_json_get_bool(conf.root, "isGateway", &b, &err);
		cni_conf_free(&conf);
	}
	return 0;
}
