// SPDX-License-Identifier: Apache-2.0
/*
 * ADD: lo up; the result (unless a prevResult is passed through unchanged, as the
 * reference does) names lo in the sandbox with the first v4 and v6 address it has,
 * which after "up" are 127.0.0.1/8 and ::1/128. DEL: lo down; a netns that is gone
 * is fine. CHECK: lo is up.
 */
#include <errno.h>
#include <string.h>
#include <net/if.h>

#include "netlib/addr.h"
#include "netlib/link.h"
#include "plugins/loopback/loopback.h"
#include "util/str.h"

static bool is_loopback(const struct ip_addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->b[0] == 127;
	return !memcmp(a->b, v6lo, 16);
}

static int open_ns(struct cni_ctx *ctx, struct netlib_nl *nl)
{
	int r = netlib_open_netns(nl, ctx->env.netns, &ctx->err);

	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO,
				"cannot enter the container's network namespace");
	return 0;
}

/* The first address of @family on lo; every address must be a loopback one. */
static int first_addr(struct cni_ctx *ctx, struct netlib_nl *nl, int index, int family,
		      struct netlib_addr *first, bool *found)
{
	struct netlib_addr addrs[32];
	char txt[IP_STR_MAX];
	int r, n, i;

	*found = false;
	r = netlib_addr_list(nl, family, index, addrs, 32, &n, &ctx->err);
	if (r < 0 && r != -ENOSPC)
		return err_fail(&ctx->err, r, ERR_IO, "cannot list the addresses of lo");
	for (i = 0; i < n; i++) {
		if (!is_loopback(&addrs[i].prefix.addr)) {
			ip_addr_format(&addrs[i].prefix.addr, txt, sizeof(txt));
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
				       "the loopback interface has a non-loopback address",
				       "lo has %s", txt);
		}
	}
	if (n) {
		*first = addrs[0];
		*found = true;
	}
	return 0;
}

static int lo_add(struct cni_ctx *ctx)
{
	struct netlib_nl nl;
	struct netlib_link lo;
	struct netlib_addr a4, a6;
	bool has4, has6;
	int r, idx;

	r = open_ns(ctx, &nl);
	if (r < 0)
		return r;
	r = netlib_link_get(&nl, 0, "lo", &lo, &ctx->err);
	if (r >= 0)
		r = netlib_link_set_up(&nl, lo.index, true, &ctx->err);
	if (r < 0) {
		netlib_close(&nl);
		return err_fail(&ctx->err, r, ERR_IO, "cannot bring lo up");
	}
	r = first_addr(ctx, &nl, lo.index, AF_INET, &a4, &has4);
	if (r >= 0)
		r = first_addr(ctx, &nl, lo.index, AF_INET6, &a6, &has6);
	netlib_close(&nl);
	if (r < 0)
		return r;
	if (ctx->prev)
		return 0;	/* the reference hands prevResult on untouched */
	memset(ctx->result, 0, sizeof(*ctx->result));
	idx = cni_result_add_iface(ctx->result, "lo", "00:00:00:00:00:00", ctx->env.netns);
	if (idx < 0)
		return err_set(&ctx->err, idx, ERR_INTERNAL, "result too large", "interfaces");
	if (has4)
		ctx->result->ips[ctx->result->n_ips++] = (struct cni_ip){
			.address = a4.prefix, .interface = idx };
	if (has6)
		ctx->result->ips[ctx->result->n_ips++] = (struct cni_ip){
			.address = a6.prefix, .interface = idx };
	return 0;
}

static int lo_del(struct cni_ctx *ctx)
{
	struct netlib_nl nl;
	struct netlib_link lo;
	int r;

	if (!ctx->env.netns || !ctx->env.netns[0])
		return 0;
	r = netlib_open_netns(&nl, ctx->env.netns, &ctx->err);
	if (r == -ENOENT || r == -EINVAL)
		return 0;	/* the netns is gone (or its pin lost it): nothing to undo */
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO,
				"cannot enter the container's network namespace");
	r = netlib_link_get(&nl, 0, "lo", &lo, &ctx->err);
	if (r >= 0)
		r = netlib_link_set_up(&nl, lo.index, false, &ctx->err);
	netlib_close(&nl);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot bring lo down");
	return 0;
}

static int lo_check(struct cni_ctx *ctx)
{
	struct netlib_nl nl;
	struct netlib_link lo;
	int r;

	r = open_ns(ctx, &nl);
	if (r < 0)
		return r;
	r = netlib_link_get(&nl, 0, "lo", &lo, &ctx->err);
	netlib_close(&nl);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot look lo up");
	if (!(lo.flags & IFF_UP))
		return err_set(&ctx->err, -EINVAL, ERR_IO, "the loopback interface is down",
			       "lo in %s is not up", ctx->env.netns);
	return 0;
}

const struct cni_plugin_ops lo_ops = {
	.name = "loopback",
	.add = lo_add,
	.del = lo_del,
	.check = lo_check,
	.runtime_keys = (const char *const[]){ NULL },
};
