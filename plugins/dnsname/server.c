// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "plugins/dnsname/server.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

/* A nameserver as dnsmasq's server= takes it: an address, maybe with %scope. */
static bool upstream_ok(const char *s)
{
	char addr[64];
	const char *pct = strchr(s, '%');
	struct ip_addr a;

	if (strlen(s) >= sizeof(addr))
		return false;
	snprintf(addr, sizeof(addr), "%.*s", pct ? (int)(pct - s) : (int)strlen(s), s);
	if (ip_addr_parse(addr, &a) < 0)
		return false;
	return !pct || name_is_safe(pct + 1, 15);
}

static int read_nameservers(const char *path, char out[][64], int max)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512], ns[128];
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %127s", ns) == 1 && upstream_ok(ns))
			snprintf(out[n++], 64, "%s", ns);
	return n;
}

int dn_upstreams_read(const char *path, const char *stub_upstreams, char out[][64], int max)
{
	int n = read_nameservers(path, out, max), i, m;
	char stub[DN_MAX_UPSTREAMS][64];

	if (n <= 0)
		return n;
	for (i = 0; i < n; i++)
		if (!str_has_prefix(out[i], "127."))
			return n;
	/*
	 * Only a loopback stub (systemd-resolved's 127.0.0.53, a local dnsmasq): dnsmasq
	 * runs on the host and could ask it, but where the stub says which servers it
	 * uses, ask those directly.
	 */
	m = stub_upstreams ? read_nameservers(stub_upstreams, stub, DN_MAX_UPSTREAMS) : 0;
	for (i = 0; i < m; i++)
		if (str_has_prefix(stub[i], "127."))
			return n;
	for (i = 0; i < m && i < max; i++)
		memcpy(out[i], stub[i], 64);
	return m > 0 ? (m < max ? m : max) : n;
}

char *dn_conf_text(const struct dn_config *c, char upstreams[][64], int n_up,
		   const char *user, size_t *len)
{
	char *buf = NULL, ip[IP_STR_MAX];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int i;

	if (!f)
		return NULL;
	fprintf(f, "# netctl dnsname: the resolver of network %s (generated at each start)\n"
		"port=53\n", c->net);
	/*
	 * On the bridge: bind-dynamic binds its addresses only (the gateways, and any
	 * added later) and, unlike bind-interfaces, drops a query that arrives on another
	 * interface, so a container of another network cannot ask this one's names of
	 * the gateway address (the host routes it there). Without a bridge name, the
	 * gateway addresses alone.
	 */
	if (c->bridge[0]) {
		/* interface= alone would add lo (127.0.0.1:53, taken by the next network) */
		fprintf(f, "bind-dynamic\ninterface=%s\nexcept-interface=lo\n", c->bridge);
	} else {
		fprintf(f, "bind-interfaces\n");
		for (i = 0; i < c->n_gateways; i++) {
			ip_addr_format(&c->gateways[i], ip, sizeof(ip));
			fprintf(f, "listen-address=%s\n", ip);
		}
	}
	/* nothing from the host's own files: only our hosts file and our upstreams */
	fprintf(f, "no-hosts\nno-resolv\nno-poll\naddn-hosts=%s\npid-file=%s\n",
		c->paths.hosts, c->paths.pid);
	/* names of this domain and bare names are ours: never asked upstream */
	fprintf(f, "domain-needed\nlocal=/%s/\n", c->domain);
	for (i = 0; i < n_up; i++)
		fprintf(f, "server=%s\n", upstreams[i]);
	fprintf(f, "user=%s\ngroup=nogroup\nlocal-ttl=0\n", user);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}

static bool is_ours(pid_t pid, const char *conf)
{
	char path[64], *arg;
	_cleanup_free_ char *cmdline = NULL;
	size_t len, off;
	char want[PATH_MAX + 32];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (file_read_bounded(path, 64 * 1024, &cmdline, &len) < 0)
		return false;
	snprintf(want, sizeof(want), "--conf-file=%s", conf);
	for (off = 0; off < len; off += strlen(arg) + 1) {
		arg = cmdline + off;
		if (!strcmp(arg, want))
			return true;
	}
	return false;
}

pid_t dn_server_pid(const struct dn_paths *p)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	long pid;
	char *end;
	int r = file_read_bounded(p->pid, 64, &text, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	pid = strtol(text, &end, 10);
	if (pid <= 1 || pid > INT32_MAX || (*end && *end != '\n'))
		return 0;
	/* a pid is recycled: only a dnsmasq running our config is ours */
	return is_ours((pid_t)pid, p->conf) ? (pid_t)pid : 0;
}

/* The child: a clean dnsmasq, nothing of ours inherited but a pipe for its errors. */
static void __attribute__((noreturn)) exec_dnsmasq(const char *conf, int errfd)
{
	char arg[PATH_MAX + 32];
	char *const argv[] = { "dnsmasq", arg, NULL };
	char *const envp[] = { NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	snprintf(arg, sizeof(arg), "--conf-file=%s", conf);
	if (null < 0 || setsid() < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	execve(DN_DNSMASQ, argv, envp);
	_exit(127);
}

/*
 * dnsmasq daemonizes itself (fork, setsid, fork) and its first process exits only
 * when the daemon serves, 0 or an error code and the reason on stderr: so waiting for
 * our child is waiting for readiness, and the daemon is nobody's child of ours.
 */
static int wait_child(pid_t pid, int errfd, struct err *err)
{
	char said[1024];
	int status, i;
	pid_t w;
	ssize_t got;

	/* polled (1 ms): no pidfd, which older kernels and valgrind lack */
	for (i = 0; i < 5000; i++) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		poll(NULL, 0, 1);
	}
	if (i == 5000) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return err_detail(err, -ETIMEDOUT, "dnsmasq did not start within 5 s");
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	got = read(errfd, said, sizeof(said) - 1);
	said[got > 0 ? got : 0] = '\0';
	if (*str_trim(said))	/* dnsmasq starts with "\n" */
		return err_detail(err, -EIO, "%s", str_trim(said));
	return err_detail(err, -EIO, "%s exited with status %d", DN_DNSMASQ,
			  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

pid_t dn_server_start(const struct dn_paths *p, struct err *err)
{
	int fds[2], r, i;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	unlink(p->pid);
	pid = fork();
	if (pid == 0)
		exec_dnsmasq(p->conf, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -errno;
	}
	r = wait_child(pid, fds[0], err);
	close(fds[0]);
	if (r < 0)
		return r;
	for (i = 0; i < 100; i++) {
		pid = dn_server_pid(p);
		if (pid != 0)
			return pid;
		poll(NULL, 0, 1);
	}
	return err_detail(err, -EIO, "dnsmasq started but wrote no pid file %s", p->pid);
}

int dn_server_stop(const struct dn_paths *p)
{
	pid_t pid = dn_server_pid(p);
	int i;

	/*
	 * Not our child: gone when /proc no longer shows it running our config (a zombie
	 * has no cmdline). Waited for (1 ms steps, 1 s at most, then KILL): the next
	 * start binds the same addresses.
	 */
	if (pid > 0 && kill(pid, SIGTERM) == 0) {
		for (i = 0; i < 1000 && is_ours(pid, p->conf); i++)
			poll(NULL, 0, 1);
		if (i == 1000)
			kill(pid, SIGKILL);
	}
	unlink(p->pid);
	unlink(p->conf);
	unlink(p->hosts);
	rmdir(p->dir);
	return pid < 0 ? pid : 0;
}
