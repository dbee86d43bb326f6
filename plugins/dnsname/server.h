/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One dnsmasq per network: its generated config, and starting, finding, reloading and
 * stopping it. Starting dnsmasq is the one exec in netctl's product code.
 */
#ifndef NETCTL_PLUGINS_DNSNAME_SERVER_H
#define NETCTL_PLUGINS_DNSNAME_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include "plugins/dnsname/config.h"
#include "util/err.h"

#define DN_DNSMASQ "/usr/sbin/dnsmasq"
#define DN_MAX_UPSTREAMS 8

/**
 * dn_upstreams_read() - the nameservers of the resolv.conf at @path, a 127.x stub
 * followed to systemd-resolved's upstream list (@stub_upstreams) when that says which;
 * up to DN_MAX_UPSTREAMS strings of 64 bytes. Return how many, or -errno.
 */
int dn_upstreams_read(const char *path, const char *stub_upstreams,
		      char out[][64], int max);

/** dn_conf_text() - dnsmasq's config for @c (malloc'd), or NULL on ENOMEM. */
char *dn_conf_text(const struct dn_config *c, char upstreams[][64], int n_up,
		   const char *user, size_t *len);

/** dn_server_pid() - the pid of this network's live dnsmasq, 0 if none, or -errno. */
pid_t dn_server_pid(const struct dn_paths *p);

/**
 * dn_server_start() - start dnsmasq on @p->conf (written before), and return once it
 * serves: its pid, or -errno with dnsmasq's own words in @err.
 */
pid_t dn_server_start(const struct dn_paths *p, struct err *err);

/** dn_server_stop() - stop it (TERM, then KILL after 1 s) and remove its state dir. */
int dn_server_stop(const struct dn_paths *p);

#endif
