// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netctl/core/netns.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

int netns_path(const char *dir, const char *name, char *out, size_t n)
{
	if (!name_is_safe(name, 64))
		return -EINVAL;
	return path_join(out, n, dir, name);
}

/* Like iproute2: make the dir a shared mount so pins propagate to other namespaces. */
static int make_dir_shared(const char *dir)
{
	int r = mkdir_p(dir, 0755);

	if (r < 0)
		return r;
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	return mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0 ? -errno : 0;
}

/* A child unshares its netns and bind-mounts it; we stay where we are. */
static int pin_new_netns(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(errno);
		if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
			_exit(errno);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}

int netns_create(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd, r;

	r = netns_path(dir, name, path, sizeof(path));
	if (r < 0)
		return r;
	r = make_dir_shared(dir);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	r = pin_new_netns(path);
	if (r < 0)
		unlink(path);
	return r;
}

int netns_delete(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int r = netns_path(dir, name, path, sizeof(path));

	if (r < 0)
		return r;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* One pass over /proc: SIGKILL each process in the netns @st. */
static int kill_pass(const struct stat *st)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	char path[64];
	struct dirent *de;
	struct stat ps;
	char *end;
	long pid;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &ps) < 0 || ps.st_dev != st->st_dev || ps.st_ino != st->st_ino)
			continue;
		if (kill((pid_t)pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

int netns_kill_all(const char *path)
{
	struct stat st;
	int total = 0, n, pass;

	if (stat(path, &st) < 0)
		return -errno;
	for (pass = 0; pass < 100; pass++) {
		n = kill_pass(&st);
		if (n <= 0)
			return n < 0 ? n : total;
		total += n;
		usleep(1000);
	}
	return -EBUSY;
}
