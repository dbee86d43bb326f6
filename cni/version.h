/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_CNI_VERSION_H
#define NETCTL_CNI_VERSION_H

#include <stdbool.h>

/* The spec versions we speak, oldest first, so they compare with < and >. */
enum cni_version {
	CNI_V_UNKNOWN = 0,
	CNI_V_0_3_0,
	CNI_V_0_3_1,
	CNI_V_0_4_0,
	CNI_V_1_0_0,
	CNI_V_1_1_0,
};
#define CNI_V_LATEST CNI_V_1_1_0

/** cni_version_parse() - "1.0.0" → CNI_V_1_0_0; CNI_V_UNKNOWN for anything else. */
enum cni_version cni_version_parse(const char *s);
/** cni_version_str() - the spec string of @v ("1.1.0"). */
const char *cni_version_str(enum cni_version v);
/** cni_version_has_check() - CHECK exists from 0.4.0 on. */
static inline bool cni_version_has_check(enum cni_version v) { return v >= CNI_V_0_4_0; }
/** cni_version_has_gc() - GC and STATUS exist from 1.1.0 on. */
static inline bool cni_version_has_gc(enum cni_version v) { return v >= CNI_V_1_1_0; }

#endif
