// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "netctl/core/caps.h"

#define BIT(c) (1ULL << (c))

struct caps_set caps_default(void)
{
	/*
	 * containers.conf's default_capabilities (podman): moby's set without NET_RAW (raw
	 * sockets: forged frames, ARP and NDP), MKNOD and AUDIT_WRITE.
	 */
	struct caps_set s = {
		.mask = BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |
			BIT(CAP_FOWNER) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |
			BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SYS_CHROOT) |
			BIT(CAP_KILL),
	};

	/*
	 * The kernel refuses to exec a file whose capabilities (ping's cap_net_raw=ep) are
	 * outside the bounding set; inside it, no_new_privs runs the file without them.
	 */
	s.bound = s.mask | BIT(CAP_NET_RAW);
	return s;
}

int caps_adjust(struct caps_set *set, const char *name, bool add)
{
	char buf[64];
	cap_value_t v;

	if (strcasecmp(name, "ALL") == 0) {
		int bits = cap_max_bits();

		set->mask = add ? (bits >= 64 ? ~0ULL : BIT(bits) - 1) : 0;
		set->bound = set->mask;
		return 0;
	}
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	if (strlen(name) + 5 > sizeof(buf))
		return -EINVAL;
	strcpy(buf, "cap_");
	for (size_t i = 0; name[i]; i++)
		buf[4 + i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	buf[4 + strlen(name)] = '\0';
	if (cap_from_name(buf, &v) < 0 || v < 0 || v >= cap_max_bits())
		return -EINVAL;
	if (add) {
		set->mask |= BIT(v);
		set->bound |= BIT(v);
	} else {
		set->mask &= ~BIT(v);
		set->bound &= ~BIT(v);
	}
	return 0;
}

int caps_apply(const struct caps_set *set)
{
	cap_t caps = NULL;
	int last = (int)cap_max_bits() - 1, r = 0;
	cap_value_t v;

	/* The bounding set first, while we still hold CAP_SETPCAP. */
	for (v = 0; v <= last; v++)
		if (!((set->mask | set->bound) & BIT(v)) && cap_drop_bound(v) < 0 &&
		    errno != EINVAL)
			return -errno;
	caps = cap_init();
	if (!caps)
		return -errno;
	for (v = 0; v <= last; v++) {
		if (!(set->mask & BIT(v)))
			continue;
		if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET) < 0) {
			r = -errno;
			goto out;
		}
	}
	if (cap_set_proc(caps) < 0) {
		r = -errno;
		goto out;
	}
	/* Ambient caps carry the set across exec; absent ones are simply not raised. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		r = -errno;
		goto out;
	}
	for (v = 0; v <= last; v++)
		if ((set->mask & BIT(v)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0) {
			r = -errno;
			goto out;
		}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
out:
	cap_free(caps);
	return r;
}
