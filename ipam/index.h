/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attachment index: <dataDir>/<network>/.netctl-attachments/<16 hex>, one small
 * file per (containerID, ifname) listing the addresses it holds, so ADD and DEL find
 * an attachment's addresses without reading every reservation file (the reference's
 * way, O(containers) per call).
 *
 * The reservation files stay the truth; the index is a hint. Every address it names
 * is checked against its reservation file before use, and a missing or broken index
 * means "scan", so a store written by the reference plugins (which neither read nor
 * write the index) still works both ways. Its content never equals a reservation
 * file's, so the reference's scans never take it for one.
 */
#ifndef NETCTL_IPAM_INDEX_H
#define NETCTL_IPAM_INDEX_H

#include <stdbool.h>

#include "ipam/store.h"

#define IPAM_INDEX_DIR ".netctl-attachments"
#define IPAM_INDEX_MAX_ADDRS 16

/** ipam_reserved_for() - does @a's reservation file name exactly (@id, @ifname)? */
bool ipam_reserved_for(struct ipam_store *s, const struct ip_addr *a, const char *id,
		       const char *ifname);

/**
 * ipam_index_get() - the addresses the index lists for (@id, @ifname), each checked:
 * only those whose reservation file still names this owner are returned.
 * Return: how many (0..@max), or -ENOENT when there is no usable index entry.
 */
int ipam_index_get(struct ipam_store *s, const char *id, const char *ifname,
		   struct ip_addr *addrs, int max);

/**
 * ipam_index_put() - record that (@id, @ifname) holds @addrs. Not fsynced: after a
 * crash a lost entry only costs a scan. Return 0 or -errno.
 */
int ipam_index_put(struct ipam_store *s, const char *id, const char *ifname,
		   const struct ip_addr *addrs, int n);

/** ipam_index_drop() - forget (@id, @ifname)'s entry; a missing one is fine. */
void ipam_index_drop(struct ipam_store *s, const char *id, const char *ifname);

/**
 * ipam_index_prune() - drop every entry whose owner @keep rejects (GC).
 * Return: how many were dropped, or -errno.
 */
int ipam_index_prune(struct ipam_store *s, bool (*keep)(const struct ipam_owner *o, void *data),
		     void *data);

#endif
