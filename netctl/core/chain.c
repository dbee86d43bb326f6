// SPDX-License-Identifier: Apache-2.0
/*
 * Running a conflist's plugins for one attachment, after libcni/api.go: ADD in order
 * (each gets the previous result), DEL in reverse with the cached result, CHECK in
 * order with the cached result, GC and STATUS per plugin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "cni/env.h"
#include "cni/exec.h"
#include "cni/netlock.h"
#include "netctl/core/cache.h"
#include "netctl/core/chain.h"
#include "util/str.h"

/* One attachment's runtime values: the request's, or a cached entry's (GC). */
struct attach {
	const char *id, *netns, *ifname, *args;
	json_t *cap_args;
};

static void err_reset(struct chain_err *err, const char *op)
{
	memset(&err->cni, 0, sizeof(err->cni));
	err->plugin = -1;
	err->op = op;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/*
 * For bench/: with NETCTL_BENCH_TIMES=FILE, each plugin exec appends "CMD TYPE USEC",
 * so a benchmark can time the plugins alone, as a runtime spends it, through this
 * driver for ours and the reference's alike.
 */
static void bench_record(const char *cmd, const char *type, long long us)
{
	const char *path = getenv("NETCTL_BENCH_TIMES");
	char line[128];
	int fd, len;

	if (!path || !path[0])
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	len = snprintf(line, sizeof(line), "%s %s %lld\n", cmd, type, us);
	if (len > 0 && write(fd, line, (size_t)len) < 0)
		len = -1;
	close(fd);
}

static int exec_one(const struct conflist *cl, const struct chain_req *req, int idx,
		    const char *cmd, const struct attach *a, json_t *conf, char **out,
		    struct chain_err *err)
{
	char *text = json_dumps(conf, JSON_COMPACT);
	struct cni_exec_req x = {
		.type = cl->plugins[idx].type,
		.cni_path = req->cni_path,
		.command = cmd,
		.container_id = a ? a->id : NULL,
		.netns = a ? a->netns : NULL,
		.ifname = a ? a->ifname : NULL,
		.args = a ? a->args : NULL,
		.stdin_data = text,
		.stdin_len = text ? strlen(text) : 0,
	};
	char *discard = NULL;
	long long t0 = now_us();
	int r;

	if (!text)
		return err_set(&err->cni, -ENOMEM, ERR_INTERNAL, "out of memory", "plugin config");
	r = cni_exec(&x, out ? out : &discard, &err->cni);
	bench_record(cmd, x.type, now_us() - t0);
	if (r < 0)
		err->plugin = idx;
	free(discard);
	free(text);
	return r;
}

static int check_attach(const struct conflist *cl, const struct attach *a, bool need_netns,
			struct chain_err *err)
{
	if (!a->id || !name_is_safe(a->id, 256))
		return err_set(&err->cni, -EINVAL, ERR_INVALID_ENV, "invalid container ID",
			       "the container ID must be 1-256 of [A-Za-z0-9_.-] starting with "
			       "a letter or digit, got \"%s\"", a->id ? a->id : "");
	if (!ifname_valid(a->ifname))
		return err_set(&err->cni, -EINVAL, ERR_INVALID_ENV, "invalid interface name",
			       "\"%s\": 1-15 bytes, no '/', ':' or white space",
			       a->ifname ? a->ifname : "");
	if ((need_netns && !a->netns) || (a->netns && a->netns[0] != '/'))
		return err_set(&err->cni, -EINVAL, ERR_INVALID_ENV, "invalid network namespace",
			       "an absolute netns path is needed, got \"%s\"",
			       a->netns ? a->netns : "");
	return 0;
}

/* What a chain run holds: the network lock, then the cache lock (cni/netlock.h). */
struct chain_locks {
	int net, cache;
};

static void drop_locks(struct chain_locks *l)
{
	if (l->cache >= 0)
		close(l->cache);
	cni_net_unlock(l->net);
	l->cache = l->net = -1;
}

/*
 * The network lock is shared with the plugins we exec: they find it theirs, and the
 * whole chain (the firewall reading the policy and the group sets, portmap, the cache
 * write) is one step to a concurrent `netctl policy apply`, gc or rm.
 */
static int take_lock(const struct conflist *cl, const struct chain_req *req, bool exclusive,
		     struct chain_locks *l, struct chain_err *err)
{
	l->cache = -1;
	l->net = cni_net_lock(cl->name, NULL, true, &err->cni);
	if (l->net < 0)
		return l->net;
	l->cache = cache_lock(req->cache_dir, cl->name, exclusive);
	if (l->cache < 0) {
		int r = l->cache;

		drop_locks(l);
		return err_set(&err->cni, r, ERR_IO, "cannot lock the result cache",
			       "%s/results/.%s.lock: %s", req->cache_dir, cl->name, strerror(-r));
	}
	return 0;
}

static struct attach req_attach(const struct chain_req *req)
{
	return (struct attach){ req->container_id, req->netns, req->ifname, req->args,
				req->cap_args };
}

/*
 * On failure *@result is the last result a plugin gave (NULL: none) and *@ran the
 * index of the plugin that failed, for the rollback; on success *@ran = n_plugins - 1.
 */
/* An ADD/DEL's start: the error reset for @op, the attachment checked, the lock taken. */
static int begin(const struct conflist *cl, const struct chain_req *req, const struct attach *a,
		 const char *op, bool need_netns, struct chain_locks *l, struct chain_err *err)
{
	int r;

	err_reset(err, op);
	l->net = l->cache = -1;
	r = check_attach(cl, a, need_netns, err);
	return r < 0 ? r : take_lock(cl, req, false, l, err);
}

static int add_plugins(const struct conflist *cl, const struct chain_req *req,
		       const struct attach *a, json_t **result, int *ran, struct chain_err *err)
{
	json_t *prev = NULL, *conf, *next;
	char *out;
	int i, r;

	for (i = 0; i < cl->n_plugins; i++) {
		*ran = i;
		conf = chain_plugin_conf(cl, i, prev, a->cap_args);
		r = conf ? exec_one(cl, req, i, "ADD", a, conf, &out, err) : -ENOMEM;
		json_decref(conf);
		if (r < 0) {
			*result = prev;
			return r;
		}
		next = chain_result_convert(out, cl->version, &err->cni);
		free(out);
		if (!next) {
			err->plugin = i;
			*result = prev;
			return -EINVAL;
		}
		json_decref(prev);
		prev = next;
	}
	*result = prev;
	return 0;
}

/*
 * Not in libcni (its callers tear down): DEL of the plugins that ran, in reverse,
 * with the last result the chain had (as prevResult from 0.4.0 on), so a plugin that
 * keys its state by address removes this attachment's and no other interface's of the
 * same container. Plugins after the failing one never ran and are not called.
 */
static void rollback(const struct conflist *cl, const struct chain_req *req,
		     const struct attach *a, int ran, json_t *last)
{
	struct chain_err ignored;
	json_t *conf;
	int i;

	if (!cni_version_has_check(cl->version))
		last = NULL;
	for (i = ran; i >= 0; i--) {
		err_reset(&ignored, "delete");
		conf = chain_plugin_conf(cl, i, last, a->cap_args);
		if (conf)
			exec_one(cl, req, i, "DEL", a, conf, NULL, &ignored);
		json_decref(conf);
	}
}

int chain_add(const struct conflist *cl, const struct chain_req *req, json_t **result,
	      struct chain_err *err)
{
	struct attach a = req_attach(req);
	struct cache_key k = { cl->name, req->container_id, req->ifname };
	json_t *res = NULL, *entry;
	struct chain_locks l;
	int r, ran = -1;

	*result = NULL;
	r = begin(cl, req, &a, "add", true, &l, err);
	if (r < 0)
		return r;
	r = add_plugins(cl, req, &a, &res, &ran, err);
	if (r == 0) {
		entry = cache_entry_build(&k, a.netns, a.args, a.cap_args, cl->raw, cl->raw_len,
					  res);
		r = entry ? cache_write(req->cache_dir, &k, entry) : -ENOMEM;
		json_decref(entry);
		if (r < 0)
			err_set(&err->cni, r, ERR_IO, "cannot cache the result",
				"network \"%s\" in %s/results: %s", cl->name, req->cache_dir,
				strerror(-r));
	}
	if (r < 0) {
		if (req->rollback)
			rollback(cl, req, &a, ran, res);
		json_decref(res);
	} else {
		*result = res;
	}
	drop_locks(&l);
	return r;
}

/*
 * The cached result in the list's version, or NULL (none, or unusable).
 * -EINVAL only when the cache exists but cannot be used.
 */
static int cached_result(const struct conflist *cl, const struct chain_req *req,
			 const struct attach *a, json_t **entry, json_t **prev)
{
	struct cache_key k = { cl->name, a->id, a->ifname };
	struct err ignored = { 0 };
	char *text;
	int r;

	*prev = NULL;
	r = cache_read(req->cache_dir, &k, entry);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	text = json_dumps(json_object_get(*entry, "result"), JSON_COMPACT);
	if (text)
		*prev = chain_result_convert(text, cl->version, &ignored);
	free(text);
	return *prev ? 0 : -EINVAL;
}

static int del_attach(const struct conflist *cl, const struct chain_req *req,
		      struct attach *a, struct chain_err *err)
{
	struct cache_key k = { cl->name, a->id, a->ifname };
	json_t *entry = NULL, *prev = NULL, *conf;
	char *cached_args = NULL;
	int i, r = 0;

	/* libcni: a cached result on DEL from 0.4.0; a broken cache is dropped. */
	if (cached_result(cl, req, a, &entry, &prev) < 0)
		cache_remove(req->cache_dir, &k);
	if (!cni_version_has_check(cl->version)) {
		json_decref(prev);
		prev = NULL;
	}
	/* What ADD was given, when this DEL is not told (podman's cached-config rule). */
	if (!a->args && entry)
		a->args = cached_args = cache_args_string(entry);
	if (!a->cap_args && entry)
		a->cap_args = json_object_get(entry, "capabilityArgs");
	for (i = cl->n_plugins - 1; i >= 0 && r == 0; i--) {
		conf = chain_plugin_conf(cl, i, prev, a->cap_args);
		r = conf ? exec_one(cl, req, i, "DEL", a, conf, NULL, err) : -ENOMEM;
		json_decref(conf);
	}
	if (r == 0)
		cache_remove(req->cache_dir, &k);
	free(cached_args);
	json_decref(prev);
	json_decref(entry);
	return r;
}

int chain_del(const struct conflist *cl, const struct chain_req *req, struct chain_err *err)
{
	struct attach a = req_attach(req);
	struct chain_locks l;
	int r;

	r = begin(cl, req, &a, "delete", false, &l, err);
	if (r < 0)
		return r;
	r = del_attach(cl, req, &a, err);
	drop_locks(&l);
	return r;
}

int chain_check(const struct conflist *cl, const struct chain_req *req,
		struct chain_err *err)
{
	struct attach a = req_attach(req);
	json_t *entry = NULL, *prev = NULL, *conf;
	int i, r;

	err_reset(err, "check");
	if (!cni_version_has_check(cl->version))
		return err_set(&err->cni, -EINVAL, ERR_INCOMPATIBLE_VERSION,
			       "CHECK needs CNI version 0.4.0 or later",
			       "configuration version \"%s\" does not support the CHECK "
			       "command", cni_version_str(cl->version));
	if (cl->disable_check)
		return 0;
	r = check_attach(cl, &a, true, err);
	if (r < 0)
		return r;
	r = cached_result(cl, req, &a, &entry, &prev);
	if (r < 0)
		return err_set(&err->cni, r, ERR_DECODE, "the cached result cannot be used",
			       "network \"%s\", container %s, %s: %s", cl->name, a.id, a.ifname,
			       strerror(-r));
	for (i = 0; i < cl->n_plugins && r == 0; i++) {
		conf = chain_plugin_conf(cl, i, prev, a.cap_args);
		r = conf ? exec_one(cl, req, i, "CHECK", &a, conf, NULL, err) : -ENOMEM;
		json_decref(conf);
	}
	json_decref(prev);
	json_decref(entry);
	return r;
}

int chain_readd(const struct conflist *cl, const struct chain_req *req,
		bool (*want)(const char *type), struct chain_err *err)
{
	struct attach a = req_attach(req);
	json_t *entry = NULL, *prev = NULL, *conf;
	char *cached_args = NULL;
	struct chain_locks l;
	int i, r;

	r = begin(cl, req, &a, "add", false, &l, err);
	if (r < 0)
		return r;
	r = cached_result(cl, req, &a, &entry, &prev);
	if (r == 0 && !prev)
		r = err_set(&err->cni, -ENOENT, ERR_UNKNOWN_CONTAINER,
			    "nothing is cached for the attachment",
			    "network \"%s\", container %s, %s", cl->name, a.id, a.ifname);
	else if (r < 0)
		err_set(&err->cni, r, ERR_DECODE, "the cached result cannot be used",
			"network \"%s\", container %s, %s", cl->name, a.id, a.ifname);
	if (r == 0) {
		if (!a.netns)
			a.netns = json_string_value(json_object_get(entry, "netns"));
		if (!a.args)
			a.args = cached_args = cache_args_string(entry);
		if (!a.cap_args)
			a.cap_args = json_object_get(entry, "capabilityArgs");
		r = check_attach(cl, &a, true, err);
	}
	for (i = 0; i < cl->n_plugins && r == 0; i++) {
		if (!want(cl->plugins[i].type))
			continue;
		conf = chain_plugin_conf(cl, i, prev, a.cap_args);
		r = conf ? exec_one(cl, req, i, "ADD", &a, conf, NULL, err) : -ENOMEM;
		json_decref(conf);
	}
	free(cached_args);
	json_decref(prev);
	json_decref(entry);
	drop_locks(&l);
	return r;
}

int chain_status(const struct conflist *cl, const struct chain_req *req,
		 struct chain_err *err)
{
	json_t *conf;
	int i, r = 0;

	err_reset(err, "status");
	if (!cni_version_has_gc(cl->version))
		return 0;
	for (i = 0; i < cl->n_plugins && r == 0; i++) {
		conf = chain_status_conf(cl, i);
		r = conf ? exec_one(cl, req, i, "STATUS", NULL, conf, NULL, err) : -ENOMEM;
		json_decref(conf);
	}
	return r;
}

struct gc_scan {
	json_t *entries[CHAIN_MAX_VALID];
	int n;
	struct chain_attachment cached[CHAIN_MAX_VALID];	/* valid when not told */
	int n_cached;
};

static int gc_collect(json_t *entry, void *data)
{
	struct gc_scan *s = data;

	if (s->n >= CHAIN_MAX_VALID)
		return -E2BIG;
	s->entries[s->n++] = json_incref(entry);
	return 0;
}

static bool gc_is_valid(const struct chain_req *req, const char *id, const char *ifname)
{
	int i;

	for (i = 0; i < req->n_valid; i++)
		if (!strcmp(req->valid[i].container_id, id) &&
		    !strcmp(req->valid[i].ifname, ifname))
			return true;
	return false;
}

/* libcni's GCNetworkList, step one: DEL what the cache holds but the caller does not. */
static void gc_stale(const struct conflist *cl, const struct chain_req *req,
		     struct gc_scan *s, struct chain_err *err)
{
	struct chain_err one;
	int i;

	for (i = 0; i < s->n; i++) {
		json_t *e = s->entries[i];
		struct attach a = {
			.id = json_string_value(json_object_get(e, "containerId")),
			.ifname = json_string_value(json_object_get(e, "ifName")),
			.netns = json_string_value(json_object_get(e, "netns")),
		};

		if (!req->have_valid) {
			s->cached[s->n_cached++] = (struct chain_attachment){ a.id, a.ifname };
			continue;
		}
		if (gc_is_valid(req, a.id, a.ifname))
			continue;
		err_reset(&one, "delete");
		if (a.netns && a.netns[0] != '/')
			a.netns = NULL;
		if (del_attach(cl, req, &a, &one) < 0 && !err->cni.code)
			*err = one;
	}
}

int chain_gc(const struct conflist *cl, const struct chain_req *req, struct chain_err *err)
{
	struct gc_scan *s = NULL;
	struct chain_locks l;
	struct chain_err one;
	int i, r;
	json_t *conf;

	err_reset(err, "GC");
	if (cl->disable_gc)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(&err->cni, -ENOMEM, ERR_INTERNAL, "out of memory", "GC");
	l.net = l.cache = -1;
	r = req->locked ? 0 : take_lock(cl, req, true, &l, err);
	if (r < 0) {
		free(s);
		return r;
	}
	r = cache_for_each(req->cache_dir, cl->name, gc_collect, s);
	if (r < 0) {
		err_set(&err->cni, r, ERR_IO, "cannot read the result cache", "%s/results: %s",
			req->cache_dir, strerror(-r));
		goto out;
	}
	gc_stale(cl, req, s, err);
	for (i = 0; cni_version_has_gc(cl->version) && i < cl->n_plugins; i++) {
		/* Every plugin gets its GC even when one fails, as in libcni. */
		err_reset(&one, "GC");
		conf = req->have_valid ? chain_gc_conf(cl, i, req->valid, req->n_valid)
				       : chain_gc_conf(cl, i, s->cached, s->n_cached);
		if (!conf || exec_one(cl, req, i, "GC", NULL, conf, NULL, &one) < 0) {
			if (!conf)
				err_set(&one.cni, -EINVAL, ERR_INTERNAL, "out of memory", "GC");
			if (!err->cni.code)
				*err = one;
		}
		json_decref(conf);
	}
	r = err->cni.code ? -EIO : 0;
out:
	drop_locks(&l);
	for (i = 0; i < s->n; i++)
		json_decref(s->entries[i]);
	free(s);
	return r;
}
