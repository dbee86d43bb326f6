// SPDX-License-Identifier: Apache-2.0
/*
 * Sysctl names into paths below /proc/sys. The reference turns every dot into a slash,
 * cleans the path and insists on the net/ prefix; a ".." that cleans to inside net/
 * passes there. Here a name is split into components first, each checked alone, so
 * no spelling of "..", "." or an empty component gets through, and an interface name
 * with a dot (eth0.100) keeps its dot.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plugins/tuning/tuning.h"

#define NET_ONLY "only the network namespace's net.* sysctls can be set"

static int refuse(struct err *err, const char *what, const char *key)
{
	return err_detail(err, -EINVAL, "sysctl \"%.300s\": %s", key, what);
}

/* Append component @comp (len @len) to @out at *@off, '/' first unless it is the first. */
static int append(char *out, size_t n, size_t *off, const char *comp, size_t len)
{
	if (*off + (*off ? 1 : 0) + len >= n)
		return -ENAMETOOLONG;
	if (*off)
		out[(*off)++] = '/';
	memcpy(out + *off, comp, len);
	*off += len;
	out[*off] = '\0';
	return 0;
}

/* One component: the alternative separator stands for a dot; IFNAME replaced once. */
static int component(const char *s, size_t len, char sep, const char *ifname,
		     bool *ifname_used, char *buf, size_t bn, size_t *outlen)
{
	const char *at;
	size_t i, k = 0;

	for (i = 0; i < len; i++) {
		if (k + 1 >= bn)
			return -ENAMETOOLONG;
		buf[k++] = (sep == '.' && s[i] == '/') ? '.' : s[i];
	}
	buf[k] = '\0';
	at = ifname && !*ifname_used ? strstr(buf, "IFNAME") : NULL;
	if (at) {
		size_t pre = (size_t)(at - buf), il = strlen(ifname);
		char tail[TU_PATH_MAX];

		if (k - 6 + il >= bn)
			return -ENAMETOOLONG;
		snprintf(tail, sizeof(tail), "%s", at + 6);
		snprintf(buf + pre, bn - pre, "%s%s", ifname, tail);
		k = strlen(buf);
		*ifname_used = true;
	}
	*outlen = k;
	return 0;
}

int tu_sysctl_path(const char *key, const char *ifname, char *out, size_t n, struct err *err)
{
	size_t klen = strlen(key), off = 0, len, clen;
	const char *p = key, *end, *first = strpbrk(key, "./");
	char sep = first && *first == '/' ? '/' : '.', comp[TU_PATH_MAX];
	bool ifname_used = false;
	int count = 0, r;

	out[0] = '\0';
	if (!klen || klen >= TU_PATH_MAX)
		return refuse(err, "the name must be 1-255 bytes", key);
	for (;;) {
		end = strchr(p, sep);
		len = end ? (size_t)(end - p) : strlen(p);
		r = component(p, len, sep, ifname, &ifname_used, comp, sizeof(comp), &clen);
		if (r < 0 || append(out, n, &off, comp, clen) < 0)
			return refuse(err, "the path is too long", key);
		if (!clen || !strcmp(comp, ".") || !strcmp(comp, ".."))
			return refuse(err, "empty, \".\" and \"..\" parts are not allowed",
				      key);
		if (!count++ && strcmp(comp, "net"))
			return refuse(err, NET_ONLY, key);
		if (!end)
			break;
		p = end + 1;
	}
	if (count < 2)
		return refuse(err, NET_ONLY, key);
	return 0;
}
