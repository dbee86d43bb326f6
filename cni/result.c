// SPDX-License-Identifier: Apache-2.0
/*
 * ADD results in every version we speak. The versions differ only at the edges:
 * 0.3.x/0.4.0 tag each IP with "version": "4"|"6"; 1.0.0 drops the tag; 1.1.0 adds
 * interface mtu/socketPath/pciID and route mtu/advmss/priority/table/scope.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"
#include "util/str.h"

struct result_ctx {
	enum cni_version v;
	struct cni_err *err;
};

static int __attribute__((format(printf, 3, 4)))
bad(struct result_ctx *c, const char *what, const char *fmt, ...)
{
	char d[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d, sizeof(d), fmt, ap);
	va_end(ap);
	return cni_err_set(c->err, CNI_ERR_DECODE, what, "%s", d);
}

#define BAD(c, ...) bad(c, "the CNI result is not valid", __VA_ARGS__)

/* A string field that must fit @n bytes; absent or null leaves @dst empty. */
static int get_str(struct result_ctx *c, json_t *obj, const char *key, char *dst, size_t n)
{
	json_t *v = json_object_get(obj, key);

	dst[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return BAD(c, "\"%s\" must be a string", key);
	if (str_copy(dst, n, json_string_value(v)) < 0)
		return BAD(c, "\"%s\" is too long", key);
	return 0;
}

static int get_uint(struct result_ctx *c, json_t *obj, const char *key, unsigned max,
		    unsigned *out)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)max)
		return BAD(c, "\"%s\" must be a whole number in range", key);
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int get_array(struct result_ctx *c, json_t *obj, const char *key, size_t max,
		     json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return BAD(c, "\"%s\" must be an array", key);
	if (json_array_size(v) > max)
		return BAD(c, "\"%s\" has too many entries", key);
	*out = v;
	return 0;
}

static int parse_iface(struct result_ctx *c, json_t *o, struct cni_iface *i)
{
	if (!json_is_object(o))
		return BAD(c, "%s", "each of \"interfaces\" must be an object");
	if (get_str(c, o, "name", i->name, sizeof(i->name)) < 0 ||
	    get_str(c, o, "mac", i->mac, sizeof(i->mac)) < 0 ||
	    get_str(c, o, "sandbox", i->sandbox, sizeof(i->sandbox)) < 0 ||
	    get_str(c, o, "socketPath", i->socket_path, sizeof(i->socket_path)) < 0 ||
	    get_str(c, o, "pciID", i->pci_id, sizeof(i->pci_id)) < 0 ||
	    get_uint(c, o, "mtu", 65535 * 4, &i->mtu) < 0)
		return -EINVAL;
	if (!i->name[0])
		return BAD(c, "%s", "an interface has no \"name\"");
	return 0;
}

static int parse_ip(struct result_ctx *c, json_t *o, int n_ifaces, struct cni_ip *ip)
{
	char buf[IP_STR_MAX], ver[8];
	json_t *idx;

	if (!json_is_object(o))
		return BAD(c, "%s", "each of \"ips\" must be an object");
	if (get_str(c, o, "address", buf, sizeof(buf)) < 0 ||
	    ip_prefix_parse(buf, &ip->address) < 0)
		return BAD(c, "\"address\" \"%s\" is not an address in CIDR notation", buf);
	if (get_str(c, o, "gateway", buf, sizeof(buf)) < 0)
		return -EINVAL;
	if (buf[0]) {
		if (ip_addr_parse(buf, &ip->gateway) < 0 ||
		    ip->gateway.family != ip->address.addr.family)
			return BAD(c, "\"gateway\" \"%s\" is not an address of the IP's family", buf);
		ip->has_gateway = true;
	}
	if (get_str(c, o, "version", ver, sizeof(ver)) < 0)
		return -EINVAL;
	if (ver[0] && strcmp(ver, ip->address.addr.family == AF_INET ? "4" : "6") != 0)
		return BAD(c, "\"version\" \"%s\" does not match the address", ver);
	ip->interface = -1;
	idx = json_object_get(o, "interface");
	if (idx && !json_is_null(idx)) {
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= n_ifaces)
			return BAD(c, "%s", "\"interface\" is not an index into \"interfaces\"");
		ip->interface = (int)json_integer_value(idx);
	}
	return 0;
}

static int parse_route(struct result_ctx *c, json_t *o, struct cni_route *r)
{
	char buf[IP_STR_MAX];
	json_t *scope;

	if (!json_is_object(o))
		return BAD(c, "%s", "each of \"routes\" must be an object");
	if (get_str(c, o, "dst", buf, sizeof(buf)) < 0 || ip_prefix_parse(buf, &r->dst) < 0)
		return BAD(c, "route \"dst\" \"%s\" is not a CIDR", buf);
	if (get_str(c, o, "gw", buf, sizeof(buf)) < 0)
		return -EINVAL;
	if (buf[0]) {
		if (ip_addr_parse(buf, &r->gw) < 0 || r->gw.family != r->dst.addr.family)
			return BAD(c, "route \"gw\" \"%s\" is not an address of the route's family",
				   buf);
		r->has_gw = true;
	}
	if (get_uint(c, o, "mtu", 1 << 20, &r->mtu) < 0 ||
	    get_uint(c, o, "advmss", 1 << 20, &r->advmss) < 0 ||
	    get_uint(c, o, "priority", 0xffffffffu, &r->priority) < 0 ||
	    get_uint(c, o, "table", 0xffffffffu, &r->table) < 0)
		return -EINVAL;
	r->scope = -1;
	scope = json_object_get(o, "scope");
	if (scope && !json_is_null(scope)) {
		unsigned s;

		if (get_uint(c, o, "scope", 255, &s) < 0)
			return -EINVAL;
		r->scope = (int)s;
	}
	return 0;
}

static int parse_strlist(struct result_ctx *c, json_t *o, const char *key,
			 char list[][CNI_DNS_STR], int *n)
{
	json_t *arr, *v;
	size_t i;

	*n = 0;
	if (get_array(c, o, key, CNI_MAX_DNS, &arr) < 0)
		return -EINVAL;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || str_copy(list[*n], CNI_DNS_STR, json_string_value(v)) < 0)
			return BAD(c, "dns \"%s\" must hold short strings", key);
		(*n)++;
	}
	return 0;
}

static int parse_dns(struct result_ctx *c, json_t *o, struct cni_dns *d)
{
	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return BAD(c, "%s", "\"dns\" must be an object");
	if (parse_strlist(c, o, "nameservers", d->nameservers, &d->n_nameservers) < 0 ||
	    parse_strlist(c, o, "search", d->search, &d->n_search) < 0 ||
	    parse_strlist(c, o, "options", d->options, &d->n_options) < 0)
		return -EINVAL;
	return get_str(c, o, "domain", d->domain, sizeof(d->domain));
}

int cni_result_from_json(json_t *obj, enum cni_version v, struct cni_result *out,
			 struct cni_err *err)
{
	struct result_ctx c = { .v = v, .err = err };
	json_t *ifs, *ips, *routes, *e, *ver;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return BAD(&c, "%s", "the result must be a JSON object");
	ver = json_object_get(obj, "cniVersion");
	if (json_is_string(ver) && cni_version_parse(json_string_value(ver)) != CNI_V_UNKNOWN)
		c.v = cni_version_parse(json_string_value(ver));
	else if (json_is_string(ver))
		return bad(&c, "the CNI result's version is not supported", "cniVersion \"%s\"",
			   json_string_value(ver));
	if (get_array(&c, obj, "interfaces", CNI_MAX_IFACES, &ifs) < 0 ||
	    get_array(&c, obj, "ips", CNI_MAX_IPS, &ips) < 0 ||
	    get_array(&c, obj, "routes", CNI_MAX_ROUTES, &routes) < 0)
		return -EINVAL;
	json_array_foreach(ifs, i, e)
		if (parse_iface(&c, e, &out->interfaces[out->n_interfaces++]) < 0)
			return -EINVAL;
	json_array_foreach(ips, i, e)
		if (parse_ip(&c, e, out->n_interfaces, &out->ips[out->n_ips++]) < 0)
			return -EINVAL;
	json_array_foreach(routes, i, e)
		if (parse_route(&c, e, &out->routes[out->n_routes++]) < 0)
			return -EINVAL;
	return parse_dns(&c, json_object_get(obj, "dns"), &out->dns);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v[0])
		json_object_set_new(o, key, json_string(v));
}

static void set_uint(json_t *o, const char *key, unsigned v)
{
	if (v)
		json_object_set_new(o, key, json_integer(v));
}

static json_t *iface_json(const struct cni_iface *i, enum cni_version v)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(i->name));
	set_str(o, "mac", i->mac);
	set_str(o, "sandbox", i->sandbox);
	if (v >= CNI_V_1_1_0) {
		set_uint(o, "mtu", i->mtu);
		set_str(o, "socketPath", i->socket_path);
		set_str(o, "pciID", i->pci_id);
	}
	return o;
}

static json_t *ip_json(const struct cni_ip *ip, enum cni_version v)
{
	json_t *o = json_object();
	char buf[IP_STR_MAX];

	if (v < CNI_V_1_0_0)
		json_object_set_new(o, "version",
				    json_string(ip->address.addr.family == AF_INET ? "4" : "6"));
	if (ip->interface >= 0)
		json_object_set_new(o, "interface", json_integer(ip->interface));
	ip_prefix_format(&ip->address, buf, sizeof(buf));
	json_object_set_new(o, "address", json_string(buf));
	if (ip->has_gateway) {
		ip_addr_format(&ip->gateway, buf, sizeof(buf));
		json_object_set_new(o, "gateway", json_string(buf));
	}
	return o;
}

static json_t *route_json(const struct cni_route *r, enum cni_version v)
{
	json_t *o = json_object();
	char buf[IP_STR_MAX];

	ip_prefix_format(&r->dst, buf, sizeof(buf));
	json_object_set_new(o, "dst", json_string(buf));
	if (r->has_gw) {
		ip_addr_format(&r->gw, buf, sizeof(buf));
		json_object_set_new(o, "gw", json_string(buf));
	}
	if (v >= CNI_V_1_1_0) {
		set_uint(o, "mtu", r->mtu);
		set_uint(o, "advmss", r->advmss);
		set_uint(o, "priority", r->priority);
		set_uint(o, "table", r->table);
		if (r->scope >= 0)
			json_object_set_new(o, "scope", json_integer(r->scope));
	}
	return o;
}

static json_t *strlist_json(const char list[][CNI_DNS_STR], int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

static json_t *dns_json(const struct cni_dns *d)
{
	json_t *o = json_object();

	if (d->n_nameservers)
		json_object_set_new(o, "nameservers", strlist_json(d->nameservers, d->n_nameservers));
	set_str(o, "domain", d->domain);
	if (d->n_search)
		json_object_set_new(o, "search", strlist_json(d->search, d->n_search));
	if (d->n_options)
		json_object_set_new(o, "options", strlist_json(d->options, d->n_options));
	return o;
}

json_t *cni_result_to_json(const struct cni_result *r, enum cni_version v)
{
	json_t *o = json_object(), *a;
	int i;

	json_object_set_new(o, "cniVersion", json_string(cni_version_str(v)));
	if (r->n_interfaces) {
		a = json_array();
		for (i = 0; i < r->n_interfaces; i++)
			json_array_append_new(a, iface_json(&r->interfaces[i], v));
		json_object_set_new(o, "interfaces", a);
	}
	if (r->n_ips) {
		a = json_array();
		for (i = 0; i < r->n_ips; i++)
			json_array_append_new(a, ip_json(&r->ips[i], v));
		json_object_set_new(o, "ips", a);
	}
	if (r->n_routes) {
		a = json_array();
		for (i = 0; i < r->n_routes; i++)
			json_array_append_new(a, route_json(&r->routes[i], v));
		json_object_set_new(o, "routes", a);
	}
	/* libcni's Go types always print "dns": {} — a parser must accept it, so do we. */
	json_object_set_new(o, "dns", dns_json(&r->dns));
	return o;
}

struct cni_result *cni_result_new(void)
{
	return calloc(1, sizeof(struct cni_result));
}

int cni_result_add_iface(struct cni_result *r, const char *name, const char *mac,
			 const char *sandbox)
{
	struct cni_iface *i;

	if (r->n_interfaces >= CNI_MAX_IFACES)
		return -ENOSPC;
	i = &r->interfaces[r->n_interfaces];
	memset(i, 0, sizeof(*i));
	if (str_copy(i->name, sizeof(i->name), name) < 0 ||
	    str_copy(i->mac, sizeof(i->mac), mac ? mac : "") < 0 ||
	    str_copy(i->sandbox, sizeof(i->sandbox), sandbox ? sandbox : "") < 0)
		return -ENAMETOOLONG;
	return r->n_interfaces++;
}
