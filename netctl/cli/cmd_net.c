// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl create` and `netctl rm`: a network is its conflist in <confdir>/net.d, its
 * bridge, its objects in `table inet netctl` and its host-local store.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/env.h"
#include "cni/netlock.h"
#include "netctl/core/attach.h"
#include "netctl/core/audit.h"
#include "netctl/core/cache.h"
#include "netctl/cli/cli.h"
#include "netctl/core/netconf.h"
#include "netctl/core/paths.h"
#include "netlib/link.h"
#include "netlib/netns.h"
#include "netlib/sock.h"
#include "nft/conn.h"
#include "ruleset/table.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static const char create_usage[] =
	"usage: netctl create NET [--subnet CIDR]... [--gateway IP] [--bridge NAME]\n"
	"                     [--icc=false] [--spoofchk=false] [--host-access=none|dns|all]\n"
	"                     [--masquerade=false] [--routed] [--internal]\n"
	"                     [--ip-range CIDR]... [--mtu N] [--ipv6] [--dns=false]\n"
	"\n"
	"Writes network NET as a plain conflist, <confdir>/net.d/NET.conflist (any CNI\n"
	"runtime can use it), and creates its bridge. The chain: bridge (+ipMasq) with\n"
	"host-local, firewall (icc, policy from <confdir>/policy.d/NET.json), then portmap\n"
	"and bandwidth when those plugins are in CNI_PATH at create time, then dnsname.\n"
	"\n"
	"  --subnet CIDR   repeatable, IPv4 and IPv6 (default: the first free /24 of\n"
	"                  " NETCONF_DEFAULT_POOL ", or of default_subnet_pool in\n"
	"                  <confdir>/netctl.conf)\n"
	"  --gateway IP    the bridge's address (default: the first of the subnet)\n"
	"  --bridge NAME   bridge interface (default nctl-NET, or nctl-<hash> for long NETs)\n"
	"  --icc=false     containers of NET cannot talk to each other unless the policy\n"
	"                  allows it (netctl policy apply)\n"
	"  --spoofchk=false  let containers send from any MAC and address (default: each\n"
	"                  port is bound to its container's MAC, addresses, ARP and NDP)\n"
	"  --host-access=none|dns|all\n"
	"                  what the containers may reach of the host itself: all of it,\n"
	"                  only DNS (UDP/TCP 53) on the gateway, or nothing; the policy's\n"
	"                  \"to\": \"host\" rules add to dns and none (default: dns with\n"
	"                  --icc=false, else all)\n"
	"  --masquerade=false  do not masquerade traffic leaving the subnets (the default,\n"
	"                  as docker network create, masquerades it)\n"
	"  --routed        hosts that route the subnets through this host reach every\n"
	"                  container port (by default, with masquerade, only published\n"
	"                  ports, as Docker 28; bridge \"gatewayMode\": \"routed\")\n"
	"  --internal      no route out and nothing forwarded in or out of the bridge:\n"
	"                  containers reach each other and the gateway only (no\n"
	"                  masquerade, no portmap)\n"
	"  --ip-range CIDR allocate container addresses from CIDR only, a part of one\n"
	"                  of the subnets (one per subnet)\n"
	"  --mtu N         bridge and veth MTU (576-65535)\n"
	"  --ipv6          add an IPv6 subnet (the first free /64 of " NETCONF_DEFAULT_POOL6 ")\n"
	"                  unless one is given\n"
	"  --dns=false     leave dnsname out (default: containers of NET resolve each\n"
	"                  other's names, NAME." NETCONF_DNS_DOMAIN ", through a dnsmasq on\n"
	"                  the gateway; needs dnsname in CNI_PATH)\n"
	"\n"
	"Refused, with nothing changed: a bad or taken name, a bad CIDR, a subnet that\n"
	"overlaps another netctl network's, a bridge another network uses.\n"
	"Exit status: 0 created, 1 refused or failed, 2 bad command line.\n";

static const char rm_usage[] =
	"usage: netctl rm NET [--force]\n"
	"       netctl rm --unused\n"
	"\n"
	"Removes network NET: its bridge, its chains and sets in table inet netctl, its\n"
	"host-local store, its result cache, its policy file in <confdir>/policy.d and its\n"
	"conflist. Refused while containers are attached, unless --force: then each is\n"
	"disconnected first (the chain's DEL). A conflist that cannot be read is refused\n"
	"too; --force then removes what the name alone finds (nft objects, the default\n"
	"store, policy, cache entries, the file) and names what it leaves.\n"
	"--unused removes every network no container is attached to (docker network\n"
	"prune) and names each.\n"
	"Exit status: 0 removed, 1 refused or failed, 2 bad command line.\n";

static int usage_err(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "netctl %s: %s%s%s%s (see `netctl %s --help`)\n", cmd, what,
		arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "", cmd);
	return CLI_USAGE;
}

static int failed(const char *cmd, const char *net, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int failed(const char *cmd, const char *net, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netctl %s: %s: ", cmd, net);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAILED;
}

/*
 * Creates and removals serialise on <confdir>/net.d/.lock, so two creates never pick
 * the same default subnet or both pass the overlap check. Return the fd or -errno.
 */
static int lock_nets(const struct netctl_paths *p)
{
	char path[PATH_MAX + 16];
	int r;

	r = str_printf(path, sizeof(path), "%s/net.d", p->confdir);
	if (r == 0)
		r = mkdir_p(path, 0755);
	if (r == 0)
		r = str_printf(path, sizeof(path), "%s/net.d/.lock", p->confdir);
	return r < 0 ? r : lock_path(path);
}

/* ---- what the other networks use ---- */

#define OTHERS_MAX 4096	/* subnets and bridges of the other networks (heap) */

struct others {
	struct netctl_paths *paths;
	struct ip_prefix used[OTHERS_MAX];
	char used_by[OTHERS_MAX][NETCTL_NET_NAME_MAX + 1];
	int n_used;
	char bridges[OTHERS_MAX][IFNAMSIZ];
	char bridge_by[OTHERS_MAX][NETCTL_NET_NAME_MAX + 1];
	int n_bridges;
};

static int collect_other(const char *net, void *data)
{
	struct others *o = data;
	struct conflist cl = { 0 };
	struct err err = { 0 };
	struct net_info ni;
	int i;

	if (paths_net_load(o->paths, net, &cl, &err) < 0)
		return 0;	/* a broken file is not ours to judge here */
	netconf_info(&cl, &ni);
	conflist_free(&cl);
	if (o->n_used + ni.n_subnets > OTHERS_MAX || o->n_bridges >= OTHERS_MAX)
		return -E2BIG;
	for (i = 0; i < ni.n_subnets; i++) {
		o->used[o->n_used] = ni.subnets[i];
		snprintf(o->used_by[o->n_used++], sizeof(o->used_by[0]), "%s", net);
	}
	if (ni.bridge[0]) {
		snprintf(o->bridges[o->n_bridges], IFNAMSIZ, "%s", ni.bridge);
		snprintf(o->bridge_by[o->n_bridges++], sizeof(o->bridge_by[0]), "%s", net);
	}
	return 0;
}

/* ---- create ---- */

struct create_opts {
	struct net_spec spec;
	const char *gateway;
	bool ipv6, have_bridge;
	struct netctl_paths paths;
	char policy_dir[PATH_MAX + 16];
};

/* "key = value" from <confdir>/netctl.conf; @out untouched when absent. */
static void conf_value(const struct netctl_paths *p, const char *key, char *out, size_t n)
{
	char path[PATH_MAX + 16], line[512], *eq, *k, *v;
	FILE *f;

	if (str_printf(path, sizeof(path), "%s/netctl.conf", p->confdir) < 0)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !(eq = strchr(line, '=')))
			continue;
		*eq = '\0';
		k = str_trim(line);
		v = str_trim(eq + 1);
		if (!strcmp(k, key) && v[0])
			snprintf(out, n, "%s", v);
	}
	fclose(f);
}

static int add_subnet_arg(struct create_opts *o, const char *arg)
{
	struct ip_prefix p;
	unsigned max;

	if (ip_prefix_parse(arg, &p) < 0)
		return usage_err("create", "--subnet wants a CIDR like 10.88.5.0/24, got", arg);
	max = p.addr.family == AF_INET ? 30 : 126;
	if (p.len > max || p.len < (p.addr.family == AF_INET ? 8u : 48u))
		return usage_err("create", p.addr.family == AF_INET
				 ? "--subnet: an IPv4 prefix length is 8-30, got"
				 : "--subnet: an IPv6 prefix length is 48-126, got", arg);
	if (o->spec.n_subnets >= NETCONF_MAX_SUBNETS)
		return usage_err("create", "too many --subnet", NULL);
	o->spec.subnets[o->spec.n_subnets++] = ip_prefix_network(&p);
	return 0;
}

static int add_ip_range_arg(struct create_opts *o, const char *arg)
{
	struct ip_prefix p;

	if (ip_prefix_parse(arg, &p) < 0)
		return usage_err("create", "--ip-range wants a CIDR like 10.88.5.128/25, got", arg);
	if (o->spec.n_ip_ranges >= NETCONF_MAX_SUBNETS)
		return usage_err("create", "too many --ip-range", NULL);
	o->spec.ip_ranges[o->spec.n_ip_ranges++] = ip_prefix_network(&p);
	return 0;
}

static int parse_create(int argc, char **argv, struct create_opts *o)
{
	static const struct option longopts[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "gateway", required_argument, NULL, 'g' },
		{ "bridge", required_argument, NULL, 'b' },
		{ "icc", required_argument, NULL, 'i' },
		{ "spoofchk", required_argument, NULL, 'S' },
		{ "masquerade", optional_argument, NULL, 'm' },
		{ "internal", no_argument, NULL, 'I' },
		{ "ip-range", required_argument, NULL, 'r' },
		{ "routed", no_argument, NULL, 'R' },
		{ "host-access", required_argument, NULL, 'H' },
		{ "mtu", required_argument, NULL, 'M' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "dns", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	long v;
	int c, r;

	optind = 1;
	opterr = 0;
	o->spec.icc = true;
	o->spec.masquerade = true;
	o->spec.dns = true;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			r = add_subnet_arg(o, optarg);
			if (r)
				return r;
			break;
		case 'g': o->gateway = optarg; break;
		case 'b':
			if (!ifname_valid(optarg))
				return usage_err("create", "--bridge wants an interface name "
						 "(1-15 characters), got", optarg);
			snprintf(o->spec.bridge, sizeof(o->spec.bridge), "%s", optarg);
			o->have_bridge = true;
			break;
		case 'i':
			if (strcmp(optarg, "true") && strcmp(optarg, "false"))
				return usage_err("create", "--icc wants true or false, got", optarg);
			o->spec.icc = !strcmp(optarg, "true");
			break;
		case 'S':
			if (strcmp(optarg, "true") && strcmp(optarg, "false"))
				return usage_err("create", "--spoofchk wants true or false, got",
						 optarg);
			o->spec.no_spoofchk = !strcmp(optarg, "false");
			break;
		case 'm':
			if (optarg && strcmp(optarg, "true") && strcmp(optarg, "false"))
				return usage_err("create", "--masquerade wants true or false, got",
						 optarg);
			o->spec.masquerade = !optarg || !strcmp(optarg, "true");
			break;
		case 'I': o->spec.internal = true; break;
		case 'r':
			r = add_ip_range_arg(o, optarg);
			if (r)
				return r;
			break;
		case 'R': o->spec.routed = true; break;
		case 'H':
			if (strcmp(optarg, "all") && strcmp(optarg, "dns") && strcmp(optarg, "none"))
				return usage_err("create", "--host-access wants none, dns or all, got",
						 optarg);
			o->spec.host_access = optarg;
			break;
		case 'M':
			v = strtol(optarg, &end, 10);
			if (*end || v < 576 || v > 65535)
				return usage_err("create", "--mtu wants 576-65535, got", optarg);
			o->spec.mtu = (unsigned)v;
			break;
		case '6': o->ipv6 = true; break;
		case 'D':
			if (strcmp(optarg, "true") && strcmp(optarg, "false"))
				return usage_err("create", "--dns wants true or false, got", optarg);
			o->spec.dns = !strcmp(optarg, "true");
			break;
		case 'h': fputs(create_usage, stdout); return -1;
		default: return usage_err("create", "unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_err("create", "want one NET", NULL);
	if (o->spec.internal && o->spec.routed)
		return usage_err("create", "--internal (nothing in or out) and --routed (routed "
				 "in from outside) exclude each other", NULL);
	o->spec.name = argv[optind];
	if (!paths_net_name_ok(o->spec.name))
		return usage_err("create", "a network name is 1-64 of letters, digits, '_', '.' "
				 "and '-', starting with a letter or digit; got", o->spec.name);
	if (o->gateway && ip_addr_parse(o->gateway, &o->spec.gateway) < 0)
		return usage_err("create", "--gateway wants an IP address, got", o->gateway);
	return 0;
}

static bool plugin_present(const char *cni_path, const char *type)
{
	char buf[2 * PATH_MAX], path[PATH_MAX + 64], *save = NULL, *dir;

	snprintf(buf, sizeof(buf), "%s", cni_path);
	for (dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (str_printf(path, sizeof(path), "%s/%s", dir, type) == 0 &&
		    access(path, X_OK) == 0)
			return true;
	return false;
}

static int default_subnets(struct create_opts *o, struct others *ot)
{
	char pool[128] = NETCONF_DEFAULT_POOL, pool6[128] = NETCONF_DEFAULT_POOL6;
	char size[16] = "24";
	bool have4 = false, have6 = false;
	struct ip_prefix pp, got;
	int i;

	conf_value(&o->paths, "default_subnet_pool", pool, sizeof(pool));
	conf_value(&o->paths, "default_subnet_size", size, sizeof(size));
	conf_value(&o->paths, "default_subnet6_pool", pool6, sizeof(pool6));
	for (i = 0; i < o->spec.n_subnets; i++) {
		have4 |= o->spec.subnets[i].addr.family == AF_INET;
		have6 |= o->spec.subnets[i].addr.family == AF_INET6;
	}
	if (!have4 && !have6) {
		if (ip_prefix_parse(pool, &pp) < 0 || pp.addr.family != AF_INET ||
		    netconf_pick_subnet(&pp, (unsigned)atoi(size), ot->used, ot->n_used, &got) < 0)
			return failed("create", o->spec.name, "no free /%s left in the default "
				      "pool %s: give --subnet", size, pool);
		o->spec.subnets[o->spec.n_subnets++] = got;
	}
	if (o->ipv6 && !have6) {
		if (ip_prefix_parse(pool6, &pp) < 0 || pp.addr.family != AF_INET6 ||
		    netconf_pick_subnet(&pp, 64, ot->used, ot->n_used, &got) < 0)
			return failed("create", o->spec.name, "no free /64 left in the IPv6 pool "
				      "%s: give an IPv6 --subnet", pool6);
		if (o->spec.n_subnets >= NETCONF_MAX_SUBNETS)
			return usage_err("create", "too many --subnet", NULL);
		o->spec.subnets[o->spec.n_subnets++] = got;
	}
	return 0;
}

/* Each --ip-range lies inside one subnet, one range per subnet, with room in it. */
static int ip_range_checks(const struct create_opts *o)
{
	char a[IP_STR_MAX + 8];
	int i, j, k;

	if (!o->spec.n_subnets)
		return 0;	/* checked again once the default subnet is picked */
	for (k = 0; k < o->spec.n_ip_ranges; k++) {
		const struct ip_prefix *ir = &o->spec.ip_ranges[k];
		struct ip_addr last = ip_prefix_last(ir);

		ip_prefix_format(ir, a, sizeof(a));
		for (i = 0; i < o->spec.n_subnets; i++)
			if (ip_prefix_contains(&o->spec.subnets[i], &ir->addr) &&
			    ip_prefix_contains(&o->spec.subnets[i], &last))
				break;
		if (i == o->spec.n_subnets)
			return failed("create", o->spec.name, "--ip-range %s is not inside any "
				      "--subnet (give the subnet it is part of)", a);
		if (ir->len + (ir->addr.family == AF_INET ? 2 : 1) >
		    (ir->addr.family == AF_INET ? 32u : 128u))
			return failed("create", o->spec.name, "--ip-range %s is too small", a);
		for (j = 0; j < k; j++)
			if (ip_prefix_contains(&o->spec.subnets[i], &o->spec.ip_ranges[j].addr))
				return failed("create", o->spec.name, "two --ip-range in one "
					      "subnet (%s): one range per subnet", a);
	}
	return 0;
}

/* Everything a create can be refused for, before anything changes. */
static int create_checks(struct create_opts *o, struct others *ot, const char *path)
{
	char a[IP_STR_MAX + 8], b[IP_STR_MAX + 8];
	int i, j;

	if (access(path, F_OK) == 0)
		return failed("create", o->spec.name, "a network of that name exists (%s); "
			      "`netctl rm %s` first, or pick another name", path, o->spec.name);
	for (i = 0; i < o->spec.n_subnets; i++) {
		for (j = 0; j < i; j++)
			if (ip_prefix_overlaps(&o->spec.subnets[i], &o->spec.subnets[j]))
				goto self;
		for (j = 0; j < ot->n_used; j++) {
			if (!ip_prefix_overlaps(&o->spec.subnets[i], &ot->used[j]))
				continue;
			ip_prefix_format(&o->spec.subnets[i], a, sizeof(a));
			ip_prefix_format(&ot->used[j], b, sizeof(b));
			return failed("create", o->spec.name, "subnet %s overlaps %s of network "
				      "\"%s\": pick another --subnet", a, b, ot->used_by[j]);
		}
	}
	for (j = 0; j < ot->n_bridges; j++)
		if (!strcmp(ot->bridges[j], o->spec.bridge))
			return failed("create", o->spec.name, "bridge %s is network \"%s\"'s: "
				      "pick another --bridge", o->spec.bridge, ot->bridge_by[j]);
	if (ip_range_checks(o))
		return CLI_FAILED;
	if (o->spec.gateway.family) {
		for (i = 0; i < o->spec.n_subnets; i++)
			if (ip_prefix_contains(&o->spec.subnets[i], &o->spec.gateway))
				break;
		if (i == o->spec.n_subnets)
			return failed("create", o->spec.name, "gateway %s is in none of the "
				      "subnets", o->gateway);
	}
	return 0;
self:
	ip_prefix_format(&o->spec.subnets[i], a, sizeof(a));
	return failed("create", o->spec.name, "subnet %s is given twice or overlaps another "
		      "--subnet", a);
}

/* An existing link of the bridge's name: adopted (and raised) if it is a bridge. */
static int adopt_bridge(struct netlib_nl *nl, const char *name, struct err *err)
{
	struct netlib_link_set ls = netlib_link_set_init();
	struct netlib_link l;
	int r;

	r = netlib_link_get(nl, 0, name, &l, err);
	if (r < 0)
		return r;
	if (strcmp(l.kind, "bridge"))
		return err_detail(err, -EEXIST, "%s exists and is not a bridge", name);
	ls.up = NETLIB_ON;
	return netlib_link_set(nl, l.index, &ls, err);
}

/*
 * The bridge up front (the bridge plugin adopts an existing one); -EEXIST is fine.
 * One made here is deleted again if it cannot be set up.
 */
static int make_bridge(const struct create_opts *o, bool *made, struct err *err)
{
	_cleanup_(netlib_close) struct netlib_nl nl = { 0 };
	struct netlib_link_set ls = netlib_link_set_init();
	struct netlib_link l;
	char key[96];
	int r;

	*made = false;
	r = netlib_open(&nl, err);
	if (r < 0)
		return r;
	r = netlib_bridge_create(&nl, o->spec.bridge, o->spec.mtu, NULL, err);
	if (r == -EEXIST)
		return adopt_bridge(&nl, o->spec.bridge, err);
	if (r < 0)
		return r;
	r = netlib_link_get(&nl, 0, o->spec.bridge, &l, err);
	if (r < 0)
		goto undo_bridge;
	/* Its link-local without DAD, as its gateways: while tentative the host sends no
	 * solicitation for what it forwards, and a container's first IPv6 packets to an
	 * icc=false peer are lost (best effort: IPv6 may be off). */
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", o->spec.bridge);
	netlib_sysctl_write(-1, key, "0", NULL);
	ls.up = NETLIB_ON;
	/* As the bridge plugin does: a MAC set explicitly stays put as ports come and go
	 * (else it follows the lowest port's, and gateway ARP goes stale). */
	ls.mac = l.mac;
	r = netlib_link_set(&nl, l.index, &ls, err);
	if (r < 0)
		goto undo_bridge;
	*made = true;
	return 0;
undo_bridge:
	netlib_link_del(&nl, 0, o->spec.bridge, NULL);
	return r;
}

/* The firewall plugin runs wherever a runtime starts it: an absolute policyDir. */
static int set_policy_dir(struct create_opts *o)
{
	char cwd[PATH_MAX];

	if (o->paths.confdir[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (str_printf(o->policy_dir, sizeof(o->policy_dir), "%s%s%s/policy.d", cwd,
		       cwd[0] ? "/" : "", o->paths.confdir) < 0)
		return failed("create", o->spec.name, "the policy directory's path is too long");
	o->spec.policy_dir = o->policy_dir;
	return 0;
}

static void del_bridge(const char *name)
{
	struct netlib_nl nl;

	if (netlib_open(&nl, NULL) == 0) {
		netlib_link_del(&nl, 0, name, NULL);
		netlib_close(&nl);
	}
}

/* The conflist @text at @path (atomically), its directory made if need be. */
static int write_conflist(const struct create_opts *o, const char *path, const char *text)
{
	char dir[PATH_MAX + 8];
	int r;

	r = str_printf(dir, sizeof(dir), "%s/net.d", o->paths.confdir);
	if (r < 0)
		return r;
	r = mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	return file_write_atomic(path, text, strlen(text), 0644);
}

/* The bridge, then the conflist; a bridge made here goes if the conflist fails. */
static int write_network(const struct create_opts *o, const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct err err = { 0 };
	json_t *conf = netconf_build(&o->spec);
	bool made;
	int r;

	text = conf ? json_dumps(conf, JSON_INDENT(2)) : NULL;
	json_decref(conf);
	if (!text)
		return failed("create", o->spec.name, "out of memory");
	r = make_bridge(o, &made, &err);
	if (r < 0)
		return failed("create", o->spec.name, "cannot create bridge %s: %s%s%s",
			      o->spec.bridge, strerror(-r), err.details[0] ? ": " : "",
			      err.details);
	r = write_conflist(o, path, text);
	if (r < 0) {
		if (made)
			del_bridge(o->spec.bridge);
		return failed("create", o->spec.name, "cannot write %s: %s", path, strerror(-r));
	}
	return 0;
}

static void report_created(const struct create_opts *o)
{
	struct audit_rec rec = { .op = "create", .net = o->spec.name };
	char extra[512] = "", subnets[480] = "", s[IP_STR_MAX + 8];
	int i;

	for (i = 0; i < o->spec.n_subnets; i++) {
		ip_prefix_format(&o->spec.subnets[i], s, sizeof(s));
		snprintf(subnets + strlen(subnets), sizeof(subnets) - strlen(subnets), "%s%s",
			 i ? "," : "", s);
	}
	snprintf(extra, sizeof(extra), " bridge=%s subnets=%s", o->spec.bridge, subnets);
	rec.extra = extra;
	audit_log(&rec, NULL);
	printf("created network %s: bridge %s, subnets %s, icc %s, host access %s\n",
	       o->spec.name, o->spec.bridge, subnets, o->spec.icc ? "on" : "off",
	       o->spec.host_access ? o->spec.host_access : o->spec.icc ? "all" : "dns");
}

int cmd_create(int argc, char **argv)
{
	struct create_opts *o = calloc(1, sizeof(*o));
	struct others *ot = calloc(1, sizeof(*ot));
	char path[PATH_MAX];
	int r, status = CLI_FAILED, lock = -1;

	if (!o || !ot)
		goto out;
	r = parse_create(argc, argv, o);
	if (r) {
		status = r < 0 ? CLI_OK : r;
		goto out;
	}
	if (paths_init(&o->paths) < 0 ||
	    paths_net_conflist(&o->paths, o->spec.name, path, sizeof(path)) < 0) {
		status = usage_err("create", "a path (NETCTL_CONFDIR, CNI_PATH) is too long", NULL);
		goto out;
	}
	lock = lock_nets(&o->paths);
	if (lock < 0) {
		failed("create", o->spec.name, "cannot lock %s/net.d: %s", o->paths.confdir,
		       strerror(-lock));
		goto out;
	}
	if (!o->have_bridge)
		netconf_default_bridge(o->spec.name, o->spec.bridge);
	ot->paths = &o->paths;
	r = paths_net_foreach(&o->paths, collect_other, ot);
	if (r < 0) {
		failed("create", o->spec.name, "cannot read the other networks in %s/net.d: %s",
		       o->paths.confdir, r == -E2BIG ? "more than 4096 subnets or bridges"
						     : strerror(-r));
		goto out;
	}
	if (create_checks(o, ot, path) || default_subnets(o, ot) ||
	    create_checks(o, ot, path) || set_policy_dir(o))
		goto out;
	o->spec.portmap = plugin_present(o->paths.cni_path, "portmap");
	o->spec.bandwidth = plugin_present(o->paths.cni_path, "bandwidth");
	o->spec.dns = o->spec.dns && plugin_present(o->paths.cni_path, "dnsname");
	if (write_network(o, path))
		goto out;
	report_created(o);
	status = CLI_OK;
out:
	if (lock >= 0)
		close(lock);
	free(ot);
	free(o);
	return status;
}

/* ---- rm ---- */

struct rm_ctx {
	const char *net;
	int failed;
};

static int rm_detach(const struct attach_info *ai, void *data)
{
	struct rm_ctx *c = data;
	struct chain_err err = { .plugin = -1 };
	struct attach_opts a = {
		.net = ai->net, .container_id = ai->container_id, .ifname = ai->ifname,
		.op = "rm-disconnect",
	};

	if (attach_del(&a, &err) < 0) {
		c->failed++;
		fprintf(stderr, "netctl rm: %s: cannot disconnect %s %s: %s: %s\n", ai->net,
			ai->container_id, ai->ifname, err.cni.msg, err.cni.details);
	}
	return 0;
}

/* The network's chains and sets in table inet netctl (policy groups and marks too). */
static int rm_nft(const char *net, struct err *err)
{
	struct nft_conn c;
	int r;

	r = nft_conn_open(&c, err);
	if (r < 0)
		return r;
	r = nft_netctl_net_remove(&c, net, err);
	nft_conn_close(&c);
	return r < 0 ? r : 0;
}

/* host-local's store of the network: plain files in one directory. */
static int rm_store(const char *dir)
{
	char path[PATH_MAX + NAME_MAX + 2];
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (str_printf(path, sizeof(path), "%s/%s", dir, de->d_name) < 0)
			continue;
		if (de->d_type == DT_DIR)
			r = rm_store(path) ?: r;
		else if (unlink(path) < 0 && errno != ENOENT)
			r = -errno;
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* libcni GC with no valid attachment: each plugin drops what it still holds. */
static void rm_gc(const struct netctl_paths *p, const struct conflist *cl)
{
	struct chain_req req = {
		.cni_path = p->cni_path, .cache_dir = p->statedir, .have_valid = true,
	};
	struct chain_err err = { .plugin = -1 };

	if (chain_gc(cl, &req, &err) < 0)
		fprintf(stderr, "netctl rm: %s: warning: GC: %s: %s (going on)\n", cl->name,
			err.cni.msg, err.cni.details);
}

static int rm_kernel(const char *net, const struct net_info *ni, struct err *err)
{
	struct netlib_nl nl;
	int r;

	r = rm_nft(net, err);
	if (r < 0)
		return r;
	r = netlib_open(&nl, err);
	if (r < 0)
		return r;
	r = netlib_link_del(&nl, 0, ni->bridge, err);
	netlib_close(&nl);
	return r == -ENODEV ? 0 : r;
}

static int rm_files(const struct netctl_paths *p, const char *net, const struct net_info *ni,
		    const char *conflist)
{
	char path[PATH_MAX + 64];
	int r;

	r = rm_store(ni->store);
	if (r < 0)
		return r;
	if (paths_net_policy(p, net, path, sizeof(path)) == 0)
		unlink(path);
	if (str_printf(path, sizeof(path), "%s/results/.%s.lock", p->statedir, net) == 0)
		unlink(path);
	return unlink(conflist) < 0 && errno != ENOENT ? -errno : 0;
}

/*
 * rm --force of a network whose conflist cannot be read: what its name alone finds
 * (nft objects, the default host-local store, policy, cache lock, the file itself);
 * the bridge's name was in the file, so it is left and named.
 */
struct drop_ctx {
	const char *dir, *net;
	int n;
};

static int drop_entry(json_t *entry, void *data)
{
	struct drop_ctx *d = data;
	struct cache_key k = {
		d->net, json_string_value(json_object_get(entry, "containerId")),
		json_string_value(json_object_get(entry, "ifName")),
	};

	if (k.container_id && k.ifname && cache_remove(d->dir, &k) == 0)
		d->n++;
	return 0;
}

static int rm_unreadable(const struct netctl_paths *p, const char *net, const char *path,
			 const struct err *why)
{
	struct audit_rec rec = { .op = "rm", .net = net, .extra = " conflist=unreadable" };
	struct drop_ctx d = { p->statedir, net, 0 };
	struct net_info ni = { 0 };
	struct err err = { 0 };
	int r;

	snprintf(ni.store, sizeof(ni.store), "%s/%s", NETCONF_DEFAULT_STORE, net);
	/* Without the chain there is no DEL: the cached attachments are forgotten. */
	cache_for_each(p->statedir, net, drop_entry, &d);
	r = rm_nft(net, &err);
	if (r == 0)
		r = rm_files(p, net, &ni, path);
	if (r < 0)
		return failed("rm", net, "cannot remove the network: %s%s%s", strerror(-r),
			      err.details[0] ? ": " : "", err.details);
	audit_log(&rec, NULL);
	printf("removed network %s (its conflist was unreadable: %s; %d cached attachment%s "
	       "forgotten; its bridge and veths, if any, are left)\n", net, why->msg, d.n,
	       d.n == 1 ? "" : "s");
	return CLI_OK;
}

static int rm_network_locked(const struct netctl_paths *p, const char *net, const char *path,
		      bool force)
{
	struct audit_rec rec = { .op = "rm", .net = net };
	struct rm_ctx rc = { .net = net };
	struct err cerr = { 0 };
	struct conflist cl = { 0 };
	struct net_info ni;
	struct err err = { 0 };
	int r, n;

	if (paths_net_load(p, net, &cl, &cerr) < 0 && !force)
		return failed("rm", net, "%s: %s (rm --force removes what it can without it)",
			      cerr.msg, cerr.details);
	if (!cl.root)
		return rm_unreadable(p, net, path, &cerr);
	netconf_info(&cl, &ni);
	n = attach_count(net);
	if (n > 0 && !force) {
		conflist_free(&cl);
		return failed("rm", net, "%d container%s attached: `netctl disconnect` %s "
			      "first, or rm --force", n, n == 1 ? " is" : "s are",
			      n == 1 ? "it" : "them");
	}
	if (n > 0)
		attach_list(net, rm_detach, &rc);
	if (rc.failed) {
		conflist_free(&cl);
		return failed("rm", net, "%d container%s could not be disconnected: nothing "
			      "else removed", rc.failed, rc.failed == 1 ? "" : "s");
	}
	if (cni_version_has_gc(cl.version))
		rm_gc(p, &cl);
	r = rm_kernel(net, &ni, &err);
	if (r == 0)
		r = rm_files(p, net, &ni, path);
	conflist_free(&cl);
	if (r < 0) {
		err_set(&cerr, r, ERR_IO, "cannot remove the network", "%s%s%s", strerror(-r),
			err.details[0] ? ": " : "", err.details);
		audit_log(&rec, &cerr);
		return failed("rm", net, "%s: %s", cerr.msg, cerr.details);
	}
	audit_log(&rec, NULL);
	printf("removed network %s%s\n", net, n > 0 ? " (its containers disconnected)" : "");
	return CLI_OK;
}

/*
 * Under the network list's lock, then the network's own (cni/netlock.h): no chain,
 * apply or gc of it runs while it goes. Its lock file goes last.
 */
static int rm_network(const struct netctl_paths *p, const char *net, const char *path,
		      bool force)
{
	struct err cerr = { 0 };
	int r, nl;

	nl = cni_net_lock(net, NULL, true, &cerr);
	if (nl < 0)
		return failed("rm", net, "%s: %s", cerr.msg, cerr.details);
	r = rm_network_locked(p, net, path, force);
	if (r == CLI_OK)
		cni_net_lock_remove(net);
	cni_net_unlock(nl);
	return r;
}

/* rm --unused: every network without attachments, under the lock cmd_rm holds. */
struct unused_ctx {
	const struct netctl_paths *p;
	int failed;
};

static int rm_if_unused(const char *net, void *data)
{
	struct unused_ctx *u = data;
	char path[PATH_MAX];

	if (attach_count(net) != 0 ||
	    paths_net_conflist(u->p, net, path, sizeof(path)) < 0)
		return 0;
	if (rm_network(u->p, net, path, false) != CLI_OK)
		u->failed++;
	return 0;
}

static int rm_unused(const struct netctl_paths *p)
{
	struct unused_ctx u = { .p = p };
	int r;

	/* paths_net_foreach reads the names first, so removing as it goes is safe */
	r = paths_net_foreach(p, rm_if_unused, &u);
	if (r < 0)
		return failed("rm", "--unused", "cannot read %s/net.d: %s", p->confdir,
			      strerror(-r));
	return u.failed ? CLI_FAILED : CLI_OK;
}

int cmd_rm(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "unused", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct netctl_paths p;
	char path[PATH_MAX];
	const char *net;
	bool force = false, unused = false;
	int c, r, lock;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'u': unused = true; break;
		case 'h': fputs(rm_usage, stdout); return CLI_OK;
		default: return usage_err("rm", "unknown option", argv[optind - 1]);
		}
	}
	if (unused) {
		if (argc != optind || force)
			return usage_err("rm", "--unused takes no NET and no --force", NULL);
		if (paths_init(&p) < 0)
			return usage_err("rm", "a path is too long", NULL);
		lock = lock_nets(&p);
		if (lock < 0)
			return failed("rm", "--unused", "cannot lock %s/net.d: %s", p.confdir,
				      strerror(-lock));
		r = rm_unused(&p);
		close(lock);
		return r;
	}
	if (argc - optind != 1)
		return usage_err("rm", "want one NET", NULL);
	net = argv[optind];
	if (!paths_net_name_ok(net))
		return usage_err("rm", "not a valid network name", net);
	if (paths_init(&p) < 0 || paths_net_conflist(&p, net, path, sizeof(path)) < 0)
		return usage_err("rm", "a path is too long", NULL);
	if (access(path, F_OK) < 0)
		return failed("rm", net, "there is no such network (see `netctl ls`)");
	lock = lock_nets(&p);
	if (lock < 0)
		return failed("rm", net, "cannot lock %s/net.d: %s", p.confdir, strerror(-lock));
	r = rm_network(&p, net, path, force);
	close(lock);
	return r;
}
