/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ipMasq for the bridge plugin: a container's address goes into set masq-<net>
 * (masq6-<net> for IPv6); postrouting jumps to nat-<net> for those sources, which
 * masquerades everything not bound for the subnet or multicast. The first attach of
 * a network makes its chain and rule; later ones add one element.
 */
#ifndef NETCTL_RULESET_MASQ_H
#define NETCTL_RULESET_MASQ_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ip.h"
#include "util/err.h"

struct nft_conn;

/**
 * nft_masq_attach() - masquerade @addr (of @subnet) of container @container_id on @net.
 * Return 0, or -errno with the failing object and the kernel's words in @err.
 */
int nft_masq_attach(struct nft_conn *c, const char *net, const struct ip_prefix *subnet,
		    const struct ip_addr *addr, const char *container_id, struct err *err);

/**
 * nft_masq_detach() - remove @container_id's element for @addr (NULL: every element
 * of that container on @net). Missing table, set or element is success.
 */
int nft_masq_detach(struct nft_conn *c, const char *net, const struct ip_addr *addr,
		    const char *container_id, struct err *err);

/**
 * nft_masq_gc() - remove every element of @net's masquerade sets whose container ID
 * (the comment up to a space) @keep does not want kept; for the bridge plugin's GC.
 */
int nft_masq_gc(struct nft_conn *c, const char *net, bool (*keep)(const char *id, void *data),
		void *data, struct err *err);

#endif
