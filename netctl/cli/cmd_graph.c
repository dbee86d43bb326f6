// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl graph NET`: the network as Graphviz DOT: containers (named by their members
 * set comments), the policy's groups as clusters, and an edge for every pair of
 * containers the policy lets open connections, labelled with the ports.
 *	netctl graph web | dot -Tsvg >web.svg
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/cli/cli.h"
#include "netctl/core/knet.h"
#include "netctl/core/paths.h"
#include "policy/explain.h"
#include "util/str.h"

static const char usage_text[] =
	"usage: netctl graph NET [--file FILE]\n"
	"\n"
	"Prints network NET as a Graphviz DOT digraph: its containers, the groups of its\n"
	"policy as clusters, and an edge FROM -> TO labelled with the ports wherever the\n"
	"policy lets FROM open connections to TO (icc on: every pair, \"any\"), and to a\n"
	"node \"host\" with what each container may open to the host itself (the network's\n"
	"host access and the policy's \"to\": \"host\" rules). The policy is NET's file in\n"
	"policy.d, or FILE. Render with: netctl graph NET | dot -Tsvg\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 bad command line.\n";

/* The inside of a DOT string: quotes and backslashes escaped. */
static void dot_esc(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

static void dot_str(const char *s)
{
	putchar('"');
	dot_esc(s);
	putchar('"');
}

static const char *who(const struct knet *k, size_t i)
{
	return k->m[i].name[0] ? k->m[i].name : k->m[i].id;
}

static void node(const struct knet *k, size_t i, const char *indent)
{
	char addrs[512];

	knet_addrs(k, i, addrs, sizeof(addrs));
	printf("%s", indent);
	dot_str(k->m[i].id);
	printf(" [label=\"");
	dot_esc(who(k, i));
	printf("\\n%s\"];\n", addrs);
}

/* The first group (in file order) of container @i, or -1. */
static int home_group(const struct policy *p, const struct knet *k, size_t i)
{
	size_t g;

	for (g = 0; k->m[i].name[0] && g < p->n_groups; g++)
		if (policy_match(p, g, k->m[i].name))
			return (int)g;
	return -1;
}

/* The host as a node, and what each container may open to it (net-<net>-host). */
static void host_edges(const struct policy *p, const struct knet *k)
{
	enum nft_host_access host;
	char ports[1024];
	bool node = false;
	size_t i;

	if (nft_host_access_parse(k->host_access, &host) < 0)
		host = NFT_HOST_ALL;	/* chains made before host access: nothing filters */
	for (i = 0; i < k->n_m; i++) {
		if (!knet_first(k, i) ||
		    !policy_host_ports(p, k->m[i].name[0] ? k->m[i].name : NULL, host, ports,
				       sizeof(ports)))
			continue;
		if (!node)
			printf("\t\"@host\" [label=\"host (host access %s)\", shape=house];\n",
			       nft_host_access_name(host));
		node = true;
		printf("\t");
		dot_str(k->m[i].id);
		printf(" -> \"@host\" [label=");
		dot_str(ports);
		printf(", style=dashed];\n");
	}
}

static void graph(const struct policy *p, const struct knet *k)
{
	char ports[1024];
	size_t i, j, g;

	printf("digraph ");
	dot_str(k->net);
	printf(" {\n\tlabel=\"network %s: icc %s\";\n\tlabelloc=t;\n"
	       "\tnode [shape=box, style=rounded];\n", k->net, p->icc ? "on" : "off");
	for (g = 0; g < p->n_groups; g++) {
		/* "cluster_" makes it a cluster in every Graphviz version. */
		printf("\tsubgraph \"cluster_%s\" {\n\t\tlabel=", p->groups[g].name);
		dot_str(p->groups[g].name);
		printf(";\n");
		for (i = 0; i < k->n_m; i++)
			if (knet_first(k, i) && home_group(p, k, i) == (int)g)
				node(k, i, "\t\t");
		printf("\t}\n");
	}
	for (i = 0; i < k->n_m; i++)
		if (knet_first(k, i) && home_group(p, k, i) < 0)
			node(k, i, "\t");
	for (i = 0; i < k->n_m; i++) {
		for (j = 0; knet_first(k, i) && j < k->n_m; j++) {
			if (!knet_first(k, j) || !strcmp(k->m[i].id, k->m[j].id))
				continue;
			if (!policy_flow_ports(p, k->m[i].name[0] ? k->m[i].name : NULL,
					       k->m[j].name[0] ? k->m[j].name : NULL, ports,
					       sizeof(ports)))
				continue;
			printf("\t");
			dot_str(k->m[i].id);
			printf(" -> ");
			dot_str(k->m[j].id);
			printf(" [label=");
			dot_str(ports);
			printf("];\n");
		}
	}
	host_edges(p, k);
	printf("}\n");
}

int cmd_graph(int argc, char **argv)
{
	struct netctl_paths paths;
	const char *net = NULL, *file = NULL;
	char path[PATH_MAX], err[1200];
	struct nft_conn c;
	struct policy p;
	struct knet k;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return CLI_OK;
		} else if (!strcmp(argv[i], "--file") && i + 1 < argc) {
			file = argv[++i];
		} else if (argv[i][0] != '-' && !net) {
			net = argv[i];
		} else {
			fprintf(stderr, "netctl graph: unexpected \"%s\"\n%s", argv[i], usage_text);
			return CLI_USAGE;
		}
	}
	if (!net) {
		fputs(usage_text, stderr);
		return CLI_USAGE;
	}
	if (paths_init(&paths) < 0 || !paths_net_name_ok(net)) {
		fprintf(stderr, "netctl graph: \"%s\" is not a network name\n", net);
		return CLI_FAILED;
	}
	r = nft_conn_open(&c, err, sizeof(err));
	if (r == 0)
		r = knet_read(&c, net, &k, err, sizeof(err));
	nft_conn_close(&c);
	if (r == 0 && !k.has_chains) {
		snprintf(err, sizeof(err), "network %s has no firewall chains in the kernel (no "
			 "container has joined it with the firewall plugin)", net);
		r = -ENOENT;
	}
	if (r == 0 && (r = knet_policy(&paths, &k, file, &p, path, sizeof(path), err,
				       sizeof(err))) < 0)
		knet_free(&k);
	if (r < 0) {
		fprintf(stderr, "netctl graph: %s\n", err);
		return CLI_FAILED;
	}
	graph(&p, &k);
	policy_free(&p);
	knet_free(&k);
	return CLI_OK;
}
