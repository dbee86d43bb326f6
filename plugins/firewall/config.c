// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "plugins/firewall/config.h"
#include "util/str.h"

#define DEFAULT_POLICY_DIR "/etc/netctl/policy.d"

static int load_ingress(struct cni_ctx *ctx, struct fw_config *c)
{
	const char *s = NULL;

	/* netctl keeps networks apart unless told "open" (the reference's default). */
	c->ingress = FW_INGRESS_SAME_BRIDGE;
	if (cni_json_get_str(ctx->conf.root, "ingressPolicy", &s, &ctx->err) < 0)
		return -EINVAL;
	if (!s || !*s || !strcmp(s, "same-bridge"))
		return 0;
	if (!strcmp(s, "open"))
		c->ingress = FW_INGRESS_OPEN;
	else if (!strcmp(s, "isolated"))
		c->ingress = FW_INGRESS_ISOLATED;
	else
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "unknown ingress policy",
			       "ingressPolicy \"%s\": expected \"open\", \"same-bridge\" or "
			       "\"isolated\"", s);
	return 0;
}

static int load_backend(struct cni_ctx *ctx, struct fw_config *c)
{
	json_t *root = ctx->conf.root;

	if (cni_json_get_str(root, "backend", &c->backend, &ctx->err) < 0 ||
	    cni_json_get_str(root, "iptablesAdminChainName", &c->admin_chain, &ctx->err) < 0 ||
	    cni_json_get_str(root, "firewalldZone", &c->zone, &ctx->err) < 0)
		return -EINVAL;
	if (!c->backend || !*c->backend || !strcmp(c->backend, "iptables") ||
	    !strcmp(c->backend, "nftables"))
		return 0;
	if (!strcmp(c->backend, "firewalld"))
		return err_set(&ctx->err, -EINVAL, ERR_UNSUPPORTED_FIELD,
			       "the firewalld backend is not supported",
			       "backend \"firewalld\": netctl's firewall plugin writes its own "
			       "nftables table (inet netctl); leave \"backend\" out or set "
			       "\"iptables\"");
	return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "unknown firewall backend",
		       "backend \"%s\": expected \"iptables\" or \"firewalld\"", c->backend);
}

/* The bridge is interfaces[0] (as the reference reads it); the host veth follows. */
static int load_prev(struct cni_ctx *ctx, bool need_prev, struct fw_config *c)
{
	const struct cni_result *p = ctx->prev;
	int i;

	if (!p) {
		if (need_prev)
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
				       "missing prevResult from earlier plugin",
				       "the firewall plugin must be chained after bridge");
		return 0;
	}
	if (p->n_interfaces > 0 && p->interfaces[0].name[0] && !p->interfaces[0].sandbox[0])
		c->bridge = p->interfaces[0].name;
	for (i = 1; i < p->n_interfaces; i++) {
		if (!p->interfaces[i].sandbox[0]) {
			c->host_veth = p->interfaces[i].name;
			break;
		}
	}
	if (need_prev && !c->bridge)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "prevResult has no bridge interface",
			       "interface needs to be set in prevResult: chain the "
			       "\"firewall\" plugin after \"bridge\"");
	for (i = 0; i < p->n_ips && c->n_addrs < FW_MAX_ADDRS; i++)
		c->addrs[c->n_addrs++] = p->ips[i].address.addr;
	return 0;
}

/* "hostAccess": what the containers may reach of the host itself (its input hook). */
static int load_host_access(struct cni_ctx *ctx, struct fw_config *c)
{
	const char *s = NULL;

	c->host = c->icc ? NFT_HOST_ALL : NFT_HOST_DNS;
	if (cni_json_get_str(ctx->conf.root, "hostAccess", &s, &ctx->err) < 0)
		return -EINVAL;
	if (!s || !*s || nft_host_access_parse(s, &c->host) == 0)
		return 0;
	return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "unknown host access",
		       "hostAccess \"%s\": expected \"all\", \"dns\" or \"none\"", s);
}

int fw_config_load(struct cni_ctx *ctx, bool need_prev, struct fw_config *c)
{
	json_t *root = ctx->conf.root;

	memset(c, 0, sizeof(*c));
	c->net = ctx->conf.name;
	c->icc = true;
	c->policy_dir = DEFAULT_POLICY_DIR;
	if (!name_is_safe(c->net, 64))
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "network name too long",
			       "the firewall plugin needs a network name of at most 64 "
			       "characters: \"%s\"", c->net);
	if (load_backend(ctx, c) < 0 || load_ingress(ctx, c) < 0)
		return -EINVAL;
	if (cni_json_get_bool(root, "icc", &c->icc, &ctx->err) < 0 ||
	    cni_json_get_bool(root, "internal", &c->internal, &ctx->err) < 0 ||
	    cni_json_get_str(root, "policyFile", &c->policy_file, &ctx->err) < 0 ||
	    cni_json_get_str(root, "policyDir", &c->policy_dir, &ctx->err) < 0)
		return -EINVAL;
	if (c->ingress == FW_INGRESS_ISOLATED)
		c->icc = false;
	if (load_host_access(ctx, c) < 0)
		return -EINVAL;
	c->name = cni_env_arg(&ctx->env, "K8S_POD_NAME");
	if (!c->name)
		c->name = cni_env_arg(&ctx->env, "name");
	return load_prev(ctx, need_prev, c);
}
