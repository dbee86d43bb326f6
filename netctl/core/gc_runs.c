// SPDX-License-Identifier: Apache-2.0
/*
 * gc steps 1 and 2 (netctl/core/gc.h): what dead `netctl run`s left (their networks,
 * netns and record), netns pins without a run, and temp files of writes cut short.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netctl/core/attach.h"
#include "netctl/core/gc.h"
#include "netctl/core/gc_report.h"
#include "netctl/core/netns.h"
#include "netctl/core/runns.h"
#include "netctl/core/runrec.h"
#include "util/cleanup.h"
#include "util/str.h"

/* Detach each network of dead run @rec, last attached first. False if one failed. */
static bool detach_run(const struct gc_ctx *g, const struct runrec *rec, const char *ns)
{
	char etext[ERR_TEXT_MAX];
	struct chain_err err = { .plugin = -1 };
	struct attach_opts a;
	bool ok = true;
	int r, i;

	for (i = rec->n_nets - 1; i >= 0; i--) {
		const struct runrec_net *n = &rec->nets[i];

		if (!paths_net_exists(g->p, n->net)) {
			gc_report(g, false, n->net, rec->container_id, n->ifname,
				  "run %s (pid %d ended): network %s no longer exists, nothing to "
				  "detach", rec->id, (int)rec->pid, n->net);
			continue;
		}
		a = (struct attach_opts){ .net = n->net, .container_id = rec->container_id,
					  .ifname = n->ifname, .op = "gc",
					  .netns = ns[0] && access(ns, F_OK) == 0 ? ns : NULL };
		err = (struct chain_err){ .plugin = -1 };	/* each detach says its own cause */
		r = attach_del(&a, &err);
		ok &= r == 0;
		gc_report(g, r < 0, a.net, a.container_id, a.ifname,
			  "run %s (pid %d ended): %s %s (%s)%s%s", rec->id, (int)rec->pid,
			  r < 0 ? "cannot detach from" : "detached from", a.net, a.ifname,
			  r < 0 ? ": " : "", r < 0 ? err_text(&err.cni, etext, sizeof(etext)) : "");
	}
	return ok;
}

/* Kill what dead run @rec left in its netns @ns and remove the pin. False if it stays. */
static bool remove_run_netns(const struct gc_ctx *g, const struct runrec *rec, const char *ns)
{
	int r;

	/* CMD died with netctl (PDEATHSIG); what it started may not have. */
	r = netns_kill_all(ns);
	if (r > 0)
		gc_report(g, false, NULL, rec->container_id, NULL,
			  "run %s: killed %d processes left in its netns", rec->id, r);
	else if (r < 0)
		gc_report(g, true, NULL, rec->container_id, NULL,
			  "run %s: cannot kill what is left in its netns: %s", rec->id,
			  strerror(-r));
	r = netns_delete(g->p->netnsdir, rec->container_id);
	gc_report(g, r < 0, NULL, rec->container_id, NULL, "run %s: %s netns %s%s%s", rec->id,
		  r < 0 ? "cannot remove" : "removed", ns, r < 0 ? ": " : "",
		  r < 0 ? strerror(-r) : "");
	return r == 0;
}

/* Step 1 for run @id: if its process is gone, its networks, netns and record. */
static int gc_run(const char *id, void *data)
{
	const struct gc_ctx *g = data;
	struct runrec rec;
	char ns[PATH_MAX];
	bool ok;
	int r;

	r = runrec_read(g->p->rundir, id, &rec);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		/* Its netns and attachments are found by steps 2 and 3. */
		r = runrec_remove(g->p->rundir, id);
		gc_report(g, r < 0, NULL, NULL, NULL, "run %s: removed its unreadable record%s%s",
			  id, r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
		return 0;
	}
	if (runrec_alive(&rec))
		return 0;
	if (netns_path(g->p->netnsdir, rec.container_id, ns, sizeof(ns)) < 0)
		ns[0] = '\0';
	ok = detach_run(g, &rec, ns);
	if (access(ns, F_OK) == 0)
		ok &= remove_run_netns(g, &rec, ns);
	if (!ok)	/* the record stays: the next gc tries again */
		return 0;
	runns_remove(g->p->rundir, id);
	r = runrec_remove(g->p->rundir, id);
	gc_report(g, r < 0, NULL, rec.container_id, NULL, "run %s: %s its record%s%s", id,
		  r < 0 ? "cannot remove" : "removed", r < 0 ? ": " : "",
		  r < 0 ? strerror(-r) : "");
	return 0;
}

void gc_dead_runs(const struct gc_ctx *g)
{
	runrec_foreach(g->p->rundir, gc_run, (void *)g);
}

void gc_orphan_pins(const struct gc_ctx *g)
{
	_cleanup_closedir_ DIR *d = opendir(g->p->netnsdir);
	size_t pl = strlen(RUNREC_NETNS_PREFIX);
	struct runrec rec;
	struct dirent *de;
	int r;

	while (d && (de = readdir(d))) {
		const char *id = de->d_name + pl;

		if (strncmp(de->d_name, RUNREC_NETNS_PREFIX, pl) || !runrec_id_ok(id))
			continue;
		/* A run writes its record before its pin and removes it after. */
		r = runrec_read(g->p->rundir, id, &rec);
		if (r != -ENOENT)
			continue;
		r = netns_delete(g->p->netnsdir, de->d_name);
		gc_report(g, r < 0, NULL, de->d_name, NULL, "%s netns %s/%s (no run owns it)%s%s",
			  r < 0 ? "cannot remove" : "removed", g->p->netnsdir, de->d_name,
			  r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
	}
}

/* The PID of temp file @name (NAME.tmp.PID) when that process is gone, else 0. */
static long dead_writer(const char *name)
{
	const char *t = strstr(name, ".tmp.");
	char *end;
	long pid;

	if (!t)
		return 0;
	errno = 0;
	pid = strtol(t + 5, &end, 10);
	if (errno || *end || pid <= 0 || pid > INT_MAX ||
	    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	return pid;
}

/* Step 2 in <@base>/<@sub>: the temp files whose writer was killed before its rename. */
static void gc_tmp(const struct gc_ctx *g, const char *base, const char *sub)
{
	_cleanup_closedir_ DIR *d = NULL;
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX];
	struct dirent *de;
	long pid;
	int r;

	if (str_printf(dir, sizeof(dir), "%s/%s", base, sub) < 0)
		return;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		pid = dead_writer(de->d_name);
		if (!pid || str_printf(path, sizeof(path), "%s/%s", dir, de->d_name) < 0)
			continue;
		r = unlink(path) < 0 && errno != ENOENT ? -errno : 0;
		gc_report(g, r < 0, NULL, NULL, NULL, "%s stale temp file %s (its writer, pid %ld, "
			  "is gone)%s%s", r < 0 ? "cannot remove" : "removed", path, pid,
			  r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
	}
}

void gc_stale_tmp_files(const struct gc_ctx *g)
{
	gc_tmp(g, g->p->rundir, "run");
	gc_tmp(g, g->p->statedir, "results");
}
