/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_PLUGINS_FIREWALL_FIREWALL_H
#define NETCTL_PLUGINS_FIREWALL_FIREWALL_H

#include "cni/plugin.h"

extern const struct cni_plugin_ops fw_ops;

int fw_add(struct cni_ctx *ctx);
int fw_del(struct cni_ctx *ctx);
int fw_check(struct cni_ctx *ctx);
int fw_gc(struct cni_ctx *ctx);

#endif
