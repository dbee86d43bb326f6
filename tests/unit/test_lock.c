// SPDX-License-Identifier: Apache-2.0
/* util/lock.c (timed flock naming its holder) and cni/netlock.c (the network lock). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni/netlock.h"
#include "util/lock.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/netctl-lock.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("NETCTL_STATEDIR", dir, 1);
	setenv(CNI_NETLOCK_TIMEOUT_ENV, "0.2", 1);
	unsetenv(CNI_NETLOCK_FDS_ENV);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run this program again with @mode (a fresh process image, as a plugin is). */
static int in_exec(const char *mode)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/proc/self/exe", "test_lock", mode, (char *)NULL);
		_exit(98);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

/* Run @fn in a child; its exit status. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static void test_timeout_parse(void **state)
{
	int ms;

	assert_int_equal(lock_timeout_parse("2", &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(lock_timeout_parse("0.25", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(lock_timeout_parse("", &ms), -EINVAL);
	assert_int_equal(lock_timeout_parse("-1", &ms), -EINVAL);
	assert_int_equal(lock_timeout_parse("3s", &ms), -EINVAL);
}

static char path[128];

static int child_times_out(void)
{
	char holder[512];
	int fd = lock_take_timed(path, 50, "child", false, holder, sizeof(holder));
	char want[64];

	snprintf(want, sizeof(want), "pid %d (the holder)", (int)getppid());
	if (fd != -EAGAIN)
		return 1;
	return strstr(holder, want) ? 0 : 2;
}

static void test_timed_names_holder(void **state)
{
	int fd, again;

	snprintf(path, sizeof(path), "%s/plain.lock", dir);
	fd = lock_take_timed(path, 0, "the holder", false, NULL, 0);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(in_child(child_times_out), 0);
	close(fd);
	/* Free again: the next taker gets it at once and rewrites the holder. */
	again = lock_take_timed(path, 0, NULL, true, NULL, 0);
	assert_true(again >= 0);
	assert_false(fcntl(again, F_GETFD) & FD_CLOEXEC);
	close(again);
}

/* A holder that unlinks its lock file (netctl rm) before it lets go. */
static int child_unlinks(void)
{
	int fd = lock_take_timed(path, 0, "unlinker", false, NULL, 0);

	if (fd < 0)
		return 1;
	usleep(150 * 1000);
	unlink(path);
	return 0;	/* exit: the flock goes with the last descriptor */
}

static void test_unlinked_reopened(void **state)
{
	struct stat a, b;
	int fd, st;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/gone.lock", dir);
	pid = fork();
	if (pid == 0)
		_exit(child_unlinks());
	usleep(50 * 1000);
	/* Waits on the old file, gets it once the child is gone, then takes the new one. */
	fd = lock_take_timed(path, 2000, "waiter", false, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(st, 0);
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_nlink == 1);
	close(fd);
}

static int child_net_lock(void)
{
	struct err err = { 0 };
	int h = cni_net_lock("shop", "child", false, &err);

	if (h >= 0) {
		cni_net_unlock(h);
		return 0;
	}
	if (h == -EAGAIN && err.code == ERR_TRY_AGAIN && strstr(err.details, "pid ") &&
	    strstr(err.details, "test_lock"))
		return 3;
	return 4;
}

static void test_net_lock(void **state)
{
	struct err err = { 0 };
	int h, h2;

	h = cni_net_lock("shop", NULL, false, &err);
	assert_true(h >= 0);
	/* The same process again: a reference, not a deadlock. */
	h2 = cni_net_lock("shop", NULL, false, &err);
	assert_int_equal(h2, h);
	cni_net_unlock(h2);
	/* Not shared: a child waits, then gives up with code 11 naming us. */
	assert_null(getenv(CNI_NETLOCK_FDS_ENV));
	assert_int_equal(in_exec("net-lock"), 3);
	/* Shared: a child (a plugin netctl runs) finds it held for it. */
	h2 = cni_net_lock("shop", NULL, true, &err);
	assert_int_equal(h2, h);
	assert_non_null(getenv(CNI_NETLOCK_FDS_ENV));
	assert_int_equal(in_exec("net-lock"), 0);
	cni_net_unlock(h2);
	cni_net_unlock(h);
	assert_null(getenv(CNI_NETLOCK_FDS_ENV));
	/* Released: anyone gets it. */
	assert_int_equal(in_exec("net-lock"), 0);
	/* Bad names never become paths. */
	assert_true(cni_net_lock("../x", NULL, false, &err) < 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_parse),
		cmocka_unit_test_setup_teardown(test_timed_names_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlinked_reopened, setup, teardown),
	};

	if (argc == 2 && !strcmp(argv[1], "net-lock"))
		return child_net_lock();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
