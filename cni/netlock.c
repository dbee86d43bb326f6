// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/conf.h"
#include "cni/netlock.h"
#include "util/file.h"
#include "util/lock.h"
#include "util/str.h"

#define HELD_MAX 256		/* network locks one process holds at once (gc: all) */

/* The locks this process holds: a second take of one only counts a reference. */
static struct held {
	char net[NET_NAME_MAX + 1];
	int fd, refs;
	bool shared;
} held[HELD_MAX];

static const char *statedir(void)
{
	const char *d = getenv("NETCTL_STATEDIR");

	return d && d[0] ? d : CNI_NETLOCK_STATEDIR;
}

int cni_net_lock_path(const char *net, char *buf, size_t n)
{
	if (!name_is_safe(net, NET_NAME_MAX))
		return -EINVAL;
	return str_printf(buf, n, "%s/locks/%s.lock", statedir(), net);
}

/* $NETCTL_NET_LOCK_FDS lists the shared locks, so the programs we exec find them. */
static void export_shared(void)
{
	char list[HELD_MAX * 12] = "";
	size_t i, len = 0;

	for (i = 0; i < HELD_MAX; i++)
		if (held[i].refs && held[i].shared && len + 12 < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d",
						len ? "," : "", held[i].fd);
	if (len)
		setenv(CNI_NETLOCK_FDS_ENV, list, 1);
	else
		unsetenv(CNI_NETLOCK_FDS_ENV);
}

/*
 * An fd our parent holds the lock on and let us inherit: same file, and our flock on
 * it succeeds at once (the parent's open file description already holds it). A dup
 * of it, or -1.
 */
static int inherited_fd(const char *path, bool share)
{
	const char *list = getenv(CNI_NETLOCK_FDS_ENV);
	struct stat want, got;
	char *end;
	long fd;

	if (!list || !*list || stat(path, &want) < 0)
		return -1;
	for (; *list; list = *end ? end + 1 : end) {
		fd = strtol(list, &end, 10);
		if (end == list || (*end && *end != ','))
			return -1;
		if (fd < 0 || fd > INT_MAX || fstat((int)fd, &got) < 0 ||
		    got.st_dev != want.st_dev || got.st_ino != want.st_ino)
			continue;
		if (flock((int)fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		return fcntl((int)fd, share ? F_DUPFD : F_DUPFD_CLOEXEC, 3);
	}
	return -1;
}

static struct held *find_held(const char *net)
{
	size_t i;

	for (i = 0; i < HELD_MAX; i++)
		if (held[i].refs && !strcmp(held[i].net, net))
			return &held[i];
	return NULL;
}

static struct held *free_slot(void)
{
	size_t i;

	for (i = 0; i < HELD_MAX; i++)
		if (!held[i].refs)
			return &held[i];
	return NULL;
}

static int timeout_ms(void)
{
	const char *s = getenv(CNI_NETLOCK_TIMEOUT_ENV);
	int ms;

	if (s && *s && lock_timeout_parse(s, &ms) == 0)
		return ms;
	return CNI_NETLOCK_TIMEOUT_MS;
}

static int take_fd(const char *net, const char *path, const char *what, bool share,
		   struct err *err)
{
	char dir[PATH_MAX], holder[LOCK_HOLDER_MAX + 128];
	int fd, ms = timeout_ms();

	fd = inherited_fd(path, share);
	if (fd >= 0)
		return fd;
	if (str_printf(dir, sizeof(dir), "%s/locks", statedir()) == 0)
		mkdir_p(dir, 0700);
	fd = lock_take_timed(path, ms, what, share, holder, sizeof(holder));
	if (fd == -EAGAIN)
		return err_set(err, fd, ERR_TRY_AGAIN, "the network is busy: try again later",
			       "network %s: its lock %s is held by %s; gave up after "
			       "%d.%03d s (%s)", net, path, holder, ms / 1000, ms % 1000,
			       CNI_NETLOCK_TIMEOUT_ENV);
	if (fd < 0)
		return err_set(err, fd, ERR_IO, "cannot lock the network", "network %s: %s: %s",
			       net, path, strerror(-fd));
	return fd;
}

int cni_net_lock(const char *net, const char *what, bool share, struct err *err)
{
	char path[PATH_MAX];
	struct held *h;
	int fd;

	if (cni_net_lock_path(net, path, sizeof(path)) < 0)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network name",
			       "\"%s\" cannot name a lock file", net ? net : "");
	h = find_held(net);
	if (h) {
		if (share && !h->shared) {
			fcntl(h->fd, F_SETFD, 0);
			h->shared = true;
			export_shared();
		}
		h->refs++;
		return (int)(h - held);
	}
	h = free_slot();
	if (!h)
		return err_set(err, -EMFILE, ERR_INTERNAL, "too many network locks",
			       "network %s: this process holds %d", net, HELD_MAX);
	fd = take_fd(net, path, what, share, err);
	if (fd < 0)
		return fd;
	snprintf(h->net, sizeof(h->net), "%s", net);
	h->fd = fd;
	h->refs = 1;
	h->shared = share;
	if (share)
		export_shared();
	return (int)(h - held);
}

void cni_net_lock_remove(const char *net)
{
	char path[PATH_MAX];

	if (cni_net_lock_path(net, path, sizeof(path)) == 0)
		unlink(path);
}

void cni_net_unlock(int handle)
{
	struct held *h;

	if (handle < 0 || handle >= HELD_MAX || !held[handle].refs)
		return;
	h = &held[handle];
	if (--h->refs)
		return;
	/* Close, never LOCK_UN: an inherited description is our parent's lock too. */
	close(h->fd);
	h->fd = -1;
	if (h->shared) {
		h->shared = false;
		export_shared();
	}
}
