/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One structured audit line per change, to syslog (journald reads /dev/log) and, for
 * tests and hosts without a syslog daemon, appended to a file as "IDENT: LINE".
 */
#ifndef NETCTL_UTIL_AUDIT_H
#define NETCTL_UTIL_AUDIT_H

#include <stddef.h>

/**
 * audit_write() - log @line under @ident at syslog priority @prio (LOG_INFO,
 * LOG_ERR...); when @file is non-NULL and non-empty, also append "@ident: @line\n"
 * to it with one write(2) (O_APPEND: lines of concurrent writers never interleave).
 * Best effort: a log that cannot be written never fails the change it describes.
 */
void audit_write(const char *ident, int prio, const char *file, const char *line);

/**
 * audit_kv() - append " KEY=VALUE" to @buf (of size @n, NUL-terminated), the value
 * double-quoted (with '"' and '\\' escaped) when it is empty or holds a space, '"',
 * '=' or a control character, so a collector can split the line. A value that does
 * not fit is cut.
 */
void audit_kv(char *buf, size_t n, const char *key, const char *value);

#endif
