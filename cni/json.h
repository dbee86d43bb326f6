/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys read as the reference reads them. The reference plugins and libcni decode their
 * input (the network config, runtimeConfig, prevResult, ipam, args) into Go structs
 * with encoding/json, which matches a JSON key to a struct field by exact name, else
 * case-insensitively (Unicode simple folding; for field names, which are ASCII, that is
 * ASCII case plus the Kelvin sign for k and the long s for s). When an object holds the
 * same field twice under different spellings, each later key overwrites the earlier
 * one: the last in document order wins. So "HostPort", "hostport" and "hostPort" all
 * mean hostPort, as go-cni sends them.
 *
 * Map-typed values (capabilities, sysctl, CAP_ARGS) keep exact keys: use
 * json_object_get() for those, and for our own files.
 */
#ifndef NETCTL_CNI_JSON_H
#define NETCTL_CNI_JSON_H

#include <stdbool.h>
#include <jansson.h>

/**
 * cni_json_key_matches() - would Go's encoding/json decode the JSON key @key into a
 * struct field whose JSON name is @name (ASCII)? Exact, or equal under folding.
 */
bool cni_json_key_matches(const char *name, const char *key);

/**
 * cni_json_get() - the value of the field @name of the object @obj as Go decodes it:
 * the last key (in document order) that matches @name. NULL when @obj is not an
 * object or nothing matches. Borrowed reference, like json_object_get().
 */
json_t *cni_json_get(const json_t *obj, const char *name);

/**
 * cni_json_key() - the key under which cni_json_get() found @name (so an error can
 * quote the user's spelling), or NULL.
 */
const char *cni_json_key(const json_t *obj, const char *name);

#endif
