/* SPDX-License-Identifier: Apache-2.0 */
/* The loopback plugin: `lo` up in the container's netns, as the reference does. */
#ifndef NETCTL_PLUGINS_LOOPBACK_H
#define NETCTL_PLUGINS_LOOPBACK_H

#include "cni/plugin.h"

extern const struct cni_plugin_ops lo_ops;

#endif
