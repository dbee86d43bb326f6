// SPDX-License-Identifier: Apache-2.0
/* `netctl connect`, `netctl disconnect`, `netctl check`: attachments (netctl/core/attach.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/core/attach.h"
#include "netctl/cli/attach_opts.h"
#include "netctl/cli/cli.h"
#include "netctl/cli/cliparse.h"
#include "netctl/core/paths.h"
#include "cni/env.h"
#include "util/str.h"

static const char connect_usage[] =
	"usage: netctl connect NET CONTAINER [--ip IP] [--publish [HOSTIP:]H:C[/PROTO]]...\n"
	"                      [--rate-in R] [--rate-out R] [--name N] [--alias NAME]...\n"
	"                      [--ifname IF] [--json]\n"
	"\n"
	"Attaches CONTAINER to network NET: runs NET's plugin chain (ADD) on the container's\n"
	"network namespace as libcni does, caches the result, undoes everything on failure.\n"
	"CONTAINER is a netns name (under $NETCTL_NETNSDIR, default /run/netns), a netns\n"
	"path, or a PID (its /proc/PID/ns/net). The container ID is \"netctl-\" and 16 hex\n"
	"digits of a hash of that absolute path: the same CONTAINER names the same\n"
	"attachment in connect, check and disconnect.\n"
	"\n"
	"  --ip IP          a fixed address from NET's subnets (host-local)\n"
	"  --publish SPEC   publish container port C on host port H (tcp by default;\n"
	"                   needs a portmap plugin in NET's chain), repeatable; H and C\n"
	"                   may be ranges of one length: 8000-8010:9000-9010/udp\n"
	"  --rate-in R      limit traffic into the container; --rate-out R: out of it\n"
	"                   (needs a bandwidth plugin). R: 10mbit, 1gbit, 500kbit, bits/s,\n"
	"                   or bytes/s as 2mbps\n"
	"  --name N         the name policy groups match and DNS answers for (default:\n"
	"                   the netns name)\n"
	"  --alias NAME     another name DNS answers for on NET (dnsname), repeatable\n"
	"  --ifname IF      interface inside the container (default eth0)\n"
	"  --json           print the CNI result\n"
	"\n"
	"Exit status: 0 connected, 1 the chain failed (nothing is left attached),\n"
	"2 bad command line (nothing changed).\n";

static const char disconnect_usage[] =
	"usage: netctl disconnect NET CONTAINER [--ifname IF]\n"
	"\n"
	"Detaches CONTAINER from NET: runs the chain's DEL with what connect cached.\n"
	"Disconnecting what is not connected succeeds. The netns may already be gone.\n"
	"\n"
	"Exit status: 0 done, 1 a plugin failed, 2 bad command line.\n";

static const char check_usage[] =
	"usage: netctl check [NET [CONTAINER]] [--ifname IF]\n"
	"\n"
	"Runs the chain's CHECK for the attachments of CONTAINER, of every container on\n"
	"NET, or of every network: each prints \"ok\" or what is wrong.\n"
	"\n"
	"Exit status: 0 all ok, 1 at least one check failed or no such attachment,\n"
	"2 bad command line.\n";

struct opts {
	const char *net, *container, *ifname;
	struct cli_attach_opts a;	/* connect's --ip, --publish, ... */
	bool json;
	struct cli_container c;
	struct netctl_paths paths;
};

static int bad(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "netctl %s: %s%s%s%s (see `netctl %s --help`)\n", cmd, what,
		arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "", cmd);
	return CLI_USAGE;
}

static int parse(const char *cmd, int argc, char **argv, struct opts *o, int min_pos,
		 int max_pos, const char *usage)
{
	static const struct option longopts[] = {
		CLI_ATTACH_LONGOPTS,
		{ "ifname", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool is_connect = !strcmp(cmd, "connect");
	char name[32];
	const char *why;
	int c, r, npos, li = -1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
		/* the option's name, not its value: "--ip 10.0.0.5" names --ip */
		if (!is_connect && c != 'f' && c != 'h' && c != '?') {
			snprintf(name, sizeof(name), "--%s", longopts[li].name);
			return bad(cmd, "option not taken by this command", name);
		}
		r = cli_attach_opt(&o->a, c, optarg, &why);
		if (r < 0)
			return bad(cmd, why, optarg);
		if (r == 0)
			continue;	/* one of the attachment's */
		switch (c) {
		case 'f': o->ifname = optarg; break;
		case 'j': o->json = true; break;
		case 'h': fputs(usage, stdout); return -1;
		default: return bad(cmd, "unknown option", argv[optind - 1]);
		}
	}
	npos = argc - optind;
	if (npos < min_pos || npos > max_pos)
		return bad(cmd, min_pos == max_pos ? "want NET CONTAINER" : "want [NET [CONTAINER]]",
			   NULL);
	o->net = npos > 0 ? argv[optind] : NULL;
	o->container = npos > 1 ? argv[optind + 1] : NULL;
	if (o->net && !paths_net_name_ok(o->net))
		return bad(cmd, "not a valid network name (letters, digits, '_', '.', '-')",
			   o->net);
	if (o->ifname && !ifname_valid(o->ifname))
		return bad(cmd, "not a valid interface name", o->ifname);
	if (o->a.name && !name_is_safe(o->a.name, 253))
		return bad(cmd, "--name: use letters, digits, '_', '.' and '-'", o->a.name);
	if (paths_init(&o->paths) < 0)
		return bad(cmd, "a path (NETCTL_*DIR, CNI_PATH) is too long", NULL);
	return 0;
}

static int resolve(const char *cmd, struct opts *o, bool must_exist)
{
	int r = cli_container_resolve(o->container, o->paths.netnsdir, must_exist, &o->c);

	if (r == -ENOENT) {
		fprintf(stderr, "netctl %s: there is no network namespace \"%s\" (%s): "
			"create it first (ip netns add NAME) or give a PID or a path\n", cmd,
			o->container, o->c.netns);
		return CLI_FAILED;
	}
	if (r == -ENOTTY) {
		fprintf(stderr, "netctl %s: %s is not a network namespace\n", cmd, o->c.netns);
		return CLI_FAILED;
	}
	if (r < 0)
		return bad(cmd, "CONTAINER is a netns name, a netns path or a PID, got",
			   o->container);
	return 0;
}

/* One line: the network, the message, the details (the plugin's or the kernel's words). */
static int report(const char *cmd, const char *net, const struct chain_err *err)
{
	fprintf(stderr, "netctl %s: %s%s%s%s%s\n", cmd, net ? net : "", net ? ": " : "",
		err->cni.msg[0] ? err->cni.msg : "failed", err->cni.details[0] ? ": " : "",
		err->cni.details);
	return CLI_FAILED;
}

static void print_result(const struct opts *o, json_t *result)
{
	json_t *ip;
	size_t i;

	if (o->json) {
		json_dumpf(result, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		return;
	}
	printf("connected %s to %s as %s (container ID %s)", o->container, o->net,
	       o->ifname ? o->ifname : ATTACH_DEFAULT_IFNAME, o->c.id);
	json_array_foreach(json_object_get(result, "ips"), i, ip)
		printf("%s%s", i ? ", " : ": ", json_string_value(json_object_get(ip, "address")));
	fputc('\n', stdout);
}

int cmd_connect(int argc, char **argv)
{
	struct opts o = { 0 };
	struct chain_err err = { .plugin = -1, .op = "add" };
	struct attach_opts a;
	json_t *result = NULL;
	int r;

	r = parse("connect", argc, argv, &o, 2, 2, connect_usage);
	if (r == 0)
		r = resolve("connect", &o, true);
	if (r != 0)
		goto out;
	a = (struct attach_opts){
		.net = o.net, .netns = o.c.netns, .container_id = o.c.id,
		.name = o.a.name ? o.a.name : (o.c.name[0] ? o.c.name : NULL),
		.ifname = o.ifname, .ip = o.a.ip, .port_mappings = o.a.ports,
		.rate_in = o.a.rate_in, .rate_out = o.a.rate_out, .aliases = o.a.aliases,
	};
	if (attach_add(&a, &result, &err) < 0) {
		r = report("connect", o.net, &err);
		goto out;
	}
	print_result(&o, result);
	json_decref(result);
out:
	cli_attach_opts_free(&o.a);
	return r < 0 ? CLI_OK : r;
}

int cmd_disconnect(int argc, char **argv)
{
	struct opts o = { 0 };
	struct chain_err err = { .plugin = -1, .op = "delete" };
	struct attach_opts a;
	int r;

	r = parse("disconnect", argc, argv, &o, 2, 2, disconnect_usage);
	if (r == 0)
		r = resolve("disconnect", &o, false);
	if (r != 0)
		return r < 0 ? CLI_OK : r;
	a = (struct attach_opts){
		.net = o.net, .container_id = o.c.id, .ifname = o.ifname,
		.name = o.c.name[0] ? o.c.name : NULL,
	};
	if (attach_del(&a, &err) < 0)
		return report("disconnect", o.net, &err);
	printf("disconnected %s from %s\n", o.container, o.net);
	return CLI_OK;
}

struct check_ctx {
	const char *id;		/* only this container, or NULL */
	const char *ifname;
	int checked, failed;
};

static int check_one(const struct attach_info *ai, void *data)
{
	struct check_ctx *c = data;
	struct chain_err err = { .plugin = -1, .op = "check" };
	struct attach_opts a = {
		.net = ai->net, .container_id = ai->container_id, .ifname = ai->ifname,
		.op = "check",
	};
	const char *who = ai->name ? ai->name : ai->container_id;

	if (c->id && strcmp(c->id, ai->container_id))
		return 0;
	if (c->ifname && strcmp(c->ifname, ai->ifname))
		return 0;
	c->checked++;
	if (attach_check(&a, &err) == 0) {
		printf("%s %s %s: ok\n", ai->net, who, ai->ifname);
		return 0;
	}
	c->failed++;
	printf("%s %s %s: FAILED: %s%s%s\n", ai->net, who, ai->ifname, err.cni.msg,
	       err.cni.details[0] ? ": " : "", err.cni.details);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct opts o = { 0 };
	struct check_ctx c = { 0 };
	struct conflist cl = { 0 };
	struct err cerr = { 0 };
	int r;

	r = parse("check", argc, argv, &o, 0, 2, check_usage);
	if (r != 0)
		return r < 0 ? CLI_OK : r;
	if (o.net) {
		r = paths_net_load(&o.paths, o.net, &cl, &cerr);
		conflist_free(&cl);
		if (r < 0) {
			fprintf(stderr, "netctl check: %s: %s: %s\n", o.net, cerr.msg, cerr.details);
			return CLI_FAILED;
		}
	}
	if (o.container) {
		r = resolve("check", &o, false);
		if (r)
			return r;
		c.id = o.c.id;
	}
	c.ifname = o.ifname;
	r = attach_list(o.net, check_one, &c);
	if (r < 0) {
		fprintf(stderr, "netctl check: cannot read the result cache: %s\n", strerror(-r));
		return CLI_FAILED;
	}
	if (o.container && !c.checked) {
		fprintf(stderr, "netctl check: %s is not connected to %s\n", o.container, o.net);
		return CLI_FAILED;
	}
	return c.failed ? CLI_FAILED : CLI_OK;
}
