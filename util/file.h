/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_UTIL_FILE_H
#define NETCTL_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

/**
 * fd_read_bounded() - read all of @fd, at most @max bytes, into a NUL-terminated
 * malloc'd buffer. Return: 0, -EFBIG when there is more than @max, -errno else.
 */
int fd_read_bounded(int fd, size_t max, char **out, size_t *len);

/** file_read_bounded() - fd_read_bounded() of the file at @path (O_NOFOLLOW not used). */
int file_read_bounded(const char *path, size_t max, char **out, size_t *len);

/**
 * file_write_atomic() - write @len bytes to @path so a reader sees the old or the
 * new content, never a mix: temp file in the same dir, fsync, rename, fsync dir.
 */
int file_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);

/** mkdir_p() - create @path and its parents; an existing directory is fine. */
int mkdir_p(const char *path, mode_t mode);

/**
 * lock_path() - open (creating) @path and take an exclusive flock on it.
 * Return: the locked fd (close it to unlock), or -errno.
 */
int lock_path(const char *path);

/** write_all() - write all of @buf to @fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);

#endif
