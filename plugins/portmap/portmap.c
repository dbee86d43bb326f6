// SPDX-License-Identifier: Apache-2.0
/*
 * The portmap plugin: each (mapping, container address) becomes one element of a dnat
 * map in table inet netctl, its comment the container ID (ruleset/portmap.h). ADD refuses
 * a host port another container holds, naming it; DEL removes only this container's
 * elements; CHECK looks each mapping up; GC walks the maps.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni/netlock.h"
#include "netlib/netns.h"
#include "ruleset/table.h"
#include "ruleset/portmap.h"
#include "plugins/portmap/config.h"
#include "plugins/portmap/portmap.h"

const struct cni_plugin_ops pm_ops = {
	.name = "portmap",
	.add = pm_add,
	.del = pm_del,
	.check = pm_check,
	.gc = pm_gc,
	.status = pm_status,
	.runtime_keys = (const char *const[]){ "portMappings", NULL },
};

#define PM_MAX_MAPS (2 * PM_MAX_ENTRIES)

static int nft_fail(struct cni_ctx *ctx, int r, const char *msg, const char *detail)
{
	return cni_err_set_errno(&ctx->err, r, CNI_ERR_IO, msg, "%s", detail);
}

/*
 * The network lock (cni/netlock.h): the hairpin rule is added when a read finds it
 * missing, and GC deletes what a read finds unlisted; the lock keeps ADD, DEL, CHECK
 * and GC of one network from interleaving (the maps' host ports are guarded across
 * networks by NLM_F_EXCL).
 */
static int pm_lock(struct cni_ctx *ctx)
{
	char what[320];

	snprintf(what, sizeof(what), "portmap %s %s", cni_cmd_str(ctx->env.cmd),
		 ctx->env.container_id ? ctx->env.container_id : "");
	return cni_net_lock(ctx->conf.name, what, false, &ctx->err);
}

/* snat: 127.0.0.1 may be routed to the container's side (the reference's behaviour). */
static int localnet(struct cni_ctx *ctx, const struct pm_config *c)
{
	char key[128], err[512];
	int r;

	if (!c->snat || !c->cont4.addr.family || !c->host_if)
		return 0;
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", c->host_if);
	r = netlib_sysctl_write(-1, key, "1", err, sizeof(err));
	if (r < 0)
		return cni_err_set_errno(&ctx->err, r, CNI_ERR_IO,
					 "cannot let 127.0.0.1 reach published ports (snat)",
					 "%s", err);
	return 0;
}

int pm_add(struct cni_ctx *ctx)
{
	static struct nft_pm_map maps[PM_MAX_MAPS];
	static struct pm_config c;
	struct ip_prefix subnets[2];
	struct nft_conn conn;
	char err[1024], owner[256], tag[256];
	size_t n, n_sub = 0;
	int r, lock;

	if (!ctx->prev)
		return cni_err_set(&ctx->err, CNI_ERR_INVALID_CONFIG,
				   "missing prevResult from earlier plugin",
				   "the portmap plugin must be chained after the plugin that "
				   "gives the container its addresses");
	if (pm_config_load(ctx, true, &c) < 0)
		return -EINVAL;
	n = pm_config_maps(&c, maps, PM_MAX_MAPS);
	if (!n)
		return 0;	/* nothing to publish: the result passes through */
	if (c.cont4.addr.family)
		subnets[n_sub++] = c.cont4;
	if (c.cont6.addr.family)
		subnets[n_sub++] = c.cont6;
	lock = pm_lock(ctx);
	if (lock < 0)
		return lock;
	r = nft_conn_open(&conn, err, sizeof(err));
	if (r < 0) {
		cni_net_unlock(lock);
		return nft_fail(ctx, r, "cannot talk to nftables", err);
	}
	r = nft_pm_prepare(&conn, ctx->conf.name, subnets, n_sub, err, sizeof(err));
	if (r < 0) {
		nft_fail(ctx, r, "cannot set up the port mapping chains", err);
		goto out;
	}
	nft_pm_tag(tag, sizeof(tag), ctx->env.container_id, ctx->conf.name);
	r = nft_pm_add(&conn, maps, n, tag, owner, sizeof(owner), err, sizeof(err));
	if (r == -EADDRINUSE) {
		cni_err_set_errno(&ctx->err, r, CNI_ERR_INTERNAL,
				  "the host port is already published by another container",
				  "%s", err);
		goto out;
	}
	if (r < 0) {
		nft_fail(ctx, r, "cannot publish the container's ports", err);
		goto out;
	}
	r = localnet(ctx, &c);
	if (r < 0)
		nft_pm_del(&conn, maps, n, tag, err, sizeof(err));
out:
	nft_conn_close(&conn);
	cni_net_unlock(lock);
	return r < 0 ? r : 0;
}

int pm_del(struct cni_ctx *ctx)
{
	static struct nft_pm_map maps[PM_MAX_MAPS];
	static struct pm_config c;
	struct nft_conn conn;
	char err[1024], tag[256];
	size_t n = 0;
	int r, lock;

	pm_config_load(ctx, false, &c);
	memset(&ctx->err, 0, sizeof(ctx->err));
	/* An empty portMappings: nothing was published (the common DEL, kept cheap). */
	if (c.has_runtime && !c.n_entries)
		return 0;
	/*
	 * Without the mappings or the addresses (no prevResult after a killed ADD), the
	 * container's elements are found by ID: n == 0 walks the maps.
	 */
	if (c.has_runtime)
		n = pm_config_maps(&c, maps, PM_MAX_MAPS);
	lock = pm_lock(ctx);
	if (lock < 0)
		return lock;
	r = nft_conn_open(&conn, err, sizeof(err));
	if (r == 0) {
		nft_pm_tag(tag, sizeof(tag), ctx->env.container_id, ctx->conf.name);
		r = nft_pm_del(&conn, maps, n, tag, err, sizeof(err));
		nft_conn_close(&conn);
	}
	cni_net_unlock(lock);
	if (r < 0)
		return nft_fail(ctx, r, "cannot remove the container's published ports", err);
	return 0;
}

int pm_check(struct cni_ctx *ctx)
{
	static struct nft_pm_map maps[PM_MAX_MAPS];
	static struct pm_config c;
	struct nft_conn conn;
	char err[1024], tag[256];
	bool no_rules;
	size_t n, i;
	int r = 0, lock;

	if (!ctx->prev)
		return cni_err_set(&ctx->err, CNI_ERR_INVALID_CONFIG,
				   "missing prevResult from earlier plugin",
				   "CHECK needs the container's result as prevResult");
	if (pm_config_load(ctx, true, &c) < 0)
		return -EINVAL;
	n = pm_config_maps(&c, maps, PM_MAX_MAPS);
	if (!n)
		return 0;
	lock = pm_lock(ctx);
	if (lock < 0)
		return lock;
	r = nft_conn_open(&conn, err, sizeof(err));
	if (r < 0) {
		cni_net_unlock(lock);
		return nft_fail(ctx, r, "cannot talk to nftables", err);
	}
	r = nft_pm_check_rules(&conn, err, sizeof(err));
	no_rules = r == -ENOENT;
	nft_pm_tag(tag, sizeof(tag), ctx->env.container_id, ctx->conf.name);
	for (i = 0; i < n && r >= 0; i++)
		r = nft_pm_check(&conn, &maps[i], tag, err, sizeof(err));
	nft_conn_close(&conn);
	cni_net_unlock(lock);
	if (no_rules)
		return cni_err_set_errno(&ctx->err, r, CNI_ERR_INTERNAL,
					 "the port mapping rules are missing", "%s", err);
	if (r == -ENOENT || r == -EXDEV)
		return cni_err_set_errno(&ctx->err, r, CNI_ERR_INTERNAL,
					 "a published port of the container is missing", "%s",
					 err);
	if (r < 0)
		return nft_fail(ctx, r, "cannot read the port mapping maps", err);
	return 0;
}

static bool keep_id(const char *id, void *data)
{
	return cni_gc_attachment_valid(data, id, NULL);
}

int pm_gc(struct cni_ctx *ctx)
{
	struct nft_conn conn;
	char err[1024];
	int r, lock;

	lock = pm_lock(ctx);
	if (lock < 0)
		return lock;
	r = nft_conn_open(&conn, err, sizeof(err));
	if (r == 0) {
		r = nft_pm_gc(&conn, ctx->conf.name, keep_id, ctx->conf.root, NULL, err,
			      sizeof(err));
		nft_conn_close(&conn);
	}
	cni_net_unlock(lock);
	if (r < 0)
		return nft_fail(ctx, r, "cannot remove stale published ports", err);
	return 0;
}

int pm_status(struct cni_ctx *ctx)
{
	struct nft_conn conn;
	char err[512];
	int r;

	r = nft_conn_open(&conn, err, sizeof(err));
	if (r < 0)
		return cni_err_set_errno(&ctx->err, r, CNI_ERR_NOT_AVAILABLE,
					 "nftables is not available", "%s", err);
	nft_conn_close(&conn);
	return 0;
}
