/* SPDX-License-Identifier: Apache-2.0 */
/* The portmap plugin's configuration: the reference plugin's keys and runtimeConfig. */
#ifndef NETCTL_PLUGINS_PORTMAP_CONFIG_H
#define NETCTL_PLUGINS_PORTMAP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/plugin.h"
#include "ruleset/portmap.h"

#define PM_MAX_ENTRIES 1024	/* a published range is one entry per port */

/* One entry of runtimeConfig.portMappings. */
struct pm_entry {
	struct ip_addr host_ip;	/* family 0: any address */
	int only_family;	/* hostIP "0.0.0.0" / "::": any address of that family */
	uint8_t proto;
	uint16_t host_port, cont_port;
};

struct pm_config {
	bool snat;			/* default true (the reference's) */
	bool has_runtime;		/* runtimeConfig.portMappings was given */
	struct pm_entry entries[PM_MAX_ENTRIES];
	size_t n_entries;
	/* From prevResult: the first address of each family and its prefix. */
	struct ip_prefix cont4, cont6;
	const char *host_if;		/* first host-side interface: route_localnet */
};

/**
 * pm_config_load() - read @ctx's config, runtimeConfig and prevResult into @c.
 * @strict: ADD and CHECK refuse bad input; DEL takes what it can (it must clean up).
 */
int pm_config_load(struct cni_ctx *ctx, bool strict, struct pm_config *c);

/**
 * pm_config_maps() - the (mapping, container address) pairs of @c into @out (room
 * @max); return how many.
 */
size_t pm_config_maps(const struct pm_config *c, struct nft_pm_map *out, size_t max);

/** pm_entry_parse() - one portMappings entry (pure; for tests). */
int pm_entry_parse(json_t *v, size_t index, struct pm_entry *e, struct err *err);

#endif
