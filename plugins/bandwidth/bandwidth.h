/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_PLUGINS_BANDWIDTH_H
#define NETCTL_PLUGINS_BANDWIDTH_H

#include "cni/plugin.h"

extern const struct cni_plugin_ops bw_ops;

int bw_add(struct cni_ctx *ctx);
int bw_del(struct cni_ctx *ctx);
int bw_check(struct cni_ctx *ctx);
int bw_gc(struct cni_ctx *ctx);

#endif
