// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/lock.h"

#define POLL_MAX_MS 10	/* a waiter looks again at least this often */

static long long now_ms(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Our command line on one line, bounded: what a waiter shows when @what is NULL. */
static void self_cmdline(char *buf, size_t n)
{
	_cleanup_close_ int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, n - 1);
	ssize_t i;

	if (len <= 0) {
		snprintf(buf, n, "?");
		return;
	}
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[len] = '\0';
}

/* "PID SINCE WHAT\n" over the old content; only the lock's holder ever writes it. */
static void record_holder(int fd, const char *what)
{
	char cmd[LOCK_HOLDER_MAX], line[LOCK_HOLDER_MAX + 64];
	size_t i;
	int len;

	if (!what)
		self_cmdline(cmd, sizeof(cmd));
	else
		snprintf(cmd, sizeof(cmd), "%s", what);
	for (i = 0; cmd[i]; i++)
		if ((unsigned char)cmd[i] < ' ')
			cmd[i] = ' ';
	len = snprintf(line, sizeof(line), "%d %lld %s\n", (int)getpid(),
		       now_ms(CLOCK_REALTIME) / 1000, cmd);
	/* Best effort: a holder that cannot say who it is still holds the lock. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)len, 0) < 0)
		return;
}

void lock_holder_text(int fd, char *buf, size_t n)
{
	char line[LOCK_HOLDER_MAX + 64], what[LOCK_HOLDER_MAX];
	ssize_t len = pread(fd, line, sizeof(line) - 1, 0);
	long long since, age;
	int pid;

	if (len <= 0) {
		snprintf(buf, n, "an unknown process");
		return;
	}
	line[len] = '\0';
	what[0] = '\0';
	if (sscanf(line, "%d %lld %255[^\n]", &pid, &since, what) < 2 || pid <= 0) {
		snprintf(buf, n, "an unknown process");
		return;
	}
	age = now_ms(CLOCK_REALTIME) / 1000 - since;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		snprintf(buf, n, "pid %d (%s), which has exited: a program it started holds it "
			 "(taken %lld s ago)", pid, what, age);
	else
		snprintf(buf, n, "pid %d (%s) for %lld s", pid, what, age);
}

int lock_timeout_parse(const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400)
		return -EINVAL;
	*ms = (int)(v * 1000);
	return 0;
}

/* Is @fd still the file at @path? A holder may unlink it (netctl rm) before it unlocks. */
static bool still_linked(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* flock @fd, polled until @deadline, so the wait is bounded without signals. */
static int flock_until(int fd, long long deadline)
{
	int wait = 1;

	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		long long left = deadline - now_ms(CLOCK_MONOTONIC);

		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -errno;
		if (left <= 0)
			return -EAGAIN;
		sleep_ms(wait < left ? wait : (int)left);
		wait = wait * 2 > POLL_MAX_MS ? POLL_MAX_MS : wait * 2;
	}
	return 0;
}

int lock_take_timed(const char *path, int timeout_ms, const char *what, bool inherit,
		    char *holder, size_t holder_n)
{
	long long deadline = now_ms(CLOCK_MONOTONIC) + timeout_ms;
	int fd, r;

	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | (inherit ? 0 : O_CLOEXEC), 0600);
		if (fd < 0)
			return -errno;
		r = flock_until(fd, deadline);
		if (r == 0 && still_linked(fd, path))
			break;
		if (r == -EAGAIN && holder)
			lock_holder_text(fd, holder, holder_n);
		close(fd);
		if (r < 0)
			return r;
		/* Locked a file its holder had unlinked: the path names a new one now. */
	}
	record_holder(fd, what);
	return fd;
}
