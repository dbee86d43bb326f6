// SPDX-License-Identifier: Apache-2.0
/*
 * ADD results in every version we speak. The versions differ only at the edges:
 * 0.3.x/0.4.0 tag each IP with "version": "4"|"6"; 1.0.0 drops the tag; 1.1.0 adds
 * interface mtu/socketPath/pciID and route mtu/advmss/priority/table/scope.
 *
 * Parsing follows libcni's Go types (pkg/types/{040,100}, pkg/types/types.go): unknown
 * keys are ignored, the route's 1.1.0 fields are read in any version (types.Route is
 * shared by every version), and a key of the wrong type is an error. Unlike Go we also
 * refuse what a plugin could not apply: bad addresses, a gateway of the other family,
 * an "interface" that indexes nothing, a "version" tag that contradicts the address.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"
#include "cni/json.h"
#include "util/str.h"

struct result_ctx {
	enum cni_version v;	/* the result's own version; CNI_V_UNKNOWN if it has none */
	struct err *err;
	char where[48];		/* "ips[3]": where in the result we are */
};

/*
 * bad() - record a decode error: @msg is the sentence, the details name the key at
 * fault and the value found there (JSON, cut short), e.g. `ips[1].address: "10.0.0.1"`.
 */
static int bad(struct result_ctx *c, const char *msg, const char *key, json_t *val)
{
	char *dump = val ? json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	int r;

	r = err_set(c->err, -EINVAL, ERR_DECODE, msg, "%s%s%s: %.200s%s", c->where,
		    c->where[0] && key[0] ? "." : "", key, dump ? dump : "(absent)",
		    dump && strlen(dump) > 200 ? "..." : "");
	free(dump);
	return r;
}

/* A string field that must fit @n bytes; absent or null leaves @dst empty. */
static int get_str(struct result_ctx *c, json_t *obj, const char *key, char *dst, size_t n)
{
	json_t *v = cni_json_get(obj, key);
	char msg[96];

	dst[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(c, "a key of the CNI result must be a string", key, v);
	if (str_copy(dst, n, json_string_value(v)) < 0) {
		dst[0] = '\0';
		snprintf(msg, sizeof(msg),
			 "a string in the CNI result is too long (at most %zu bytes)", n - 1);
		return bad(c, msg, key, v);
	}
	return 0;
}

/* A whole number 0..@max; absent or null is 0. 1500.0 is refused, as Go refuses it. */
static int get_uint(struct result_ctx *c, json_t *obj, const char *key, json_int_t max,
		    unsigned *out)
{
	json_t *v = cni_json_get(obj, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return bad(c, "a number in the CNI result is not a whole number in range", key, v);
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int get_array(struct result_ctx *c, json_t *obj, const char *key, size_t max,
		     json_t **out)
{
	json_t *v = cni_json_get(obj, key);
	char msg[96];

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(c, "a list in the CNI result is not a JSON array", key, v);
	if (json_array_size(v) > max) {
		json_t *count = json_sprintf("%zu entries", json_array_size(v));
		int r;

		snprintf(msg, sizeof(msg), "the CNI result has more than %zu \"%s\"", max, key);
		r = bad(c, msg, key, count);
		json_decref(count);
		return r;
	}
	*out = v;
	return 0;
}

static int parse_iface(struct result_ctx *c, json_t *o, struct cni_iface *i)
{
	if (!json_is_object(o))
		return bad(c, "an entry of \"interfaces\" is not a JSON object", "", o);
	if (get_str(c, o, "name", i->name, sizeof(i->name)) < 0 ||
	    get_str(c, o, "mac", i->mac, sizeof(i->mac)) < 0 ||
	    get_str(c, o, "sandbox", i->sandbox, sizeof(i->sandbox)) < 0 ||
	    get_str(c, o, "socketPath", i->socket_path, sizeof(i->socket_path)) < 0 ||
	    get_str(c, o, "pciID", i->pci_id, sizeof(i->pci_id)) < 0 ||
	    get_uint(c, o, "mtu", INT32_MAX, &i->mtu) < 0)
		return -EINVAL;
	if (!i->name[0])
		return bad(c, "an interface in the CNI result has no name", "name",
			   cni_json_get(o, "name"));
	return 0;
}

/* "address" must be CIDR (host bits kept), the gateway a plain address of its family. */
static int parse_ip(struct result_ctx *c, json_t *o, int n_ifaces, struct cni_ip *ip)
{
	char buf[IP_STR_MAX], ver[8];
	json_t *idx;

	if (!json_is_object(o))
		return bad(c, "an entry of \"ips\" is not a JSON object", "", o);
	if (get_str(c, o, "address", buf, sizeof(buf)) < 0)
		return -EINVAL;
	if (ip_prefix_parse(buf, &ip->address) < 0)
		return bad(c, "an IP address in the CNI result is not in CIDR notation", "address",
			   cni_json_get(o, "address"));
	if (get_str(c, o, "gateway", buf, sizeof(buf)) < 0)
		return -EINVAL;
	if (buf[0]) {
		if (ip_addr_parse(buf, &ip->gateway) < 0 ||
		    ip->gateway.family != ip->address.addr.family)
			return bad(c, "a gateway in the CNI result is not an address of its IP's "
				   "family", "gateway", cni_json_get(o, "gateway"));
		ip->has_gateway = true;
	}
	/* 1.0.0 dropped the tag: there it is an unknown key, ignored as Go ignores it. */
	if (c->v < CNI_V_1_0_0) {
		if (get_str(c, o, "version", ver, sizeof(ver)) < 0)
			return -EINVAL;
		if (ver[0] && strcmp(ver, ip->address.addr.family == AF_INET ? "4" : "6"))
			return bad(c, "an IP's \"version\" in the CNI result does not match its "
				   "address", "version", cni_json_get(o, "version"));
	}
	ip->interface = -1;
	idx = cni_json_get(o, "interface");
	if (idx && !json_is_null(idx)) {
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= n_ifaces)
			return bad(c, "an IP's \"interface\" in the CNI result is not an index "
				   "into \"interfaces\"", "interface", idx);
		ip->interface = (int)json_integer_value(idx);
	}
	return 0;
}

static int parse_route(struct result_ctx *c, json_t *o, struct cni_route *r)
{
	char buf[IP_STR_MAX];
	unsigned s;

	if (!json_is_object(o))
		return bad(c, "an entry of \"routes\" is not a JSON object", "", o);
	if (get_str(c, o, "dst", buf, sizeof(buf)) < 0)
		return -EINVAL;
	if (ip_prefix_parse(buf, &r->dst) < 0)
		return bad(c, "a route's destination in the CNI result is not in CIDR notation",
			   "dst", cni_json_get(o, "dst"));
	if (get_str(c, o, "gw", buf, sizeof(buf)) < 0)
		return -EINVAL;
	if (buf[0]) {
		if (ip_addr_parse(buf, &r->gw) < 0 || r->gw.family != r->dst.addr.family)
			return bad(c, "a route's gateway in the CNI result is not an address of "
				   "the route's family", "gw", cni_json_get(o, "gw"));
		r->has_gw = true;
	}
	if (get_uint(c, o, "mtu", INT32_MAX, &r->mtu) < 0 ||
	    get_uint(c, o, "advmss", INT32_MAX, &r->advmss) < 0 ||
	    get_uint(c, o, "priority", UINT32_MAX, &r->priority) < 0 ||
	    get_uint(c, o, "table", UINT32_MAX, &r->table) < 0 ||
	    get_uint(c, o, "scope", 255, &s) < 0)
		return -EINVAL;
	r->scope = cni_json_get(o, "scope") && !json_is_null(cni_json_get(o, "scope")) ?
		   (int)s : -1;
	return 0;
}

static int parse_strlist(struct result_ctx *c, json_t *o, const char *key,
			 char list[][CNI_DNS_STR], int *n)
{
	json_t *arr, *v;
	char k[32];
	size_t i;

	*n = 0;
	if (get_array(c, o, key, CNI_MAX_DNS, &arr) < 0)
		return -EINVAL;
	json_array_foreach(arr, i, v) {
		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (!json_is_string(v))
			return bad(c, "a DNS entry in the CNI result is not a string", k, v);
		if (str_copy(list[*n], CNI_DNS_STR, json_string_value(v)) < 0) {
			list[*n][0] = '\0';
			return bad(c, "a DNS entry in the CNI result is too long "
				   "(at most 255 bytes)", k, v);
		}
		(*n)++;
	}
	return 0;
}

static int parse_dns(struct result_ctx *c, json_t *o, struct cni_dns *d)
{
	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return bad(c, "\"dns\" in the CNI result is not a JSON object", "dns", o);
	strcpy(c->where, "dns");
	if (parse_strlist(c, o, "nameservers", d->nameservers, &d->n_nameservers) < 0 ||
	    parse_strlist(c, o, "search", d->search, &d->n_search) < 0 ||
	    parse_strlist(c, o, "options", d->options, &d->n_options) < 0)
		return -EINVAL;
	return get_str(c, o, "domain", d->domain, sizeof(d->domain));
}

/* The object's own "cniVersion" decides; absent (or "") means @v. */
static int result_version(struct result_ctx *c, json_t *obj)
{
	json_t *ver = cni_json_get(obj, "cniVersion");

	if (!ver || json_is_null(ver) || (json_is_string(ver) && !json_string_value(ver)[0]))
		return 0;
	if (!json_is_string(ver))
		return bad(c, "the CNI result's \"cniVersion\" is not a string", "cniVersion", ver);
	c->v = cni_version_parse(json_string_value(ver));
	if (c->v == CNI_V_UNKNOWN)
		return bad(c, "the CNI result's version is not one we support (0.3.0 to 1.1.0)",
			   "cniVersion", ver);
	return 0;
}

int cni_result_from_json(json_t *obj, enum cni_version v, struct cni_result *out,
			 struct err *err)
{
	struct result_ctx c = { .v = v, .err = err };
	json_t *ifs, *ips, *routes, *e;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return bad(&c, "the CNI result is not a JSON object", "result", obj);
	if (result_version(&c, obj) < 0 ||
	    get_array(&c, obj, "interfaces", CNI_MAX_IFACES, &ifs) < 0 ||
	    get_array(&c, obj, "ips", CNI_MAX_IPS, &ips) < 0 ||
	    get_array(&c, obj, "routes", CNI_MAX_ROUTES, &routes) < 0)
		goto fail;
	json_array_foreach(ifs, i, e) {
		snprintf(c.where, sizeof(c.where), "interfaces[%zu]", i);
		if (parse_iface(&c, e, &out->interfaces[out->n_interfaces++]) < 0)
			goto fail;
	}
	json_array_foreach(ips, i, e) {
		snprintf(c.where, sizeof(c.where), "ips[%zu]", i);
		if (parse_ip(&c, e, out->n_interfaces, &out->ips[out->n_ips++]) < 0)
			goto fail;
	}
	json_array_foreach(routes, i, e) {
		snprintf(c.where, sizeof(c.where), "routes[%zu]", i);
		if (parse_route(&c, e, &out->routes[out->n_routes++]) < 0)
			goto fail;
	}
	c.where[0] = '\0';
	if (parse_dns(&c, cni_json_get(obj, "dns"), &out->dns) < 0)
		goto fail;
	return 0;
fail:
	/* Leave no half-parsed value behind for a caller that ignores the error. */
	memset(out, 0, sizeof(*out));
	return -EINVAL;
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

	/* Go's convertIPConfigTo040 derives the tag from the address the same way. */
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

/*
 * An empty "dns" is printed the way each libcni era prints it, so what a plugin gets on
 * stdin from us is byte-identical to what the runtime would send: libcni 1.1 (podman 4,
 * Debian's plugins; CNI <= 1.0.0) always prints "dns": {}, libcni >= 1.2 (the one that
 * speaks 1.1.0) drops it (types/100 Result.MarshalJSON). NULL = leave it out.
 */
static json_t *dns_json(const struct cni_dns *d, enum cni_version v)
{
	json_t *o;

	if (!d->n_nameservers && !d->domain[0] && !d->n_search && !d->n_options)
		return v >= CNI_V_1_1_0 ? NULL : json_object();
	o = json_object();
	if (d->n_nameservers)
		json_object_set_new(o, "nameservers",
				    strlist_json(d->nameservers, d->n_nameservers));
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
	a = dns_json(&r->dns, v);
	if (a)
		json_object_set_new(o, "dns", a);
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
	if (!name || !name[0] || str_copy(i->name, sizeof(i->name), name) < 0 ||
	    str_copy(i->mac, sizeof(i->mac), mac ? mac : "") < 0 ||
	    str_copy(i->sandbox, sizeof(i->sandbox), sandbox ? sandbox : "") < 0) {
		memset(i, 0, sizeof(*i));
		return name && name[0] ? -ENAMETOOLONG : -EINVAL;
	}
	return r->n_interfaces++;
}
