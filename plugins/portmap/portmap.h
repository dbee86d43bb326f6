/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_PLUGINS_PORTMAP_PORTMAP_H
#define NETCTL_PLUGINS_PORTMAP_PORTMAP_H

#include "cni/plugin.h"

extern const struct cni_plugin_ops pm_ops;

int pm_add(struct cni_ctx *ctx);
int pm_del(struct cni_ctx *ctx);
int pm_check(struct cni_ctx *ctx);
int pm_gc(struct cni_ctx *ctx);
int pm_status(struct cni_ctx *ctx);

#endif
