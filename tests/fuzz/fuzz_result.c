// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: a prevResult / plugin output. Whatever parses must print and parse back
 * to the same value in every version that can carry it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_result *r = cni_result_new(), *back = cni_result_new();
	struct err err = { 0 };
	json_t *j = json_loadb((const char *)data, size, 0, NULL);

	if (j && cni_result_from_json(j, CNI_V_1_1_0, r, &err) == 0) {
		json_t *out = cni_result_to_json(r, CNI_V_1_1_0);

		if (cni_result_from_json(out, CNI_V_UNKNOWN, back, &err) != 0 ||
		    memcmp(r, back, sizeof(*r)) != 0)
			abort();
		json_decref(out);
	}
	json_decref(j);
	free(r);
	free(back);
	return 0;
}
