// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "plugins/host-local/config.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define RESOLV_MAX (64 * 1024)

/* Append @word to a list, ignoring what does not fit (glibc reads only a few anyway). */
static int push(char (*list)[CNI_DNS_STR], int *n, const char *word, const char *path,
		struct err *err)
{
	if (strlen(word) >= CNI_DNS_STR)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG,
			       "resolvConf has an overlong entry",
			       "%s: '%.40s...' is longer than %d bytes", path, word,
			       CNI_DNS_STR - 1);
	if (*n < CNI_MAX_DNS)
		str_copy(list[(*n)++], CNI_DNS_STR, word);
	return 0;
}

static int parse_line(char *line, struct cni_dns *dns, const char *path, struct err *err)
{
	char *save = NULL, *key, *w;
	int r = 0;

	key = strtok_r(line, " \t\r\v\f", &save);
	if (!key || key[0] == '#' || key[0] == ';')
		return 0;
	while (r == 0 && (w = strtok_r(NULL, " \t\r\v\f", &save))) {
		if (strcmp(key, "nameserver") == 0) {
			r = push(dns->nameservers, &dns->n_nameservers, w, path, err);
			break;	/* one address per line; the rest is ignored */
		} else if (strcmp(key, "domain") == 0) {
			int n = 0;
			char one[1][CNI_DNS_STR];

			/* The last "domain" line wins, as in the reference. */
			r = push(one, &n, w, path, err);
			if (r == 0)
				str_copy(dns->domain, sizeof(dns->domain), one[0]);
			break;
		} else if (strcmp(key, "search") == 0) {
			r = push(dns->search, &dns->n_search, w, path, err);
		} else if (strcmp(key, "options") == 0) {
			r = push(dns->options, &dns->n_options, w, path, err);
		} else {
			break;
		}
	}
	return r;
}

int hl_parse_resolv_conf(const char *path, struct cni_dns *dns, struct err *err)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	int r;

	r = file_read_bounded(path, RESOLV_MAX, &text, NULL);
	if (r < 0)
		return err_set(err, r, ERR_IO, "cannot read the resolvConf file", "%s: %s", path,
			       r == -EFBIG ? "larger than 64 KiB" : strerror(-r));
	memset(dns, 0, sizeof(*dns));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		r = parse_line(line, dns, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}
