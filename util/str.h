/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETCTL_UTIL_STR_H
#define NETCTL_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

/**
 * str_copy() - copy @src into @dst of size @n, always NUL-terminated.
 * Return: 0, or -ENAMETOOLONG when @src does not fit (dst then holds a prefix).
 */
int str_copy(char *dst, size_t n, const char *src);

/**
 * str_printf() - snprintf that reports truncation.
 * Return: 0, or -ENAMETOOLONG when the output did not fit.
 */
int str_printf(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** path_join() - "@dir/@name" into @dst; -ENAMETOOLONG when it does not fit. */
int path_join(char *dst, size_t n, const char *dir, const char *name);

/**
 * name_is_safe() - @s is non-empty, at most @max bytes, starts with an alphanumeric
 * and continues with alphanumerics, '_', '.', '-' (the CNI spec's rule for container
 * IDs and network names). So it can become a file name, never "." or "..".
 */
bool name_is_safe(const char *s, size_t max);

/* Network names become file names and nftables object names: at most this long. */
#define NET_NAME_MAX 128

/** ifname_valid() - a Linux interface name: 1-15 bytes, no '/', ':' or white space. */
bool ifname_valid(const char *name);

/** str_has_prefix() - @s starts with @prefix. */
bool str_has_prefix(const char *s, const char *prefix);

/** str_trim() - strip leading and trailing white space in place; returns @s moved. */
char *str_trim(char *s);

#endif
