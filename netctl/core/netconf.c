// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "netctl/core/netconf.h"
#include "util/hash.h"
#include "util/str.h"

/* rangeStart/rangeEnd of @r for the ip_range of @s inside subnet @p, if any. */
static void ip_range_conf(const struct net_spec *s, const struct ip_prefix *p, json_t *r)
{
	struct ip_addr start, end, lo = ip_addr_add(&p->addr, 1), hi = ip_prefix_last(p);
	char buf[IP_STR_MAX + 8];
	int i;

	if (p->addr.family == AF_INET)
		hi = ip_addr_add(&hi, -1);	/* not the broadcast address */
	for (i = 0; i < s->n_ip_ranges; i++) {
		const struct ip_prefix *ir = &s->ip_ranges[i];

		if (!ip_prefix_contains(p, &ir->addr))
			continue;
		start = ir->addr;
		end = ip_prefix_last(ir);
		if (ip_addr_cmp(&start, &lo) < 0)
			start = lo;
		if (ip_addr_cmp(&end, &hi) > 0)
			end = hi;
		ip_addr_format(&start, buf, sizeof(buf));
		json_object_set_new(r, "rangeStart", json_string(buf));
		ip_addr_format(&end, buf, sizeof(buf));
		json_object_set_new(r, "rangeEnd", json_string(buf));
		return;
	}
}

static json_t *ipam_conf(const struct net_spec *s)
{
	json_t *ranges = json_array(), *routes = json_array();
	char buf[IP_STR_MAX + 8];
	bool v4 = false, v6 = false;
	bool gw_used = !s->gateway.family;
	int i;

	for (i = 0; i < s->n_subnets && ranges && routes; i++) {
		const struct ip_prefix *p = &s->subnets[i];
		json_t *r;

		ip_prefix_format(p, buf, sizeof(buf));
		r = json_pack("{s:s}", "subnet", buf);
		if (r && s->gateway.family && ip_prefix_contains(p, &s->gateway)) {
			ip_addr_format(&s->gateway, buf, sizeof(buf));
			json_object_set_new(r, "gateway", json_string(buf));
			gw_used = true;
		}
		if (r)
			ip_range_conf(s, p, r);
		json_array_append_new(ranges, json_pack("[o]", r));
		v4 |= p->addr.family == AF_INET;
		v6 |= p->addr.family == AF_INET6;
	}
	if (v4 && !s->internal)
		json_array_append_new(routes, json_pack("{s:s}", "dst", "0.0.0.0/0"));
	if (v6 && !s->internal)
		json_array_append_new(routes, json_pack("{s:s}", "dst", "::/0"));
	if (!gw_used || !ranges || !routes) {
		json_decref(ranges);
		json_decref(routes);
		return NULL;
	}
	return json_pack("{s:s,s:o,s:o}", "type", "host-local", "ranges", ranges, "routes",
			 routes);
}

json_t *netconf_build(const struct net_spec *s)
{
	json_t *ipam = ipam_conf(s), *plugins, *bridge, *fw;

	if (!ipam)
		return NULL;
	bridge = json_pack("{s:s,s:s,s:b,s:b,s:b,s:{s:b},s:o}", "type", "bridge", "bridge",
			   s->bridge, "isGateway", 1, "ipMasq", s->masquerade && !s->internal,
			   "spoofchk", !s->no_spoofchk, "capabilities", "ips", 1, "ipam", ipam);
	if (bridge && s->mtu)
		json_object_set_new(bridge, "mtu", json_integer(s->mtu));
	/* the bridge too: it answers NDP for isolated peers, as the host routes them */
	if (bridge && !s->icc)
		json_object_set_new(bridge, "icc", json_false());
	if (bridge && s->routed)
		json_object_set_new(bridge, "gatewayMode", json_string("routed"));
	fw = json_pack("{s:s,s:b}", "type", "firewall", "icc", s->icc);
	if (fw && s->internal)
		json_object_set_new(fw, "internal", json_true());
	if (fw && s->policy_dir)
		json_object_set_new(fw, "policyDir", json_string(s->policy_dir));
	if (fw && s->host_access)
		json_object_set_new(fw, "hostAccess", json_string(s->host_access));
	plugins = json_pack("[o,o]", bridge, fw);
	if (plugins && s->portmap && !s->internal)
		json_array_append_new(plugins, json_pack("{s:s,s:{s:b}}", "type", "portmap",
							 "capabilities", "portMappings", 1));
	if (plugins && s->bandwidth)
		json_array_append_new(plugins, json_pack("{s:s,s:{s:b}}", "type", "bandwidth",
							 "capabilities", "bandwidth", 1));
	if (plugins && s->dns)
		json_array_append_new(plugins, json_pack("{s:s,s:s,s:{s:b}}", "type", "dnsname",
							 "domainName", NETCONF_DNS_DOMAIN,
							 "capabilities", "aliases", 1));
	if (!plugins)
		return NULL;
	return json_pack("{s:s,s:[s,s],s:s,s:o}", "cniVersion", "1.0.0", "cniVersions", "1.0.0",
			 "1.1.0", "name", s->name, "plugins", plugins);
}

static void add_subnet(struct net_info *out, const char *s)
{
	struct ip_prefix p;

	if (s && out->n_subnets < NETCONF_MAX_SUBNETS && ip_prefix_parse(s, &p) == 0)
		out->subnets[out->n_subnets++] = ip_prefix_network(&p);
}

static void bridge_info(const struct conflist *cl, json_t *conf, struct net_info *out)
{
	json_t *ipam = cni_json_get(conf, "ipam"), *set, *range;
	const char *br = json_string_value(cni_json_get(conf, "bridge"));
	const char *dir = json_string_value(cni_json_get(ipam, "dataDir"));
	size_t i, j;

	snprintf(out->bridge, sizeof(out->bridge), "%s", br ? br : "cni0");
	out->masquerade = json_is_true(cni_json_get(conf, "ipMasq"));
	out->routed = json_is_string(cni_json_get(conf, "gatewayMode")) &&
		      !strcmp(json_string_value(cni_json_get(conf, "gatewayMode")), "routed");
	out->mtu = (unsigned)json_integer_value(cni_json_get(conf, "mtu"));
	json_array_foreach(cni_json_get(ipam, "ranges"), i, set)
		json_array_foreach(set, j, range)
			add_subnet(out, json_string_value(cni_json_get(range, "subnet")));
	add_subnet(out, json_string_value(cni_json_get(ipam, "subnet")));
	snprintf(out->store, sizeof(out->store), "%s/%s", dir && dir[0] ? dir
					: NETCONF_DEFAULT_STORE, cl->name);
}

void netconf_info(const struct conflist *cl, struct net_info *out)
{
	int i;

	const char *host = NULL;

	memset(out, 0, sizeof(*out));
	out->icc = true;
	for (i = 0; i < cl->n_plugins; i++) {
		json_t *conf = cl->plugins[i].conf;
		const char *ingress = json_string_value(cni_json_get(conf, "ingressPolicy"));

		if (!strcmp(cl->plugins[i].type, "bridge") && !out->bridge[0])
			bridge_info(cl, conf, out);
		if (strcmp(cl->plugins[i].type, "firewall"))
			continue;
		out->firewall = true;
		if (json_is_false(cni_json_get(conf, "icc")) ||
		    (ingress && !strcmp(ingress, "isolated")))
			out->icc = false;
		host = json_string_value(json_object_get(conf, "hostAccess"));
	}
	/* As the firewall plugin reads it: all for icc on, dns for icc off. */
	snprintf(out->host_access, sizeof(out->host_access), "%s", host && *host ? host :
		 out->firewall ? (out->icc ? "all" : "dns") : "all");
}

int netconf_pick_subnet(const struct ip_prefix *pool, unsigned size,
			const struct ip_prefix *used, int n_used, struct ip_prefix *out)
{
	unsigned bits = pool->addr.family == AF_INET ? 32 : 128;
	struct ip_prefix p = ip_prefix_network(pool);
	uint64_t count, k;
	int i;

	if (size < pool->len || size > bits || size - pool->len > 20)
		return -EINVAL;
	count = 1ULL << (size - pool->len);
	p.len = size;
	for (k = 0; k < count; k++) {
		for (i = 0; i < n_used; i++)
			if (ip_prefix_overlaps(&p, &used[i]))
				break;
		if (i == n_used) {
			*out = p;
			return 0;
		}
		/* next block: add 2^(bits-size) to the address */
		p.addr = ip_prefix_last(&p);
		p.addr = ip_addr_add(&p.addr, 1);
	}
	return -ENOSPC;
}

void netconf_default_bridge(const char *net, char out[IFNAMSIZ])
{
	if (strlen(net) + 5 < IFNAMSIZ)
		snprintf(out, IFNAMSIZ, "nctl-%s", net);
	else
		snprintf(out, IFNAMSIZ, "nctl-%08" PRIx32,
			 (uint32_t)hash64(HASH64_INIT, net, strlen(net)));
}
