// SPDX-License-Identifier: Apache-2.0
/*
 * ADD: read what is there, save it in dataDir, then change sysctls and the interface
 * (one RTM_NEWLINK); a failure puts back what this ADD changed and removes a state file
 * it created, so a refused ADD leaves nothing. DEL: the saved values back, the file
 * gone; a netns or interface that is gone is nothing to restore. CHECK: the config's
 * values are what the kernel has. GC: state files of this network's dead attachments.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "netlib/link.h"
#include "netlib/netns.h"
#include "netlib/sock.h"
#include "plugins/tuning/tuning.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

struct tu_run {
	struct cni_ctx *ctx;
	struct tu_config c;
	struct netlib_nl nl;
	int ns_fd;
	struct netlib_link link;
	char state_path[PATH_MAX];
	struct tu_saved saved;		/* the state file: the first ADD's originals */
	struct tu_saved before;		/* what this ADD found (undone on failure) */
	struct tu_saved want;		/* the config, as values to set */
};

static struct tu_run *run_new(struct cni_ctx *ctx)
{
	struct tu_run *t = calloc(1, sizeof(*t));

	if (t) {
		t->ctx = ctx;
		t->ns_fd = -1;
	}
	return t;
}

static void run_free(struct tu_run *t)
{
	if (!t)
		return;
	netlib_close(&t->nl);
	if (t->ns_fd >= 0)
		close(t->ns_fd);
	free(t);
}

/* One CNI command on its own run state: made, used, freed. */
static int with_run(struct cni_ctx *ctx, int (*op)(struct tu_run *t))
{
	struct tu_run *t = run_new(ctx);
	int r;

	if (!t)
		return -ENOMEM;
	r = op(t);
	run_free(t);
	return r;
}

/* The container's netns and its interface CNI_IFNAME. -ENOENT: either is gone. */
static int open_link(struct tu_run *t)
{
	int r;

	t->ns_fd = netlib_netns_open(t->ctx->env.netns, &t->ctx->err);
	if (t->ns_fd < 0)
		return t->ns_fd;
	r = netlib_open_netns_fd(&t->nl, t->ns_fd, &t->ctx->err);
	if (r < 0)
		return r;
	r = netlib_link_get(&t->nl, 0, t->ctx->env.ifname, &t->link, &t->ctx->err);
	return r == -ENODEV ? -ENOENT : r;
}

/* The kernel refusing a value is the config's fault: code 7, named by the caller. */
static int apply_fail(struct tu_run *t, int r, const char *msg)
{
	bool bad = r == -EINVAL || r == -ERANGE || r == -ENOENT || r == -EADDRNOTAVAIL ||
		   r == -EACCES || r == -EPERM || r == -EOPNOTSUPP;

	return err_fail(&t->ctx->err, r, bad ? ERR_INVALID_CONFIG : ERR_IO, msg);
}

/* The link's current value of each attribute the config changes, into @s. */
static void record_link(const struct tu_run *t, struct tu_saved *s, bool keep_old)
{
	const struct tu_config *c = &t->c;
	const struct netlib_link *l = &t->link;

	if (c->has_mac && l->has_mac && !(keep_old && s->has_mac)) {
		memcpy(s->mac, l->mac, 6);
		s->has_mac = true;
	}
	if (c->promisc && !(keep_old && s->promisc != NETLIB_KEEP))
		s->promisc = l->flags & IFF_PROMISC ? NETLIB_ON : NETLIB_OFF;
	if (c->allmulti != NETLIB_KEEP && !(keep_old && s->allmulti != NETLIB_KEEP))
		s->allmulti = l->flags & IFF_ALLMULTI ? NETLIB_ON : NETLIB_OFF;
	if (c->mtu && !(keep_old && s->mtu))
		s->mtu = l->mtu;
	if (c->has_txqlen && !(keep_old && s->has_txqlen)) {
		s->txqlen = l->txqlen;
		s->has_txqlen = true;
	}
}

static int find_sysctl(const struct tu_saved *s, const char *path)
{
	int i;

	for (i = 0; i < s->n_sysctls; i++)
		if (!strcmp(s->sysctls[i].path, path))
			return i;
	return -1;
}

/* Each configured sysctl's current value: into before, and into saved unless there. */
static int record_sysctls(struct tu_run *t)
{
	int i, k, r;

	for (i = 0; i < t->c.n_sysctls; i++) {
		const char *path = t->c.sysctls[i].path;

		k = t->before.n_sysctls++;
		str_copy(t->before.sysctls[k].path, TU_PATH_MAX, path);
		r = netlib_sysctl_read(t->ns_fd, path, t->before.sysctls[k].value, TU_VALUE_MAX,
				       &t->ctx->err);
		if (r < 0)
			return apply_fail(t, r, r == -ENOENT ? "no such sysctl in the "
					  "container's network namespace" : "cannot read a sysctl");
		if (find_sysctl(&t->saved, path) < 0 && t->saved.n_sysctls < TU_MAX_SYSCTLS)
			t->saved.sysctls[t->saved.n_sysctls++] = t->before.sysctls[k];
	}
	return 0;
}

static struct netlib_link_set link_changes(const struct tu_saved *s)
{
	struct netlib_link_set ls = netlib_link_set_init();

	ls.mtu = s->mtu;
	ls.mac = s->has_mac ? s->mac : NULL;
	ls.promisc = s->promisc;
	ls.allmulti = s->allmulti;
	ls.set_txqlen = s->has_txqlen;
	ls.txqlen = s->txqlen;
	return ls;
}

static bool link_changes_any(const struct tu_saved *s)
{
	return s->mtu || s->has_mac || s->promisc != NETLIB_KEEP ||
	       s->allmulti != NETLIB_KEEP || s->has_txqlen;
}

/* Put @s back: the interface first, then the sysctls (one gone is nothing to do). */
static int restore(struct tu_run *t, const struct tu_saved *s)
{
	struct netlib_link_set ls = link_changes(s);
	int i, r, first = 0;

	if (link_changes_any(s)) {
		r = netlib_link_set(&t->nl, t->link.index, &ls, &t->ctx->err);
		if (r < 0 && r != -ENODEV)
			first = r;
	}
	for (i = 0; i < s->n_sysctls; i++) {
		r = netlib_sysctl_write(t->ns_fd, s->sysctls[i].path, s->sysctls[i].value,
					&t->ctx->err);
		if (r < 0 && r != -ENOENT && !first)
			first = r;
	}
	return first;
}

/* The config as a tu_saved, to apply with link_changes(). */
static void wanted(const struct tu_config *c, struct tu_saved *w)
{
	memset(w, 0, sizeof(*w));
	w->has_mac = c->has_mac;
	memcpy(w->mac, c->mac, 6);
	w->promisc = c->promisc ? NETLIB_ON : NETLIB_KEEP;
	w->allmulti = c->allmulti;
	w->mtu = c->mtu;
	w->has_txqlen = c->has_txqlen;
	w->txqlen = c->txqlen;
}

static int apply(struct tu_run *t)
{
	struct tu_saved *w = &t->want;
	struct netlib_link_set ls;
	int i, r;

	for (i = 0; i < t->c.n_sysctls; i++) {
		r = netlib_sysctl_write(t->ns_fd, t->c.sysctls[i].path, t->c.sysctls[i].value,
					&t->ctx->err);
		if (r < 0) {
			err_prefix(&t->ctx->err, r, "sysctl \"%s\" = \"%s\"", t->c.sysctls[i].key,
				   t->c.sysctls[i].value);
			return apply_fail(t, r, "cannot set a sysctl");
		}
	}
	wanted(&t->c, w);
	if (!link_changes_any(w))
		return 0;
	ls = link_changes(w);
	r = netlib_link_set(&t->nl, t->link.index, &ls, &t->ctx->err);
	return r < 0 ? apply_fail(t, r, "cannot change the container's interface") : 0;
}

static void update_result_mac(struct tu_run *t)
{
	struct cni_result *res = t->ctx->result;
	int i;

	if (!t->c.has_mac)
		return;
	for (i = 0; i < res->n_interfaces; i++)
		if (!strcmp(res->interfaces[i].name, t->ctx->env.ifname))
			netlib_format_mac(t->c.mac, res->interfaces[i].mac,
					  sizeof(res->interfaces[i].mac));
}

static int need_prev(struct cni_ctx *ctx)
{
	if (ctx->prev)
		return 0;
	return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "tuning needs a prevResult",
		       "tuning changes an interface another plugin made: put it after "
		       "that plugin in the conflist");
}

static bool has_changes(const struct tu_config *c)
{
	return c->n_sysctls || c->has_mac || c->promisc || c->mtu || c->has_txqlen ||
	       c->allmulti != NETLIB_KEEP;
}

/* <id>_<ifname>.json names two attachments when an ID holds '_': check the owner. */
static bool state_is_ours(const struct tu_saved *s, const struct cni_env *env)
{
	return (!s->container_id[0] || !strcmp(s->container_id, env->container_id)) &&
	       (!s->ifname[0] || !strcmp(s->ifname, env->ifname));
}

static int save_state(struct tu_run *t, bool *created)
{
	const struct cni_env *env = &t->ctx->env;
	int r;

	r = tu_state_read(t->state_path, &t->saved);
	*created = r < 0;
	/* an earlier ADD's originals stay (the reference's file names no owner) */
	if (r < 0 || !state_is_ours(&t->saved, env))
		memset(&t->saved, 0, sizeof(t->saved));
	str_copy(t->saved.network, sizeof(t->saved.network), t->ctx->conf.name);
	str_copy(t->saved.container_id, sizeof(t->saved.container_id), env->container_id);
	str_copy(t->saved.ifname, sizeof(t->saved.ifname), env->ifname);
	record_link(t, &t->saved, true);
	record_link(t, &t->before, false);
	r = record_sysctls(t);
	if (r < 0)
		return r;
	r = mkdir_p(t->c.data_dir, 0700);
	if (r >= 0)
		r = tu_state_write(t->state_path, &t->saved);
	if (r < 0) {
		err_detail(&t->ctx->err, r, "%.300s: %s", t->state_path, strerror(-r));
		return err_fail(&t->ctx->err, r, ERR_IO,
				"cannot save the original values in dataDir");
	}
	return 0;
}

static int tu_add_run(struct tu_run *t)
{
	struct cni_ctx *ctx = t->ctx;
	bool created = false;
	int r;

	if (need_prev(ctx) < 0 || tu_config_load(ctx, &t->c) < 0)
		return -EINVAL;
	if (!has_changes(&t->c))
		return 0;
	r = tu_allowlist_check(&t->c, TU_ALLOWLIST, &t->ctx->err);
	if (r < 0)
		return err_fail(&ctx->err, r,
				r == -EPERM || r == -EINVAL ? ERR_INVALID_CONFIG : ERR_IO,
				r == -EPERM ? "a sysctl is not allowed on this host" : "cannot use the sysctl allowlist");
	r = open_link(t);
	if (r < 0)
		return err_fail(&t->ctx->err, r, ERR_IO, "cannot find the container's interface");
	if (tu_state_path(t->c.data_dir, ctx->env.container_id, ctx->env.ifname,
			  t->state_path, sizeof(t->state_path)) < 0)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "dataDir is too long", "%s",
			       t->c.data_dir);
	r = save_state(t, &created);
	if (r < 0)
		return r;
	r = apply(t);
	if (r < 0) {
		restore(t, &t->before);
		if (created)
			unlink(t->state_path);
		return r;
	}
	update_result_mac(t);
	return 0;
}

static int tu_add(struct cni_ctx *ctx)
{
	return with_run(ctx, tu_add_run);
}

static int tu_del_run(struct tu_run *t)
{
	struct cni_ctx *ctx = t->ctx;
	int r;

	if (tu_data_dir_load(ctx, &t->c.data_dir) < 0)
		return -EINVAL;
	if (tu_state_path(t->c.data_dir, ctx->env.container_id, ctx->env.ifname,
			  t->state_path, sizeof(t->state_path)) < 0)
		return 0;	/* ADD could not have written it either */
	r = tu_state_read(t->state_path, &t->saved);
	if (r == -ENOENT || (r == 0 && !state_is_ours(&t->saved, &ctx->env)))
		return 0;
	if (r < 0 || !ctx->env.netns || !ctx->env.netns[0])
		goto drop;	/* junk, or no netns to restore in */
	r = open_link(t);
	if (r == -ENOENT || r == -EINVAL)
		goto drop;	/* the netns or the interface is gone: nothing to put back */
	if (r < 0)
		return err_fail(&t->ctx->err, r, ERR_IO, "cannot open the container's interface");
	r = restore(t, &t->saved);
	if (r < 0)
		return err_fail(&t->ctx->err, r, ERR_IO,
				"cannot restore the interface's original values");
drop:
	if (unlink(t->state_path) < 0 && errno != ENOENT) {
		err_detail(&t->ctx->err, -errno, "%.300s: %s", t->state_path, strerror(errno));
		return err_fail(&t->ctx->err, -errno, ERR_IO, "cannot remove the saved state");
	}
	return 0;
}

static int tu_del(struct cni_ctx *ctx)
{
	return with_run(ctx, tu_del_run);
}

/* Sysctl text compared as the kernel means it: runs of blanks are one separator. */
static bool same_value(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t' || *a == '\n')
			a++;
		while (*b == ' ' || *b == '\t' || *b == '\n')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		for (; *a && *b && !strchr(" \t\n", *a); a++, b++)
			if (*a != *b)
				return false;
		if ((*a && !strchr(" \t\n", *a)) || (*b && !strchr(" \t\n", *b)))
			return false;
	}
}

static int drift(struct tu_run *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int drift(struct tu_run *t, const char *fmt, ...)
{
	char d[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d, sizeof(d), fmt, ap);
	va_end(ap);
	return err_set(&t->ctx->err, -EINVAL, ERR_IO,
		       "the container's tuning has changed since ADD", "%s", d);
}

static int check_sysctls(struct tu_run *t)
{
	char cur[TU_VALUE_MAX];
	int i, r;

	for (i = 0; i < t->c.n_sysctls; i++) {
		r = netlib_sysctl_read(t->ns_fd, t->c.sysctls[i].path, cur, sizeof(cur), &t->ctx->err);
		if (r < 0)
			return err_fail(&t->ctx->err, r, ERR_IO, "cannot read a sysctl");
		if (!same_value(cur, t->c.sysctls[i].value))
			return drift(t, "sysctl \"%s\" is \"%s\", the config says \"%s\"",
				     t->c.sysctls[i].key, cur, t->c.sysctls[i].value);
	}
	return 0;
}

static int check_link(struct tu_run *t)
{
	const struct tu_config *c = &t->c;
	const struct netlib_link *l = &t->link;
	const char *ifn = t->ctx->env.ifname;
	bool promisc = l->flags & IFF_PROMISC, allmulti = l->flags & IFF_ALLMULTI;
	char want[18], have[18];

	if (c->has_mac && (!l->has_mac || memcmp(c->mac, l->mac, 6))) {
		netlib_format_mac(c->mac, want, sizeof(want));
		netlib_format_mac(l->mac, have, sizeof(have));
		return drift(t, "%s has MAC %s, the config says %s", ifn, have, want);
	}
	/* as the reference: promisc false means "off", not "leave" */
	if (c->promisc != promisc)
		return drift(t, "%s is %spromiscuous, the config says promisc %s", ifn,
			     promisc ? "" : "not ", c->promisc ? "true" : "false");
	if (c->mtu && c->mtu != l->mtu)
		return drift(t, "%s has MTU %u, the config says %u", ifn, l->mtu, c->mtu);
	if (c->allmulti != NETLIB_KEEP && (c->allmulti == NETLIB_ON) != allmulti)
		return drift(t, "%s has all-multicast %s, the config says %s", ifn,
			     allmulti ? "on" : "off", c->allmulti == NETLIB_ON ? "true" : "false");
	if (c->has_txqlen && c->txqlen != l->txqlen)
		return drift(t, "%s has txqueuelen %u, the config says %u", ifn, l->txqlen,
			     c->txqlen);
	return 0;
}

static int tu_check_run(struct tu_run *t)
{
	int r;

	if (need_prev(t->ctx) < 0 || tu_config_load(t->ctx, &t->c) < 0)
		return -EINVAL;
	r = open_link(t);
	if (r < 0)
		return err_fail(&t->ctx->err, r, ERR_IO, "cannot find the container's interface");
	if (check_sysctls(t) < 0 || check_link(t) < 0)
		return -EINVAL;
	return 0;
}

static int tu_check(struct cni_ctx *ctx)
{
	return with_run(ctx, tu_check_run);
}

/* GC: this network's state files whose attachment is not valid any more. */
static int tu_gc(struct cni_ctx *ctx)
{
	_cleanup_closedir_ DIR *d = NULL;
	static struct tu_saved s;
	const char *dir = NULL;
	char path[PATH_MAX];
	struct dirent *e;
	size_t n;

	if (tu_data_dir_load(ctx, &dir) < 0)
		return -EINVAL;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : err_set(&ctx->err, -errno, ERR_IO,
							       "cannot read dataDir", "%s: %s",
							       dir, strerror(errno));
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") ||
		    str_printf(path, sizeof(path), "%s/%s", dir, e->d_name) < 0 ||
		    tu_state_read(path, &s) < 0)
			continue;
		/* files without our keys (the reference's) are not ours to judge */
		if (strcmp(s.network, ctx->conf.name) || !s.container_id[0] || !s.ifname[0] ||
		    cni_gc_attachment_valid(ctx->conf.root, s.container_id, s.ifname))
			continue;
		if (unlink(path) < 0 && errno != ENOENT)
			return err_set(&ctx->err, -errno, ERR_IO, "cannot remove a saved state",
				       "%s: %s", path, strerror(errno));
	}
	return 0;
}

const struct cni_plugin_ops tu_ops = {
	.name = "tuning",
	.add = tu_add,
	.del = tu_del,
	.check = tu_check,
	.gc = tu_gc,
	.runtime_keys = (const char *const[]){ "mac", NULL },
};
