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
	char key[128];
	int r;

	if (!c->snat || !c->cont4.addr.family || !c->host_if)
		return 0;
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", c->host_if);
	r = netlib_sysctl_write(-1, key, "1", &ctx->err);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO,
				"cannot let 127.0.0.1 reach published ports (snat)");
	return 0;
}

int pm_add(struct cni_ctx *ctx)
{
	static struct nft_pm_map maps[PM_MAX_MAPS];
	static struct pm_config c;
	struct ip_prefix subnets[2];
	struct nft_conn conn;
	char owner[256], tag[256];
	size_t n, n_sub = 0;
	int r, lock;

	if (!ctx->prev)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
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
	r = nft_conn_open(&conn, &ctx->err);
	if (r < 0) {
		cni_net_unlock(lock);
		return err_fail(&ctx->err, r, ERR_IO, "cannot talk to nftables");
	}
	r = nft_pm_prepare(&conn, ctx->conf.name, subnets, n_sub, &ctx->err);
	if (r < 0) {
		err_fail(&ctx->err, r, ERR_IO, "cannot set up the port mapping chains");
		goto out;
	}
	nft_pm_tag(tag, sizeof(tag), ctx->env.container_id, ctx->conf.name);
	r = nft_pm_add(&conn, maps, n, tag, owner, sizeof(owner), &ctx->err);
	if (r == -EADDRINUSE) {
		err_fail(&ctx->err, r, ERR_INTERNAL,
			 "the host port is already published by another container");
		goto out;
	}
	if (r < 0) {
		err_fail(&ctx->err, r, ERR_IO, "cannot publish the container's ports");
		goto out;
	}
	r = localnet(ctx, &c);
	if (r < 0)
		nft_pm_del(&conn, maps, n, tag, &ctx->err);
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
	char tag[256];
	size_t n = 0;
	int r, lock;

	pm_config_load(ctx, false, &c);
	err_clear(&ctx->err);
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
	r = nft_conn_open(&conn, &ctx->err);
	if (r == 0) {
		nft_pm_tag(tag, sizeof(tag), ctx->env.container_id, ctx->conf.name);
		r = nft_pm_del(&conn, maps, n, tag, &ctx->err);
		nft_conn_close(&conn);
	}
	cni_net_unlock(lock);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO,
				"cannot remove the container's published ports");
	return 0;
}

int pm_check(struct cni_ctx *ctx)
{
	static struct nft_pm_map maps[PM_MAX_MAPS];
	static struct pm_config c;
	struct nft_conn conn;
	char tag[256];
	bool no_rules;
	size_t n, i;
	int r = 0, lock;

	if (!ctx->prev)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
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
	r = nft_conn_open(&conn, &ctx->err);
	if (r < 0) {
		cni_net_unlock(lock);
		return err_fail(&ctx->err, r, ERR_IO, "cannot talk to nftables");
	}
	r = nft_pm_check_rules(&conn, &ctx->err);
	no_rules = r == -ENOENT;
	nft_pm_tag(tag, sizeof(tag), ctx->env.container_id, ctx->conf.name);
	for (i = 0; i < n && r >= 0; i++)
		r = nft_pm_check(&conn, &maps[i], tag, &ctx->err);
	nft_conn_close(&conn);
	cni_net_unlock(lock);
	if (no_rules)
		return err_fail(&ctx->err, r, ERR_INTERNAL, "the port mapping rules are missing");
	if (r == -ENOENT || r == -EXDEV)
		return err_fail(&ctx->err, r, ERR_INTERNAL,
				"a published port of the container is missing");
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot read the port mapping maps");
	return 0;
}

static bool keep_id(const char *id, void *data)
{
	return cni_gc_attachment_valid(data, id, NULL);
}

int pm_gc(struct cni_ctx *ctx)
{
	struct nft_conn conn;
	int r, lock;

	lock = pm_lock(ctx);
	if (lock < 0)
		return lock;
	r = nft_conn_open(&conn, &ctx->err);
	if (r == 0) {
		r = nft_pm_gc(&conn, ctx->conf.name, keep_id, ctx->conf.root, NULL, &ctx->err);
		nft_conn_close(&conn);
	}
	cni_net_unlock(lock);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot remove stale published ports");
	return 0;
}

int pm_status(struct cni_ctx *ctx)
{
	struct nft_conn conn;
	int r;

	r = nft_conn_open(&conn, &ctx->err);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_NOT_AVAILABLE, "nftables is not available");
	nft_conn_close(&conn);
	return 0;
}
