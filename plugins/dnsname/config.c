// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "plugins/dnsname/config.h"
#include "util/str.h"

int dn_paths_init(struct dn_paths *p, const char *rundir, const char *net)
{
	if (str_printf(p->dir, sizeof(p->dir), "%s/%s", rundir, net) < 0 ||
	    str_printf(p->conf, sizeof(p->conf), "%s/dnsmasq.conf", p->dir) < 0 ||
	    str_printf(p->hosts, sizeof(p->hosts), "%s/hosts", p->dir) < 0 ||
	    str_printf(p->pid, sizeof(p->pid), "%s/pid", p->dir) < 0)
		return -ENAMETOOLONG;
	return 0;
}

static int add_name(struct cni_ctx *ctx, struct dn_config *c, const char *what,
		    const char *name)
{
	int i;

	if (!dns_name_valid(name))
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid container name",
			       "%s \"%.300s\" is not a host name: letters, digits, '-' and '_' "
			       "in labels of 1-63 separated by single dots, 253 at most", what,
			       name);
	for (i = 0; i < c->n_names; i++)
		if (!strcmp(c->names[i], name))
			return 0;
	if (c->n_names == DN_MAX_NAMES)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "too many aliases",
			       "at most %d names per container", DN_MAX_NAMES);
	c->names[c->n_names++] = name;
	return 0;
}

/* runtimeConfig.aliases: {"<network>": ["alias", ...]}, as podman's CNI backend sends it. */
static int load_aliases(struct cni_ctx *ctx, struct dn_config *c)
{
	json_t *all = cni_json_get(ctx->conf.runtime_config, "aliases"), *list, *e;
	size_t i;

	if (!all || json_is_null(all))
		return 0;
	if (!json_is_object(all))
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid aliases",
			       "runtimeConfig.aliases must be an object of network name to "
			       "a list of names");
	list = json_object_get(all, c->net);
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid aliases",
			       "runtimeConfig.aliases.%s must be a list of names", c->net);
	json_array_foreach(list, i, e) {
		if (!json_is_string(e))
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid aliases",
				       "runtimeConfig.aliases.%s[%zu] is not a string", c->net, i);
		if (add_name(ctx, c, "alias", json_string_value(e)) < 0)
			return -EINVAL;
	}
	return 0;
}

static int load_names(struct cni_ctx *ctx, struct dn_config *c)
{
	const char *name = cni_env_arg(&ctx->env, "K8S_POD_NAME");
	const char *id = ctx->env.container_id;

	if (!name || !name[0])
		name = cni_env_arg(&ctx->env, "name");
	if (name && name[0] && add_name(ctx, c, "the name", name) < 0)
		return -EINVAL;
	if (load_aliases(ctx, c) < 0)
		return -EINVAL;
	/*
	 * The short ID, as Docker and podman resolve it: only of their hex IDs (others,
	 * such as netctl's "netctl-<hex>", share their first 12 characters).
	 */
	if (id && strlen(id) >= DN_SHORT_ID && strspn(id, "0123456789abcdef") >= DN_SHORT_ID) {
		memcpy(c->short_id, id, DN_SHORT_ID);
		c->short_id[DN_SHORT_ID] = '\0';
		if (add_name(ctx, c, "the short ID", c->short_id) < 0)
			return -EINVAL;
	}
	return 0;
}

static void add_unique(struct ip_addr *v, int *n, const struct ip_addr *a)
{
	int i;

	for (i = 0; i < *n; i++)
		if (ip_addr_eq(&v[i], a))
			return;
	if (*n < DN_MAX_ADDRS)
		v[(*n)++] = *a;
}

/* The container's addresses (those on an interface in a sandbox) and their gateways. */
static int load_addrs(struct cni_ctx *ctx, struct dn_config *c)
{
	const struct cni_result *p = ctx->prev;
	int i;

	if (!p)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "dnsname needs a prevResult",
			       "the dnsname plugin is chained after bridge (or another "
			       "plugin that gives the container its addresses)");
	for (i = 0; i < p->n_ips; i++) {
		const struct cni_ip *ip = &p->ips[i];

		if (ip->interface >= 0 && ip->interface < p->n_interfaces &&
		    !p->interfaces[ip->interface].sandbox[0])
			continue;
		add_unique(c->addrs, &c->n_addrs, &ip->address.addr);
		if (ip->has_gateway)
			add_unique(c->gateways, &c->n_gateways, &ip->gateway);
	}
	if (!c->n_addrs)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "dnsname needs the container's address",
			       "prevResult has no address of the container: chain dnsname "
			       "after a bridge (or another plugin that gives it addresses)");
	/*
	 * No gateway (an internal network: podman's --internal sets isGateway false): no
	 * address to serve on, so no server, as with the reference, whose dnsmasq then
	 * listens nowhere; the container starts, without names.
	 */
	c->no_server = !c->n_gateways;
	/* the bridge: a chained bridge plugin's result lists it first, on the host */
	if (p->n_interfaces && !p->interfaces[0].sandbox[0] &&
	    ifname_valid(p->interfaces[0].name))
		snprintf(c->bridge, sizeof(c->bridge), "%s", p->interfaces[0].name);
	return 0;
}

/*
 * dnsmasq re-reads the hosts file as its unprivileged user: every existing directory
 * on the way to runDir must let others through (a 0700 one would leave it nameless).
 */
static int searchable(struct cni_ctx *ctx, const char *rundir)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	str_copy(path, sizeof(path), rundir);
	for (slash = path; slash; slash = strchr(slash + 1, '/')) {
		char keep = slash[1];

		slash[1] = '\0';
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && !(st.st_mode & S_IXOTH))
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid runDir",
				       "%s is not searchable by others (mode %04o): the DNS "
				       "server, an unprivileged user, could not read its hosts "
				       "file under runDir %s", path, st.st_mode & 07777, rundir);
		slash[1] = keep;
	}
	return 0;
}

static int load_keys(struct cni_ctx *ctx, struct dn_config *c)
{
	json_t *root = ctx->conf.root;
	const char *rundir = NULL;

	c->domain = DN_DEFAULT_DOMAIN;
	c->resolv_conf = DN_DEFAULT_RESOLV;
	if (cni_json_get_str(root, "domainName", &c->domain, &ctx->err) < 0 ||
	    cni_json_get_str(root, "resolvConf", &c->resolv_conf, &ctx->err) < 0 ||
	    cni_json_get_str(root, "runDir", &rundir, &ctx->err) < 0)
		return -EINVAL;
	if (!c->domain[0])
		c->domain = DN_DEFAULT_DOMAIN;
	if (!dns_domain_valid(c->domain))
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid domainName",
			       "\"%.300s\" is not a domain name (\"dns.podman\")", c->domain);
	if (!rundir || !rundir[0])
		rundir = DN_DEFAULT_RUNDIR;
	if (rundir[0] != '/' || dn_paths_init(&c->paths, rundir, c->net) < 0)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid runDir",
			       "runDir must be an absolute path of at most %d bytes: \"%.300s\"",
			       PATH_MAX - 64, rundir);
	return searchable(ctx, rundir);
}

int dn_config_load(struct cni_ctx *ctx, bool need_prev, struct dn_config *c)
{
	memset(c, 0, sizeof(*c));
	c->net = ctx->conf.name;
	if (load_keys(ctx, c) < 0)
		return -EINVAL;
	if (!need_prev)
		return 0;
	if (load_names(ctx, c) < 0 || load_addrs(ctx, c) < 0)
		return -EINVAL;
	return 0;
}
