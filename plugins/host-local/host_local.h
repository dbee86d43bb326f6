/* SPDX-License-Identifier: Apache-2.0 */
/* The host-local IPAM plugin's command handlers (cni/plugin.h skeleton). */
#ifndef NETCTL_HOST_LOCAL_H
#define NETCTL_HOST_LOCAL_H

#include "cni/plugin.h"

int hl_add(struct cni_ctx *ctx);
int hl_del(struct cni_ctx *ctx);
int hl_check(struct cni_ctx *ctx);
int hl_gc(struct cni_ctx *ctx);
int hl_status(struct cni_ctx *ctx);

extern const struct cni_plugin_ops hl_ops;

#endif
