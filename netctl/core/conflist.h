/* SPDX-License-Identifier: Apache-2.0 */
/* A network configuration list (conflist), loaded and validated as libcni does. */
#ifndef NETCTL_CONFLIST_H
#define NETCTL_CONFLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "cni/error.h"
#include "cni/json.h"
#include "cni/version.h"

#define CONFLIST_MAX (1024 * 1024)	/* a file above 1 MiB is refused */
#define CONFLIST_MAX_PLUGINS 32

struct conflist_plugin {
	json_t *conf;			/* borrowed from conflist.root: the plugin object */
	const char *type;		/* a plain file name */
};

struct conflist {
	json_t *root;			/* owned: the list (a single .conf wrapped into one) */
	char *raw;			/* owned: the file's bytes, cached as "config" */
	size_t raw_len;
	const char *name;		/* validated with name_is_safe() */
	enum cni_version version;	/* chosen from cniVersion + cniVersions */
	bool disable_check;
	bool disable_gc;
	struct conflist_plugin plugins[CONFLIST_MAX_PLUGINS];
	int n_plugins;
};

/**
 * conflist_parse() - decode and validate a conflist (or a single plugin .conf, which
 * is wrapped into a one-plugin list as libcni's ConfListFromConf does). @text is
 * copied. Errors: code 6 bad JSON, code 1 no usable version, code 7 anything else.
 */
int conflist_parse(const char *text, size_t len, struct conflist *cl, struct err *err);

/** conflist_load() - conflist_parse() of the file at @path (at most CONFLIST_MAX). */
int conflist_load(const char *path, struct conflist *cl, struct err *err);

void conflist_free(struct conflist *cl);

/**
 * conflist_pick_version() - libcni's rule: the highest of "cniVersion" and the
 * "cniVersions" entries not above the newest version we speak; versions above it are
 * skipped. Return the version, or CNI_V_UNKNOWN with @err set.
 */
enum cni_version conflist_pick_version(json_t *root, struct err *err);

#endif
