// SPDX-License-Identifier: Apache-2.0
/*
 * The sysctl allowlist of newer reference releases: when /etc/cni/tuning/allowlist.conf
 * exists, every sysctl name an ADD asks for (as written, before IFNAME is replaced)
 * must match one of its lines, each a regular expression matched anywhere in the name
 * (Go's regexp.MatchString; here POSIX extended, which covers what such lists use:
 * anchors, classes, escaped dots, repetition). No file: no restriction.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/tuning/tuning.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define ALLOWLIST_MAX (64 * 1024)

/* Does @name match the pattern @pat? -EINVAL when @pat is not a regular expression. */
static int matches(const char *pat, const char *name)
{
	regex_t re;
	int r;

	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB))
		return -EINVAL;
	r = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	return r;
}

static int allowed(char *text, const char *name, struct err *err)
{
	char *line, *save = NULL;
	int r;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line = str_trim(line);
		if (!*line)
			continue;
		r = matches(line, name);
		if (r < 0)
			return err_detail(err, r, "%s: \"%.200s\" is not a regular expression",
					  TU_ALLOWLIST, line);
		if (r)
			return 0;
	}
	return err_detail(err, -EPERM, "sysctl \"%.200s\" is not allowed by %s", name,
			  TU_ALLOWLIST);
}

int tu_allowlist_check(const struct tu_config *c, const char *file, struct err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int i, r;

	if (!c->n_sysctls)
		return 0;
	r = file_read_bounded(file, ALLOWLIST_MAX, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return err_detail(err, r, "%s: %s", file, strerror(-r));
	for (i = 0; i < c->n_sysctls; i++) {
		/* strtok_r cuts the text: each name gets a fresh copy */
		_cleanup_free_ char *copy = strdup(text);

		if (!copy)
			return -ENOMEM;
		r = allowed(copy, c->sysctls[i].key, err);
		if (r < 0)
			return r;
	}
	return 0;
}
