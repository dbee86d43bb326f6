// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam/alloc.h"
#include "plugins/host-local/config.h"
#include "plugins/host-local/host_local.h"
#include "util/cleanup.h"

const struct cni_plugin_ops hl_ops = {
	.name = "host-local",
	.add = hl_add,
	.del = hl_del,
	.check = hl_check,
	.gc = hl_gc,
	.status = hl_status,
	.is_ipam = true,
	/* runtimeConfig is the calling plugin's: its keys are not ours to judge */
};

/* The config is large (range sets): keep it off the stack. */
static struct hl_config *load(struct cni_ctx *ctx, bool requests)
{
	struct hl_config *c = calloc(1, sizeof(*c));

	if (!c) {
		err_set(&ctx->err, -EINVAL, ERR_INTERNAL, "out of memory", "host-local config");
		return NULL;
	}
	if (hl_config_load(&ctx->conf, &ctx->env, requests, c, &ctx->err) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

int hl_add(struct cni_ctx *ctx)
{
	_cleanup_free_ struct hl_config *c = load(ctx, true);
	struct ipam_lease leases[IPAM_MAX_SETS];
	struct cni_result *res = ctx->result;
	struct ipam_store st;
	int r, i;

	if (!c)
		return -EINVAL;
	/* An IPAM result is ours alone, whatever prevResult said. */
	memset(res, 0, sizeof(*res));
	/* Everything that can fail without the store is done before it is touched. */
	if (c->resolv_conf && hl_parse_resolv_conf(c->resolv_conf, &res->dns, &ctx->err) < 0)
		return -EINVAL;
	r = ipam_store_open(&st, c->data_dir, c->name, true, &ctx->err);
	if (r < 0)
		return r;
	r = ipam_allocate(&st, c->sets, c->n_sets, c->want, ctx->env.container_id,
			  ctx->env.ifname, leases, &ctx->err);
	ipam_store_close(&st);
	if (r < 0)
		return r;
	for (i = 0; i < c->n_sets; i++) {
		res->ips[i].address = leases[i].address;
		res->ips[i].has_gateway = true;
		res->ips[i].gateway = leases[i].gateway;
		res->ips[i].interface = -1;
	}
	res->n_ips = c->n_sets;
	memcpy(res->routes, c->routes, sizeof(c->routes[0]) * (size_t)c->n_routes);
	res->n_routes = c->n_routes;
	return 0;
}

/*
 * The configuration (*@c, to free) and its store, opened into @st without creating it:
 * 1, 0 when there is no store yet (nothing was ever reserved; no error recorded), or
 * -errno.
 */
static int open_existing(struct cni_ctx *ctx, struct hl_config **c, struct ipam_store *st)
{
	int r;

	*c = load(ctx, false);
	if (!*c)
		return -EINVAL;
	r = ipam_store_open(st, (*c)->data_dir, (*c)->name, false, &ctx->err);
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : 1;
}

int hl_del(struct cni_ctx *ctx)
{
	_cleanup_free_ struct hl_config *c = NULL;
	struct ipam_bad bad = { 0 };
	struct ipam_store st;
	int r;

	r = open_existing(ctx, &c, &st);
	if (r <= 0)
		return r;	/* 0: nothing was ever reserved here, DEL is idempotent */
	r = ipam_release(&st, ctx->env.container_id, ctx->env.ifname, &bad, &ctx->err);
	ipam_store_close(&st);
	/* DEL must not fail forever over someone else's junk; say so on stderr. */
	if (bad.n)
		fprintf(stderr, "host-local: %s: %d file(s) are not valid reservations and were "
			"left alone: %s\n", st.dir, bad.n, bad.text);
	return r < 0 ? r : 0;
}

static int check_fail(struct cni_ctx *ctx, const struct ipam_bad *bad, const char *what)
{
	return err_set(&ctx->err, -EINVAL, ERR_INTERNAL,
		       "host-local holds no reservation for this container",
		       "%s for CNI_CONTAINERID=%s CNI_IFNAME=%s%s%s", what, ctx->env.container_id,
		       ctx->env.ifname, bad->n ? "; files that are not valid reservations: " : "",
		       bad->n ? bad->text : "");
}

static bool in_some_set(const struct hl_config *c, const struct ip_addr *a)
{
	int i;

	for (i = 0; i < c->n_sets; i++)
		if (ipam_range_set_find(&c->sets[i], a) >= 0)
			return true;
	return false;
}

int hl_check(struct cni_ctx *ctx)
{
	_cleanup_free_ struct hl_config *c = NULL;
	struct ipam_bad bad = { 0 };
	struct ipam_store st;
	char what[IP_STR_MAX + 32], a[IP_STR_MAX];
	int r, i;

	r = open_existing(ctx, &c, &st);
	if (r == 0)
		return check_fail(ctx, &bad, "no store exists");
	if (r < 0)
		return r;
	/* Every prevResult address from our ranges must be reserved for this attachment. */
	for (i = 0; ctx->prev && i < ctx->prev->n_ips && r >= 0; i++) {
		const struct ip_addr *ip = &ctx->prev->ips[i].address.addr;

		if (!in_some_set(c, ip))
			continue;
		r = ipam_holds(&st, ip, ctx->env.container_id, ctx->env.ifname, &bad);
		if (r == 0) {
			ipam_addr_name(ip, a, sizeof(a));
			snprintf(what, sizeof(what), "%s is not reserved", a);
			r = -ENOENT;
		}
	}
	if (r >= 0) {
		memset(&bad, 0, sizeof(bad));
		r = ipam_holds(&st, NULL, ctx->env.container_id, ctx->env.ifname, &bad);
		if (r == 0) {
			snprintf(what, sizeof(what), "no address is reserved");
			r = -ENOENT;
		}
	}
	ipam_store_close(&st);
	if (r == -ENOENT)
		return check_fail(ctx, &bad, what);
	if (r < 0)
		return err_set(&ctx->err, r, ERR_IO, "cannot read the IPAM store", "%s: %s",
			       st.dir, strerror(-r));
	return 0;
}

static bool gc_valid(const struct ipam_owner *o, void *data)
{
	struct cni_ctx *ctx = data;

	/* An old-format file names no interface: any attachment of the ID keeps it. */
	return cni_gc_attachment_valid(ctx->conf.root, o->id, o->ifname[0] ? o->ifname : NULL);
}

int hl_gc(struct cni_ctx *ctx)
{
	_cleanup_free_ struct hl_config *c = NULL;
	struct ipam_bad bad = { 0 };
	struct ipam_store st;
	int r;

	r = open_existing(ctx, &c, &st);
	if (r <= 0)
		return r;	/* 0: no store, nothing to collect */
	r = ipam_gc(&st, gc_valid, ctx, &bad);
	ipam_store_close(&st);
	if (r < 0)
		return err_set(&ctx->err, r, ERR_IO, "cannot collect garbage", "%s: %s", st.dir,
			       strerror(-r));
	if (bad.n)
		return err_set(&ctx->err, -EINVAL, ERR_IO,
			       "the IPAM store holds files that are not valid reservations",
			       "%s: %d stale reservation(s) freed; left alone: %s", st.dir, r,
			       bad.text);
	return 0;
}

int hl_status(struct cni_ctx *ctx)
{
	_cleanup_free_ struct hl_config *c = NULL;
	struct ipam_store st;
	char rs[1024];
	long long used;
	int r, i;

	r = open_existing(ctx, &c, &st);
	if (r <= 0)
		return r;	/* 0: nothing reserved yet */
	for (i = 0; i < c->n_sets; i++) {
		unsigned long long size = ipam_range_set_size(&c->sets[i]);

		used = ipam_set_used(&st, &c->sets[i]);
		if (used < 0) {
			ipam_store_close(&st);
			return err_set(&ctx->err, (int)used, ERR_IO, "cannot read the IPAM store",
				       "%s: %s", st.dir, strerror((int)-used));
		}
		if ((unsigned long long)used < size)
			continue;
		ipam_range_set_format(&c->sets[i], rs, sizeof(rs));
		ipam_store_close(&st);
		return err_set(&ctx->err, -EINVAL, ERR_NOT_AVAILABLE,
			       "no free address is left: ADD cannot be served",
			       "range set %d (%s): %lld of %llu addresses in use", i, rs, used,
			       size);
	}
	ipam_store_close(&st);
	return 0;
}
