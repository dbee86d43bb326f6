/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capability set a `netctl run` process gets: podman's default (Docker's without
 * NET_RAW, MKNOD and AUDIT_WRITE), adjustable.
 */
#ifndef NETCTL_CAPS_H
#define NETCTL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

struct caps_set {
	uint64_t mask;	/* bit N = capability N: effective, permitted, inheritable, ambient */
	uint64_t bound;	/* the bounding set: @mask, and NET_RAW unless dropped by name */
};

/**
 * caps_default() - podman's default set (CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL,
 * NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT). NET_RAW stays in
 * the bounding set only: a binary with a cap_net_raw file capability (Debian's ping)
 * can then still be executed, and no_new_privs runs it without the capability.
 */
struct caps_set caps_default(void);

/**
 * caps_adjust() - apply "--cap-add NAME" (@add true) or "--cap-drop NAME": NAME is
 * "ALL" or a capability name with or without "CAP_", any case. Both sets change.
 * Return: 0 or -EINVAL for an unknown name.
 */
int caps_adjust(struct caps_set *set, const char *name, bool add);

/**
 * caps_apply() - in the process about to exec: keep exactly @set->mask in the
 * permitted, effective, inheritable and ambient sets (so it survives exec for a
 * non-root target too), @set->bound in the bounding set, and set no_new_privs (so
 * nothing gains a capability by exec). Return 0 or -errno.
 */
int caps_apply(const struct caps_set *set);

#endif
