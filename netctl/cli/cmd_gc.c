// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl gc [NET]`: reclaim what crashed commands left and rebuild lost nftables state.
 * The reconciliation is the runtime core's (netctl/core/gc.h: the steps, their locks);
 * this command parses the line, takes gc.lock (one gc at a time), calls the steps in
 * their order, prints each action as one "gc: ..." line as it happens and says whether
 * one failed.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netctl/cli/cli.h"
#include "netctl/core/gc.h"
#include "netctl/core/paths.h"
#include "util/file.h"
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

/* What was reported: the exit status and "nothing to do" come from it. */
struct gc_tally {
	int actions, failures;
};

/* One action: one line on stdout, at once (a gc that hangs later shows how far it got). */
static void print_action(const struct gc_event *ev, void *data)
{
	struct gc_tally *t = data;

	printf("gc: %s\n", ev->text);
	fflush(stdout);
	t->actions++;
	t->failures += ev->failed;
}

int cmd_gc(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, {} };
	struct netctl_paths p;
	struct gc_tally t = { 0 };
	struct gc_ctx g = { .p = &p, .report = print_action, .data = &t };
	const char *only;
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
	if (paths_init(&p) < 0) {
		fprintf(stderr, "netctl gc: a path is too long\n");
		return CLI_USAGE;
	}
	only = argc - optind == 1 ? argv[optind] : NULL;
	if (only && !paths_net_exists(&p, only)) {
		fprintf(stderr, "netctl gc: there is no network \"%s\" (see `netctl ls`)\n",
			only);
		return CLI_FAILED;
	}
	/* One gc at a time; runs and ADDs go on (the cache lock orders those). */
	r = mkdir_p(p.rundir, 0755);
	if (r == 0)
		r = str_printf(lock, sizeof(lock), "%s/gc.lock", p.rundir);
	fd = r < 0 ? r : lock_path(lock);
	if (fd < 0) {
		fprintf(stderr, "netctl gc: cannot lock %s/gc.lock: %s\n", p.rundir,
			strerror(-fd));
		return CLI_FAILED;
	}
	gc_dead_runs(&g);
	gc_orphan_pins(&g);
	gc_stale_tmp_files(&g);
	if (only) {	/* dead runs are reclaimed whole; NET limits the per-network steps */
		gc_network(&g, only);
	} else {
		gc_networks(&g);
		gc_removed_dns(&g);
	}
	gc_nft(&g);
	close(fd);
	if (!t.actions)
		printf("gc: nothing to do\n");
	return t.failures ? CLI_FAILED : CLI_OK;
}
