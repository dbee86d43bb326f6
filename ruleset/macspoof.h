/* SPDX-License-Identifier: Apache-2.0 */
/*
 * macspoofchk for the bridge plugin. Frames entering a bridge from a container's host
 * veth must carry that container's MAC as source. This has to happen at L2, before
 * the bridge forwards the frame, which only the bridge family sees, so it lives in
 * its own table (the one exception to "only table inet netctl"):
 *
 *   table bridge netctl
 *     set mac-ports  ifname               host veths checked, comment = container ID
 *     set mac-ok     ifname . ether_addr  the MAC each may send from, same comment
 *     chain macspoof hook prerouting priority -300:
 *       iifname @mac-ports iifname . ether saddr != @mac-ok counter drop
 *
 * The chain and its rule are made once; a container ADD/DEL changes two elements.
 */
#ifndef NETCTL_RULESET_MACSPOOF_H
#define NETCTL_RULESET_MACSPOOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct nft_conn;

/**
 * nft_macspoof_attach() - only @mac may leave container @container_id through host
 * veth @port. Return 0, or -errno with the failing object and the kernel's words in
 * @err.
 */
int nft_macspoof_attach(struct nft_conn *c, const char *port, const uint8_t mac[6],
			const char *container_id, struct err *err);
/**
 * nft_macspoof_check() - 1 when @port is checked and @mac is the one it may send
 * from, 0 when not, -errno when the kernel cannot be asked.
 */
int nft_macspoof_check(struct nft_conn *c, const char *port, const uint8_t mac[6], struct err *err);
/** nft_macspoof_detach() - drop @container_id's elements; none there is success. */
int nft_macspoof_detach(struct nft_conn *c, const char *container_id, struct err *err);
/**
 * nft_macspoof_gc() - drop every element whose container ID @keep does not want kept.
 */
int nft_macspoof_gc(struct nft_conn *c, bool (*keep)(const char *id, void *data), void *data,
		    struct err *err);
#endif
