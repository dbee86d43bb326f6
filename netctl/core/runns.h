/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A run's own view of names: a private mount namespace in which /etc/resolv.conf and
 * /etc/hosts are bind-mounted from files written for the run (as `ip netns exec` does
 * from /etc/netns/NAME), and a UTS namespace with the run's host name.
 *
 *	resolv.conf: nameserver = the first DNS network's gateway (dnsname's ADD result),
 *		     search = its domain; --dns / --dns-search override
 *	hosts:       localhost, and the run's own addresses with its host name and name
 *
 * The files live in <rundir>/etc/<run id>/ and go with the run (or `netctl gc`).
 */
#ifndef NETCTL_RUNNS_H
#define NETCTL_RUNNS_H

#include <limits.h>
#include <stdbool.h>
#include <jansson.h>

#include "util/dnsname.h"
#include "util/ip.h"

#define RUNNS_MAX_NS 3		/* glibc reads three nameservers */
#define RUNNS_MAX_ADDRS 16

struct runns {
	char dir[PATH_MAX];			/* "" until runns_write() */
	char hostname[DNS_NAME_MAX + 1];
	char name[DNS_NAME_MAX + 1];		/* --name, when it is a host name */
	char ns[RUNNS_MAX_NS][IP_STR_MAX];
	int n_ns;
	char search[DNS_NAME_MAX + 1];
	bool user_ns, user_search;		/* --dns / --dns-search given */
	struct ip_addr addrs[RUNNS_MAX_ADDRS];
	int n_addrs;
};

/**
 * runns_init() - start from the options: @hostname (else @name, else the first 12 of
 * @id), @dns (a nameserver, may be NULL), @search (may be NULL). -EINVAL when one is
 * not an address / host name / domain.
 */
int runns_init(struct runns *r, const char *hostname, const char *name, const char *id,
	       const char *dns, const char *search);

/** runns_note_result() - take a network's ADD result: its addresses, its DNS if first. */
void runns_note_result(struct runns *r, json_t *result);

/** runns_resolv_text() / runns_hosts_text() - the files' contents (pure, malloc'd). */
char *runns_resolv_text(const struct runns *r);
char *runns_hosts_text(const struct runns *r);

/** runns_write() - write the files into <@rundir>/etc/<@id>/. 0 or -errno. */
int runns_write(struct runns *r, const char *rundir, const char *id);

/**
 * runns_enter() - in the run's child, after it joined the netns and before it drops
 * capabilities: new mount and UTS namespaces, the files bound, the host name set.
 * 0 or -errno.
 */
int runns_enter(const struct runns *r);

/** runns_remove() - remove <@rundir>/etc/<@id>/ (the run's end, or gc). */
void runns_remove(const char *rundir, const char *id);

#endif
