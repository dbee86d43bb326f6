/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A network's hosts file (dnsmasq's addn-hosts), as blocks: one per attachment, each
 * opened by a comment naming its owner, so DEL and GC find the lines of a container
 * without a second file:
 *
 *	# netctl-dnsname CONTAINERID IFNAME
 *	10.88.0.5	web web.dns.podman db db.dns.podman 0123456789ab 0123456789ab.dns.podman
 *	fd88::5	web web.dns.podman ...
 *
 * Pure: no I/O here (the caller reads and writes the file under the network's lock).
 */
#ifndef NETCTL_PLUGINS_DNSNAME_HOSTS_H
#define NETCTL_PLUGINS_DNSNAME_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#define DN_HOSTS_HEADER "# netctl-dnsname "
#define DN_HOSTS_MAX (16 * 1024 * 1024)	/* about 50 000 attachments */

struct dn_block {
	char *cid;
	char *ifname;
	char *lines;		/* "ADDR\tNAMES...\n" lines, may be "" */
};

struct dn_hosts {
	struct dn_block *v;
	size_t n, cap;
};

/** dn_hosts_parse() - blocks of @text (lines before the first header are dropped). */
int dn_hosts_parse(const char *text, struct dn_hosts *h);

/** dn_hosts_remove() - drop the blocks of (@cid, @ifname); return how many. */
size_t dn_hosts_remove(struct dn_hosts *h, const char *cid, const char *ifname);

/** dn_hosts_add() - append a block (copies of the strings). 0 or -ENOMEM. */
int dn_hosts_add(struct dn_hosts *h, const char *cid, const char *ifname, const char *lines);

/** dn_hosts_find() - the block of (@cid, @ifname), or NULL. */
const struct dn_block *dn_hosts_find(const struct dn_hosts *h, const char *cid,
				     const char *ifname);

/** dn_hosts_format() - the file's text (malloc'd), or NULL on ENOMEM. */
char *dn_hosts_format(const struct dn_hosts *h, size_t *len);

void dn_hosts_free(struct dn_hosts *h);

#endif
