// SPDX-License-Identifier: Apache-2.0
/* netctl: a thin dispatcher. Each command lives in its own cmd_*.c (see cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/cli/cli.h"
#include "util/cleanup.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "create", cmd_create, "create a network (conflist + bridge)" },
	{ "rm", cmd_rm, "remove a network (--force: and disconnect its containers)" },
	{ "ls", cmd_ls, "list the networks" },
	{ "inspect", cmd_inspect, "a network or a container: settings, attachments, addresses" },
	{ "connect", cmd_connect, "attach a container (netns name, path or PID) to a network" },
	{ "disconnect", cmd_disconnect, "detach a container from a network" },
	{ "check", cmd_check, "check attachments with the chain's CHECK" },
	{ "cni", cmd_cni, "run a conflist's plugin chain on a netns, as libcni does" },
	{ "graph", cmd_graph, "a network's containers, groups and allowed flows as DOT" },
	{ "stats", cmd_stats, "per-container traffic counters and policy drops" },
	{ "run", cmd_run, "run a command in a new netns attached to networks" },
	{ "gc", cmd_gc, "reclaim what crashed runs and ADDs left; rebuild flushed nft state" },
	{ "policy", cmd_policy, "check, diff, apply, show, explain and log a network's policy" },
};

/* Global flags: each sets the variable that every command (and plugin) reads. */
static const struct {
	const char *flag;
	const char *env;
	const char *help;
} path_flags[] = {
	{ "--confdir", "NETCTL_CONFDIR", "networks and policies (default /etc/netctl)" },
	{ "--statedir", "NETCTL_STATEDIR", "result cache (default /var/lib/netctl)" },
	{ "--rundir", "NETCTL_RUNDIR", "state of running `netctl run`s (default /run/netctl)" },
	{ "--netnsdir", "NETCTL_NETNSDIR", "named network namespaces (default /run/netns)" },
	{ "--cni-path", "CNI_PATH", "plugin directories, ':'-separated (default: beside "
				    "netctl, then /opt/cni/bin:/usr/lib/cni)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: netctl [GLOBAL OPTIONS] COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nglobal options (each also read from the environment variable shown):\n");
	for (i = 0; i < ARRAY_SIZE(path_flags); i++)
		fprintf(f, "  %-12s DIR  %s [$%s]\n", path_flags[i].flag, path_flags[i].help,
			path_flags[i].env);
	fprintf(f, "\n`netctl COMMAND --help` (or `netctl help COMMAND`) describes a command;\n"
		   "`man netctl` (doc/netctl.8) describes them all.\n"
		   "Exit status: 0 success, 1 the work failed, 2 bad command line.\n");
}

/* Consume "--flag VALUE" / "--flag=VALUE" global options; return how many argv taken. */
static int global_flag(int argc, char **argv)
{
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(path_flags); i++) {
		len = strlen(path_flags[i].flag);
		if (strncmp(argv[0], path_flags[i].flag, len))
			continue;
		if (argv[0][len] == '=') {
			setenv(path_flags[i].env, argv[0] + len + 1, 1);
			return 1;
		}
		if (argv[0][len] == '\0' && argc > 1) {
			setenv(path_flags[i].env, argv[1], 1);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int taken;
	size_t i;

	argc--, argv++;
	while (argc > 0 && (taken = global_flag(argc, argv)) > 0)
		argc -= taken, argv += taken;
	if (argc < 1) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[0], "help") && argc > 1) {
		/* `netctl help CMD` is `netctl CMD --help`. */
		char *help_argv[] = { argv[1], "--help", NULL };

		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].fn(2, help_argv);
		fprintf(stderr, "netctl: unknown command \"%s\" (see `netctl --help`)\n", argv[1]);
		return CLI_USAGE;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") || !strcmp(argv[0], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(argc, argv);
	fprintf(stderr, "netctl: unknown command \"%s\" (see `netctl --help`)\n", argv[0]);
	return CLI_USAGE;
}
