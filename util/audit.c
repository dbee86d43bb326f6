// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/audit.h"

void audit_write(const char *ident, int prio, const char *file, const char *line)
{
	char buf[4096];
	int fd, len;

	openlog(ident, LOG_PID, LOG_DAEMON);
	syslog(prio, "%s", line);
	closelog();
	if (!file || !file[0])
		return;
	len = snprintf(buf, sizeof(buf), "%s: %s\n", ident, line);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(buf)) {
		len = sizeof(buf) - 1;
		buf[len - 1] = '\n';
	}
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (write(fd, buf, (size_t)len) < 0)
		len = -1;
	close(fd);
}

static bool needs_quotes(const char *v)
{
	if (!v[0])
		return true;
	for (; *v; v++)
		if (*v == ' ' || *v == '"' || *v == '=' || *v == '\\' || (unsigned char)*v < 0x20)
			return true;
	return false;
}

void audit_kv(char *buf, size_t n, const char *key, const char *value)
{
	size_t len = strnlen(buf, n);
	bool quote;

	if (!value)
		value = "";
	quote = needs_quotes(value);
	if (len + 1 >= n)
		return;
	len += (size_t)snprintf(buf + len, n - len, " %s=%s", key, quote ? "\"" : "");
	for (; *value && len + 3 < n; value++) {
		if (*value == '"' || *value == '\\')
			buf[len++] = '\\';
		buf[len++] = (unsigned char)*value < 0x20 ? ' ' : *value;
	}
	if (quote && len + 1 < n)
		buf[len++] = '"';
	buf[len < n ? len : n - 1] = '\0';
}
