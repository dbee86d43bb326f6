/* SPDX-License-Identifier: Apache-2.0 */
/* The bridge plugin: a drop-in for the reference bridge, plus icc=false. */
#ifndef NETCTL_PLUGINS_BRIDGE_H
#define NETCTL_PLUGINS_BRIDGE_H

#include "cni/plugin.h"

extern const struct cni_plugin_ops br_ops;

#endif
