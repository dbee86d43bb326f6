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
#include "util/cleanup.h"
#include "util/str.h"

static const char usage_text[] =
	"usage: netctl graph NET [--file FILE]\n"
	"\n"
	"Prints network NET as a Graphviz DOT digraph: its containers, the groups of its\n"
	"policy as clusters, and an edge FROM -> TO labelled with the ports wherever the\n"
	"policy lets FROM open connections to TO (icc on: every pair, \"any\"), and to a\n"
	"node \"host\" with what each container may open to the host itself (the network's\n"
	"host access and the policy's \"to\": \"host\" rules). Version 2: address groups\n"
	"and \"world\" as ellipses, with edges for the egress and the published-port\n"
	"sources the policy allows (bold). The policy is NET's file in\n"
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

/* An address group (or "world") as a node: its name and first CIDRs. */
static void outside_node(const struct policy *p, int g)
{
	char c[IP_STR_MAX];
	size_t i, n = g >= 0 ? p->groups[g].n_cidrs : 0;

	printf("\t\"@%s\" [label=\"%s", g >= 0 ? p->groups[g].name : POLICY_WORLD_NAME,
	       g >= 0 ? p->groups[g].name : "world (outside)");
	for (i = 0; i < n && i < 3; i++) {
		ip_prefix_format(&p->groups[g].cidrs[i], c, sizeof(c));
		printf("\\n%s", c);
	}
	if (n > 3)
		printf("\\n(+%zu)", n - 3);
	printf("\", shape=ellipse];\n");
}

static void entry_ports(const struct policy_rule *r, char *buf, size_t n)
{
	size_t k, w = 0;
	char pt[32];

	snprintf(buf, n, "any");
	for (k = 0; k < r->n_ports && w < n; k++) {
		policy_port_text(pt, sizeof(pt), &r->ports[k]);
		w += (size_t)snprintf(buf + w, n - w, "%s%s", k ? ", " : "", pt);
	}
}

/*
 * Version 2: address groups and "world" as nodes; an edge container -> group for
 * egress an entry allows, group -> container (bold) for published ports an entry opens
 * to those sources. With "egress": "deny" everything else outside is closed.
 */
static void outside_edges(const struct policy *p, const struct knet *k)
{
	bool *drawn = calloc(p->n_groups + 1, sizeof(*drawn));
	char ports[512];
	size_t i, e;

	if (!drawn)
		return;
	for (e = 0; e < p->n_rules; e++) {
		const struct policy_rule *r = &p->rules[e];
		unsigned w = policy_rule_where(p, e);
		bool out = w & POLICY_IN_EGRESS;
		int g = out ? r->to : r->from, ins = out ? r->from : r->to;

		if (!(w & (POLICY_IN_EGRESS | POLICY_IN_PUBSRC)))
			continue;
		if (!drawn[g < 0 ? p->n_groups : (size_t)g])
			outside_node(p, g);
		drawn[g < 0 ? p->n_groups : (size_t)g] = true;
		entry_ports(r, ports, sizeof(ports));
		for (i = 0; i < k->n_m; i++) {
			if (!knet_first(k, i) || !k->m[i].name[0] ||
			    (ins != POLICY_ANY && !policy_match(p, (size_t)ins, k->m[i].name)))
				continue;
			printf("\t");
			if (out)
				dot_str(k->m[i].id);
			else
				printf("\"@%s\"", g >= 0 ? p->groups[g].name : POLICY_WORLD_NAME);
			printf(" -> ");
			if (out)
				printf("\"@%s\"", g >= 0 ? p->groups[g].name : POLICY_WORLD_NAME);
			else
				dot_str(k->m[i].id);
			printf(" [label=");
			dot_str(ports);
			printf("%s];\n", out ? "" : ", style=bold");
		}
	}
	free(drawn);
}

static void graph(const struct policy *p, const struct knet *k)
{
	char ports[1024];
	size_t i, j, g;

	printf("digraph ");
	dot_str(k->net);
	printf(" {\n\tlabel=\"network %s: icc %s%s%s\";\n\tlabelloc=t;\n"
	       "\tnode [shape=box, style=rounded];\n", k->net, p->icc ? "on" : "off",
	       p->egress_deny ? ", egress deny" : "",
	       p->mode == POLICY_AUDIT ? ", audit mode" : "");
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
	outside_edges(p, k);
	printf("}\n");
}

/* The kernel's view of @net and the policy drawn over it; on failure nothing is held. */
static int read_graph(const struct netctl_paths *paths, const char *net, const char *file,
		      struct knet *k, struct policy *p, char *path, size_t n, struct err *err)
{
	_cleanup_(nft_conn_close) struct nft_conn c = { 0 };
	int r;

	r = nft_conn_open(&c, err);
	if (r < 0)
		return r;
	r = knet_read(&c, net, k, err);	/* holds nothing when it fails */
	if (r < 0)
		return r;
	nft_conn_close(&c);
	if (!k->has_chains) {
		knet_free(k);
		return err_detail(err, -ENOENT,
				  "network %s has no firewall chains in the kernel (no "
				  "container has joined it with the firewall plugin)", net);
	}
	r = knet_policy(paths, k, file, p, path, n, err);
	if (r < 0)
		knet_free(k);
	return r;
}

int cmd_graph(int argc, char **argv)
{
	struct netctl_paths paths;
	const char *net = NULL, *file = NULL;
	char path[PATH_MAX];
	struct err err = { 0 };
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
	r = read_graph(&paths, net, file, &k, &p, path, sizeof(path), &err);
	if (r < 0) {
		fprintf(stderr, "netctl graph: %s\n", err.details);
		return CLI_FAILED;
	}
	graph(&p, &k);
	policy_free(&p);
	knet_free(&k);
	return CLI_OK;
}
