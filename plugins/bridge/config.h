/* SPDX-License-Identifier: Apache-2.0 */
/* The bridge plugin's configuration: the reference's keys, plus "icc". */
#ifndef NETCTL_PLUGINS_BRIDGE_CONFIG_H
#define NETCTL_PLUGINS_BRIDGE_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "cni/plugin.h"

struct br_conf {
	char bridge[IFNAMSIZ];		/* "bridge", default "cni0" as the reference */
	bool is_gw, is_default_gw, force_address;
	bool hairpin, promisc, enable_dad;
	bool ipv6_link_local;		/* keep IPv6 on an IPv4-only container interface */
	bool disable_container_iface, port_isolation;
	bool icc;			/* false: ports isolated, peers routed by the host */
	bool ip_masq;			/* through ruleset/masq.h (table inet netctl) */
	bool routed;			/* "gatewayMode": "routed": with ipMasq, outside
					 * hosts reach every port (ruleset/inbound.h) */
	bool macspoofchk;		/* through ruleset/macspoof.h (table bridge netctl) */
	bool spoofchk;			/* MAC, IP, ARP, NDP binding (ruleset/spoofchk.h);
					 * default on with icc false; without IPAM it
					 * is macspoofchk */
	unsigned mtu;			/* 0 = kernel default */
	bool has_mac;
	uint8_t mac[6];			/* container interface MAC (runtimeConfig/args) */
	const char *ipam_type;		/* NULL or "" = layer 2 only */
	unsigned vlan;			/* 0 = none; else the port's PVID, untagged */
	bool preserve_default_vlan;	/* keep VLAN 1 on the port */
	int n_trunk;
	uint16_t trunk[4094];		/* vlanTrunk ids, sorted, unique */
};

/**
 * br_conf_parse() - read @ctx->conf's plugin keys into @c. Unsupported features
 * (a gateway on a VLAN) are code 2 errors that
 * name the key, never silent no-ops. Inconsistent keys are code 7. Without @strict
 * (DEL, GC) those are not refused: there is something to clean up either way.
 */
int br_conf_parse(struct cni_ctx *ctx, struct br_conf *c, bool strict);

#endif
