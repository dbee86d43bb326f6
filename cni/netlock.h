/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network lock: one flock per network, <statedir>/locks/<net>.lock (statedir:
 * $NETCTL_STATEDIR, default /var/lib/netctl), held by every step that reads a
 * network's shared state and rewrites it from what it read (its policy, group sets,
 * shared nft objects, a plugin's per-network file such as a hosts file). Plugins and
 * netctl take it alike; see doc/policy.md "Locks" for who holds it and the order.
 *
 * Lock order (never the reverse, so nothing deadlocks): gc's own lock, the network
 * list's lock (<confdir>/net.d/.lock, create/rm), then network locks (several only in name order,
 * `netctl gc`), then the result-cache lock, then host-local's store lock.
 *
 * netctl takes a network's lock with @share before it runs the plugin chain: the
 * plugins it execs inherit the fd (named in $NETCTL_NET_LOCK_FDS) and find the lock
 * already theirs instead of waiting for their own parent. A plugin run by any other
 * runtime takes the lock itself. Taking a lock this process already holds only
 * counts a reference. A plugin that starts a daemon must not let it inherit the
 * descriptors netctl passed down (dnsname closes them: close_range), or the daemon
 * would hold the lock for good. A wait is bounded ($NETCTL_LOCK_TIMEOUT seconds, default 60):
 * then the error is CNI code 11 "try again later" and names the holder (its PID and
 * command line, written into the lock file).
 */
#ifndef NETCTL_CNI_NETLOCK_H
#define NETCTL_CNI_NETLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/error.h"

#define CNI_NETLOCK_FDS_ENV "NETCTL_NET_LOCK_FDS"
#define CNI_NETLOCK_TIMEOUT_ENV "NETCTL_LOCK_TIMEOUT"
#define CNI_NETLOCK_TIMEOUT_MS 60000
#define CNI_NETLOCK_STATEDIR "/var/lib/netctl"

/** cni_net_lock_path() - "<statedir>/locks/<net>.lock"; -EINVAL for an unsafe @net. */
int cni_net_lock_path(const char *net, char *buf, size_t n);

/**
 * cni_net_lock() - take network @net's lock (see above), waiting at most the timeout.
 * @what: who is asking, written for waiters to read ("firewall ADD <id>"); NULL: the
 * command line. @share: programs exec'd while it is held hold it with us (netctl's
 * chain). Return: a handle >= 0 for cni_net_unlock(), or -errno with @err set:
 * -EAGAIN and code 11 on timeout (naming the holder), code 5 otherwise.
 */
int cni_net_lock(const char *net, const char *what, bool share, struct err *err);

/**
 * cni_net_lock_remove() - unlink network @net's lock file, while holding the lock
 * (`netctl rm`): a waiter that then gets the unlinked file opens the new one instead.
 */
void cni_net_lock_remove(const char *net);

/** cni_net_unlock() - drop one reference taken by cni_net_lock(); < 0 is ignored. */
void cni_net_unlock(int handle);

#endif
