// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni/env.h"
#include "plugins/tuning/tuning.h"

#define BAD(ctx, ...) err_set(&(ctx)->err, -EINVAL, ERR_INVALID_CONFIG, \
				  "invalid tuning configuration", __VA_ARGS__)

/* "sysctl": {"name": "value"}: a Go map, so the names are exact; later ones replace. */
static int load_sysctls(struct cni_ctx *ctx, json_t *obj, const char *where,
			struct tu_config *c)
{
	const char *key;
	json_t *v;
	int i;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return BAD(ctx, "%s must be an object of sysctl name to value", where);
	json_object_foreach(obj, key, v) {
		if (!json_is_string(v))
			return BAD(ctx, "%s.\"%s\" must be a string (sysctl values are text)",
				   where, key);
		if (strlen(json_string_value(v)) >= TU_VALUE_MAX)
			return BAD(ctx, "%s.\"%s\": the value is longer than %d bytes", where,
				   key, TU_VALUE_MAX - 1);
		for (i = 0; i < c->n_sysctls && strcmp(c->sysctls[i].key, key); i++)
			;
		if (i == TU_MAX_SYSCTLS)
			return BAD(ctx, "%s: more than %d sysctls", where, TU_MAX_SYSCTLS);
		if (ctx->env.ifname &&
		    tu_sysctl_path(key, ctx->env.ifname, c->sysctls[i].path,
				   sizeof(c->sysctls[i].path), &ctx->err) < 0)
			return err_fail(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
					"invalid tuning configuration");
		c->sysctls[i].key = key;
		c->sysctls[i].value = json_string_value(v);
		if (i == c->n_sysctls)
			c->n_sysctls++;
	}
	return 0;
}

static int load_mac(struct cni_ctx *ctx, const char *where, const char *s,
		    struct tu_config *c)
{
	if (!s || !*s) {
		c->has_mac = false;	/* the reference: an empty mac clears an earlier one */
		return 0;
	}
	if (netlib_parse_mac(s, c->mac) < 0)
		return BAD(ctx, "%s \"%.64s\" is not a MAC address like c2:11:22:33:44:55",
			   where, s);
	if (c->mac[0] & 1)
		return BAD(ctx, "%s \"%s\" is a multicast address", where, s);
	if (!memcmp(c->mac, "\0\0\0\0\0\0", 6))
		return BAD(ctx, "%s \"%s\" is the zero address", where, s);
	c->has_mac = true;
	return 0;
}

/* mtu, txQLen, promisc, allmulti of @o (the config or args.cni); absent keys leave. */
static int load_link_keys(struct cni_ctx *ctx, json_t *o, bool is_args, struct tu_config *c)
{
	unsigned long long mtu = 0, txq = 0;
	json_t *v;

	if (cni_json_get_bool(o, "promisc", &c->promisc, &ctx->err) < 0 ||
	    cni_json_get_uint(o, "mtu", 65535, &mtu, &ctx->err) < 0 ||
	    cni_json_get_uint(o, "txQLen", 0xffffffffULL, &txq, &ctx->err) < 0)
		return -EINVAL;
	v = cni_json_get(o, "mtu");
	if (v && !json_is_null(v)) {
		if (mtu && mtu < 68)
			return BAD(ctx, "%smtu %llu: at least 68", is_args ? "args.cni." : "",
				   mtu);
		if (mtu || is_args)
			c->mtu = (unsigned)mtu;
	}
	v = cni_json_get(o, "txQLen");
	if (v && !json_is_null(v)) {
		c->has_txqlen = true;
		c->txqlen = (unsigned)txq;
	}
	v = cni_json_get(o, "allmulti");
	if (v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return BAD(ctx, "\"allmulti\" must be true or false");
		c->allmulti = json_is_true(v) ? NETLIB_ON : NETLIB_OFF;
	}
	return 0;
}

static int load_args(struct cni_ctx *ctx, struct tu_config *c)
{
	json_t *a = cni_json_get(ctx->conf.args, "cni"), *mac;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_object(a))
		return BAD(ctx, "args.cni must be an object");
	if (load_sysctls(ctx, cni_json_get(a, "sysctl"), "args.cni.sysctl", c) < 0 ||
	    load_link_keys(ctx, a, true, c) < 0)
		return -EINVAL;
	mac = cni_json_get(a, "mac");
	if (mac && !json_is_null(mac)) {
		if (!json_is_string(mac))
			return BAD(ctx, "args.cni.mac must be a string");
		return load_mac(ctx, "args.cni.mac", json_string_value(mac), c);
	}
	return 0;
}

int tu_data_dir_load(struct cni_ctx *ctx, const char **dir)
{
	const char *d = TU_DEFAULT_DATA_DIR;
	size_t n;

	if (cni_json_get_str(ctx->conf.root, "dataDir", &d, &ctx->err) < 0)
		return -EINVAL;
	if (!*d)
		d = TU_DEFAULT_DATA_DIR;
	n = strlen(d);
	if (d[0] != '/' || strstr(d, "/../") || n > 200 || (n >= 3 && !strcmp(d + n - 3, "/..")))
		return BAD(ctx, "dataDir \"%.250s\" must be an absolute path (at most 200 "
			   "bytes) without \"..\"", d);
	*dir = d;
	return 0;
}

int tu_config_load(struct cni_ctx *ctx, struct tu_config *c)
{
	const char *mac = NULL;

	memset(c, 0, sizeof(*c));
	if (tu_data_dir_load(ctx, &c->data_dir) < 0 ||
	    load_sysctls(ctx, cni_json_get(ctx->conf.root, "sysctl"), "sysctl", c) < 0 ||
	    load_link_keys(ctx, ctx->conf.root, false, c) < 0 ||
	    cni_json_get_str(ctx->conf.root, "mac", &mac, &ctx->err) < 0 ||
	    load_mac(ctx, "mac", mac, c) < 0)
		return -EINVAL;
	mac = cni_env_arg(&ctx->env, "MAC");
	if (mac && *mac && load_mac(ctx, "CNI_ARGS MAC", mac, c) < 0)
		return -EINVAL;
	mac = NULL;
	if (cni_json_get_str(ctx->conf.runtime_config, "mac", &mac, &ctx->err) < 0)
		return -EINVAL;
	if (mac && *mac && load_mac(ctx, "runtimeConfig.mac", mac, c) < 0)
		return -EINVAL;
	return load_args(ctx, c);
}
