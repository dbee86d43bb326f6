/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reconciliation after crashes (`netctl gc`): make the kernel and the state files agree
 * with what is really attached, after kill -9 of `netctl run` or `netctl connect`, or
 * after someone flushed the ruleset. One function per step; the command calls them in
 * this order, under its own gc.lock (one gc at a time):
 *
 *  1. gc_dead_runs(): a run record whose process is gone (pid dead, or reused: the start
 *     time differs) has each of its networks detached, its netns pin and record removed;
 *  2. gc_orphan_pins(), gc_stale_tmp_files(): netns pins netctl-<id> without a record
 *     (none should exist), and temp files of writes cut short (NAME.tmp.PID, PID dead);
 *  3. gc_network(): a cached attachment whose netns is gone, or whose interface is gone
 *     from it (a disconnect killed half-way), is detached (DEL); then
 *  4. the chain's GC with the cache as the valid list (libcni's rule), under the cache's
 *     exclusive lock, so the plugins drop every reservation, veth, set element and qdisc
 *     of an attachment that never got cached (an ADD killed half-way) and an ADD in
 *     flight is waited for, not taken for a leak; gc_removed_dns() stops the DNS server
 *     of a network that is gone;
 *  5. gc_nft(): if an attachment's elements or its network's chains or rules are missing
 *     (a `nft flush ruleset`, a flushed table, a deleted element), the nft part is made
 *     again from the cache: a table whose chains lost their rules is deleted first, then
 *     every valid attachment is re-added to the plugins that own nft state and whose ADD
 *     is idempotent (firewall, portmap), and the bridge's ipMasq, macspoofchk and
 *     spoofchk elements are re-added (the bridge's own ADD would touch links) with the
 *     ruleset functions the bridge uses (ruleset/gc.h).
 *
 * Steps 3 and 4 hold the network's lock (cni/netlock.h), step 5 every network's, in
 * name order: no chain, policy apply or rm of a network runs while gc reads and fixes it.
 *
 * Nothing here prints: each action (done or failed) is one audit line (op=gc) and one
 * call of the caller's @report with the same sentence. A step goes on after a failed
 * action; the caller counts failures from the reports.
 */
#ifndef NETCTL_GC_H
#define NETCTL_GC_H

#include <stdbool.h>

#include "netctl/core/paths.h"

/* One action of gc, as reported (borrowed: valid during the call). */
struct gc_event {
	bool failed;
	const char *net;	/* the network it concerns, or NULL */
	const char *container;	/* the container (or netns pin) it concerns, or NULL */
	const char *ifname;	/* the attachment's interface, or NULL */
	const char *text;	/* one line: "web: detached c1 (eth0): its netns ... is gone" */
};

struct gc_ctx {
	const struct netctl_paths *p;
	void (*report)(const struct gc_event *ev, void *data);	/* may be NULL */
	void *data;
};

/** gc_dead_runs() - step 1: undo every run whose process is gone. */
void gc_dead_runs(const struct gc_ctx *g);

/** gc_orphan_pins() - step 2: remove netns pins named like a run's without a record. */
void gc_orphan_pins(const struct gc_ctx *g);

/**
 * gc_stale_tmp_files() - step 2: remove temp files of atomic writes (util/file.c:
 * NAME.tmp.PID) whose writer died before its rename, in the run records, then in the
 * result cache.
 */
void gc_stale_tmp_files(const struct gc_ctx *g);

/** gc_network() - steps 3 and 4 for network @net, under its lock. */
void gc_network(const struct gc_ctx *g, const char *net);

/** gc_networks() - gc_network() for every network, in name order. */
void gc_networks(const struct gc_ctx *g);

/** gc_removed_dns() - step 4: stop the DNS server of each network that is gone. */
void gc_removed_dns(const struct gc_ctx *g);

/** gc_nft() - step 5: rebuild our nftables state from the cache where it was lost. */
void gc_nft(const struct gc_ctx *g);

#endif
