// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>

#include "netlib/netns.h"
#include "util/file.h"
#include "util/str.h"

int netlib_netns_open(const char *path, struct err *err)
{
	int fd, no;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		no = errno;
		err_detail(err, -no, "cannot open netns %s: %s", path, strerror(no));
		return -no;
	}
	/* a bind mount that lost its netns, or any other file, is refused here */
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		err_detail(err, -EINVAL, "%s is not a network namespace", path);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int netlib_netns_enter(int fd, struct err *err)
{
	int saved, no;

	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		no = errno;
		err_detail(err, -no, "cannot open our own netns: %s", strerror(no));
		return -no;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		no = errno;
		err_detail(err, -no, "cannot enter netns: %s%s", strerror(no),
			   no == EINVAL ? " (not a network namespace)" : "");
		close(saved);
		return -no;
	}
	return saved;
}

int netlib_netns_leave(int saved, struct err *err)
{
	int no = 0;

	if (setns(saved, CLONE_NEWNET) < 0) {
		no = errno;
		err_detail(err, -no, "cannot return to the original netns: %s", strerror(no));
	}
	close(saved);
	return -no;
}

static int sysctl_open(int netns_fd, const char *key, int flags, struct err *err)
{
	char path[256];
	int fd, saved = -1, no = 0, r;

	if (!key[0] || key[0] == '/' || strstr(key, "..") ||
	    str_printf(path, sizeof(path), "/proc/sys/%s", key) < 0)
		return err_detail(err, -EINVAL, "invalid sysctl name %s", key);
	if (netns_fd >= 0) {
		saved = netlib_netns_enter(netns_fd, err);
		if (saved < 0)
			return saved;
	}
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		no = errno;
		err_detail(err, -no, "cannot open %s: %s", path, strerror(no));
	}
	if (saved >= 0) {
		r = netlib_netns_leave(saved, err);
		if (r < 0) {
			if (fd >= 0)
				close(fd);
			return r;
		}
	}
	return fd >= 0 ? fd : -no;
}

int netlib_sysctl_write(int netns_fd, const char *key, const char *value, struct err *err)
{
	int fd = sysctl_open(netns_fd, key, O_WRONLY, err), r = 0;

	if (fd < 0)
		return fd;
	if (write_all(fd, value, strlen(value)) < 0) {
		r = -errno;
		err_detail(err, r, "writing %s to /proc/sys/%s: %s", value, key, strerror(-r));
	}
	close(fd);
	return r;
}

int netlib_sysctl_read(int netns_fd, const char *key, char *out, size_t outlen, struct err *err)
{
	int fd = sysctl_open(netns_fd, key, O_RDONLY, err), r = 0;
	ssize_t len;

	if (fd < 0)
		return fd;
	if (!outlen) {
		close(fd);
		return -EINVAL;
	}
	len = read(fd, out, outlen - 1);
	if (len < 0) {
		r = -errno;
		err_detail(err, r, "reading /proc/sys/%s: %s", key, strerror(-r));
		len = 0;
	}
	out[len] = 0;
	while (len > 0 && out[len - 1] == '\n')
		out[--len] = 0;
	close(fd);
	return r;
}
