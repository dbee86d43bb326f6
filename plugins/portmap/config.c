// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "plugins/portmap/config.h"

/* portMappings[I][.KEY] WHAT */
static int bad(struct err *err, size_t i, const char *key, const char *what)
{
	return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid port mapping",
		       "portMappings[%zu]%s%s %s", i, *key ? "." : "", key, what);
}

static int get_port(json_t *v, const char *key, size_t i, uint16_t *out, struct err *err)
{
	json_t *p = cni_json_get(v, key);
	json_int_t n;

	if (!json_is_integer(p))
		return bad(err, i, key, "must be a port number (1-65535)");
	n = json_integer_value(p);
	if (n < 1 || n > 65535)
		return bad(err, i, key, "must be between 1 and 65535");
	*out = (uint16_t)n;
	return 0;
}

int pm_entry_parse(json_t *v, size_t i, struct pm_entry *e, struct err *err)
{
	json_t *proto, *hip;
	const char *s;

	memset(e, 0, sizeof(*e));
	if (!json_is_object(v))
		return bad(err, i, "", "must be an object");
	if (get_port(v, "hostPort", i, &e->host_port, err) < 0 ||
	    get_port(v, "containerPort", i, &e->cont_port, err) < 0)
		return -EINVAL;
	proto = cni_json_get(v, "protocol");
	s = json_string_value(proto);
	if (proto && !json_is_null(proto) && !s)
		return bad(err, i, "protocol", "must be a string");
	if (!s || !*s || !strcasecmp(s, "tcp"))
		e->proto = IPPROTO_TCP;
	else if (!strcasecmp(s, "udp"))
		e->proto = IPPROTO_UDP;
	else if (!strcasecmp(s, "sctp"))
		e->proto = IPPROTO_SCTP;
	else
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid port mapping",
			       "portMappings[%zu].protocol \"%s\": expected tcp, udp or sctp", i,
			       s);
	hip = cni_json_get(v, "hostIP");
	s = json_string_value(hip);
	if (hip && !json_is_null(hip) && !s)
		return bad(err, i, "hostIP", "must be a string");
	if (!s || !*s)
		return 0;
	if (ip_addr_parse(s, &e->host_ip) < 0)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid port mapping",
			       "portMappings[%zu].hostIP \"%s\" is not an IP address", i, s);
	if (!strcmp(s, "0.0.0.0") || !strcmp(s, "::")) {
		/* The unspecified address: every address of its family. */
		e->only_family = e->host_ip.family;
		e->host_ip.family = 0;
	}
	return 0;
}

static bool same_port(const struct pm_entry *a, const struct pm_entry *b)
{
	return a->proto == b->proto && a->host_port == b->host_port &&
	       a->host_ip.family == b->host_ip.family && a->only_family == b->only_family &&
	       (!a->host_ip.family || ip_addr_eq(&a->host_ip, &b->host_ip));
}

static int load_mappings(struct cni_ctx *ctx, bool strict, struct pm_config *c)
{
	json_t *arr = cni_json_get(ctx->conf.runtime_config, "portMappings"), *v;
	struct pm_entry e;
	size_t i, k;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return strict ? err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
					    "invalid port mapping",
					    "runtimeConfig.portMappings must be an array") : 0;
	if (json_array_size(arr) > PM_MAX_ENTRIES)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "too many port mappings",
			       "%zu port mappings, at most %d", json_array_size(arr),
			       PM_MAX_ENTRIES);
	c->has_runtime = true;
	json_array_foreach(arr, i, v) {
		if (pm_entry_parse(v, i, &e, &ctx->err) < 0) {
			if (!strict) {
				c->has_runtime = false;	/* DEL: find elements by container ID */
				err_clear(&ctx->err);
				return 0;
			}
			return -EINVAL;
		}
		for (k = 0; k < c->n_entries; k++) {
			if (!same_port(&c->entries[k], &e))
				continue;
			if (c->entries[k].cont_port == e.cont_port)
				break;	/* the same mapping twice: once is enough */
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
				       "invalid port mapping",
				       "portMappings[%zu] publishes host port %u again, to "
				       "container port %u (first to %u)", i, e.host_port,
				       e.cont_port, c->entries[k].cont_port);
		}
		if (k == c->n_entries)
			c->entries[c->n_entries++] = e;
	}
	return 0;
}

/* Keys of the reference that change nothing here are accepted; the others refused. */
static int load_options(struct cni_ctx *ctx, struct pm_config *c)
{
	json_t *root = ctx->conf.root;
	const char *chain = NULL, *keys[] = { "conditionsV4", "conditionsV6" };
	unsigned long long bit = 13;
	size_t i;

	c->snat = true;
	if (cni_json_get_bool(root, "snat", &c->snat, &ctx->err) < 0 ||
	    cni_json_get_uint(root, "markMasqBit", 31, &bit, &ctx->err) < 0 ||
	    cni_json_get_str(root, "externalSetMarkChain", &chain, &ctx->err) < 0)
		return -EINVAL;
	if (chain && *chain)
		return err_set(&ctx->err, -EINVAL, ERR_UNSUPPORTED_FIELD,
			       "externalSetMarkChain is not supported",
			       "externalSetMarkChain \"%s\": netctl's portmap masquerades by "
			       "connection state in table inet netctl and never jumps to an "
			       "iptables chain; leave the key out", chain);
	for (i = 0; i < 2; i++) {
		json_t *v = cni_json_get(root, keys[i]);

		if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)))
			continue;
		return err_set(&ctx->err, -EINVAL, ERR_UNSUPPORTED_FIELD,
			       "port mapping conditions are not supported",
			       "%s: netctl's portmap publishes ports through nftables maps "
			       "and cannot apply iptables match conditions; leave the key out "
			       "or empty", keys[i]);
	}
	return 0;
}

static void load_prev(struct cni_ctx *ctx, struct pm_config *c)
{
	const struct cni_result *p = ctx->prev;
	int i;

	if (!p)
		return;
	for (i = 0; i < p->n_interfaces; i++) {
		if (!p->interfaces[i].sandbox[0] && p->interfaces[i].name[0] &&
		    ifname_valid(p->interfaces[i].name)) {
			c->host_if = p->interfaces[i].name;
			break;
		}
	}
	for (i = 0; i < p->n_ips; i++) {
		const struct ip_prefix *a = &p->ips[i].address;

		if (a->addr.family == AF_INET && !c->cont4.addr.family)
			c->cont4 = *a;
		else if (a->addr.family == AF_INET6 && !c->cont6.addr.family)
			c->cont6 = *a;
	}
}

int pm_config_load(struct cni_ctx *ctx, bool strict, struct pm_config *c)
{
	memset(c, 0, sizeof(*c));
	if (load_options(ctx, c) < 0) {
		if (strict)
			return -EINVAL;
		err_clear(&ctx->err);
	}
	if (load_mappings(ctx, strict, c) < 0)
		return -EINVAL;
	load_prev(ctx, c);
	return 0;
}

size_t pm_config_maps(const struct pm_config *c, struct nft_pm_map *out, size_t max)
{
	const struct ip_prefix *cont[2] = { &c->cont4, &c->cont6 };
	size_t i, k, n = 0;

	for (i = 0; i < c->n_entries; i++) {
		const struct pm_entry *e = &c->entries[i];

		for (k = 0; k < 2 && n < max; k++) {
			int fam = cont[k]->addr.family;

			if (!fam || (e->host_ip.family && e->host_ip.family != fam) ||
			    (e->only_family && e->only_family != fam))
				continue;
			out[n++] = (struct nft_pm_map){ .host_ip = e->host_ip, .proto = e->proto,
							.host_port = e->host_port,
							.cont = cont[k]->addr,
							.cont_port = e->cont_port };
		}
	}
	return n;
}
