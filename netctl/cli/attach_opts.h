/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The options of an attachment that `netctl connect` and `netctl run` both take, parsed
 * in one place: --ip, --publish, --rate-in, --rate-out, --name, --alias.
 */
#ifndef NETCTL_CLI_ATTACH_OPTS_H
#define NETCTL_CLI_ATTACH_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <jansson.h>

/* Their entries in a command's getopt_long() table, where the command lists its own. */
#define CLI_ATTACH_LONGOPTS \
	{ "ip", required_argument, NULL, 'i' }, \
	{ "publish", required_argument, NULL, 'p' }, \
	{ "rate-in", required_argument, NULL, 'I' }, \
	{ "rate-out", required_argument, NULL, 'O' }, \
	{ "name", required_argument, NULL, 'N' }, \
	{ "alias", required_argument, NULL, 'A' }

struct cli_attach_opts {
	const char *ip;		/* checked by cli_parse_ip() */
	const char *name;	/* as given: each command checks it against its own rule */
	json_t *ports;		/* portMappings from every --publish, or NULL */
	json_t *aliases;	/* --alias names (runtimeConfig.aliases for dnsname), or NULL */
	uint64_t rate_in, rate_out;	/* bits/s; 0: none */
};

/**
 * cli_attach_opt() - getopt_long()'s option @c with argument @arg into @o when it is
 * one of CLI_ATTACH_LONGOPTS. Return 0 when taken, 1 when @c is not one of them, or
 * -EINVAL with *@why the complaint, to be followed by @arg.
 */
int cli_attach_opt(struct cli_attach_opts *o, int c, const char *arg, const char **why);

/** cli_attach_opts_free() - release @o's JSON (@o stays usable, empty of it). */
void cli_attach_opts_free(struct cli_attach_opts *o);

#endif
