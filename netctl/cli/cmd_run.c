// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl run [options] -- CMD...`: CMD in a fresh network namespace attached to
 * networks, with podman's default capabilities and no_new_privs.
 *
 * Order, so that a crash at any instant leaves something `netctl gc` can undo: the run
 * record (our pid + start time, the netns, the attachments) is written first, then
 * the netns pinned, then each network attached; teardown runs the other way and
 * removes the record last. The signals we forward are blocked from the start and
 * taken with sigwaitinfo(): one that arrives while we attach stops the setup and
 * takes the same undo path, and none is lost between fork and wait. Plugins inherit
 * the mask, so a Ctrl-C on the terminal does not kill a plugin half-way.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netctl/core/attach.h"
#include "netctl/core/caps.h"
#include "netctl/cli/attach_opts.h"
#include "netctl/cli/cli.h"
#include "netctl/cli/cliparse.h"
#include "netctl/core/netns.h"
#include "netctl/core/paths.h"
#include "netctl/core/runns.h"
#include "netctl/core/runrec.h"
#include "netlib/link.h"
#include "netlib/netns.h"
#include "netlib/sock.h"
#include "util/cleanup.h"
#include "util/str.h"

/* Docker's `docker run` statuses for its own failures, so CMD's own stay readable. */
#define RUN_FAILED 125		/* netctl could not set the run up */
#define RUN_CANNOT_EXEC 126	/* CMD exists but could not be executed */
#define RUN_NOT_FOUND 127	/* CMD not found */

static const char usage_text[] =
	"usage: netctl run [--network NET]... [--publish [IP:]HOST:CTR[/PROTO]]... [--name N]\n"
	"                  [--ip IP] [--rate-in RATE] [--rate-out RATE] [--alias NAME]...\n"
	"                  [--hostname NAME] [--dns IP] [--dns-search DOMAIN]\n"
	"                  [--cap-add CAP]... [--cap-drop CAP]... -- CMD [ARG...]\n"
	"\n"
	"Runs CMD in a new network namespace attached to each NET (interfaces eth0,\n"
	"eth1, ... in the order given), with podman's default capability set (Docker's\n"
	"without NET_RAW, MKNOD, AUDIT_WRITE; ping works through ICMP datagram sockets)\n"
	"adjusted by --cap-add/--cap-drop (a name such as NET_ADMIN or CAP_NET_ADMIN, or\n"
	"ALL) and no_new_privs. `--network none` gives loopback only. Without --network the\n"
	"network named \"default\" is used when it exists (`netctl create default`),\n"
	"else loopback only (said on stderr).\n"
	"--publish, --ip and the rates apply to the first network; --alias (another name\n"
	"the run resolves by) to each.\n"
	"CMD gets its own mount and UTS namespaces: the host name is --hostname, else\n"
	"--name, else the run's ID; /etc/hosts holds its addresses and names, and\n"
	"/etc/resolv.conf names the first DNS network's server (the gateway: other\n"
	"containers resolve by name) and its domain, unless --dns / --dns-search say.\n"
	"Signals INT, TERM, HUP, QUIT, USR1 and USR2 are forwarded to CMD. When CMD ends\n"
	"(or netctl is interrupted) whatever CMD left running in the namespace is killed,\n"
	"every network is detached and the namespace removed;\n"
	"if netctl itself is killed, CMD dies with it and `netctl gc` cleans up.\n"
	"\n"
	"Exit status: CMD's, or 128+N when CMD was killed by signal N; 125 when netctl\n"
	"could not set the run up (bad option, unknown network, ...), 126 when CMD could\n"
	"not be executed, 127 when CMD was not found.\n";

#define DEFAULT_NETWORK "default"

struct run_opts {
	const char *nets[RUNREC_MAX_NETS];
	int n_nets;
	bool net_none;
	struct cli_attach_opts a;	/* --ip, --publish, --rate-*: the first network's */
	struct caps_set caps;
	char **argv;
	bool default_net;	/* no --network: DEFAULT_NETWORK */
	const char *hostname, *dns, *dns_search;
	struct runns *ns;	/* the run's resolv.conf, hosts and host name */
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "netctl run: %s%s%s%s (see `netctl run --help`)\n", what,
		arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
	return RUN_FAILED;
}

static int add_network(struct run_opts *o, const char *net)
{
	if (!strcmp(net, "none")) {
		o->net_none = true;
		return 0;
	}
	if (!paths_net_name_ok(net))
		return usage_error("not a network name:", net);
	if (o->n_nets >= RUNREC_MAX_NETS)
		return usage_error("too many networks", NULL);
	for (int i = 0; i < o->n_nets; i++)
		if (!strcmp(o->nets[i], net))
			return usage_error("network given twice:", net);
	o->nets[o->n_nets++] = net;
	return 0;
}

/* --hostname, --dns, --dns-search: checked here, used by runns.c. */
static int runns_opt(struct run_opts *o, int c, const char *arg)
{
	struct ip_addr a;

	if (c == 'H' && !dns_name_valid(arg))
		return usage_error("--hostname wants a host name, got", arg);
	if (c == 'D' && ip_addr_parse(arg, &a) < 0)
		return usage_error("--dns wants an IP address, got", arg);
	if (c == 'S' && !dns_domain_valid(arg))
		return usage_error("--dns-search wants a domain, got", arg);
	if (c == 'H')
		o->hostname = arg;
	if (c == 'D')
		o->dns = arg;
	if (c == 'S')
		o->dns_search = arg;
	return 0;
}

/* 0, 1 when --help was printed, or an exit status. */
static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "net", required_argument, NULL, 'n' },
		CLI_ATTACH_LONGOPTS,
		{ "cap-add", required_argument, NULL, 'a' },
		{ "cap-drop", required_argument, NULL, 'd' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "dns", required_argument, NULL, 'D' },
		{ "dns-search", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *why;
	int c, r;

	o->caps = caps_default();
	optind = 1;
	opterr = 0;
	/* "+": stop at CMD, whose own options are not ours. */
	while ((c = getopt_long(argc, argv, "+hp:", longopts, NULL)) != -1) {
		r = cli_attach_opt(&o->a, c, optarg, &why);
		if (r < 0)
			return usage_error(why, optarg);
		if (r == 0)
			continue;	/* one of the attachment's */
		switch (c) {
		case 'n':
			r = add_network(o, optarg);
			if (r)
				return r;
			break;
		case 'a':
		case 'd':
			if (caps_adjust(&o->caps, optarg, c == 'a') < 0)
				return usage_error("unknown capability", optarg);
			break;
		case 'H': case 'D': case 'S':
			r = runns_opt(o, c, optarg);
			if (r)
				return r;
			break;
		case 'h': fputs(usage_text, stdout); return 1;
		default: return usage_error("bad option", argv[optind - 1]);
		}
	}
	if (o->a.name && !name_is_safe(o->a.name, 64))
		return usage_error("--name wants 1-64 of [A-Za-z0-9_.-], got", o->a.name);
	if (optind >= argc)
		return usage_error("no command given: netctl run [OPTIONS] -- CMD [ARG...]", NULL);
	o->argv = argv + optind;
	if (o->net_none && o->n_nets)
		return usage_error("--network none cannot be combined with networks", NULL);
	if (!o->net_none && !o->n_nets) {
		o->nets[o->n_nets++] = DEFAULT_NETWORK;
		o->default_net = true;
	}
	return 0;
}

static int net_error(const char *net, const struct err *e)
{
	fprintf(stderr, "netctl run: network \"%s\": %s%s%s\n", net, e->msg,
		e->details[0] ? ": " : "", e->details);
	return RUN_FAILED;
}

static int check_networks(const struct netctl_paths *p, struct run_opts *o)
{
	struct err err = { 0 };
	struct conflist cl = { 0 };
	int i, r;

	for (i = 0; i < o->n_nets; i++) {
		r = paths_net_load(p, o->nets[i], &cl, &err);
		conflist_free(&cl);
		if (r == -ENOENT && o->default_net && (o->a.ports || o->a.ip ||
						       o->a.rate_in || o->a.rate_out))
			return usage_error("no --network given and there is no network \""
					   DEFAULT_NETWORK "\" for --publish, --ip or the rates "
					   "(create it with `netctl create " DEFAULT_NETWORK
					   "`, or use --network NET)", NULL);
		if (r == -ENOENT && o->default_net) {
			/* Like `docker run --network none`, and said so. */
			fprintf(stderr, "netctl run: no --network and no network \"" DEFAULT_NETWORK
				"\": loopback only (`netctl create " DEFAULT_NETWORK "` makes one)\n");
			o->n_nets = 0;
			o->net_none = true;
			return 0;
		}
		if (r < 0)
			return net_error(o->nets[i], &err);
	}
	return 0;
}

/* Everything is checked before anything is created: bad input changes nothing. */
static int validate(const struct netctl_paths *p, struct run_opts *o)
{
	if (o->net_none && (o->a.ports || o->a.ip || o->a.rate_in || o->a.rate_out))
		return usage_error("--publish, --ip and rates need a network", NULL);
	return check_networks(p, o);
}

static int lo_up(const char *netns_path)
{
	_cleanup_(netlib_close) struct netlib_nl nl = { 0 };
	struct netlib_link lo;
	int r;

	r = netlib_open_netns(&nl, netns_path, NULL);
	if (r < 0)
		return r;
	r = netlib_link_get(&nl, 0, "lo", &lo, NULL);
	if (r < 0)
		return r;
	return netlib_link_set_up(&nl, lo.index, true, NULL);
}

/*
 * Without NET_RAW, ping works through ICMP datagram sockets (iputils falls back to
 * them): let every group open one in the run's netns, as systemd does on the host.
 */
static int ping_unprivileged(const char *netns_path)
{
	_cleanup_close_ int fd = open(netns_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return netlib_sysctl_write(fd, "net/ipv4/ping_group_range", "0 2147483647", NULL);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void signal_set(sigset_t *s)
{
	sigemptyset(s);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(s, forwarded[i]);
	sigaddset(s, SIGCHLD);
}

/* A terminating signal that arrived during setup: its number, else 0. */
static int pending_stop(void)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigset_t p;

	if (sigpending(&p) < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
		if (sigismember(&p, stop[i]))
			return stop[i];
	return 0;
}

struct child_report {
	int stage;	/* 0 setting up, 1 exec */
	int err;
};

/* In the child: never returns. Failures go to the parent through @report_fd. */
static void child_exec(const struct run_opts *o, int netns_fd, const sigset_t *old_mask,
		       pid_t parent, int report_fd)
{
	struct child_report rep = { 0, 0 };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		rep.err = errno;
	else if (getppid() != parent)	/* the parent died before prctl */
		_exit(RUN_FAILED);
	else if (setns(netns_fd, CLONE_NEWNET) < 0)
		rep.err = errno;
	else if ((rep.err = -runns_enter(o->ns)) != 0)
		;
	else if ((rep.err = -caps_apply(&o->caps)) == 0 &&
		 sigprocmask(SIG_SETMASK, old_mask, NULL) < 0)
		rep.err = errno;
	if (rep.err == 0) {
		rep.stage = 1;
		execvp(o->argv[0], o->argv);
		rep.err = errno;
	}
	if (write(report_fd, &rep, sizeof(rep)) < 0)
		_exit(RUN_FAILED);
	_exit(rep.stage == 0 ? RUN_FAILED : rep.err == ENOENT ? RUN_NOT_FOUND : RUN_CANNOT_EXEC);
}

/* Forward signals until the child ends; its status as an exit status. */
static int wait_child(pid_t child, const sigset_t *set)
{
	siginfo_t info;
	int sig, status;
	pid_t r;

	for (;;) {
		sig = sigwaitinfo(set, &info);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return RUN_FAILED;
		}
		if (sig != SIGCHLD) {
			/* A terminal's ^C/^\ (or hangup) already reached CMD: same group. */
			if (info.si_code != SI_KERNEL)
				kill(child, sig);
			continue;
		}
		do
			r = waitpid(child, &status, WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return RUN_FAILED;
		if (r == 0)	/* stopped or continued: not the end */
			continue;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
	}
}

/* Start CMD in the netns and return its exit status. */
static int start_and_wait(const struct run_opts *o, const char *netns_path, const sigset_t *set,
			  const sigset_t *old_mask)
{
	struct child_report rep;
	_cleanup_close_ int netns_fd = open(netns_path, O_RDONLY | O_CLOEXEC);
	int pipefd[2];
	pid_t parent = getpid(), child;
	ssize_t got;
	int status;

	if (netns_fd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(stderr, "netctl run: %s: %s\n", netns_path, strerror(errno));
		return RUN_FAILED;
	}
	child = fork();
	if (child < 0) {
		fprintf(stderr, "netctl run: fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return RUN_FAILED;
	}
	if (child == 0) {
		close(pipefd[0]);
		child_exec(o, netns_fd, old_mask, parent, pipefd[1]);
	}
	close(pipefd[1]);
	do
		got = read(pipefd[0], &rep, sizeof(rep));
	while (got < 0 && errno == EINTR);
	close(pipefd[0]);
	status = wait_child(child, set);
	if (got == (ssize_t)sizeof(rep))
		fprintf(stderr, "netctl run: %s%s: %s\n", rep.stage ? o->argv[0] : "setting up ",
			rep.stage ? "" : "the process", strerror(rep.err));
	return status;
}

static struct attach_opts attach_opts_for(const struct run_opts *o, const struct runrec *rec,
					   const char *ns_path, int i)
{
	return (struct attach_opts){
		.net = rec->nets[i].net,
		.netns = ns_path,
		.container_id = rec->container_id,
		.name = o->a.name,
		.ifname = rec->nets[i].ifname,
		.ip = i == 0 ? o->a.ip : NULL,
		.port_mappings = i == 0 ? o->a.ports : NULL,
		.rate_in = i == 0 ? o->a.rate_in : 0,
		.rate_out = i == 0 ? o->a.rate_out : 0,
		.aliases = o->a.aliases,
	};
}

static void print_chain_err(const char *what, const char *net, const struct chain_err *e)
{
	fprintf(stderr, "netctl run: %s network \"%s\": %s%s%s\n", what, net, e->cni.msg,
		e->cni.details[0] ? ": " : "", e->cni.details);
}

/*
 * Attach each network in order; *@attached counts the ones done. Returns 0, an exit
 * status for a signal that asked us to stop, or RUN_FAILED.
 */
static int attach_all(const struct run_opts *o, const struct runrec *rec, const char *ns_path,
		      const char *rundir, int *attached)
{
	struct chain_err err = { .plugin = -1 };
	struct attach_opts a;
	json_t *result;
	int i, sig;

	for (i = 0; i < rec->n_nets; i++) {
		sig = pending_stop();
		if (sig)
			return 128 + sig;
		a = attach_opts_for(o, rec, ns_path, i);
		a.op = "run";
		if (attach_add(&a, &result, &err) < 0) {
			print_chain_err("attaching to", a.net, &err);
			return RUN_FAILED;
		}
		runns_note_result(o->ns, result);
		json_decref(result);
		*attached = i + 1;
	}
	return runns_write(o->ns, rundir, rec->id) < 0 ? RUN_FAILED : 0;
}

static void undo(const struct netctl_paths *p, const struct run_opts *o,
		 const struct runrec *rec, const char *ns_path, int attached)
{
	struct chain_err err = { .plugin = -1 };
	struct attach_opts a;
	int r, i;

	if (!rec->id[0])
		return;
	/* What CMD left running (a background job, a daemon) ends with it, as in Docker. */
	if (ns_path[0])
		netns_kill_all(ns_path);
	for (i = attached - 1; i >= 0; i--) {
		a = attach_opts_for(o, rec, ns_path, i);
		a.op = "run-exit";
		/* `netctl rm --force` of the network while we ran already detached us. */
		if (attach_del(&a, &err) < 0 && paths_net_exists(p, a.net))
			print_chain_err("detaching from", a.net, &err);
	}
	r = netns_delete(p->netnsdir, rec->container_id);
	if (r < 0)
		fprintf(stderr, "netctl run: removing netns %s/%s: %s (run `netctl gc`)\n",
			p->netnsdir, rec->container_id, strerror(-r));
	runns_remove(p->rundir, rec->id);
	r = runrec_remove(p->rundir, rec->id);
	if (r < 0)
		fprintf(stderr, "netctl run: removing the run record %s: %s\n", rec->id,
			strerror(-r));
}

/* The run's netns, lo up and ping allowed; cmd_run()'s undo() removes it on failure. */
static int make_netns(const struct netctl_paths *p, const struct runrec *rec, char *ns_path,
		      size_t n)
{
	int r;

	r = netns_create(p->netnsdir, rec->container_id);
	if (r < 0)
		return r;
	r = netns_path(p->netnsdir, rec->container_id, ns_path, n);
	if (r < 0)
		return r;
	r = lo_up(ns_path);
	if (r < 0)
		return r;
	return ping_unprivileged(ns_path);
}

static int setup(const struct netctl_paths *p, const struct run_opts *o, struct runrec *rec,
		 char *ns_path, size_t n)
{
	int r;

	r = runrec_new_id(rec);
	if (r < 0)
		return r;
	r = proc_start_time(getpid(), &rec->start);
	if (r < 0)
		return r;
	rec->pid = getpid();
	str_copy(rec->name, sizeof(rec->name), o->a.name ? o->a.name : "");
	for (int i = 0; i < o->n_nets; i++) {
		str_copy(rec->nets[i].net, sizeof(rec->nets[i].net), o->nets[i]);
		snprintf(rec->nets[i].ifname, sizeof(rec->nets[i].ifname), "eth%d", i);
	}
	rec->n_nets = o->n_nets;
	r = runrec_write(p->rundir, rec);
	if (r < 0) {
		fprintf(stderr, "netctl run: writing the run record in %s/run: %s\n", p->rundir,
			strerror(-r));
		return r;
	}
	r = make_netns(p, rec, ns_path, n);
	if (r < 0)
		fprintf(stderr, "netctl run: creating netns %s/%s: %s\n", p->netnsdir,
			rec->container_id, strerror(-r));
	return r;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct netctl_paths p;
	struct runrec rec = { 0 };
	struct runns ns;
	char ns_path[PATH_MAX] = "";
	sigset_t set, old_mask;
	int r, status, attached = 0, sig;

	o.ns = &ns;
	r = parse_opts(argc, argv, &o);
	if (r == 0 && paths_init(&p) < 0)
		r = usage_error("a path is too long", NULL);
	if (r == 0)
		r = validate(&p, &o);
	if (r) {
		cli_attach_opts_free(&o.a);
		return r == 1 ? CLI_OK : r;
	}
	signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	/* A shell starts background jobs with INT and QUIT ignored: we forward them. */
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	if (setup(&p, &o, &rec, ns_path, sizeof(ns_path)) < 0) {
		status = RUN_FAILED;
		goto out;
	}
	status = runns_init(&ns, o.hostname, o.a.name, rec.id, o.dns, o.dns_search) < 0 ?
		 RUN_FAILED : attach_all(&o, &rec, ns_path, p.rundir, &attached);
	if (status == 0) {
		sig = pending_stop();
		status = sig ? 128 + sig : start_and_wait(&o, ns_path, &set, &old_mask);
	}
out:
	undo(&p, &o, &rec, ns_path, attached);
	cli_attach_opts_free(&o.a);
	return status;
}
