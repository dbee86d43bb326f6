// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/conf.h"
#include "cni/env.h"
#include "ipam/range.h"
#include "ipam/store.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define LAST_PREFIX "last_reserved_ip."

static int store_fail(struct cni_err *err, int r, int code, const char *msg, const char *path)
{
	return cni_err_set_errno(err, r, code, msg, "%s: %s", path, strerror(-r));
}

/* A dataDir that exists but is no directory is a configuration mistake, not I/O. */
static int check_data_dir(const char *data_dir, struct cni_err *err)
{
	struct stat st;

	if (stat(data_dir, &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	return cni_err_set_errno(err, -ENOTDIR, CNI_ERR_INVALID_CONFIG,
				 "ipam.dataDir is not a directory", "%s exists and is not a "
				 "directory", data_dir);
}

int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    bool create, struct cni_err *err)
{
	char lock[PATH_MAX];
	int r;

	s->dirfd = s->lockfd = -1;
	if (!data_dir || !data_dir[0])
		data_dir = IPAM_DEFAULT_DATA_DIR;
	if (!name_is_safe(network, CNI_NAME_MAX))
		return cni_err_set(err, CNI_ERR_INVALID_CONFIG, "the network name is not valid",
				   "name '%s' cannot name a store directory", network);
	if (path_join(s->dir, sizeof(s->dir), data_dir, network) < 0 ||
	    path_join(lock, sizeof(lock), s->dir, "lock") < 0)
		return cni_err_set_errno(err, -ENAMETOOLONG, CNI_ERR_INVALID_CONFIG,
					 "ipam.dataDir is too long", "%s", data_dir);
	r = check_data_dir(data_dir, err);
	if (r < 0)
		return r;
	if (create) {
		r = mkdir_p(s->dir, 0755);
		if (r == -ENOTDIR)
			return store_fail(err, r, CNI_ERR_INVALID_CONFIG,
					  "the store path is not a directory", s->dir);
		if (r < 0)
			return store_fail(err, r, CNI_ERR_IO, "cannot create the IPAM store",
					  s->dir);
	}
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		r = -errno;
		if (r == -ENOENT && !create)
			return r;
		return store_fail(err, r, r == -ENOTDIR ? CNI_ERR_INVALID_CONFIG : CNI_ERR_IO,
				  "cannot open the IPAM store", s->dir);
	}
	s->lockfd = lock_path(lock);
	if (s->lockfd < 0) {
		r = s->lockfd;
		ipam_store_close(s);
		return store_fail(err, r, CNI_ERR_IO, "cannot lock the IPAM store", lock);
	}
	return 0;
}

void ipam_store_close(struct ipam_store *s)
{
	if (s->lockfd >= 0)
		close(s->lockfd);	/* drops the flock */
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->lockfd = s->dirfd = -1;
}

int ipam_store_reserve(struct ipam_store *s, const struct ip_addr *addr, const char *id,
		       const char *ifname, struct cni_err *err)
{
	char name[IP_STR_MAX], path[PATH_MAX], body[IPAM_ID_MAX + IFNAMSIZ + 4];
	struct stat st;
	int r;

	ipam_addr_name(addr, name, sizeof(name));
	/* Every writer holds the lock, so "absent now" stays true until we write. */
	if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return store_fail(err, -errno, CNI_ERR_IO, "cannot read the IPAM store", name);
	if (str_printf(body, sizeof(body), "%s\r\n%s", id, ifname) < 0 ||
	    path_join(path, sizeof(path), s->dir, name) < 0)
		return cni_err_set_errno(err, -ENAMETOOLONG, CNI_ERR_INTERNAL,
					 "a reservation does not fit", "%s", name);
	r = file_write_atomic(path, body, strlen(body), 0600);
	if (r < 0)
		return store_fail(err, r, CNI_ERR_IO, "cannot write a reservation", path);
	return 1;
}

int ipam_store_release(struct ipam_store *s, const struct ip_addr *addr)
{
	char name[IP_STR_MAX];

	ipam_addr_name(addr, name, sizeof(name));
	return unlinkat(s->dirfd, name, 0) < 0 ? -errno : 0;
}

/* Open a store file for reading without following links or blocking on a FIFO. */
static int open_entry(int dirfd, const char *name, const char **why)
{
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		*why = errno == ELOOP ? "a symbolic link" : "cannot be opened";
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > IPAM_STORE_FILE_MAX) {
		*why = "larger than 4096 bytes";
		close(fd);
		return -EFBIG;
	}
	return fd;
}

int ipam_store_last_get(struct ipam_store *s, int set, struct ip_addr *out)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	char name[64];
	const char *why;
	int r;

	snprintf(name, sizeof(name), LAST_PREFIX "%d", set);
	fd = open_entry(s->dirfd, name, &why);
	if (fd == -ENOENT)
		return -ENOENT;
	if (fd < 0)
		return -EINVAL;
	r = fd_read_bounded(fd, IP_STR_MAX, &text, NULL);
	if (r < 0)
		return -EINVAL;
	return ip_addr_parse(str_trim(text), out) < 0 ? -EINVAL : 0;
}

int ipam_store_last_set(struct ipam_store *s, int set, const struct ip_addr *addr,
			struct cni_err *err)
{
	char name[IP_STR_MAX], path[PATH_MAX], file[64];
	int r;

	snprintf(file, sizeof(file), LAST_PREFIX "%d", set);
	ipam_addr_name(addr, name, sizeof(name));
	if (path_join(path, sizeof(path), s->dir, file) < 0)
		return cni_err_set_errno(err, -ENAMETOOLONG, CNI_ERR_INTERNAL,
					 "a store path does not fit", "%s", file);
	r = file_write_atomic(path, name, strlen(name), 0600);
	if (r < 0)
		return store_fail(err, r, CNI_ERR_IO, "cannot write the IPAM store", path);
	return 0;
}

int ipam_owner_parse(const char *text, size_t len, struct ipam_owner *o, const char **why)
{
	char buf[IPAM_STORE_FILE_MAX + 1];
	char *t, *nl, *ifn = NULL;

	memset(o, 0, sizeof(*o));
	*why = "not \"containerID\\r\\nifname\"";
	if (len > IPAM_STORE_FILE_MAX) {
		*why = "larger than 4096 bytes";
		return -EINVAL;
	}
	if (memchr(text, '\0', len)) {
		*why = "contains a NUL byte";
		return -EINVAL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	t = str_trim(buf);
	nl = strchr(t, '\n');
	if (nl) {
		ifn = nl + 1;
		if (nl > t && nl[-1] == '\r')
			nl--;
		*nl = '\0';
		if (strpbrk(ifn, "\r\n"))
			return -EINVAL;
		if (!cni_ifname_valid(ifn)) {
			*why = "the interface name is not valid";
			return -EINVAL;
		}
	}
	if (!name_is_safe(t, IPAM_ID_MAX)) {
		*why = "the container ID is not valid";
		return -EINVAL;
	}
	str_copy(o->id, sizeof(o->id), t);
	if (ifn)
		str_copy(o->ifname, sizeof(o->ifname), ifn);
	return 0;
}

/*
 * Scans read every reservation file on every ADD and DEL (the reference's semantics
 * need it), so this is the hot path: the directory's d_type spares an fstat, and one
 * read into a buffer one byte larger than the limit tells "too large" from "all of it".
 */
static void read_entry(int dirfd, unsigned char d_type, struct ipam_entry *e)
{
	char buf[IPAM_STORE_FILE_MAX + 1];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	size_t len;

	if (d_type == DT_REG) {
		fd = openat(dirfd, e->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			e->why = errno == ELOOP ? "a symbolic link" : "cannot be opened";
	} else {
		fd = open_entry(dirfd, e->name, &e->why);
	}
	if (fd < 0) {
		e->bad = true;
		return;
	}
	/* A regular file gives a short read only at its end: one read is all of it. */
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		e->why = "cannot be read";
		e->bad = true;
		return;
	}
	len = (size_t)n;
	if (len > IPAM_STORE_FILE_MAX) {
		e->why = "larger than 4096 bytes";
		e->bad = true;
		return;
	}
	e->bad = ipam_owner_parse(buf, len, &e->owner, &e->why) < 0;
}

int ipam_store_scan(struct ipam_store *s, int (*fn)(const struct ipam_entry *e, void *data),
		    void *data)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = dup(s->dirfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	rewinddir(d);
	while (r >= 0 && (errno = 0, de = readdir(d))) {
		struct ipam_entry e = { .name = de->d_name };

		if (ip_addr_parse(de->d_name, &e.addr) < 0)
			continue;
		read_entry(s->dirfd, de->d_type, &e);
		r = fn(&e, data);
	}
	if (r >= 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

/* "<address>.tmp.<digits>" or "last_reserved_ip.<digits>.tmp.<digits>" */
static bool is_our_tmp(const char *name)
{
	char base[IP_STR_MAX];
	struct ip_addr a;
	const char *t = strstr(name, ".tmp.");
	size_t n;

	if (!t || !t[5] || strspn(t + 5, "0123456789") != strlen(t + 5))
		return false;
	n = (size_t)(t - name);
	if (n >= sizeof(base))
		return false;
	memcpy(base, name, n);
	base[n] = '\0';
	if (str_has_prefix(base, LAST_PREFIX))
		return base[strlen(LAST_PREFIX)] &&
		       strspn(base + strlen(LAST_PREFIX), "0123456789") ==
			       strlen(base + strlen(LAST_PREFIX));
	return ip_addr_parse(base, &a) == 0;
}

int ipam_store_clean_tmp(struct ipam_store *s)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0;

	fd = dup(s->dirfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		n = -errno;
		close(fd);
		return n;
	}
	rewinddir(d);
	while ((de = readdir(d)))
		if (is_our_tmp(de->d_name) && unlinkat(s->dirfd, de->d_name, 0) == 0)
			n++;
	closedir(d);
	return n;
}

void ipam_bad_add(struct ipam_bad *b, const struct ipam_entry *e)
{
	size_t off = strlen(b->text);

	b->n++;
	if (off < sizeof(b->text))
		snprintf(b->text + off, sizeof(b->text) - off, "%s%s (%s)", off ? "; " : "",
			 e->name, e->why ? e->why : "bad");
}
