// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "netctl/cli/cliparse.h"
#include "util/hash.h"
#include "util/ip.h"
#include "util/str.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

int cli_parse_rate(const char *s, uint64_t *bits)
{
	static const struct { const char *unit; uint64_t mul; } units[] = {
		{ "", 1 }, { "bit", 1 }, { "kbit", 1000 }, { "mbit", 1000000 },
		{ "gbit", 1000000000ULL }, { "tbit", 1000000000000ULL },
		{ "bps", 8 }, { "kbps", 8000 }, { "mbps", 8000000 }, { "gbps", 8000000000ULL },
		{ "tbps", 8000000000000ULL },
	};
	unsigned long long v;
	char *end;
	size_t i;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].mul || v * units[i].mul > INT64_MAX)
			return -EINVAL;
		*bits = v * units[i].mul;
		return 0;
	}
	return -EINVAL;
}

static int parse_port(const char *s, size_t len)
{
	char buf[8];
	char *end;
	long v;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return -EINVAL;
	v = strtol(buf, &end, 10);
	return *end || v < 1 || v > 65535 ? -EINVAL : (int)v;
}

/* "P" or "P1-P2" (P1 <= P2) into [*lo, *hi]; 0 or -EINVAL. */
static int parse_port_range(const char *s, size_t len, int *lo, int *hi)
{
	const char *dash = memchr(s, '-', len);

	if (!dash) {
		*lo = *hi = parse_port(s, len);
		return *lo < 0 ? -EINVAL : 0;
	}
	*lo = parse_port(s, (size_t)(dash - s));
	*hi = parse_port(dash + 1, len - (size_t)(dash - s) - 1);
	return *lo < 0 || *hi < 0 || *lo > *hi ? -EINVAL : 0;
}

/* One entry per port of the ranges [hlo, hlo + count) -> [clo, ...). */
static json_t *publish_entries(int hlo, int clo, int count, const char *proto,
			       const char *host_ip)
{
	json_t *arr = json_array(), *e;
	int i;

	for (i = 0; arr && i < count; i++) {
		e = json_pack("{s:i,s:i,s:s}", "hostPort", hlo + i, "containerPort", clo + i,
			      "protocol", proto);
		if (e && host_ip[0])
			json_object_set_new(e, "hostIP", json_string(host_ip));
		if (!e || json_array_append_new(arr, e) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *cli_parse_publish(const char *s)
{
	char host_ip[IP_STR_MAX + 2] = "";
	const char *slash, *proto = "tcp", *ports, *colon, *end;
	struct ip_addr a;
	int hlo, hhi, clo, chi;

	if (!s)
		return NULL;
	slash = strchr(s, '/');
	end = slash ? slash : s + strlen(s);
	if (slash) {
		proto = slash + 1;
		if (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp"))
			return NULL;
	}
	/* HOSTIP:HP:CP (an IPv6 host IP in brackets) or HP:CP */
	colon = memrchr(s, ':', (size_t)(end - s));
	if (!colon)
		return NULL;
	ports = s;
	{
		const char *c2 = memrchr(s, ':', (size_t)(colon - s));

		if (c2) {
			size_t ilen = (size_t)(c2 - s);

			if (ilen >= 2 && s[0] == '[' && s[ilen - 1] == ']')
				s++, ilen -= 2;
			if (!ilen || ilen >= sizeof(host_ip))
				return NULL;
			memcpy(host_ip, s, ilen);
			host_ip[ilen] = '\0';
			if (ip_addr_parse(host_ip, &a) < 0)
				return NULL;
			ports = c2 + 1;
		}
	}
	if (parse_port_range(ports, (size_t)(colon - ports), &hlo, &hhi) < 0 ||
	    parse_port_range(colon + 1, (size_t)(end - colon - 1), &clo, &chi) < 0)
		return NULL;
	/* As Docker: a host range maps onto a container range of the same length. */
	if (hhi - hlo != chi - clo || hhi - hlo + 1 > CLI_PUBLISH_MAX)
		return NULL;
	return publish_entries(hlo, clo, hhi - hlo + 1, proto, host_ip);
}

int cli_parse_ip(const char *s)
{
	struct ip_prefix p;
	struct ip_addr a;

	if (!s)
		return -EINVAL;
	if (strchr(s, '/'))
		return ip_prefix_parse(s, &p) < 0 ? -EINVAL : 0;
	return ip_addr_parse(s, &a) < 0 ? -EINVAL : 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int cli_container_resolve(const char *arg, const char *netnsdir, bool must_exist,
			  struct cli_container *c)
{
	char cwd[PATH_MAX];
	struct statfs sfs;
	int r;

	memset(c, 0, sizeof(*c));
	if (!arg || !arg[0])
		return -EINVAL;
	if (all_digits(arg)) {
		if (strlen(arg) > 10)
			return -EINVAL;
		r = str_printf(c->netns, sizeof(c->netns), "/proc/%s/ns/net", arg);
	} else if (arg[0] == '/') {
		r = str_copy(c->netns, sizeof(c->netns), arg);
	} else if (strchr(arg, '/')) {
		r = getcwd(cwd, sizeof(cwd)) ? str_printf(c->netns, sizeof(c->netns), "%s/%s",
							  cwd, arg) : -errno;
	} else {
		if (!name_is_safe(arg, 253))
			return -EINVAL;
		r = str_printf(c->netns, sizeof(c->netns), "%s/%s", netnsdir, arg);
		if (r == 0)
			r = str_copy(c->name, sizeof(c->name), arg);
	}
	if (r < 0)
		return r;
	str_printf(c->id, sizeof(c->id), "netctl-%016" PRIx64,
		   hash64(HASH64_INIT, c->netns, strlen(c->netns)));
	if (!must_exist)
		return 0;
	if (statfs(c->netns, &sfs) < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	return sfs.f_type == NSFS_MAGIC ? 0 : -ENOTTY;
}
