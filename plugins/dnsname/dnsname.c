// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cni/netlock.h"
#include "plugins/dnsname/config.h"
#include "plugins/dnsname/dnsname.h"
#include "plugins/dnsname/hosts.h"
#include "plugins/dnsname/probe.h"
#include "plugins/dnsname/server.h"
#include "util/cleanup.h"
#include "util/file.h"

#define STUB_UPSTREAMS "/run/systemd/resolve/resolv.conf"

/* A network's state while its lock is held: the hosts file as read, and as changed. */
struct dn_state {
	int lock;
	char *old_text;		/* NULL: there was no hosts file */
	struct dn_hosts hosts;
};

static void state_free(struct dn_state *s)
{
	cni_net_unlock(s->lock);
	free(s->old_text);
	dn_hosts_free(&s->hosts);
}

/*
 * Take the network's lock (cni/netlock.h: netctl may hold it for us already) and read
 * its hosts file. @create: make the state directory (under the lock: the last DEL
 * removes it under the same lock). -ENOENT without @create when there is none.
 */
static int state_open(struct cni_ctx *ctx, const struct dn_paths *p, const char *net,
		      bool create, struct dn_state *s)
{
	char what[256];
	size_t len;
	int r;

	memset(s, 0, sizeof(*s));
	snprintf(what, sizeof(what), "dnsname %s %s", cni_cmd_str(ctx->env.cmd),
		 ctx->env.container_id ? ctx->env.container_id : "");
	s->lock = cni_net_lock(net, what, false, &ctx->err);
	if (s->lock < 0)
		return s->lock;
	if (create && mkdir_p(p->dir, 0755) < 0)
		return err_set(&ctx->err, -errno, ERR_IO, "cannot create the DNS state directory",
			       "%s: %s", p->dir, strerror(errno));
	if (!create && access(p->dir, F_OK) != 0)
		return -ENOENT;
	r = file_read_bounded(p->hosts, DN_HOSTS_MAX, &s->old_text, &len);
	if (r < 0 && r != -ENOENT)
		return err_set(&ctx->err, r, ERR_IO, "cannot read the network's hosts file",
			       "%s: %s", p->hosts, strerror(-r));
	r = dn_hosts_parse(s->old_text ? s->old_text : "", &s->hosts);
	if (r < 0)
		return err_set(&ctx->err, r, ERR_IO, "out of memory", "hosts");
	return 0;
}

static int hosts_write(struct cni_ctx *ctx, const struct dn_paths *p,
		       const struct dn_hosts *h)
{
	size_t len;
	_cleanup_free_ char *text = dn_hosts_format(h, &len);
	int r;

	if (!text)
		return err_set(&ctx->err, -ENOMEM, ERR_IO, "out of memory", "hosts");
	/* 0644: dnsmasq re-reads it on SIGHUP as its unprivileged user */
	r = file_write_atomic(p->hosts, text, len, 0644);
	if (r < 0)
		return err_set(&ctx->err, r, ERR_IO, "cannot write the network's hosts file",
			       "%s: %s", p->hosts, strerror(-r));
	return 0;
}

static const char *server_user(void)
{
	return getpwnam("dnsmasq") ? "dnsmasq" : "nobody";
}

/* Write dnsmasq's config for @c and start it. */
static int server_start(struct cni_ctx *ctx, const struct dn_config *c)
{
	char up[DN_MAX_UPSTREAMS][64];
	_cleanup_free_ char *text = NULL;
	size_t len;
	int n = dn_upstreams_read(c->resolv_conf, STUB_UPSTREAMS, up, DN_MAX_UPSTREAMS), r;
	pid_t pid;

	if (access(DN_DNSMASQ, X_OK) != 0)
		return err_set(&ctx->err, -errno, ERR_IO, "the DNS server is not installed",
			       "%s: %s (Debian: apt-get install dnsmasq-base)", DN_DNSMASQ,
			       strerror(errno));
	if (n < 0)
		n = 0;	/* no resolv.conf: names of other domains are refused */
	text = dn_conf_text(c, up, n, server_user(), &len);
	if (!text)
		return err_set(&ctx->err, -ENOMEM, ERR_IO, "out of memory", "conf");
	r = file_write_atomic(c->paths.conf, text, len, 0644);
	if (r < 0)
		return err_set(&ctx->err, r, ERR_IO, "cannot write the DNS server's config",
			       "%s: %s", c->paths.conf, strerror(-r));
	pid = dn_server_start(&c->paths, &ctx->err);
	if (pid < 0) {
		unlink(c->paths.conf);
		return err_fail(&ctx->err, pid, ERR_IO,
				"cannot start the network's DNS server (dnsmasq)");
	}
	return 0;
}

/* After a change: reload a live server, restart a dead one from its last config. */
static int server_reload(struct cni_ctx *ctx, const struct dn_paths *p)
{
	pid_t pid = dn_server_pid(p);

	if (pid > 0)
		return kill(pid, SIGHUP) < 0 ? -errno : 0;
	if (access(p->conf, F_OK) != 0)
		return 0;
	pid = dn_server_start(p, &ctx->err);
	if (pid < 0)
		return err_fail(&ctx->err, pid, ERR_IO,
				"cannot restart the network's DNS server (dnsmasq)");
	return 0;
}

/* "ADDR\tname name.domain ...\n" for each of the container's addresses. */
static char *block_lines(const struct dn_config *c)
{
	char *buf = NULL, ip[IP_STR_MAX];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int i, j;

	if (!f)
		return NULL;
	for (i = 0; i < c->n_addrs; i++) {
		ip_addr_format(&c->addrs[i], ip, sizeof(ip));
		fprintf(f, "%s", ip);
		for (j = 0; j < c->n_names; j++)
			fprintf(f, " %s %s.%s", c->names[j], c->names[j], c->domain);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The ADD result: the gateways as nameservers first, the domain searched. */
static void result_dns(struct cni_result *res, const struct dn_config *c)
{
	struct cni_dns *d = &res->dns;
	int i, n = c->n_gateways;

	if (d->n_nameservers + n > CNI_MAX_DNS)
		n = CNI_MAX_DNS - d->n_nameservers;
	memmove(d->nameservers[n], d->nameservers[0],
		(size_t)d->n_nameservers * sizeof(d->nameservers[0]));
	for (i = 0; i < n; i++)
		ip_addr_format(&c->gateways[i], d->nameservers[i], CNI_DNS_STR);
	d->n_nameservers += n;
	for (i = 0; i < d->n_search; i++)
		if (!strcmp(d->search[i], c->domain))
			return;
	if (d->n_search < CNI_MAX_DNS)
		snprintf(d->search[d->n_search++], CNI_DNS_STR, "%s", c->domain);
}

/* A failed ADD: the hosts file as it was; the network's first ADD leaves no directory. */
static int restore(const struct dn_paths *p, const char *old_text)
{
	if (old_text)
		return file_write_atomic(p->hosts, old_text, strlen(old_text), 0644);
	unlink(p->hosts);
	rmdir(p->dir);	/* fails, as it should, if anything else is there */
	return 0;
}

static int dn_add(struct cni_ctx *ctx)
{
	struct dn_config c;
	struct dn_state s __attribute__((cleanup(state_free))) = { .lock = -1 };
	_cleanup_free_ char *lines = NULL;
	pid_t pid;
	int r;

	if (dn_config_load(ctx, true, &c) < 0)
		return -EINVAL;
	if (c.no_server)
		return 0;
	lines = block_lines(&c);
	if (!lines)
		return err_set(&ctx->err, -ENOMEM, ERR_IO, "out of memory", "hosts");
	if (state_open(ctx, &c.paths, c.net, true, &s) < 0)
		return -EIO;
	dn_hosts_remove(&s.hosts, ctx->env.container_id, ctx->env.ifname);
	if (dn_hosts_add(&s.hosts, ctx->env.container_id, ctx->env.ifname, lines) < 0)
		return err_set(&ctx->err, -ENOMEM, ERR_IO, "out of memory", "hosts");
	if (hosts_write(ctx, &c.paths, &s.hosts) < 0)
		return -EIO;
	pid = dn_server_pid(&c.paths);
	if (pid > 0)
		r = kill(pid, SIGHUP) < 0 ? -errno : 0;
	else
		r = server_start(ctx, &c);
	if (r < 0) {
		restore(&c.paths, s.old_text);
		return err_set(&ctx->err, r, ERR_IO, "cannot signal the network's DNS server",
			       "%s", strerror(-r));
	}
	result_dns(ctx->result, &c);
	return 0;
}

/* DEL and GC: write what is left, or stop the server when nobody is left. */
static int commit(struct cni_ctx *ctx, const struct dn_paths *p, struct dn_state *s,
		  bool changed)
{
	if (!s->hosts.n) {
		dn_server_stop(p);
		return 0;
	}
	if (changed && hosts_write(ctx, p, &s->hosts) < 0)
		return -EIO;
	return server_reload(ctx, p);
}

static int dn_del(struct cni_ctx *ctx)
{
	struct dn_config c;
	struct dn_state s __attribute__((cleanup(state_free))) = { .lock = -1 };
	size_t n;
	int r;

	if (dn_config_load(ctx, false, &c) < 0)
		return -EINVAL;
	r = state_open(ctx, &c.paths, c.net, false, &s);
	if (r == -ENOENT)
		return 0;	/* the network never had DNS here: nothing to undo */
	if (r < 0)
		return r;
	n = dn_hosts_remove(&s.hosts, ctx->env.container_id, ctx->env.ifname);
	return commit(ctx, &c.paths, &s, n > 0);
}

static int dn_gc(struct cni_ctx *ctx)
{
	struct dn_config c;
	struct dn_state s __attribute__((cleanup(state_free))) = { .lock = -1 };
	size_t i, kept = 0;
	bool changed;
	int r;

	if (dn_config_load(ctx, false, &c) < 0)
		return -EINVAL;
	r = state_open(ctx, &c.paths, c.net, false, &s);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (i = 0; i < s.hosts.n; i++) {
		struct dn_block *b = &s.hosts.v[i];

		if (cni_gc_attachment_valid(ctx->conf.root, b->cid, b->ifname)) {
			s.hosts.v[kept++] = *b;
			continue;
		}
		free(b->cid);
		free(b->ifname);
		free(b->lines);
	}
	changed = kept != s.hosts.n;
	s.hosts.n = kept;
	return commit(ctx, &c.paths, &s, changed);
}

static int dn_check(struct cni_ctx *ctx)
{
	struct dn_config c;
	struct dn_state s __attribute__((cleanup(state_free))) = { .lock = -1 };
	int i, j, r;

	if (dn_config_load(ctx, true, &c) < 0)
		return -EINVAL;
	if (c.no_server)
		return 0;
	r = state_open(ctx, &c.paths, c.net, false, &s);
	if (r < 0 || !dn_hosts_find(&s.hosts, ctx->env.container_id, ctx->env.ifname))
		return err_set(&ctx->err, -EINVAL, ERR_UNKNOWN_CONTAINER,
			       "the container has no DNS entry on this network",
			       "no block for %s %s in %s", ctx->env.container_id, ctx->env.ifname,
			       c.paths.hosts);
	if (dn_server_pid(&c.paths) <= 0)
		return err_set(&ctx->err, -EINVAL, ERR_IO,
			       "the network's DNS server is not running",
			       "no live dnsmasq for %s (pid file %s)", c.net, c.paths.pid);
	/*
	 * It answers the container, asked from the container's netns (the server takes
	 * only what arrives on its bridge): its first name, each address on its family's
	 * gateway.
	 */
	for (i = 0; i < c.n_addrs && c.n_names; i++)
		for (j = 0; j < c.n_gateways; j++) {
			if (c.gateways[j].family != c.addrs[i].family)
				continue;
			r = dn_probe(&c.gateways[j], c.names[0], &c.addrs[i], ctx->env.netns);
			if (r < 0)
				return err_set(&ctx->err, r, ERR_IO,
					       "the network's DNS server does not answer "
					       "for the container", "%s on the gateway: %s",
					       c.names[0], strerror(-r));
			break;
		}
	return 0;
}

const struct cni_plugin_ops dn_ops = {
	.name = "dnsname",
	.add = dn_add,
	.del = dn_del,
	.check = dn_check,
	.gc = dn_gc,
	.runtime_keys = (const char *const[]){ "aliases", NULL },
};
