// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl gc [NET]`: make the kernel and the state files agree with what is really
 * attached, after crashes (kill -9 of `netctl run` or `netctl connect`) or after
 * someone flushed the ruleset. In order:
 *
 *  1. runs: a run record whose process is gone (pid dead, or reused: the start time
 *     differs) has each of its networks detached, its netns pin and record removed;
 *  2. netns pins netctl-<id> without a record (none should exist) are removed, and
 *     temp files of writes cut short (NAME.tmp.PID of a dead PID);
 *  3. per network: a cached attachment whose netns is gone, or whose interface is
 *     gone from it (a disconnect killed half-way), is detached (DEL);
 *  4. per network: the chain's GC with the cache as the valid list (libcni's rule),
 *     under the cache's exclusive lock, so the plugins drop every reservation, veth,
 *     set element and qdisc of an attachment that never got cached (an ADD killed
 *     half-way) and an ADD in flight is waited for, not taken for a leak;
 *  5. nftables: if an attachment's elements or its network's chains or rules are
 *     missing (a `nft flush ruleset`, a flushed table, a deleted element), the nft
 *     part is made again from the cache: a table whose chains lost their rules is
 *     deleted first, then every valid attachment is re-added to the plugins that own
 *     nft state and whose ADD is idempotent (firewall, portmap), and the bridge's
 *     ipMasq, macspoofchk and spoofchk elements are re-added here (the bridge's own ADD would
 *     touch links), with the same nft/ functions the bridge uses.
 *
 * Steps 3 and 4 hold the network's lock (cni/netlock.h), step 5 every network's, in
 * name order: no chain, policy apply or rm of a network runs while gc reads and fixes it.
 * Dead runs are always reclaimed whole; NET limits steps 3 and 4. Each action is one
 * line on stdout and one audit line (op=gc).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netfilter.h>

#include "cni/netlock.h"
#include "netctl/core/attach.h"
#include "netctl/core/audit.h"
#include "netctl/core/cache.h"
#include "netctl/core/dnsstate.h"
#include "netctl/core/runns.h"
#include "netctl/core/chain.h"
#include "netctl/cli/cli.h"
#include "netctl/core/netns.h"
#include "netctl/core/paths.h"
#include "netctl/core/runrec.h"
#include "nft/conn.h"
#include "ruleset/gc.h"
#include "ruleset/table.h"
#include "netlib/link.h"
#include "netlib/sock.h"
#include "util/audit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/ip.h"
#include "util/str.h"

static const char usage_text[] =
	"usage: netctl gc [NET]\n"
	"\n"
	"Reclaims what crashed commands left: the networks, netns and record of each\n"
	"`netctl run` whose process is gone; cached attachments whose netns is gone; then\n"
	"every plugin's GC with the cached attachments as the valid ones (reservations,\n"
	"veths, nft elements and qdiscs of anything else go; a dead DNS server is\n"
	"restarted, the DNS server of a removed network stopped). If our nftables state was\n"
	"flushed or lost elements (`nft flush ruleset`), it is rebuilt from the cache.\n"
	"NET limits the per-network steps; dead runs are always reclaimed whole.\n"
	"One line per action; \"gc: nothing to do\" when all was in order.\n"
	"\n"
	"Exit status: 0 success, 1 some action failed (the line says which), 2 bad\n"
	"command line.\n";

struct gc {
	struct netctl_paths p;
	const char *only;	/* NET, or NULL */
	int actions, failures;
};

/* One line on stdout and the audit line for it. */
__attribute__((format(printf, 6, 7)))
static void say(struct gc *g, bool failed, const char *net, const char *container,
		const char *ifname, const char *fmt, ...)
{
	char text[1024], extra[1200] = "";
	struct err err = { 0 };
	struct audit_rec rec = { .op = "gc", .net = net, .container = container,
				 .ifname = ifname, .extra = extra };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("gc: %s\n", text);
	fflush(stdout);
	if (failed) {
		err.code = ERR_IO;
		str_copy(err.msg, sizeof(err.msg), text);
		g->failures++;
	} else {
		audit_kv(extra, sizeof(extra), "action", text);
	}
	audit_log(&rec, &err);
	g->actions++;
}

/* Step 1: a dead run's networks, netns and record. */
static int gc_run(const char *id, void *data)
{
	char etext[ERR_TEXT_MAX];
	struct gc *g = data;
	struct chain_err err = { .plugin = -1 };
	struct attach_opts a;
	struct runrec rec;
	char ns[PATH_MAX];
	bool failed = false;
	int r, i;

	r = runrec_read(g->p.rundir, id, &rec);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		/* Its netns and attachments are found by steps 2 and 3. */
		r = runrec_remove(g->p.rundir, id);
		say(g, r < 0, NULL, NULL, NULL, "run %s: removed its unreadable record%s%s", id,
		    r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
		return 0;
	}
	if (runrec_alive(&rec))
		return 0;
	if (netns_path(g->p.netnsdir, rec.container_id, ns, sizeof(ns)) < 0)
		ns[0] = '\0';
	for (i = rec.n_nets - 1; i >= 0; i--) {
		if (!paths_net_exists(&g->p, rec.nets[i].net)) {
			say(g, false, rec.nets[i].net, rec.container_id, rec.nets[i].ifname,
			    "run %s (pid %d ended): network %s no longer exists, nothing to detach",
			    id, (int)rec.pid, rec.nets[i].net);
			continue;
		}
		a = (struct attach_opts){ .net = rec.nets[i].net, .container_id = rec.container_id,
					  .ifname = rec.nets[i].ifname, .op = "gc",
					  .netns = ns[0] && access(ns, F_OK) == 0 ? ns : NULL };
		r = attach_del(&a, &err);
		failed |= r < 0;
		say(g, r < 0, a.net, a.container_id, a.ifname, "run %s (pid %d ended): %s %s (%s)%s%s",
		    id, (int)rec.pid, r < 0 ? "cannot detach from" : "detached from", a.net,
		    a.ifname, r < 0 ? ": " : "",
		    r < 0 ? err_text(&err.cni, etext, sizeof(etext)) : "");
	}
	if (access(ns, F_OK) == 0) {
		/* CMD died with netctl (PDEATHSIG); what it started may not have. */
		r = netns_kill_all(ns);
		if (r > 0)
			say(g, false, NULL, rec.container_id, NULL,
			    "run %s: killed %d processes left in its netns", id, r);
		else if (r < 0)
			say(g, true, NULL, rec.container_id, NULL,
			    "run %s: cannot kill what is left in its netns: %s", id, strerror(-r));
		r = netns_delete(g->p.netnsdir, rec.container_id);
		say(g, r < 0, NULL, rec.container_id, NULL, "run %s: %s netns %s%s%s", id,
		    r < 0 ? "cannot remove" : "removed", ns, r < 0 ? ": " : "",
		    r < 0 ? strerror(-r) : "");
		failed |= r < 0;
	}
	if (failed)	/* the record stays: the next gc tries again */
		return 0;
	runns_remove(g->p.rundir, id);
	r = runrec_remove(g->p.rundir, id);
	say(g, r < 0, NULL, rec.container_id, NULL, "run %s: %s its record%s%s", id,
	    r < 0 ? "cannot remove" : "removed", r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
	return 0;
}

/* Step 2: pins named like a run's without a record. */
static void gc_pins(struct gc *g)
{
	_cleanup_closedir_ DIR *d = opendir(g->p.netnsdir);
	size_t pl = strlen(RUNREC_NETNS_PREFIX);
	struct runrec rec;
	struct dirent *de;
	int r;

	while (d && (de = readdir(d))) {
		const char *id = de->d_name + pl;

		if (strncmp(de->d_name, RUNREC_NETNS_PREFIX, pl) || !runrec_id_ok(id))
			continue;
		/* A run writes its record before its pin and removes it after. */
		r = runrec_read(g->p.rundir, id, &rec);
		if (r != -ENOENT)
			continue;
		r = netns_delete(g->p.netnsdir, de->d_name);
		say(g, r < 0, NULL, de->d_name, NULL, "%s netns %s/%s (no run owns it)%s%s",
		    r < 0 ? "cannot remove" : "removed", g->p.netnsdir, de->d_name,
		    r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
	}
}

/*
 * Step 2b: temp files of an atomic write (util/file.c: NAME.tmp.PID) whose writer was
 * killed before its rename, in the run records and the result cache.
 */
static void gc_tmp(struct gc *g, const char *base, const char *sub)
{
	_cleanup_closedir_ DIR *d = NULL;
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX];
	struct dirent *de;
	const char *t;
	char *end;
	long pid;
	int r;

	if (str_printf(dir, sizeof(dir), "%s/%s", base, sub) < 0)
		return;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		t = strstr(de->d_name, ".tmp.");
		if (!t)
			continue;
		errno = 0;
		pid = strtol(t + 5, &end, 10);
		if (errno || *end || pid <= 0 || pid > INT_MAX ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (str_printf(path, sizeof(path), "%s/%s", dir, de->d_name) < 0)
			continue;
		r = unlink(path) < 0 && errno != ENOENT ? -errno : 0;
		say(g, r < 0, NULL, NULL, NULL, "%s stale temp file %s (its writer, pid %ld, is "
		    "gone)%s%s", r < 0 ? "cannot remove" : "removed", path, pid, r < 0 ? ": " : "",
		    r < 0 ? strerror(-r) : "");
	}
}

/* The cached attachments of one network, copied out of the cache walk. */
struct att {
	char id[257], ifname[16], netns[PATH_MAX];
	json_t *result;		/* owned */
};

struct att_list {
	struct att *v;
	size_t n, cap;
};

static int att_collect(const struct attach_info *a, void *data)
{
	struct att_list *l = data;
	struct att *nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		nv = realloc(l->v, l->cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
	}
	nv = &l->v[l->n];
	if (str_copy(nv->id, sizeof(nv->id), a->container_id) < 0 ||
	    str_copy(nv->ifname, sizeof(nv->ifname), a->ifname) < 0)
		return 0;
	str_copy(nv->netns, sizeof(nv->netns), a->netns ? a->netns : "");
	nv->result = json_incref(a->result);
	l->n++;
	return 0;
}

static void att_free(struct att_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->v[i].result);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * What the plugins' GC removed is not reported by them: a snapshot of the network's
 * kernel objects and reservations before and after it, taken under the network's
 * exclusive cache lock (so no ADD or DEL of this network runs in between), and one
 * line per item that went. Objects of this network: veths on its bridge, its IFBs
 * (ifalias netctl-bw/NET), the elements of its own sets (members-, masq-, grp-...),
 * of the bridge-keyed maps and of portmap's shared maps whose comment names it, its
 * host-local reservations.
 */
struct snap {
	char **v;
	size_t n, cap;
	const char *net;
	char bridge[16];
	int br_index;
};

static int snap_add(struct snap *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int snap_add(struct snap *s, const char *fmt, ...)
{
	char **nv, *item;
	va_list ap;
	int r;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
	}
	va_start(ap, fmt);
	r = vasprintf(&item, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	s->v[s->n++] = item;
	return 0;
}

static void snap_free(struct snap *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int snap_link(const struct netlib_link *l, void *data)
{
	struct snap *s = data;
	char alias[128];

	snprintf(alias, sizeof(alias), "netctl-bw/%s", s->net);
	if (!(!strcmp(l->kind, "veth") && s->br_index && l->master == s->br_index) &&
	    !(!strcmp(l->kind, "ifb") && !strcmp(l->alias, alias)))
		return 0;
	return snap_add(s, "%s %s%s%s%s", l->kind, l->name, l->alias[0] ? " (" : "", l->alias,
			l->alias[0] ? ")" : "");
}

static int snap_store(struct snap *s, const struct conflist *cl)
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

static void snap_take(struct snap *s, const struct conflist *cl)
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

static bool snap_has(const struct snap *s, const char *item)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], item))
			return true;
	return false;
}

/*
 * The attachment's interface is gone from its netns: a DEL killed half-way (bridge's
 * DEL deletes the veth pair) or someone deleted it. Nothing of it can be re-added.
 */
static bool if_gone(const struct att *a)
{
	struct netlib_nl nl;
	struct netlib_link link;
	int r;

	if (netlib_open_netns(&nl, a->netns, NULL) < 0)
		return false;
	r = netlib_link_get(&nl, 0, a->ifname, &link, NULL);
	netlib_close(&nl);
	return r == -ENODEV;
}

/* Steps 3 and 4 for one network. */
static int gc_net(const char *net, void *data)
{
	char etext[ERR_TEXT_MAX];
	struct gc *g = data;
	struct chain_err err = { .plugin = -1 };
	struct att_list l = { 0 };
	struct snap before = { 0 }, after = { 0 };
	struct conflist cl = { 0 };
	struct chain_req req;
	size_t i;
	int r, fd, nl;

	/* The network lock for all of it, then the cache lock: no chain, apply or rm of
	 * the network runs meanwhile (a DEL half done would look broken). */
	nl = cni_net_lock(net, NULL, true, &err.cni);
	if (nl < 0) {
		say(g, true, net, NULL, NULL, "%s: %s: %s", net, err.cni.msg, err.cni.details);
		return 0;
	}
	r = attach_list(net, att_collect, &l);
	for (i = 0; r == 0 && i < l.n; i++) {
		struct att *a = &l.v[i];
		struct attach_opts o = { .net = net, .container_id = a->id, .ifname = a->ifname,
					 .op = "gc" };
		bool ns_gone = !a->netns[0] || access(a->netns, F_OK) != 0;

		if (!ns_gone && !if_gone(a))
			continue;
		r = attach_del(&o, &err);
		say(g, r < 0, net, a->id, a->ifname, "%s: %s %s (%s): %s %s is gone%s%s",
		    net, r < 0 ? "cannot detach" : "detached", a->id, a->ifname,
		    ns_gone ? "its netns" : "its interface in netns",
		    a->netns[0] ? a->netns : "(none cached)", r < 0 ? ": " : "",
		    r < 0 ? err_text(&err.cni, etext, sizeof(etext)) : "");
		r = 0;
	}
	att_free(&l);
	if (r < 0) {
		say(g, true, net, NULL, NULL, "%s: cannot read the result cache: %s", net,
		    strerror(-r));
		cni_net_unlock(nl);
		return 0;
	}
	r = paths_net_load(&g->p, net, &cl, &err.cni);
	if (r == 0) {
		/* ADDs in flight (a killed netctl's plugin too) end before the snapshot. */
		fd = cache_lock(g->p.statedir, net, true);
		req = (struct chain_req){ .cni_path = g->p.cni_path, .cache_dir = g->p.statedir,
					  .locked = fd >= 0 };
		snap_take(&before, &cl);
		r = chain_gc(&cl, &req, &err);
		snap_take(&after, &cl);
		if (fd >= 0)
			close(fd);
	}
	cni_net_unlock(nl);
	for (i = 0; i < before.n; i++)
		if (!snap_has(&after, before.v[i]))
			say(g, false, net, NULL, NULL, "%s: plugins' GC removed %s", net,
			    before.v[i]);
	if (r < 0)
		say(g, true, net, NULL, NULL, "%s: GC failed: %s", net,
		    err_text(&err.cni, etext, sizeof(etext)));
	snap_free(&before);
	snap_free(&after);
	conflist_free(&cl);
	return 0;
}

/* Step 4b: the DNS server of a network that is gone (removed under a running server). */
static int gc_dns(const char *net, void *data)
{
	char etext[ERR_TEXT_MAX];
	struct gc *g = data;
	struct chain_err err = { .plugin = -1 };
	int r;

	if (paths_net_exists(&g->p, net))
		return 0;
	r = dnsstate_stop(&g->p, net, &err);
	say(g, r < 0, net, NULL, NULL, "%s: %s the DNS server of the removed network%s%s", net,
	    r < 0 ? "cannot stop" : "stopped", r < 0 ? ": " : "",
	    r < 0 ? err_text(&err.cni, etext, sizeof(etext)) : "");
	return 0;
}

/* Step 5: a network whose chain owns nft state, and its cached attachments. */
struct nftnet {
	struct nft_gc_net rs;
	struct att_list atts;
	struct nft_gc_att *rs_atts;	/* atts as the ruleset knows them, same order */
};

struct nftscan {
	struct gc *g;
	struct nftnet *v;
	size_t n, cap;
};

/* The addresses of a cached result. */
static size_t result_addrs(json_t *result, struct ip_prefix *out, size_t max)
{
	json_t *ip;
	size_t i, n = 0;

	json_array_foreach(cni_json_get(result, "ips"), i, ip) {
		const char *a = json_string_value(cni_json_get(ip, "address"));

		if (a && n < max && ip_prefix_parse(a, &out[n]) == 0)
			n++;
	}
	return n;
}

/* The host veth (no sandbox, not the bridge) and the container's MAC for @ifname. */
static bool result_port_mac(json_t *result, const char *bridge, const char *ifname,
			    char *port, size_t n, uint8_t mac[6])
{
	json_t *itf;
	size_t i;
	bool got_port = false, got_mac = false;

	json_array_foreach(cni_json_get(result, "interfaces"), i, itf) {
		const char *name = json_string_value(cni_json_get(itf, "name"));
		const char *sb = json_string_value(cni_json_get(itf, "sandbox"));
		const char *m = json_string_value(cni_json_get(itf, "mac"));

		if (!name)
			continue;
		if ((!sb || !sb[0]) && strcmp(name, bridge))
			got_port = str_copy(port, n, name) == 0;
		else if (sb && sb[0] && !strcmp(name, ifname) && m)
			got_mac = sscanf(m, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
					 &mac[2], &mac[3], &mac[4], &mac[5]) == 6;
	}
	return got_port && got_mac;
}

/* What the ruleset needs of cached attachment @a of network @nn. */
static void rs_att(const struct nft_gc_net *nn, const struct att *a, struct nft_gc_att *out)
{
	out->id = a->id;
	out->n_ips = result_addrs(a->result, out->ips, ARRAY_SIZE(out->ips));
	out->port_mac = result_port_mac(a->result, nn->bridge, a->ifname, out->port,
					sizeof(out->port), out->mac);
}

static bool conf_true(json_t *o, const char *key)
{
	return json_is_true(cni_json_get(o, key));
}

static int scan_net(const char *net, void *data)
{
	struct nftscan *s = data;
	struct err err = { 0 };
	struct conflist cl = { 0 };
	struct nftnet *n, *nv;
	struct nft_gc_net *rs;
	int i;

	if (paths_net_load(&s->g->p, net, &cl, &err) < 0)
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv) {
			conflist_free(&cl);
			return -ENOMEM;
		}
		s->v = nv;
	}
	n = memset(&s->v[s->n], 0, sizeof(*n));
	rs = &n->rs;
	str_copy(rs->net, sizeof(rs->net), net);
	for (i = 0; i < cl.n_plugins; i++) {
		json_t *c = cl.plugins[i].conf;

		if (!strcmp(cl.plugins[i].type, "firewall"))
			rs->fw = true;
		else if (!strcmp(cl.plugins[i].type, "portmap"))
			rs->portmap = true;
		else if (!strcmp(cl.plugins[i].type, "bridge")) {
			rs->masq = conf_true(c, "ipMasq");
			rs->macspoof = conf_true(c, "macspoofchk");
			rs->spoof = json_is_false(cni_json_get(c, "icc")) ?
				    !json_is_false(cni_json_get(c, "spoofchk")) :
				    conf_true(c, "spoofchk");
			rs->ll6 = conf_true(c, "ipv6LinkLocal");
			if (!cni_json_get(c, "ipam"))
				rs->spoof = false;	/* then it is macspoofchk */
			rs->routed = json_string_value(cni_json_get(c, "gatewayMode")) &&
				     !strcmp(json_string_value(cni_json_get(c, "gatewayMode")),
					     "routed");
			str_copy(rs->bridge, sizeof(rs->bridge),
				 json_string_value(cni_json_get(c, "bridge")) ?: "cni0");
		}
	}
	conflist_free(&cl);
	if (!rs->fw && !rs->portmap && !rs->masq && !rs->macspoof && !rs->spoof)
		return 0;
	if (attach_list(net, att_collect, &n->atts) < 0 || !n->atts.n ||
	    !(n->rs_atts = calloc(n->atts.n, sizeof(*n->rs_atts)))) {
		att_free(&n->atts);
		return 0;
	}
	for (i = 0; i < (int)n->atts.n; i++)
		rs_att(rs, &n->atts.v[i], &n->rs_atts[i]);
	s->n++;
	return 0;
}

/* Missing: chains or elements are gone; flushed: a chain is there with no rule. */
static enum nft_gc_state nft_check(struct nft_conn *c, const struct nftscan *s)
{
	enum nft_gc_state st = NFT_GC_OK, one;
	size_t i;

	for (i = 0; i < s->n; i++) {
		one = nft_gc_check(c, &s->v[i].rs, s->v[i].rs_atts, s->v[i].atts.n);
		if (one == NFT_GC_FLUSHED)
			return one;
		if (one == NFT_GC_MISSING)
			st = one;
	}
	return st;
}

static bool nft_owner(const char *type)
{
	return !strcmp(type, "firewall") || !strcmp(type, "portmap");
}

/* Re-add one attachment's nft state: the plugins that own some re-ADD it, then the
 * bridge's elements (its own ADD would touch links). 0, or -errno with why in @err. */
static int rebuild_att(struct gc *g, struct nft_conn *c, const struct nftnet *nn, size_t j,
		       struct err *err)
{
	char etext[ERR_TEXT_MAX];
	const struct att *a = &nn->atts.v[j];
	struct chain_err cerr = { .plugin = -1 };
	struct conflist cl = { 0 };
	struct chain_req req = { .cni_path = g->p.cni_path, .cache_dir = g->p.statedir,
				 .container_id = a->id, .ifname = a->ifname };
	int r = 0;

	if ((nn->rs.fw || nn->rs.portmap) &&
	    paths_net_load(&g->p, nn->rs.net, &cl, &cerr.cni) == 0) {
		r = chain_readd(&cl, &req, nft_owner, &cerr);
		if (r < 0)
			err_detail(err, r, "re-ADD: %s",
				   err_text(&cerr.cni, etext, sizeof(etext)));
	}
	conflist_free(&cl);
	return r < 0 ? r : nft_gc_rebuild(c, &nn->rs, &nn->rs_atts[j], err);
}

/* Every network's lock, in name order (paths_net_foreach sorts): the table is shared. */
struct net_locks {
	struct gc *g;
	int h[256];
	size_t n;
};

static int lock_one(const char *net, void *data)
{
	struct net_locks *l = data;
	struct err err = { 0 };
	int h;

	if (l->n == ARRAY_SIZE(l->h)) {
		say(l->g, true, NULL, NULL, NULL, "more than %zu networks: nftables state not "
		    "checked", ARRAY_SIZE(l->h));
		return -E2BIG;
	}
	h = cni_net_lock(net, NULL, true, &err);
	if (h < 0) {
		say(l->g, true, net, NULL, NULL, "%s: nftables state not checked: %s: %s", net,
		    err.msg, err.details);
		return h;
	}
	l->h[l->n++] = h;
	return 0;
}

static void unlock_all(struct net_locks *l)
{
	while (l->n)
		cni_net_unlock(l->h[--l->n]);
}

static void gc_nft(struct gc *g)
{
	struct net_locks locks = { .g = g };
	struct nftscan s = { .g = g };
	enum nft_gc_state st;
	struct nft_conn c = { 0 };
	struct err err = { 0 };
	size_t i, j;
	int r;

	/* A rebuild may delete the whole table: no network's chain may run meanwhile. */
	if (paths_net_foreach(&g->p, lock_one, &locks) < 0 ||
	    paths_net_foreach(&g->p, scan_net, &s) < 0 || !s.n)
		goto out;
	r = nft_conn_open(&c, &err);
	if (r < 0) {
		say(g, true, NULL, NULL, NULL, "cannot talk to nftables: %s", err.details);
		goto out;
	}
	st = nft_check(&c, &s);
	if (st == NFT_GC_OK)
		goto out;
	if (st == NFT_GC_FLUSHED) {
		r = nft_gc_drop_table(&c, &err);
		say(g, r < 0, NULL, NULL, NULL, "table inet %s lost its rules: %s%s", NFT_TABLE,
		    r < 0 ? "cannot delete it to rebuild: " : "deleted it to rebuild it",
		    r < 0 ? err.details : "");
		if (r < 0)
			goto out;
	}
	for (i = 0; i < s.n; i++)
		for (j = 0; j < s.v[i].atts.n; j++) {
			const struct att *a = &s.v[i].atts.v[j];

			err_clear(&err);
			r = rebuild_att(g, &c, &s.v[i], j, &err);
			say(g, r < 0, s.v[i].rs.net, a->id, a->ifname,
			    "%s: %s nftables state of %s (%s)%s%s", s.v[i].rs.net,
			    r < 0 ? "cannot rebuild the" : "rebuilt the", a->id, a->ifname,
			    r < 0 ? ": " : "", r < 0 ? err.details : "");
		}
out:
	nft_conn_close(&c);
	unlock_all(&locks);
	for (i = 0; i < s.n; i++) {
		att_free(&s.v[i].atts);
		free(s.v[i].rs_atts);
	}
	free(s.v);
}

int cmd_gc(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, {} };
	struct gc g = { 0 };
	char lock[PATH_MAX];
	int c, fd, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return CLI_OK;
		}
		fprintf(stderr, "netctl gc: bad option \"%s\"\n%s", argv[optind - 1], usage_text);
		return CLI_USAGE;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "netctl gc: at most one network\n%s", usage_text);
		return CLI_USAGE;
	}
	if (paths_init(&g.p) < 0) {
		fprintf(stderr, "netctl gc: a path is too long\n");
		return CLI_USAGE;
	}
	g.only = argc - optind == 1 ? argv[optind] : NULL;
	if (g.only && !paths_net_exists(&g.p, g.only)) {
		fprintf(stderr, "netctl gc: there is no network \"%s\" (see `netctl ls`)\n",
			g.only);
		return CLI_FAILED;
	}
	/* One gc at a time; runs and ADDs go on (the cache lock orders those). */
	r = mkdir_p(g.p.rundir, 0755);
	if (r == 0)
		r = str_printf(lock, sizeof(lock), "%s/gc.lock", g.p.rundir);
	fd = r < 0 ? r : lock_path(lock);
	if (fd < 0) {
		fprintf(stderr, "netctl gc: cannot lock %s/gc.lock: %s\n", g.p.rundir,
			strerror(-fd));
		return CLI_FAILED;
	}
	runrec_foreach(g.p.rundir, gc_run, &g);
	gc_pins(&g);
	gc_tmp(&g, g.p.rundir, "run");
	gc_tmp(&g, g.p.statedir, "results");
	if (g.only)
		gc_net(g.only, &g);
	else
		paths_net_foreach(&g.p, gc_net, &g);
	if (!g.only)
		dnsstate_foreach(&g.p, gc_dns, &g);
	gc_nft(&g);
	close(fd);
	if (!g.actions)
		printf("gc: nothing to do\n");
	return g.failures ? CLI_FAILED : CLI_OK;
}
