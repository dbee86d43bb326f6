/* SPDX-License-Identifier: Apache-2.0 */
/* The capability set a `netctl run` process gets: Docker's default, adjustable. */
#ifndef NETCTL_CAPS_H
#define NETCTL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

struct caps_set {
	uint64_t mask;	/* bit N = capability N */
};

/** caps_default() - Docker's default set (CHOWN, DAC_OVERRIDE, … AUDIT_WRITE). */
struct caps_set caps_default(void);

/**
 * caps_adjust() - apply "--cap-add NAME" (@add true) or "--cap-drop NAME": NAME is
 * "ALL" or a capability name with or without "CAP_", any case.
 * Return: 0 or -EINVAL for an unknown name.
 */
int caps_adjust(struct caps_set *set, const char *name, bool add);

/**
 * caps_apply() - in the process about to exec: keep exactly @set in the bounding,
 * permitted, effective, inheritable and ambient sets (so it survives exec for a
 * non-root target too), and set no_new_privs. Return 0 or -errno.
 */
int caps_apply(const struct caps_set *set);

#endif
