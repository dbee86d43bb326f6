/* SPDX-License-Identifier: Apache-2.0 */
/* Named network namespaces, iproute2-compatible: a bind mount at <rundir>/netns/NAME. */
#ifndef NETCTL_NETNS_H
#define NETCTL_NETNS_H

#include <stddef.h>

/**
 * netns_create() - make a new network namespace and pin it at @dir/@name (the
 * directory becomes a shared mount point, as `ip netns add` does, so the pin is
 * visible to other mount namespaces). Loopback is left down: the loopback plugin's job.
 * Return: 0, -EEXIST if the name is taken, -errno.
 */
int netns_create(const char *dir, const char *name);

/** netns_delete() - unpin and remove @dir/@name; a missing one is fine. */
int netns_delete(const char *dir, const char *name);

/**
 * netns_kill_all() - SIGKILL every process whose network namespace is the one pinned
 * at @path, until none is left (a process forking as it dies is caught by the next
 * pass). For a namespace that belongs to one run: what CMD left behind (a daemon, a
 * background job) must not outlive it. Return: how many were killed, or -errno.
 */
int netns_kill_all(const char *path);

/** netns_path() - "@dir/@name" into @out. */
int netns_path(const char *dir, const char *name, char *out, size_t n);

#endif
