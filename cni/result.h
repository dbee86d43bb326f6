/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ADD result (spec section 5) as a typed value, parsed from and printed in any
 * version 0.3.0 … 1.1.0. Plugins build and edit a struct cni_result; the skeleton
 * prints it in the version the config asked for.
 */
#ifndef NETCTL_CNI_RESULT_H
#define NETCTL_CNI_RESULT_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <jansson.h>

#include "cni/error.h"
#include "cni/version.h"
#include "util/ip.h"

#define CNI_MAX_IFACES 16
#define CNI_MAX_IPS 32
#define CNI_MAX_ROUTES 64
#define CNI_MAX_DNS 16
#define CNI_DNS_STR 256

struct cni_iface {
	char name[IFNAMSIZ];
	char mac[32];			/* "" = absent */
	char sandbox[PATH_MAX];		/* "" = on the host */
	unsigned mtu;			/* 0 = absent (1.1.0 only) */
	char socket_path[PATH_MAX];	/* "" = absent (1.1.0 only) */
	char pci_id[64];		/* "" = absent (1.1.0 only) */
};

struct cni_ip {
	struct ip_prefix address;	/* host bits kept: "10.0.0.5/24" */
	bool has_gateway;
	struct ip_addr gateway;
	int interface;			/* index into interfaces, -1 = absent */
};

/*
 * scope: the parser sets -1 when the key is absent; cni_result_new() zeroes it, and 0 is
 * a real scope (universe) that 1.1.0 prints, so a builder adding a route sets scope = -1
 * unless it means one.
 */
struct cni_route {
	struct ip_prefix dst;
	bool has_gw;
	struct ip_addr gw;
	/* 1.1.0 only, 0 = absent (scope: -1 = absent) */
	unsigned mtu, advmss, priority, table;
	int scope;
};

struct cni_dns {
	char nameservers[CNI_MAX_DNS][CNI_DNS_STR];
	int n_nameservers;
	char domain[CNI_DNS_STR];
	char search[CNI_MAX_DNS][CNI_DNS_STR];
	int n_search;
	char options[CNI_MAX_DNS][CNI_DNS_STR];
	int n_options;
};

struct cni_result {
	struct cni_iface interfaces[CNI_MAX_IFACES];
	int n_interfaces;
	struct cni_ip ips[CNI_MAX_IPS];
	int n_ips;
	struct cni_route routes[CNI_MAX_ROUTES];
	int n_routes;
	struct cni_dns dns;
};

/** cni_result_new() - a zeroed, heap-allocated result (it is large). free() it. */
struct cni_result *cni_result_new(void);

/**
 * cni_result_from_json() - parse a result; its own "cniVersion" decides the version,
 * @v stands in when it has none (or ""). Validates addresses, interface indexes and
 * bounds. Error code 6 (decode) with the offending key and value in details
 * ("ips[1].address: \"10.0.0.300/24\""); on error @out is left zeroed.
 */
int cni_result_from_json(json_t *obj, enum cni_version v, struct cni_result *out,
			 struct err *err);

/**
 * cni_result_to_json() - the result as version @v prints it: "version" in ips for
 * 0.3.x/0.4.0, 1.1.0-only fields left out of older versions, no "dns" when it is empty
 * (as libcni >= 1.2 prints 1.x results). New reference.
 */
json_t *cni_result_to_json(const struct cni_result *r, enum cni_version v);

/** cni_result_add_iface() - append an interface, return its index or -ENOSPC. */
int cni_result_add_iface(struct cni_result *r, const char *name, const char *mac,
			 const char *sandbox);

#endif
