// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipam/index.h"
#include "ipam/range.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/str.h"

#define INDEX_MAGIC "netctl-attachment 1"
#define INDEX_FILE_MAX 2048

static void index_name(char *out, size_t n, const char *id, const char *ifname)
{
	uint64_t h = hash64(HASH64_INIT, id, strlen(id) + 1);

	h = hash64(h, ifname, strlen(ifname));
	snprintf(out, n, IPAM_INDEX_DIR "/%016llx", (unsigned long long)h);
}

bool ipam_reserved_for(struct ipam_store *s, const struct ip_addr *a, const char *id,
			 const char *ifname)
{
	char name[IP_STR_MAX], buf[IPAM_STORE_FILE_MAX + 1];
	_cleanup_close_ int fd = -1;
	struct ipam_owner o;
	const char *why;
	ssize_t n;

	ipam_addr_name(a, name, sizeof(name));
	fd = openat(s->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 || n > IPAM_STORE_FILE_MAX || ipam_owner_parse(buf, (size_t)n, &o, &why) < 0)
		return false;
	return !strcmp(o.id, id) && !strcmp(o.ifname, ifname);
}

/* Read an entry: "magic\nID\nIFNAME\nADDR\n...". @text is modified. */
static int index_parse(char *text, struct ipam_owner *o, struct ip_addr *addrs, int max)
{
	char *save = NULL, *line;
	int n = 0;

	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, INDEX_MAGIC))
		return -EINVAL;
	line = strtok_r(NULL, "\n", &save);
	if (!line || str_copy(o->id, sizeof(o->id), line) < 0)
		return -EINVAL;
	line = strtok_r(NULL, "\n", &save);
	if (!line || str_copy(o->ifname, sizeof(o->ifname), line) < 0)
		return -EINVAL;
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (n >= max || ip_addr_parse(line, &addrs[n]) < 0)
			return -EINVAL;
		n++;
	}
	return n;
}

static int index_read(struct ipam_store *s, const char *name, struct ipam_owner *o,
		      struct ip_addr *addrs, int max)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	int r;

	fd = openat(s->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fd_read_bounded(fd, INDEX_FILE_MAX, &text, NULL);
	if (r < 0)
		return r;
	return index_parse(text, o, addrs, max);
}

int ipam_index_get(struct ipam_store *s, const char *id, const char *ifname,
		   struct ip_addr *addrs, int max)
{
	struct ip_addr listed[IPAM_INDEX_MAX_ADDRS];
	struct ipam_owner o;
	char name[64];
	int n, i, got = 0;

	index_name(name, sizeof(name), id, ifname);
	n = index_read(s, name, &o, listed, IPAM_INDEX_MAX_ADDRS);
	/* Another attachment's entry under a colliding hash is no entry for this one. */
	if (n < 0 || strcmp(o.id, id) || strcmp(o.ifname, ifname))
		return -ENOENT;
	for (i = 0; i < n && got < max; i++)
		if (ipam_reserved_for(s, &listed[i], id, ifname))
			addrs[got++] = listed[i];
	return got;
}

int ipam_index_put(struct ipam_store *s, const char *id, const char *ifname,
		   const struct ip_addr *addrs, int n)
{
	char name[64], text[INDEX_FILE_MAX], a[IP_STR_MAX];
	_cleanup_close_ int fd = -1;
	size_t len;
	int i;

	if (n > IPAM_INDEX_MAX_ADDRS)
		return -E2BIG;
	len = (size_t)snprintf(text, sizeof(text), INDEX_MAGIC "\n%s\n%s\n", id, ifname);
	for (i = 0; i < n && len < sizeof(text); i++) {
		ip_addr_format(&addrs[i], a, sizeof(a));
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", a);
	}
	if (len >= sizeof(text))
		return -ENAMETOOLONG;
	if (mkdirat(s->dirfd, IPAM_INDEX_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	index_name(name, sizeof(name), id, ifname);
	fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	return write_all(fd, text, len);
}

void ipam_index_drop(struct ipam_store *s, const char *id, const char *ifname)
{
	char name[64];

	index_name(name, sizeof(name), id, ifname);
	unlinkat(s->dirfd, name, 0);
}

int ipam_index_prune(struct ipam_store *s, bool (*keep)(const struct ipam_owner *o, void *data),
		     void *data)
{
	struct ip_addr addrs[IPAM_INDEX_MAX_ADDRS];
	char name[sizeof(IPAM_INDEX_DIR) + 256 + 2];
	struct ipam_owner o;
	struct dirent *de;
	DIR *d;
	int fd, dropped = 0;

	fd = openat(s->dirfd, IPAM_INDEX_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), IPAM_INDEX_DIR "/%s", de->d_name);
		/* A broken entry is useless: drop it too. */
		if (index_read(s, name, &o, addrs, IPAM_INDEX_MAX_ADDRS) >= 0 && keep(&o, data))
			continue;
		if (unlinkat(s->dirfd, name, 0) == 0)
			dropped++;
	}
	closedir(d);
	return dropped;
}
