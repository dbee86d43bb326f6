// SPDX-License-Identifier: Apache-2.0
/* Attach a container to a netctl network: the chain, the cache and the audit line. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netctl/core/attach.h"
#include "netctl/core/audit.h"
#include "netctl/core/cache.h"
#include "netctl/core/paths.h"
#include "netlib/link.h"
#include "netlib/sock.h"
#include "util/str.h"

#define BURST_MIN_BITS (16384ULL * 8)	/* a TBF bucket holds at least 16 KiB */

/* The bucket: 10 ms at the rate, at least 16 KiB, so TCP at low rates keeps flowing. */
static uint64_t burst_for(uint64_t rate)
{
	return rate / 100 > BURST_MIN_BITS ? rate / 100 : BURST_MIN_BITS;
}

/* "bandwidth": a rate and its bucket each way asked for; NULL when out of memory. */
static json_t *bandwidth_arg(const struct attach_opts *o)
{
	json_t *bw = json_object();

	if (!bw)
		return NULL;
	if (o->rate_in &&
	    (json_object_set_new(bw, "ingressRate", json_integer((json_int_t)o->rate_in)) ||
	     json_object_set_new(bw, "ingressBurst",
				 json_integer((json_int_t)burst_for(o->rate_in)))))
		goto oom;
	if (o->rate_out &&
	    (json_object_set_new(bw, "egressRate", json_integer((json_int_t)o->rate_out)) ||
	     json_object_set_new(bw, "egressBurst",
				 json_integer((json_int_t)burst_for(o->rate_out)))))
		goto oom;
	return bw;
oom:
	json_decref(bw);
	return NULL;
}

json_t *attach_cap_args(const struct attach_opts *o, bool *oom)
{
	json_t *caps = json_object();

	*oom = false;
	if (!caps)
		goto oom;
	if (o->port_mappings && json_array_size(o->port_mappings) &&
	    json_object_set(caps, "portMappings", o->port_mappings))
		goto oom;
	/* set_new() takes the reference (a NULL value fails it) */
	if ((o->rate_in || o->rate_out) &&
	    json_object_set_new(caps, "bandwidth", bandwidth_arg(o)))
		goto oom;
	if (o->ip && json_object_set_new(caps, "ips", json_pack("[s]", o->ip)))
		goto oom;
	if (o->aliases && json_array_size(o->aliases) &&
	    json_object_set_new(caps, "aliases", json_pack("{s:O}", o->net, o->aliases)))
		goto oom;
	if (!json_object_size(caps)) {
		json_decref(caps);
		return NULL;
	}
	return caps;
oom:
	*oom = true;
	json_decref(caps);
	return NULL;
}

/* "IgnoreUnknown=1;K8S_POD_NAME=N;IP=A": the reference plugins skip keys they lack. */
static int build_args(const struct attach_opts *o, char *out, size_t n)
{
	int r = str_copy(out, n, "IgnoreUnknown=1");

	if (r == 0 && o->name)
		r = str_printf(out + strlen(out), n - strlen(out), ";K8S_POD_NAME=%s", o->name);
	if (r == 0 && o->ip)
		r = str_printf(out + strlen(out), n - strlen(out), ";IP=%s", o->ip);
	return r;
}

struct attach_ctx {
	struct netctl_paths paths;
	struct conflist cl;
	struct chain_req req;
	char args[512];
};

static int prepare(const struct attach_opts *o, struct attach_ctx *c, struct chain_err *err)
{
	int r;

	err->plugin = -1;
	memset(&err->cni, 0, sizeof(err->cni));
	r = paths_init(&c->paths);
	if (r < 0)
		return err_set(&err->cni, r, ERR_INVALID_ENV, "a path is too long",
			       "NETCTL_CONFDIR, NETCTL_STATEDIR or CNI_PATH");
	if (!o->net)
		return err_set(&err->cni, -EINVAL, ERR_INVALID_CONFIG, "no network given", "net");
	r = paths_net_load(&c->paths, o->net, &c->cl, &err->cni);
	if (r < 0)
		return r;
	if (o->name && !name_is_safe(o->name, 253))
		return err_set(&err->cni, -EINVAL, ERR_INVALID_ENV, "invalid container name",
			       "\"%s\": use letters, digits, '_', '.' and '-', at most 253",
			       o->name);
	if (build_args(o, c->args, sizeof(c->args)) < 0)
		return err_set(&err->cni, -EINVAL, ERR_INVALID_ENV, "the arguments are too long",
			       "name \"%s\", ip \"%s\"", o->name ?: "", o->ip ?: "");
	c->req = (struct chain_req){
		.cni_path = c->paths.cni_path,
		.cache_dir = c->paths.statedir,
		.container_id = o->container_id,
		.netns = o->netns,
		.ifname = o->ifname ?: ATTACH_DEFAULT_IFNAME,
		.args = c->args,
		.rollback = true,
	};
	return 0;
}

static struct attach_ctx *ctx_open(const struct attach_opts *o, struct chain_err *err,
				   int *r)
{
	struct attach_ctx *c = calloc(1, sizeof(*c));

	if (!c) {
		*r = err_set(&err->cni, -ENOMEM, ERR_INTERNAL, "out of memory",
				       "attach");
		return NULL;
	}
	*r = prepare(o, c, err);
	return c;
}

static void ctx_close(struct attach_ctx *c)
{
	json_decref(c->req.cap_args);
	conflist_free(&c->cl);
	free(c);
}

/* ",IP" of each result address, for the audit line. */
static void result_ips(json_t *result, char *out, size_t n)
{
	json_t *ip;
	size_t i;

	out[0] = '\0';
	json_array_foreach(cni_json_get(result, "ips"), i, ip) {
		const char *a = json_string_value(cni_json_get(ip, "address"));

		if (a && strlen(out) + strlen(a) + 2 < n)
			snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? "," : "", a);
	}
}

static void log_op(const struct attach_opts *o, const char *def_op, const char *ifname,
		   json_t *result, const struct chain_err *err, const struct conflist *cl)
{
	char extra[1024] = "", ips[512];
	struct audit_rec rec = {
		.op = o->op ?: def_op, .net = o->net, .container = o->container_id,
		.ifname = ifname, .extra = extra,
	};

	if (o->name)
		snprintf(extra, sizeof(extra), " name=%s", o->name);
	if (result) {
		result_ips(result, ips, sizeof(ips));
		if (ips[0])
			snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " ips=%s", ips);
	}
	if (err && err->cni.code && err->plugin >= 0 && cl && err->plugin < cl->n_plugins)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " plugin=%s",
			 cl->plugins[err->plugin].type);
	audit_log(&rec, err ? &err->cni : NULL);
}

static bool declares(const struct conflist *cl, const char *cap)
{
	int i;

	for (i = 0; i < cl->n_plugins; i++)
		if (json_is_true(json_object_get(cni_json_get(cl->plugins[i].conf,
							   "capabilities"), cap)))
			return true;
	return false;
}

/*
 * Ports and rates only work through a plugin that declares the capability: say so
 * rather than attach without them (ips needs none: CNI_ARGS IP= carries it too).
 */
static int check_caps(const struct attach_opts *o, const struct conflist *cl,
		      struct chain_err *err)
{
	if (o->port_mappings && json_array_size(o->port_mappings) &&
	    !declares(cl, "portMappings"))
		return err_set(&err->cni, -EINVAL, ERR_INVALID_CONFIG,
			       "no plugin of this network's chain publishes ports",
			       "no plugin declares the portMappings capability (a portmap "
			       "plugin): recreate the network with portmap in CNI_PATH, or "
			       "connect without --publish");
	if ((o->rate_in || o->rate_out) && !declares(cl, "bandwidth"))
		return err_set(&err->cni, -EINVAL, ERR_INVALID_CONFIG,
			       "no plugin of this network's chain limits rates",
			       "no plugin declares the bandwidth capability (a bandwidth "
			       "plugin): recreate the network with bandwidth in CNI_PATH, or "
			       "connect without --rate-in/--rate-out");
	return 0;
}

/*
 * An ADD onto an attachment that exists fails in the bridge plugin, and its rollback
 * (a DEL of the same container ID and interface) would then tear the existing one
 * down: refuse before anything runs when the cache has it or the netns has the name.
 */
static int check_free(const struct attach_opts *o, const struct attach_ctx *c,
		      struct chain_err *err)
{
	struct cache_key k = { o->net, o->container_id, c->req.ifname };
	struct netlib_nl nl;
	struct netlib_link l;
	json_t *entry = NULL;
	int r;

	if (cache_read(c->paths.statedir, &k, &entry) == 0) {
		json_decref(entry);
		return err_set(&err->cni, -EEXIST, ERR_INVALID_ENV,
			       "the container is already attached to this network",
			       "container %s, %s: disconnect it first, or attach another "
			       "interface (--ifname)", o->container_id, c->req.ifname);
	}
	if (!o->netns)
		return 0;
	r = netlib_open_netns(&nl, o->netns, &err->cni);
	if (r < 0) {
		err_prefix(&err->cni, r, "%s: %s", o->netns, strerror(-r));
		return err_fail(&err->cni, r, ERR_INVALID_ENV,
				"cannot enter the network namespace");
	}
	r = netlib_link_get(&nl, 0, c->req.ifname, &l, NULL);
	netlib_close(&nl);
	if (r == 0)
		return err_set(&err->cni, -EEXIST, ERR_INVALID_ENV,
			       "the container already has an interface of that name",
			       "%s exists in %s: pick another with --ifname (a connect "
			       "killed midway leaves one: disconnect or `netctl gc` first)",
			       c->req.ifname, o->netns);
	return 0;
}

/* The checks that refuse before anything runs, then the chain's ADD. */
static int add_chain(const struct attach_opts *o, struct attach_ctx *c, json_t **result,
		     struct chain_err *err)
{
	bool oom;
	int r;

	r = check_caps(o, &c->cl, err);
	if (r < 0)
		return r;
	r = check_free(o, c, err);
	if (r < 0)
		return r;
	c->req.cap_args = attach_cap_args(o, &oom);
	if (oom)
		return err_set(&err->cni, -ENOMEM, ERR_INTERNAL, "out of memory",
			       "capability arguments");
	return chain_add(&c->cl, &c->req, result, err);
}

/* Logged as "connect" whatever the outcome, once the network could be looked at. */
int attach_add(const struct attach_opts *o, json_t **result, struct chain_err *err)
{
	struct attach_ctx *c;
	int r;

	*result = NULL;
	c = ctx_open(o, err, &r);
	if (!c)
		return r;
	if (r == 0)
		r = add_chain(o, c, result, err);
	log_op(o, "connect", c->req.ifname ?: o->ifname, *result, err, &c->cl);
	ctx_close(c);
	return r;
}

/* The netns ADD was given (malloc'd), when the cache has it. */
static char *cached_netns(const struct attach_ctx *c, const struct attach_opts *o)
{
	struct cache_key k = { o->net, o->container_id, c->req.ifname };
	json_t *entry = NULL;
	char *netns = NULL;
	const char *s;

	if (cache_read(c->paths.statedir, &k, &entry) < 0)
		return NULL;
	s = json_string_value(json_object_get(entry, "netns"));
	if (s && s[0] == '/')
		netns = strdup(s);
	json_decref(entry);
	return netns;
}

int attach_del(const struct attach_opts *o, struct chain_err *err)
{
	struct attach_ctx *c;
	char *netns = NULL;
	int r;

	c = ctx_open(o, err, &r);
	if (!c)
		return r;
	if (r == 0) {
		/* DEL gets what ADD was given, from the cache (chain_del reads it). */
		c->req.args = NULL;
		if (!c->req.netns)
			netns = cached_netns(c, o);
		if (netns && access(netns, F_OK) == 0)
			c->req.netns = netns;
		r = chain_del(&c->cl, &c->req, err);
	}
	log_op(o, "disconnect", c->req.ifname ?: o->ifname, NULL, err, &c->cl);
	free(netns);
	ctx_close(c);
	return r;
}

int attach_check(const struct attach_opts *o, struct chain_err *err)
{
	struct attach_ctx *c;
	struct cache_key k;
	json_t *entry = NULL;
	int r;

	c = ctx_open(o, err, &r);
	if (!c)
		return r;
	if (r == 0) {
		k = (struct cache_key){ o->net, o->container_id, c->req.ifname };
		r = cache_read(c->paths.statedir, &k, &entry);
		if (r == -ENOENT)
			r = err_set(&err->cni, r, ERR_UNKNOWN_CONTAINER,
				    "the container is not attached to this network",
				    "network \"%s\", container %s, %s: nothing cached", o->net,
				    o->container_id, c->req.ifname);
	}
	if (r == 0) {
		/* CHECK runs with what ADD was given. */
		c->req.cap_args = json_incref(json_object_get(entry, "capabilityArgs"));
		if (!c->req.netns)
			c->req.netns = json_string_value(json_object_get(entry, "netns"));
		c->req.args = cache_args_string(entry);
		r = chain_check(&c->cl, &c->req, err);
		free((char *)c->req.args);
	}
	json_decref(entry);
	ctx_close(c);
	return r;
}

struct list_ctx {
	const char *net;
	int (*fn)(const struct attach_info *a, void *data);
	void *data;
};

static const char *args_name(json_t *entry)
{
	json_t *pair;
	size_t i;

	json_array_foreach(json_object_get(entry, "cniArgs"), i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));

		if (k && !strcmp(k, "K8S_POD_NAME"))
			return json_string_value(json_array_get(pair, 1));
	}
	return NULL;
}

static int list_entry(json_t *entry, void *data)
{
	struct list_ctx *l = data;
	struct attach_info a = {
		.net = l->net,
		.container_id = json_string_value(json_object_get(entry, "containerId")),
		.ifname = json_string_value(json_object_get(entry, "ifName")),
		.netns = json_string_value(json_object_get(entry, "netns")),
		.name = args_name(entry),
		.result = json_object_get(entry, "result"),
		.cap_args = json_object_get(entry, "capabilityArgs"),
	};

	if (!a.container_id || !a.ifname)
		return 0;
	return l->fn(&a, l->data);
}

static int list_net(const char *net, void *data)
{
	struct list_ctx *l = data;
	struct netctl_paths p;
	int r;

	l->net = net;
	r = paths_init(&p);
	return r < 0 ? r : cache_for_each(p.statedir, net, list_entry, l);
}

int attach_list(const char *net, int (*fn)(const struct attach_info *a, void *data),
		void *data)
{
	struct list_ctx l = { .fn = fn, .data = data };
	struct netctl_paths p;
	int r;

	if (net)
		return list_net(net, &l);
	r = paths_init(&p);
	return r < 0 ? r : paths_net_foreach(&p, list_net, &l);
}

static int count_one(const struct attach_info *a, void *data)
{
	(*(int *)data)++;
	return 0;
}

int attach_count(const char *net)
{
	int n = 0, r = attach_list(net, count_one, &n);

	return r < 0 ? r : n;
}
