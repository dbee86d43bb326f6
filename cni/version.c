// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "cni/version.h"

static const char *const version_names[] = {
	[CNI_V_0_3_0] = "0.3.0", [CNI_V_0_3_1] = "0.3.1", [CNI_V_0_4_0] = "0.4.0",
	[CNI_V_1_0_0] = "1.0.0", [CNI_V_1_1_0] = "1.1.0",
};

enum cni_version cni_version_parse(const char *s)
{
	int v;

	for (v = CNI_V_0_3_0; s && v <= CNI_V_1_1_0; v++)
		if (strcmp(s, version_names[v]) == 0)
			return (enum cni_version)v;
	return CNI_V_UNKNOWN;
}

const char *cni_version_str(enum cni_version v)
{
	return v >= CNI_V_0_3_0 && v <= CNI_V_1_1_0 ? version_names[v] : "";
}
