// SPDX-License-Identifier: Apache-2.0
/* netctl: a thin dispatcher. Each command lives in its own cmd_*.c (see cli.h). */
#include <stdio.h>
#include <string.h>

#include "netctl/cli.h"
#include "util/cleanup.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "cni", cmd_cni, "run a conflist's plugin chain on a netns, as libcni does" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: netctl COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`netctl COMMAND --help` describes a command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "netctl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
