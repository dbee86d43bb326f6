// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl ls` and `netctl inspect NET|CONTAINER`: what the conflists and the result
 * cache say, as tables or, with --json, with these stable field names:
 *   network:    name conflist bridge subnets[] icc masquerade routed mtu plugins[] dns
 *               policy
 *               containers (ls: a count; inspect: a list of attachments)
 *   attachment: network container_id name ifname netns ips[] mac host_veth
 *               aliases[] port_mappings[] bandwidth
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netctl/core/attach.h"
#include "netctl/cli/cli.h"
#include "netctl/cli/cliparse.h"
#include "netctl/core/netconf.h"
#include "netctl/core/paths.h"
#include "util/str.h"

static const char ls_usage[] =
	"usage: netctl ls [--json]\n"
	"\n"
	"Lists the networks in <confdir>/net.d: name, bridge, subnets, whether containers\n"
	"may talk to each other (icc), and how many are attached (the result cache).\n"
	"--json: an array of {name, conflist, bridge, subnets, icc, masquerade, routed, mtu,\n"
	"plugins, dns, policy, containers}.\n"
	"Exit status: 0 success, 1 failure, 2 bad command line.\n";

static const char inspect_usage[] =
	"usage: netctl inspect NET|CONTAINER [--json]\n"
	"\n"
	"A network: its settings and its containers. A container (a netns name, path or\n"
	"PID, a container ID or the name given to connect/run): each of its attachments.\n"
	"--json: a network object as in `ls --json` with \"containers\" a list of\n"
	"attachments, or {\"container\": ARG, \"attachments\": [...]}; an attachment is\n"
	"{network, container_id, name, ifname, netns, ips, mac, host_veth, port_mappings,\n"
	"bandwidth}.\n"
	"Exit status: 0 success, 1 no such network or container, 2 bad command line.\n";

static int parse_json_flag(const char *cmd, int argc, char **argv, const char *usage,
			   int want_pos, bool *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = true; break;
		case 'h': fputs(usage, stdout); return -1;
		default:
			fprintf(stderr, "netctl %s: unknown option \"%s\" (see `netctl %s --help`)\n",
				cmd, argv[optind - 1], cmd);
			return CLI_USAGE;
		}
	}
	if (argc - optind != want_pos) {
		fprintf(stderr, "netctl %s: want %s (see `netctl %s --help`)\n", cmd,
			want_pos ? "NET or CONTAINER" : "no argument", cmd);
		return CLI_USAGE;
	}
	return 0;
}

static json_t *subnets_json(const struct net_info *ni)
{
	char buf[IP_STR_MAX + 8];
	json_t *a = json_array();
	int i;

	for (i = 0; i < ni->n_subnets; i++) {
		ip_prefix_format(&ni->subnets[i], buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

/* The network object; "containers" is left to the caller. NULL: no such network. */
static json_t *net_json(const struct netctl_paths *p, const char *net, struct err *err)
{
	struct conflist cl = { 0 };
	struct net_info ni;
	char path[PATH_MAX], pol[PATH_MAX];
	json_t *o, *plugins;
	const char *dns = NULL;
	int i;

	if (paths_net_load(p, net, &cl, err) < 0)
		return NULL;
	netconf_info(&cl, &ni);
	paths_net_conflist(p, net, path, sizeof(path));
	plugins = json_array();
	for (i = 0; i < cl.n_plugins; i++) {
		json_array_append_new(plugins, json_string(cl.plugins[i].type));
		if (!strcmp(cl.plugins[i].type, "dnsname")) {
			dns = json_string_value(json_object_get(cl.plugins[i].conf, "domainName"));
			dns = dns && dns[0] ? dns : "dns.podman";	/* the plugin's default */
		}
	}
	o = json_pack("{s:s,s:s,s:s,s:o,s:b,s:b,s:o,s:o}", "name", net, "conflist", path,
		      "bridge", ni.bridge, "subnets", subnets_json(&ni), "icc", ni.icc,
		      "masquerade", ni.masquerade, "mtu",
		      ni.mtu ? json_integer(ni.mtu) : json_null(), "plugins", plugins);
	/* bridge gatewayMode routed: outside hosts reach every port (ruleset/inbound.h) */
	if (o)
		json_object_set_new(o, "routed", json_boolean(ni.routed));
	/* dnsname's domain: containers resolve NAME and NAME.<dns> */
	if (o)
		json_object_set_new(o, "dns", dns ? json_string(dns) : json_null());
	if (o)
		json_object_set_new(o, "host_access", json_string(ni.host_access));
	if (o && paths_net_policy(p, net, pol, sizeof(pol)) == 0 && access(pol, F_OK) == 0)
		json_object_set_new(o, "policy", json_string(pol));
	else if (o)
		json_object_set_new(o, "policy", json_null());
	conflist_free(&cl);
	return o;
}

static const char *join_strings(json_t *arr, char *buf, size_t n)
{
	json_t *v;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "," : "",
				 json_string_value(v));
	return buf[0] ? buf : "-";
}

/* ---- ls ---- */

static int ls_one(const char *net, void *data)
{
	json_t *list = data, *o;
	struct netctl_paths p;
	struct err err = { 0 };
	int n;

	if (paths_init(&p) < 0)
		return -ENAMETOOLONG;
	o = net_json(&p, net, &err);
	if (!o) {
		o = json_pack("{s:s,s:s}", "name", net, "error", err.msg);
	}
	n = attach_count(net);
	json_object_set_new(o, "containers", json_integer(n < 0 ? 0 : n));
	json_array_append_new(list, o);
	return 0;
}

int cmd_ls(int argc, char **argv)
{
	struct netctl_paths p;
	json_t *list, *o;
	bool json = false;
	char buf[512];
	size_t i;
	int r;

	r = parse_json_flag("ls", argc, argv, ls_usage, 0, &json);
	if (r)
		return r < 0 ? CLI_OK : r;
	if (paths_init(&p) < 0)
		return CLI_USAGE;
	list = json_array();
	r = paths_net_foreach(&p, ls_one, list);
	if (r < 0) {
		fprintf(stderr, "netctl ls: cannot read %s/net.d: %s\n", p.confdir, strerror(-r));
		json_decref(list);
		return CLI_FAILED;
	}
	if (json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		printf("%-20s %-15s %-32s %-4s %s\n", "NAME", "BRIDGE", "SUBNETS", "ICC",
		       "CONTAINERS");
		json_array_foreach(list, i, o) {
			if (json_object_get(o, "error")) {
				printf("%-20s (unreadable: %s)\n",
				       json_string_value(json_object_get(o, "name")),
				       json_string_value(json_object_get(o, "error")));
				continue;
			}
			printf("%-20s %-15s %-32s %-4s %lld\n",
			       json_string_value(json_object_get(o, "name")),
			       json_string_value(json_object_get(o, "bridge")),
			       join_strings(json_object_get(o, "subnets"), buf, sizeof(buf)),
			       json_is_true(json_object_get(o, "icc")) ? "on" : "off",
			       json_integer_value(json_object_get(o, "containers")));
		}
	}
	json_decref(list);
	return CLI_OK;
}

/* ---- inspect ---- */

static json_t *attachment_json(const struct attach_info *a)
{
	json_t *ips = json_array(), *ip, *ifc, *o, *pm, *bw, *al;
	const char *mac = NULL, *host = NULL;
	size_t i;

	json_array_foreach(json_object_get(a->result, "ips"), i, ip)
		json_array_append(ips, json_object_get(ip, "address"));
	/* The bridge plugin's order: bridge, host veth, container interface. */
	json_array_foreach(json_object_get(a->result, "interfaces"), i, ifc) {
		const char *sb = json_string_value(json_object_get(ifc, "sandbox"));
		const char *name = json_string_value(json_object_get(ifc, "name"));

		if (sb && sb[0] && name && !strcmp(name, a->ifname))
			mac = json_string_value(json_object_get(ifc, "mac"));
		else if ((!sb || !sb[0]) && i > 0 && !host)
			host = name;
	}
	o = json_pack("{s:s,s:s,s:s?,s:s,s:s?,s:o,s:s?,s:s?}", "network", a->net,
		      "container_id", a->container_id, "name", a->name, "ifname", a->ifname,
		      "netns", a->netns, "ips", ips, "mac", mac, "host_veth", host);
	if (!o)
		return NULL;
	pm = json_object_get(a->cap_args, "portMappings");
	bw = json_object_get(a->cap_args, "bandwidth");
	al = json_object_get(json_object_get(a->cap_args, "aliases"), a->net);
	json_object_set_new(o, "aliases", json_is_array(al) ? json_incref(al) : json_array());
	json_object_set_new(o, "port_mappings", pm ? json_incref(pm) : json_array());
	json_object_set_new(o, "bandwidth", bw ? json_incref(bw) : json_null());
	return o;
}

struct match {
	const char *arg;
	const char *id;		/* the ID CONTAINER resolves to, or NULL */
	const char *netns;
	json_t *list;
};

static int collect(const struct attach_info *a, void *data)
{
	struct match *m = data;
	json_t *o;

	if (m->arg && strcmp(a->container_id, m->arg) && (!a->name || strcmp(a->name, m->arg)) &&
	    (!m->id || strcmp(a->container_id, m->id)) &&
	    (!m->netns || !a->netns || strcmp(a->netns, m->netns)))
		return 0;
	o = attachment_json(a);
	return o ? json_array_append_new(m->list, o) : -ENOMEM;
}

/* "web" or, with DNS aliases, "web (+db,pg)". */
static const char *name_and_aliases(json_t *a, char *buf, size_t n)
{
	json_t *al = json_object_get(a, "aliases"), *v;
	size_t i;

	snprintf(buf, n, "%s", json_string_value(json_object_get(a, "name")) ?: "-");
	json_array_foreach(al, i, v)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "," : " (+",
			 json_string_value(v) ?: "");
	if (json_array_size(al))
		snprintf(buf + strlen(buf), n - strlen(buf), ")");
	return buf;
}

static void print_attachments(json_t *list, bool with_net)
{
	json_t *a;
	char ips[512], ports[256], names[512];
	size_t i, j;
	json_t *pm;

	printf("  %-*s%-20s %-24s %-6s %-28s %s\n", with_net ? 16 : 0, with_net ? "NETWORK" : "",
	       "NAME", "CONTAINER ID", "IF", "ADDRESSES", "PORTS");
	json_array_foreach(list, i, a) {
		ports[0] = '\0';
		json_array_foreach(json_object_get(a, "port_mappings"), j, pm)
			snprintf(ports + strlen(ports), sizeof(ports) - strlen(ports),
				 "%s%lld:%lld/%s", j ? "," : "",
				 json_integer_value(json_object_get(pm, "hostPort")),
				 json_integer_value(json_object_get(pm, "containerPort")),
				 json_string_value(json_object_get(pm, "protocol")) ?: "tcp");
		printf("  %-*s%-20s %-24s %-6s %-28s %s\n", with_net ? 16 : 0,
		       with_net ? json_string_value(json_object_get(a, "network")) : "",
		       name_and_aliases(a, names, sizeof(names)),
		       json_string_value(json_object_get(a, "container_id")),
		       json_string_value(json_object_get(a, "ifname")),
		       join_strings(json_object_get(a, "ips"), ips, sizeof(ips)),
		       ports[0] ? ports : "-");
	}
}

static void print_net(json_t *o)
{
	char buf[512];
	json_t *pol = json_object_get(o, "policy");

	printf("network     %s\n", json_string_value(json_object_get(o, "name")));
	printf("conflist    %s\n", json_string_value(json_object_get(o, "conflist")));
	printf("bridge      %s\n", json_string_value(json_object_get(o, "bridge")));
	printf("subnets     %s\n", join_strings(json_object_get(o, "subnets"), buf, sizeof(buf)));
	printf("icc         %s\n", json_is_true(json_object_get(o, "icc")) ? "on" : "off");
	if (json_is_string(json_object_get(o, "host_access")))
		printf("host access %s\n", json_string_value(json_object_get(o, "host_access")));
	printf("masquerade  %s\n", json_is_true(json_object_get(o, "masquerade")) ? "on" : "off");
	printf("outside     %s\n", json_is_true(json_object_get(o, "masquerade")) &&
	       !json_is_true(json_object_get(o, "routed")) ? "published ports only" :
	       "every port (routed)");
	if (json_is_integer(json_object_get(o, "mtu")))
		printf("mtu         %lld\n", json_integer_value(json_object_get(o, "mtu")));
	printf("plugins     %s\n", join_strings(json_object_get(o, "plugins"), buf, sizeof(buf)));
	printf("dns         %s\n", json_is_string(json_object_get(o, "dns")) ?
	       json_string_value(json_object_get(o, "dns")) : "off");
	printf("policy      %s\n", json_is_string(pol) ? json_string_value(pol) : "-");
	printf("containers  %zu\n", json_array_size(json_object_get(o, "containers")));
	if (json_array_size(json_object_get(o, "containers")))
		print_attachments(json_object_get(o, "containers"), false);
}

static void emit(json_t *o, bool json)
{
	json_dumpf(o, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	(void)json;
}

int cmd_inspect(int argc, char **argv)
{
	struct netctl_paths p;
	struct err err = { 0 };
	struct cli_container c;
	struct match m = { 0 };
	const char *arg;
	bool json = false;
	json_t *o;
	int r;

	r = parse_json_flag("inspect", argc, argv, inspect_usage, 1, &json);
	if (r)
		return r < 0 ? CLI_OK : r;
	arg = argv[optind];
	if (paths_init(&p) < 0)
		return CLI_USAGE;
	m.list = json_array();
	if (paths_net_name_ok(arg) && (o = net_json(&p, arg, &err))) {
		r = attach_list(arg, collect, &m);
		json_object_set_new(o, "containers", m.list);
		if (json)
			emit(o, json);
		else
			print_net(o);
		json_decref(o);
		return r < 0 ? CLI_FAILED : CLI_OK;
	}
	m.arg = arg;
	if (cli_container_resolve(arg, p.netnsdir, false, &c) == 0) {
		m.id = c.id;
		m.netns = c.netns;
	}
	r = attach_list(NULL, collect, &m);
	if (r < 0 || !json_array_size(m.list)) {
		fprintf(stderr, "netctl inspect: no network and no attached container \"%s\" "
			"(see `netctl ls`)\n", arg);
		json_decref(m.list);
		return CLI_FAILED;
	}
	if (json) {
		o = json_pack("{s:s,s:o}", "container", arg, "attachments", m.list);
		emit(o, json);
		json_decref(o);
	} else {
		printf("container   %s\n", arg);
		print_attachments(m.list, true);
		json_decref(m.list);
	}
	return CLI_OK;
}
