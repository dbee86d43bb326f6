// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "cni/conf.h"
#include "cni/env.h"
#include "netlib/msg.h"
#include "plugins/bridge/config.h"
#include "util/str.h"

#define BAD(ctx, ...) err_set(&(ctx)->err, -EINVAL, ERR_INVALID_CONFIG, \
				  "invalid bridge configuration", __VA_ARGS__)
#define UNSUPPORTED(ctx, ...) err_set(&(ctx)->err, -EINVAL, ERR_UNSUPPORTED_FIELD, __VA_ARGS__)

/* The MAC for the container side: CNI_ARGS MAC=, then args.cni.mac, then runtimeConfig. */
static int parse_mac(struct cni_ctx *ctx, struct br_conf *c)
{
	const char *mac = cni_env_arg(&ctx->env, "MAC");
	json_t *cni;

	cni = ctx->conf.args ? cni_json_get(ctx->conf.args, "cni") : NULL;
	/* a mac that is not a string is refused, not skipped (runtimeConfig's is a
	 * declared capability) */
	if (cni_json_get_str(cni, "mac", &mac, &ctx->err) < 0 ||
	    cni_json_get_str(ctx->conf.runtime_config, "mac", &mac, &ctx->err) < 0)
		return -EINVAL;
	if (!mac || !*mac)
		return 0;
	if (netlib_parse_mac(mac, c->mac) < 0)
		return BAD(ctx, "\"mac\" %s is not a MAC address like 0a:58:0a:16:00:05", mac);
	if (c->mac[0] & 1)
		return BAD(ctx, "\"mac\" %s is a multicast address", mac);
	c->has_mac = true;
	return 0;
}

static int get_bools(struct cni_ctx *ctx, json_t *o, struct br_conf *c)
{
	const struct { const char *key; bool *dst; } keys[] = {
		{ "isGateway", &c->is_gw }, { "isDefaultGateway", &c->is_default_gw },
		{ "forceAddress", &c->force_address }, { "hairpinMode", &c->hairpin },
		{ "promiscMode", &c->promisc }, { "enabledad", &c->enable_dad },
		{ "disableContainerInterface", &c->disable_container_iface },
		{ "portIsolation", &c->port_isolation }, { "icc", &c->icc },
		{ "ipv6LinkLocal", &c->ipv6_link_local },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (cni_json_get_bool(o, keys[i].key, keys[i].dst, &ctx->err) < 0)
			return -EINVAL;
	return 0;
}

static int trunk_id(struct cni_ctx *ctx, json_t *item, const char *key, int *out)
{
	json_t *v = cni_json_get(item, key);

	*out = -1;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > 4094)
		return BAD(ctx, "incorrect trunk %s parameter (1-4094)", key);
	*out = (int)json_integer_value(v);
	return 0;
}

/* vlanTrunk: [{"id":N} | {"minID":A,"maxID":B}], the reference's rules. */
static int parse_trunk(struct cni_ctx *ctx, json_t *list, struct br_conf *c)
{
	static bool seen[4095];
	json_t *item;
	size_t i;
	int v, lo, hi, id;

	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return BAD(ctx, "%s", "\"vlanTrunk\" must be a list");
	memset(seen, 0, sizeof(seen));
	json_array_foreach(list, i, item) {
		if (!json_is_object(item))
			return BAD(ctx, "%s", "each of \"vlanTrunk\" must be an object");
		if (trunk_id(ctx, item, "minID", &lo) < 0 || trunk_id(ctx, item, "maxID", &hi) < 0 ||
		    trunk_id(ctx, item, "id", &id) < 0)
			return -EINVAL;
		if ((lo < 0) != (hi < 0))
			return BAD(ctx, "%s", "minID and maxID should be configured simultaneously");
		if (lo > hi)
			return BAD(ctx, "%s", "minID is greater than maxID in trunk parameter");
		for (v = lo; lo > 0 && v <= hi; v++)
			seen[v] = true;
		if (id > 0)
			seen[id] = true;
	}
	for (v = 1; v <= 4094; v++)
		if (seen[v])
			c->trunk[c->n_trunk++] = (uint16_t)v;
	return 0;
}

/* "gatewayMode": "nat" (the default: from outside, published ports only) or "routed". */
static int parse_gateway_mode(struct cni_ctx *ctx, json_t *o, struct br_conf *c)
{
	const char *mode = "nat";

	if (cni_json_get_str(o, "gatewayMode", &mode, &ctx->err) < 0)
		return -EINVAL;
	if (strcmp(mode, "nat") && strcmp(mode, "routed"))
		return BAD(ctx, "\"gatewayMode\" %s is neither \"nat\" nor \"routed\"", mode);
	c->routed = !strcmp(mode, "routed");
	return 0;
}

int br_conf_parse(struct cni_ctx *ctx, struct br_conf *c, bool strict)
{
	json_t *o = ctx->conf.root;
	const char *name = "cni0";
	unsigned long long mtu = 0, vlan = 0;

	memset(c, 0, sizeof(*c));
	c->icc = true;
	c->ip_masq = ctx->conf.ip_masq;
	if (cni_json_get_str(o, "bridge", &name, &ctx->err) < 0 || get_bools(ctx, o, c) < 0 ||
	    cni_json_get_uint(o, "mtu", 65535, &mtu, &ctx->err) < 0 ||
	    cni_json_get_uint(o, "vlan", 4094, &vlan, &ctx->err) < 0)
		return -EINVAL;
	if (!ifname_valid(name))
		return BAD(ctx, "\"bridge\" %s is not a valid interface name (1-15 bytes, no '/', ':' or space)",
			   name);
	str_copy(c->bridge, sizeof(c->bridge), name);
	if (mtu && mtu < 68)
		return BAD(ctx, "\"mtu\" %llu is below the minimum of 68", mtu);
	c->mtu = (unsigned)mtu;
	if (c->is_default_gw)
		c->is_gw = true;
	c->spoofchk = !c->icc;
	if (cni_json_get_bool(o, "macspoofchk", &c->macspoofchk, &ctx->err) < 0 ||
	    cni_json_get_bool(o, "spoofchk", &c->spoofchk, &ctx->err) < 0)
		return -EINVAL;
	if (!strict)
		goto ipam;
	if (parse_gateway_mode(ctx, o, c) < 0)
		return -EINVAL;
	if (c->hairpin && c->promisc)
		return BAD(ctx, "%s", "cannot set hairpin mode and promiscuous mode at the same time");
	c->vlan = (unsigned)vlan;
	if (cni_json_get_bool(o, "preserveDefaultVlan", &c->preserve_default_vlan,
			      &ctx->err) < 0 ||
	    parse_trunk(ctx, cni_json_get(o, "vlanTrunk"), c) < 0)
		return -EINVAL;
	if (c->spoofchk && c->n_trunk)
		return UNSUPPORTED(ctx, "spoofchk cannot check the tagged frames of a VLAN trunk",
				   "%s", "\"spoofchk\" (on by default with \"icc\": false) together "
				   "with \"vlanTrunk\": set \"spoofchk\": false");
	if (c->is_gw && (c->vlan || c->n_trunk))
		return UNSUPPORTED(ctx, "a gateway on a VLAN is not supported yet",
				   "%s", "\"isGateway\" together with \"vlan\" or \"vlanTrunk\"");
ipam:
	if (ctx->conf.ipam && cni_json_get_str(ctx->conf.ipam, "type", &c->ipam_type,
					       &ctx->err) < 0)
		return -EINVAL;
	if (c->ipam_type && !c->ipam_type[0])
		c->ipam_type = NULL;
	/* no addresses to bind: the MAC is all there is */
	if (c->spoofchk && !c->ipam_type) {
		c->spoofchk = false;
		c->macspoofchk = true;
	}
	if (strict && c->ipam_type && c->disable_container_iface)
		return BAD(ctx, "%s", "cannot use IPAM when disableContainerInterface is set");
	return strict ? parse_mac(ctx, c) : 0;
}
