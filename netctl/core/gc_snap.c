// SPDX-License-Identifier: Apache-2.0
/* What exists of one network (links, nft elements, reservations), as lines, for gc. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/json.h"
#include "netctl/core/gc_snap.h"
#include "netlib/link.h"
#include "netlib/sock.h"
#include "nft/conn.h"
#include "ruleset/gc.h"
#include "util/array.h"
#include "util/cleanup.h"
#include "util/ip.h"
#include "util/str.h"

static int snap_add(struct gc_snap *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int snap_add(struct gc_snap *s, const char *fmt, ...)
{
	char *item;
	va_list ap;
	int r;

	if (array_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), 64) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	r = vasprintf(&item, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	s->v[s->n++] = item;
	return 0;
}

void gc_snap_free(struct gc_snap *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* A veth on the network's bridge, or the network's IFB (netctl-bw/NET, the bandwidth plugin's). */
static int snap_link(const struct netlib_link *l, void *data)
{
	struct gc_snap *s = data;
	char alias[128];

	snprintf(alias, sizeof(alias), "netctl-bw/%s", s->net);
	if (!(!strcmp(l->kind, "veth") && s->br_index && l->master == s->br_index) &&
	    !(!strcmp(l->kind, "ifb") && !strcmp(l->alias, alias)))
		return 0;
	return snap_add(s, "%s %s%s%s%s", l->kind, l->name, l->alias[0] ? " (" : "", l->alias,
			l->alias[0] ? ")" : "");
}

/* The reservations of the network's host-local IPAM (the first plugin that has one). */
static int snap_store(struct gc_snap *s, const struct conflist *cl)
{
	_cleanup_closedir_ DIR *d = NULL;
	char dir[PATH_MAX];
	struct ip_addr a;
	struct dirent *de;
	json_t *ipam;
	int i;

	for (i = 0; i < cl->n_plugins; i++) {
		ipam = cni_json_get(cl->plugins[i].conf, "ipam");
		if (!json_is_object(ipam) ||
		    strcmp(json_string_value(cni_json_get(ipam, "type")) ?: "", "host-local"))
			continue;
		if (str_printf(dir, sizeof(dir), "%s/%s",
			       json_string_value(cni_json_get(ipam, "dataDir")) ?:
			       "/var/lib/cni/networks", cl->name) < 0)
			return 0;
		d = opendir(dir);
		while (d && (de = readdir(d)))
			if (ip_addr_parse(de->d_name, &a) == 0 &&
			    snap_add(s, "reservation %s/%s", dir, de->d_name) < 0)
				return -ENOMEM;
		return 0;
	}
	return 0;
}

static int snap_item(const char *item, void *data)
{
	return snap_add(data, "%s", item);
}

void gc_snap_take(struct gc_snap *s, const struct conflist *cl)
{
	struct netlib_link br;
	struct netlib_nl nl;
	struct nft_conn c;
	int i_pl;

	s->net = cl->name;
	for (i_pl = 0; i_pl < cl->n_plugins; i_pl++)
		if (!strcmp(cl->plugins[i_pl].type, "bridge"))
			str_copy(s->bridge, sizeof(s->bridge), json_string_value(cni_json_get(
					 cl->plugins[i_pl].conf, "bridge")) ?: "cni0");
	if (netlib_open(&nl, NULL) == 0) {
		s->br_index = s->bridge[0] && netlib_link_get(&nl, 0, s->bridge, &br, NULL) == 0 ?
				      br.index : 0;
		netlib_link_foreach(&nl, snap_link, s, NULL);
		netlib_close(&nl);
	}
	if (nft_conn_open(&c, NULL) == 0) {
		nft_gc_elems(&c, cl->name, s->bridge, snap_item, s);
		nft_conn_close(&c);
	}
	snap_store(s, cl);
}

bool gc_snap_has(const struct gc_snap *s, const char *item)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], item))
			return true;
	return false;
}
