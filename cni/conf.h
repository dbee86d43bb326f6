/* SPDX-License-Identifier: Apache-2.0 */
/* A plugin's stdin: the network configuration the runtime derived for it. */
#ifndef NETCTL_CNI_CONF_H
#define NETCTL_CNI_CONF_H

#include <stdbool.h>
#include <jansson.h>

#include "cni/error.h"
#include "cni/json.h"
#include "cni/version.h"
#include "util/str.h"

#define CNI_STDIN_MAX (1024 * 1024)	/* a config above 1 MiB is refused */

struct cni_conf {
	json_t *root;			/* owned: the whole object as read */
	enum cni_version version;
	const char *version_str;	/* as written, for the VERSION answer */
	const char *name;		/* validated with name_is_safe() */
	const char *type;
	bool ip_masq;
	json_t *ipam;			/* borrowed from root, may be NULL */
	json_t *dns;			/* borrowed, may be NULL */
	json_t *prev_result;		/* borrowed, may be NULL */
	json_t *runtime_config;		/* borrowed, may be NULL */
	json_t *args;			/* borrowed, may be NULL */
	const char *raw;		/* the stdin text (for delegation), not owned */
	size_t raw_len;
};

/**
 * cni_conf_parse() - decode and validate the common keys of a plugin config.
 * @need_name: network name required (every command but VERSION).
 * Unknown keys are left for the plugin. Errors: code 6 for bad JSON, code 1 for an
 * unknown cniVersion, code 7 for a bad name or type.
 */
int cni_conf_parse(const char *text, size_t len, bool need_name, struct cni_conf *conf,
		   struct err *err);
void cni_conf_free(struct cni_conf *conf);

/*
 * Typed getters for plugin keys: absent keys leave *out as is and return 0 (so the
 * caller sets the default first); a key of the wrong type is code 7 naming the key.
 */
int cni_json_get_bool(json_t *obj, const char *key, bool *out, struct err *err);
int cni_json_get_str(json_t *obj, const char *key, const char **out, struct err *err);
int cni_json_get_uint(json_t *obj, const char *key, unsigned long long max,
		      unsigned long long *out, struct err *err);

#endif
