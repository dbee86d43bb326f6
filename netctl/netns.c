// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netctl/netns.h"
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
