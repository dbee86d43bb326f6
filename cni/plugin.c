// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <net/if.h>

#include "cni/plugin.h"
#include "util/audit.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/ip.h"

static const char *const supported_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };

static void print_json(json_t *obj)
{
	char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
	}
	free(s);
	fflush(stdout);
}

static int fail(const struct err *e, enum cni_version v)
{
	json_t *j = cni_err_to_json(e, v);

	print_json(j);
	json_decref(j);
	return 1;
}

/* VERSION answers in whatever version was asked, even one we do not speak. */
static int answer_version(const char *in, size_t len)
{
	json_t *root = json_loadb(in, len, 0, NULL);
	json_t *v = root ? cni_json_get(root, "cniVersion") : NULL;
	json_t *out = json_object(), *list = json_array();
	size_t i;

	for (i = 0; i < sizeof(supported_versions) / sizeof(supported_versions[0]); i++)
		json_array_append_new(list, json_string(supported_versions[i]));
	json_object_set_new(out, "cniVersion",
			    json_string(json_is_string(v) ? json_string_value(v)
							  : cni_version_str(CNI_V_LATEST)));
	json_object_set_new(out, "supportedVersions", list);
	print_json(out);
	json_decref(out);
	json_decref(root);
	return 0;
}

static int command_allowed(const struct cni_ctx *ctx, struct err *err)
{
	enum cni_version v = ctx->conf.version;

	if (ctx->env.cmd == CNI_CMD_CHECK && !cni_version_has_check(v))
		return err_set(err, -EINVAL, ERR_INCOMPATIBLE_VERSION,
			       "this configuration's version does not allow CHECK",
			       "cniVersion %s; CHECK needs 0.4.0 or later", ctx->conf.version_str);
	if ((ctx->env.cmd == CNI_CMD_GC || ctx->env.cmd == CNI_CMD_STATUS) &&
	    !cni_version_has_gc(v))
		return err_set(err, -EINVAL, ERR_INCOMPATIBLE_VERSION,
			       "this configuration's version does not allow GC or STATUS",
			       "cniVersion %s; %s needs 1.1.0 or later", ctx->conf.version_str,
			       cni_cmd_str(ctx->env.cmd));
	return 0;
}

/* prevResult: required to parse for ADD and CHECK; DEL is best effort and ignores junk. */
static int load_prev(struct cni_ctx *ctx)
{
	struct err perr = { 0 };

	if (!ctx->conf.prev_result)
		return 0;
	ctx->prev = cni_result_new();
	if (!ctx->prev)
		return -ENOMEM;
	if (cni_result_from_json(ctx->conf.prev_result, ctx->conf.version, ctx->prev, &perr) == 0)
		return 0;
	free(ctx->prev);
	ctx->prev = NULL;
	if (ctx->env.cmd == CNI_CMD_DEL || ctx->env.cmd == CNI_CMD_GC)
		return 0;
	return err_set(&ctx->err, -EINVAL, ERR_DECODE, "prevResult is not a valid CNI result",
		       "%s: %s", perr.msg, perr.details);
}

static bool key_listed(const char *const *keys, const char *key)
{
	for (; keys && *keys; keys++)
		if (cni_json_key_matches(*keys, key))
			return true;
	return false;
}

/* See cni_plugin_ops.runtime_keys. DEL, GC and STATUS never refuse on this. */
static int check_runtime_keys(const struct cni_plugin_ops *ops, struct cni_ctx *ctx)
{
	static const char *const ipam_keys[] = { "ips", "ipRanges", NULL };
	const char *key, *ipam_type = json_string_value(cni_json_get(ctx->conf.ipam, "type"));
	json_t *v;

	if (!ops->runtime_keys || !ctx->conf.runtime_config ||
	    (ctx->env.cmd != CNI_CMD_ADD && ctx->env.cmd != CNI_CMD_CHECK))
		return 0;
	if (ops->delegates_ipam && ipam_type && strcmp(ipam_type, "host-local"))
		return 0;
	json_object_foreach(ctx->conf.runtime_config, key, v) {
		if (key_listed(ops->runtime_keys, key) ||
		    (ops->delegates_ipam && ipam_type && key_listed(ipam_keys, key)))
			continue;
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "a runtimeConfig entry is not supported by this plugin",
			       "runtimeConfig.%s: the configuration declares this capability "
			       "for netctl's %s plugin, which cannot apply it; remove \"%s\" "
			       "from its \"capabilities\"", key, ops->name, key);
	}
	return 0;
}

static cni_handler_fn pick(const struct cni_plugin_ops *ops, enum cni_cmd c)
{
	switch (c) {
	case CNI_CMD_ADD: return ops->add;
	case CNI_CMD_DEL: return ops->del;
	case CNI_CMD_CHECK: return ops->check;
	case CNI_CMD_GC: return ops->gc;
	case CNI_CMD_STATUS: return ops->status;
	default: return NULL;
	}
}

static int run(const struct cni_plugin_ops *ops, struct cni_ctx *ctx, const char *in,
	       size_t len)
{
	cni_handler_fn fn;
	int r;

	if (cni_conf_parse(in, len, true, &ctx->conf, &ctx->err) < 0)
		return -EINVAL;
	if (command_allowed(ctx, &ctx->err) < 0 || load_prev(ctx) < 0 ||
	    check_runtime_keys(ops, ctx) < 0)
		return -EINVAL;
	/*
	 * Before any change, in one place for every plugin: an ADD into a path that is
	 * gone or is no network namespace would otherwise half-work (host side made, or
	 * qdiscs put on for a container that does not exist). IPAM plugins never enter
	 * the namespace, and runtimes call them with whatever the main plugin got.
	 */
	if (ctx->env.cmd == CNI_CMD_ADD && !ops->is_ipam && cni_netns_check(ctx->env.netns,
									      &ctx->err) < 0)
		return -EINVAL;
	if (ctx->env.cmd == CNI_CMD_ADD) {
		ctx->result = cni_result_new();
		if (!ctx->result)
			return -ENOMEM;
		if (ctx->prev)
			memcpy(ctx->result, ctx->prev, sizeof(*ctx->result));
	}
	fn = pick(ops, ctx->env.cmd);
	if (!fn)
		return 0;
	r = fn(ctx);
	if (r < 0 && !ctx->err.code) {
		/* else what a lower layer said is the best account */
		if (!ctx->err.details[0])
			err_detail(&ctx->err, r, "%s %s: %s", ops->name, cni_cmd_str(ctx->env.cmd),
				   strerror(-r));
		err_fail(&ctx->err, r, ERR_INTERNAL, "the plugin failed");
	}
	return r;
}

/*
 * One audit line per change (ADD, DEL, GC) and its outcome, under "netctl-<plugin>",
 * also appended to $NETCTL_AUDIT_FILE when set (hosts and tests without syslog).
 */
static void audit(const struct cni_plugin_ops *ops, const struct cni_ctx *ctx, int r)
{
	char ident[64], line[2048] = "", ips[512] = "", ip[IP_STR_MAX + 8];
	int i;

	if (ctx->env.cmd != CNI_CMD_ADD && ctx->env.cmd != CNI_CMD_DEL &&
	    ctx->env.cmd != CNI_CMD_GC)
		return;
	snprintf(ident, sizeof(ident), "netctl-%s", ops->name);
	audit_kv(line, sizeof(line), "op", cni_cmd_str(ctx->env.cmd));
	if (ctx->conf.name)
		audit_kv(line, sizeof(line), "net", ctx->conf.name);
	if (ctx->env.container_id)
		audit_kv(line, sizeof(line), "container", ctx->env.container_id);
	if (ctx->env.ifname)
		audit_kv(line, sizeof(line), "ifname", ctx->env.ifname);
	audit_kv(line, sizeof(line), "result", r < 0 ? "error" : "ok");
	if (r < 0) {
		snprintf(ip, sizeof(ip), "%d", ctx->err.code);
		audit_kv(line, sizeof(line), "code", ip);
		audit_kv(line, sizeof(line), "msg", ctx->err.msg);
		if (ctx->err.details[0])
			audit_kv(line, sizeof(line), "details", ctx->err.details);
	} else if (ctx->env.cmd == CNI_CMD_ADD && ctx->result && ctx->result->n_ips) {
		for (i = 0; i < ctx->result->n_ips; i++) {
			ip_prefix_format(&ctx->result->ips[i].address, ip, sizeof(ip));
			snprintf(ips + strlen(ips), sizeof(ips) - strlen(ips), "%s%s",
				 i ? "," : "", ip);
		}
		audit_kv(line, sizeof(line), "ips", ips);
	}
	audit_write(ident, r < 0 ? LOG_ERR : LOG_INFO, getenv("NETCTL_AUDIT_FILE"),
		    line[0] == ' ' ? line + 1 : line);
}

int cni_plugin_main(const struct cni_plugin_ops *ops)
{
	static struct cni_ctx ctx;	/* large (results): keep it off the stack */
	char *in = NULL;
	size_t len = 0;
	int r, status;

	/* Check the command before reading stdin: a person at a terminal gets an answer. */
	if (cni_env_parse(&ctx.env, &ctx.err) < 0) {
		if (!getenv("CNI_COMMAND"))
			fprintf(stderr, "CNI %s plugin (netctl); CNI versions %s to %s\n",
				ops->name, supported_versions[0],
				cni_version_str(CNI_V_LATEST));
		return fail(&ctx.err, CNI_V_LATEST);
	}
	r = fd_read_bounded(STDIN_FILENO, CNI_STDIN_MAX, &in, &len);
	if (r < 0) {
		err_set(&ctx.err, -EINVAL, ERR_IO,
			r == -EFBIG ? "network configuration is too large"
				    : "cannot read the network configuration",
			"stdin: %s (at most %d bytes are accepted)", strerror(-r), CNI_STDIN_MAX);
		return fail(&ctx.err, CNI_V_LATEST);
	}
	if (ctx.env.cmd == CNI_CMD_VERSION) {
		r = answer_version(in, len);
		free(in);
		return r;
	}
	r = run(ops, &ctx, in, len);
	audit(ops, &ctx, r);
	if (r < 0) {
		status = fail(&ctx.err, ctx.conf.version ? ctx.conf.version : CNI_V_LATEST);
	} else {
		if (ctx.env.cmd == CNI_CMD_ADD) {
			json_t *j = cni_result_to_json(ctx.result, ctx.conf.version);

			print_json(j);
			json_decref(j);
		}
		status = 0;
	}
	cni_conf_free(&ctx.conf);
	free(ctx.result);
	free(ctx.prev);
	free(in);
	return status;
}

int cni_plugin_call(const struct cni_plugin_ops *ops, const struct cni_env *env,
		    const char *command, const char *in, size_t len, char **out,
		    struct err *err)
{
	struct cni_ctx *ctx = calloc(1, sizeof(*ctx));	/* large: results */
	char *text = NULL;
	int r;

	*out = NULL;
	if (!ctx)
		return err_set(err, -ENOMEM, ERR_INTERNAL, "out of memory", "%s %s", ops->name,
			       command);
	ctx->env = *env;
	ctx->env.cmd = cni_cmd_parse(command);
	r = run(ops, ctx, in, len);
	audit(ops, ctx, r);
	if (r == 0 && ctx->env.cmd == CNI_CMD_ADD) {
		json_t *j = cni_result_to_json(ctx->result, ctx->conf.version);

		text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!text)
			r = err_set(&ctx->err, -ENOMEM, ERR_INTERNAL, "out of memory", "%s result",
				    ops->name);
	} else if (r == 0) {
		text = strdup("");
		if (!text)
			r = -ENOMEM;
	}
	if (r < 0) {
		*err = ctx->err;
		if (!err->code)
			err_set(err, r, ERR_INTERNAL, "the plugin failed", "%s %s", ops->name,
				command);
	}
	*out = text;
	cni_conf_free(&ctx->conf);
	free(ctx->result);
	free(ctx->prev);
	free(ctx);
	return r < 0 ? r : 0;
}

static bool attachments_have(json_t *list, const char *container_id, const char *ifname)
{
	size_t i;
	json_t *a;

	json_array_foreach(list, i, a) {
		json_t *id = cni_json_get(a, "containerID");
		json_t *ifn = cni_json_get(a, "ifname");

		if (json_is_string(id) && strcmp(json_string_value(id), container_id) == 0 &&
		    (!ifname || (json_is_string(ifn) && strcmp(json_string_value(ifn), ifname) == 0)))
			return true;
	}
	return false;
}

bool cni_gc_attachment_valid(json_t *conf_root, const char *container_id, const char *ifname)
{
	json_t *a = cni_json_get(conf_root, "cni.dev/valid-attachments");
	json_t *b = cni_json_get(conf_root, "cni.dev/attachments");

	return (json_is_array(a) && attachments_have(a, container_id, ifname)) ||
	       (json_is_array(b) && attachments_have(b, container_id, ifname));
}

bool cni_gc_name_valid(json_t *conf_root, const char *prefix, const char *name)
{
	static const char *const keys[] = { "cni.dev/valid-attachments", "cni.dev/attachments" };
	char want[IFNAMSIZ];
	size_t k, i;
	json_t *a;

	for (k = 0; k < 2; k++) {
		json_array_foreach(cni_json_get(conf_root, keys[k]), i, a) {
			const char *id = json_string_value(cni_json_get(a, "containerID"));
			const char *ifn = json_string_value(cni_json_get(a, "ifname"));

			if (!id || !ifn)
				continue;
			ifname_from_ids(want, prefix, id, ifn);
			if (!strcmp(want, name))
				return true;
		}
	}
	return false;
}
