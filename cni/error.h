/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI error result: util/err.h's object in the spec's JSON. Its codes are the spec's
 * well-known ones already; a code of 0 (never classified) goes out as 999 (internal).
 */
#ifndef NETCTL_CNI_ERROR_H
#define NETCTL_CNI_ERROR_H

#include <jansson.h>

#include "cni/version.h"
#include "util/err.h"

/** cni_err_to_json() - the spec's error object, in version @v's form. New reference. */
json_t *cni_err_to_json(const struct err *e, enum cni_version v);

/** cni_err_from_json() - parse a plugin's error output into @e. Return 0 or -EINVAL. */
int cni_err_from_json(const char *text, struct err *e);

#endif
