// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/dnsname/hosts.h"
#include "util/array.h"
#include "util/cleanup.h"

static void block_free(struct dn_block *b)
{
	free(b->cid);
	free(b->ifname);
	free(b->lines);
}

void dn_hosts_free(struct dn_hosts *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		block_free(&h->v[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

int dn_hosts_add(struct dn_hosts *h, const char *cid, const char *ifname, const char *lines)
{
	struct dn_block b;

	if (array_grow((void **)&h->v, &h->cap, h->n, sizeof(*h->v), 16) < 0)
		return -ENOMEM;
	b.cid = strdup(cid);
	b.ifname = strdup(ifname);
	b.lines = strdup(lines);
	if (!b.cid || !b.ifname || !b.lines) {
		block_free(&b);
		return -ENOMEM;
	}
	h->v[h->n++] = b;
	return 0;
}

/* Append @len bytes of @s to the last block's lines. */
static int block_append(struct dn_block *b, const char *s, size_t len)
{
	size_t old = strlen(b->lines);
	char *p = realloc(b->lines, old + len + 2);

	if (!p)
		return -ENOMEM;
	memcpy(p + old, s, len);
	p[old + len] = '\n';
	p[old + len + 1] = '\0';
	b->lines = p;
	return 0;
}

/* "# netctl-dnsname CID IFNAME": a new block. */
static int parse_header(struct dn_hosts *h, const char *line, size_t len)
{
	char cid[256], ifname[64], rest;
	_cleanup_free_ char *copy = strndup(line, len);

	if (!copy)
		return -ENOMEM;
	if (sscanf(copy + strlen(DN_HOSTS_HEADER), "%255s %63s %c", cid, ifname, &rest) != 2)
		return 0;	/* not ours: a foreign comment is dropped */
	return dn_hosts_add(h, cid, ifname, "");
}

int dn_hosts_parse(const char *text, struct dn_hosts *h)
{
	const char *p = text, *nl;
	int r = 0;

	memset(h, 0, sizeof(*h));
	while (p && *p && r == 0) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > strlen(DN_HOSTS_HEADER) && !strncmp(p, DN_HOSTS_HEADER,
							       strlen(DN_HOSTS_HEADER)))
			r = parse_header(h, p, len);
		else if (len && p[0] != '#' && h->n)
			r = block_append(&h->v[h->n - 1], p, len);
		p = nl ? nl + 1 : NULL;
	}
	if (r < 0)
		dn_hosts_free(h);
	return r;
}

size_t dn_hosts_remove(struct dn_hosts *h, const char *cid, const char *ifname)
{
	size_t i, kept = 0, removed = 0;

	for (i = 0; i < h->n; i++) {
		if (!strcmp(h->v[i].cid, cid) && !strcmp(h->v[i].ifname, ifname)) {
			block_free(&h->v[i]);
			removed++;
			continue;
		}
		h->v[kept++] = h->v[i];
	}
	h->n = kept;
	return removed;
}

const struct dn_block *dn_hosts_find(const struct dn_hosts *h, const char *cid,
				     const char *ifname)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].cid, cid) && !strcmp(h->v[i].ifname, ifname))
			return &h->v[i];
	return NULL;
}

char *dn_hosts_format(const struct dn_hosts *h, size_t *len)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	for (i = 0; i < h->n; i++)
		fprintf(f, "%s%s %s\n%s", DN_HOSTS_HEADER, h->v[i].cid, h->v[i].ifname,
			h->v[i].lines);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}
