/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lock files that name their holder: an exclusive flock on a file, taken with a
 * timeout, whose content says who holds it ("PID SINCE WHAT"), so a process that gives
 * up waiting can say whom it waited for instead of hanging forever.
 */
#ifndef NETCTL_UTIL_LOCK_H
#define NETCTL_UTIL_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#define LOCK_HOLDER_MAX 256	/* bytes of the holder's description kept in the file */

/**
 * lock_take_timed() - open (creating, 0600, no symlink) @path and take an exclusive
 * flock on it, waiting at most @timeout_ms (0: try once). On success the file is
 * rewritten to name this process: its PID, the time, and @what (NULL: its command
 * line). @inherit: the fd is not close-on-exec, so programs this process execs share
 * the lock (and keep it if this process dies first).
 * Return: the locked fd (close it to unlock), -EAGAIN on timeout with the holder
 * (lock_holder_text()) in @holder, or -errno.
 */
int lock_take_timed(const char *path, int timeout_ms, const char *what, bool inherit,
		    char *holder, size_t holder_n);

/**
 * lock_holder_text() - who holds the lock open on @fd, from its content: "pid 123
 * (netctl connect shop web-2) for 31 s", "pid 123, which has exited (...)" when that
 * process is gone (a program it started still holds it), or "an unknown process".
 */
void lock_holder_text(int fd, char *buf, size_t n);

/** lock_timeout_parse() - "2", "0.5" (seconds) into milliseconds. -EINVAL when bad. */
int lock_timeout_parse(const char *s, int *ms);

#endif
