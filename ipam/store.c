// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipam/range.h"
#include "ipam/store.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define LAST_PREFIX "last_reserved_ip."

static int store_fail(struct err *err, int r, int code, const char *msg, const char *path)
{
	return err_set(err, r, code, msg, "%s: %s", path, strerror(-r));
}

/* A dataDir that exists but is no directory is a configuration mistake, not I/O. */
static int check_data_dir(const char *data_dir, struct err *err)
{
	struct stat st;

	if (stat(data_dir, &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	return err_set(err, -ENOTDIR, ERR_INVALID_CONFIG, "ipam.dataDir is not a directory",
		       "%s exists and is not a " "directory", data_dir);
}

static void clean_dead_writers(struct ipam_store *s);

int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    bool create, struct err *err)
{
	char lock[PATH_MAX];
	int r;

	s->dirfd = s->lockfd = -1;
	if (!data_dir || !data_dir[0])
		data_dir = IPAM_DEFAULT_DATA_DIR;
	if (!name_is_safe(network, NET_NAME_MAX))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "the network name is not valid",
			       "name '%s' cannot name a store directory", network);
	if (path_join(s->dir, sizeof(s->dir), data_dir, network) < 0 ||
	    path_join(lock, sizeof(lock), s->dir, "lock") < 0)
		return err_set(err, -ENAMETOOLONG, ERR_INVALID_CONFIG, "ipam.dataDir is too long",
			       "%s", data_dir);
	r = check_data_dir(data_dir, err);
	if (r < 0)
		return r;
	if (create) {
		r = mkdir_p(s->dir, 0755);
		if (r == -ENOTDIR)
			return store_fail(err, r, ERR_INVALID_CONFIG,
					  "the store path is not a directory", s->dir);
		if (r < 0)
			return store_fail(err, r, ERR_IO, "cannot create the IPAM store",
					  s->dir);
	}
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		r = -errno;
		if (r == -ENOENT && !create)
			return r;
		return store_fail(err, r, r == -ENOTDIR ? ERR_INVALID_CONFIG : ERR_IO,
				  "cannot open the IPAM store", s->dir);
	}
	s->lockfd = lock_path(lock);
	if (s->lockfd < 0) {
		r = s->lockfd;
		ipam_store_close(s);
		return store_fail(err, r, ERR_IO, "cannot lock the IPAM store", lock);
	}
	clean_dead_writers(s);
	return 0;
}

/*
 * "<name>.tmp.<pid>": the pid of the writer, or 0 when @name is no temporary file.
 * Names are those store_write() makes (an address, last_reserved_ip.N).
 */
static pid_t tmp_writer(const char *name);

/*
 * A writer killed between creating its temporary file and renaming it leaves the file
 * behind. Every writer holds the lock, so under it a file whose writer is dead is
 * garbage; a live pid (reused) is left for GC. Cheap: the directory is empty but for
 * such leftovers, and absent until the first write.
 */
static void clean_dead_writers(struct ipam_store *s)
{
	_cleanup_close_ int fd = openat(s->dirfd, IPAM_TMP_DIR,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	pid_t pid;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d)
		return;
	fd = -1;	/* the DIR owns it now */
	while ((de = readdir(d))) {
		pid = tmp_writer(de->d_name);
		if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/*
 * Write @body as @name atomically: a temporary file in IPAM_TMP_DIR, fsynced, renamed
 * over @name, the store directory fsynced. The caller holds the lock.
 */
static int store_write(struct ipam_store *s, const char *name, const char *body)
{
	_cleanup_close_ int tmpdir = -1, fd = -1;
	char tmp[NAME_MAX + 1];
	int r;

	if (mkdirat(s->dirfd, IPAM_TMP_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	tmpdir = openat(s->dirfd, IPAM_TMP_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tmpdir < 0)
		return -errno;
	r = str_printf(tmp, sizeof(tmp), "%s.tmp.%d", name, (int)getpid());
	if (r < 0)
		return r;
	fd = openat(tmpdir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, body, strlen(body));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(tmpdir, tmp, s->dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(tmpdir, tmp, 0);
		return r;
	}
	return fsync(s->dirfd) < 0 ? -errno : 0;
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
		       const char *ifname, struct err *err)
{
	char name[IP_STR_MAX], path[PATH_MAX], body[IPAM_ID_MAX + IFNAMSIZ + 4];
	struct stat st;
	int r;

	ipam_addr_name(addr, name, sizeof(name));
	/* Every writer holds the lock, so "absent now" stays true until we write. */
	if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return store_fail(err, -errno, ERR_IO, "cannot read the IPAM store", name);
	if (str_printf(body, sizeof(body), "%s\r\n%s", id, ifname) < 0 ||
	    path_join(path, sizeof(path), s->dir, name) < 0)
		return err_set(err, -ENAMETOOLONG, ERR_INTERNAL, "a reservation does not fit",
			       "%s", name);
	r = store_write(s, name, body);
	if (r < 0)
		return store_fail(err, r, ERR_IO, "cannot write a reservation", path);
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
			struct err *err)
{
	char name[IP_STR_MAX], path[PATH_MAX], file[64];
	int r;

	snprintf(file, sizeof(file), LAST_PREFIX "%d", set);
	ipam_addr_name(addr, name, sizeof(name));
	if (path_join(path, sizeof(path), s->dir, file) < 0)
		return err_set(err, -ENAMETOOLONG, ERR_INTERNAL, "a store path does not fit", "%s",
			       file);
	r = store_write(s, file, name);
	if (r < 0)
		return store_fail(err, r, ERR_IO, "cannot write the IPAM store", path);
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
		if (!ifname_valid(ifn)) {
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

/* @dirfd's entries from the first, read through a copy of it (@dirfd stays open and
 * unmoved); NULL with errno set. */
static DIR *dir_stream(int dirfd)
{
	int fd = dup(dirfd), err;
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	rewinddir(d);
	return d;
}

int ipam_store_scan(struct ipam_store *s, int (*fn)(const struct ipam_entry *e, void *data),
		    void *data)
{
	struct dirent *de;
	DIR *d = dir_stream(s->dirfd);
	int r = 0;

	if (!d)
		return -errno;
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
static pid_t tmp_writer(const char *name)
{
	char base[IP_STR_MAX];
	struct ip_addr a;
	const char *t = strstr(name, ".tmp.");
	unsigned long pid;
	size_t n;
	bool ok;

	if (!t || !t[5] || strspn(t + 5, "0123456789") != strlen(t + 5) || strlen(t + 5) > 9)
		return 0;
	n = (size_t)(t - name);
	if (n >= sizeof(base))
		return 0;
	memcpy(base, name, n);
	base[n] = '\0';
	if (str_has_prefix(base, LAST_PREFIX))
		ok = base[strlen(LAST_PREFIX)] &&
		     strspn(base + strlen(LAST_PREFIX), "0123456789") ==
			     strlen(base + strlen(LAST_PREFIX));
	else
		ok = ip_addr_parse(base, &a) == 0;
	pid = strtoul(t + 5, NULL, 10);
	return ok && pid > 0 ? (pid_t)pid : 0;
}

/* Remove every temporary file of directory @dirfd (not closed). Return how many. */
static int clean_tmp_in(int dirfd)
{
	struct dirent *de;
	DIR *d = dir_stream(dirfd);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (tmp_writer(de->d_name) && unlinkat(dirfd, de->d_name, 0) == 0)
			n++;
	closedir(d);
	return n;
}

int ipam_store_clean_tmp(struct ipam_store *s)
{
	_cleanup_close_ int tmpdir = openat(s->dirfd, IPAM_TMP_DIR,
					    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int n, m = 0;

	/* In the store itself: what netctl wrote before IPAM_TMP_DIR existed. */
	n = clean_tmp_in(s->dirfd);
	if (n >= 0 && tmpdir >= 0)
		m = clean_tmp_in(tmpdir);
	if (n >= 0 && m < 0)
		n = m;
	return n < 0 ? n : n + m;
}

void ipam_bad_add(struct ipam_bad *b, const struct ipam_entry *e)
{
	size_t off = strlen(b->text);

	b->n++;
	if (off < sizeof(b->text))
		snprintf(b->text + off, sizeof(b->text) - off, "%s%s (%s)", off ? "; " : "",
			 e->name, e->why ? e->why : "bad");
}
