/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dnsname: containers of one network find each other by name. Chained after bridge,
 * it keeps a hosts file per network (name, aliases and short ID -> addresses) and one
 * dnsmasq per network serving it on the gateway addresses (doc/dns.md).
 */
#ifndef NETCTL_PLUGINS_DNSNAME_DNSNAME_H
#define NETCTL_PLUGINS_DNSNAME_DNSNAME_H

#include "cni/plugin.h"

extern const struct cni_plugin_ops dn_ops;

#endif
