// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plugins/host-local/config.h"
#include "util/str.h"

#define bad_config(err, ...) \
	err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid IPAM configuration", __VA_ARGS__)

/* An optional address: absent, null or "" leave @out unset (as Go's net.IP does). */
static int get_addr(json_t *obj, const char *key, const char *where, struct ip_addr *out,
		    struct err *err)
{
	json_t *v = cni_json_get(obj, key);

	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0]))
		return 0;
	if (!json_is_string(v) || ip_addr_parse(json_string_value(v), out) < 0)
		return bad_config(err, "%s.%s must be an IP address", where, key);
	return 0;
}

static int parse_range(json_t *o, const char *where, struct ipam_range *r, struct err *err)
{
	json_t *sub = cni_json_get(o, "subnet");

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o))
		return bad_config(err, "%s must be an object", where);
	if (!json_is_string(sub) || ip_prefix_parse(json_string_value(sub), &r->subnet) < 0)
		return bad_config(err, "%s.subnet must be a CIDR such as \"10.22.0.0/16\"", where);
	if (get_addr(o, "rangeStart", where, &r->start, err) < 0 ||
	    get_addr(o, "rangeEnd", where, &r->end, err) < 0 ||
	    get_addr(o, "gateway", where, &r->gateway, err) < 0)
		return -EINVAL;
	return 0;
}

static int add_set(struct hl_config *c, const char *where, struct err *err)
{
	if (c->n_sets >= IPAM_MAX_SETS)
		return bad_config(err, "%s: at most %d range sets are supported", where,
				  IPAM_MAX_SETS);
	memset(&c->sets[c->n_sets], 0, sizeof(c->sets[0]));
	return c->n_sets++;
}

/* "ranges" and runtimeConfig "ipRanges": an array of range sets, each an array. */
static int parse_range_sets(json_t *arr, const char *key, struct hl_config *c,
			    struct err *err)
{
	char where[96];
	size_t i, j;
	json_t *set, *o;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return bad_config(err, "%s must be an array of range sets", key);
	json_array_foreach(arr, i, set) {
		struct ipam_range_set *s;
		int k;

		snprintf(where, sizeof(where), "%s[%zu]", key, i);
		if (!json_is_array(set) || json_array_size(set) == 0)
			return bad_config(err, "%s must be a non-empty array of ranges", where);
		if (json_array_size(set) > IPAM_MAX_RANGES)
			return bad_config(err, "%s: at most %d ranges in a set", where,
					  IPAM_MAX_RANGES);
		k = add_set(c, where, err);
		if (k < 0)
			return k;
		s = &c->sets[k];
		json_array_foreach(set, j, o) {
			snprintf(where, sizeof(where), "%s[%zu][%zu]", key, i, j);
			if (parse_range(o, where, &s->ranges[s->n++], err) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

/* A route's optional 32-bit number @key into *@out (0 when absent). */
static int get_u32(json_t *o, const char *key, unsigned *out, struct err *err)
{
	unsigned long long u = 0;

	if (cni_json_get_uint(o, key, UINT32_MAX, &u, err) < 0)
		return -EINVAL;
	*out = (unsigned)u;
	return 0;
}

static int parse_routes(json_t *ipam, struct hl_config *c, struct err *err)
{
	json_t *arr = cni_json_get(ipam, "routes"), *o;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return bad_config(err, "ipam.routes must be an array");
	if (json_array_size(arr) > CNI_MAX_ROUTES)
		return bad_config(err, "ipam.routes: at most %d routes", CNI_MAX_ROUTES);
	json_array_foreach(arr, i, o) {
		struct cni_route *rt = &c->routes[c->n_routes];
		json_t *dst = cni_json_get(o, "dst");
		json_int_t scope;

		memset(rt, 0, sizeof(*rt));
		rt->scope = -1;
		if (!json_is_string(dst) || ip_prefix_parse(json_string_value(dst), &rt->dst) < 0)
			return bad_config(err, "ipam.routes[%zu].dst must be a CIDR", i);
		if (get_addr(o, "gw", "ipam.routes[]", &rt->gw, err) < 0)
			return -EINVAL;
		rt->has_gw = rt->gw.family != 0;
		if (rt->has_gw && rt->gw.family != rt->dst.addr.family)
			return bad_config(err, "ipam.routes[%zu]: gw and dst are of different "
					  "families", i);
		if (get_u32(o, "mtu", &rt->mtu, err) < 0 ||
		    get_u32(o, "advmss", &rt->advmss, err) < 0 ||
		    get_u32(o, "priority", &rt->priority, err) < 0 ||
		    get_u32(o, "table", &rt->table, err) < 0)
			return -EINVAL;
		if (json_is_integer(cni_json_get(o, "scope"))) {
			scope = json_integer_value(cni_json_get(o, "scope"));
			if (scope < 0 || scope > 255)
				return bad_config(err, "ipam.routes[%zu].scope must be 0-255", i);
			rt->scope = (int)scope;
		}
		c->n_routes++;
	}
	return 0;
}

static int validate_sets(struct hl_config *c, struct err *err)
{
	int i, j;

	if (c->n_sets == 0)
		return bad_config(err, "no IP ranges specified: set ipam.subnet or ipam.ranges");
	for (i = 0; i < c->n_sets; i++) {
		if (ipam_range_set_init(&c->sets[i], err) < 0) {
			/* Keep the range's own words, say which set. */
			size_t l = strlen(err->details);

			snprintf(err->details + l, sizeof(err->details) - l, " (range set %d)", i);
			return -EINVAL;
		}
	}
	for (i = 0; i < c->n_sets; i++)
		for (j = i + 1; j < c->n_sets; j++)
			if (ipam_range_set_overlaps(&c->sets[i], &c->sets[j]))
				return bad_config(err, "range set %d overlaps with range set %d",
						  i, j);
	return 0;
}

/* One requested address: "10.0.0.5" or "10.0.0.5/24" (the length is ignored). */
static int parse_request(const char *s, struct ip_addr *out)
{
	struct ip_prefix p;

	if (strchr(s, '/')) {
		if (ip_prefix_parse(s, &p) < 0)
			return -EINVAL;
		*out = p.addr;
	} else if (ip_addr_parse(s, out) < 0) {
		return -EINVAL;
	}
	/* Go canonicalises ::ffff:a.b.c.d to IPv4; so do we. */
	if (out->family == AF_INET6 && !memcmp(out->b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memmove(out->b, out->b + 12, 4);
		memset(out->b + 4, 0, 12);
		out->family = AF_INET;
	}
	return 0;
}

struct requests {
	struct ip_addr a[HL_MAX_REQUESTED];
	int n;
};

static int add_request(struct requests *rq, const char *s, const char *src, int code,
		       struct err *err)
{
	struct ip_addr a;
	int i;

	if (parse_request(s, &a) < 0)
		return err_set(err, -EINVAL, code, "a requested IP address is not valid",
			       "%s: '%s' is not an IP address", src, s);
	for (i = 0; i < rq->n; i++)
		if (ip_addr_eq(&rq->a[i], &a))
			return 0;
	if (rq->n >= HL_MAX_REQUESTED)
		return err_set(err, -EINVAL, code, "too many requested IP addresses",
			       "%s: at most %d", src, HL_MAX_REQUESTED);
	rq->a[rq->n++] = a;
	return 0;
}

static int add_request_array(struct requests *rq, json_t *arr, const char *src,
			     struct err *err)
{
	json_t *v;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return bad_config(err, "%s must be an array of IP addresses", src);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return bad_config(err, "%s[%zu] must be a string", src, i);
		if (add_request(rq, json_string_value(v), src, ERR_INVALID_CONFIG, err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int collect_requests(const struct cni_conf *conf, const struct cni_env *env,
			    struct requests *rq, struct err *err)
{
	json_t *cni_args = cni_json_get(conf->args, "cni");
	json_t *args_ips = cni_json_get(cni_args, "ips");
	const char *ip = env ? cni_env_arg(env, "IP") : NULL;

	/* CONVENTIONS.md: when args carries "ips", CNI_ARGS IP= is ignored. */
	if (ip && !(json_is_array(args_ips) && json_array_size(args_ips))) {
		char buf[1024], *save = NULL, *tok;

		if (str_copy(buf, sizeof(buf), ip) < 0)
			return err_set(err, -EINVAL, ERR_INVALID_ENV, "CNI_ARGS IP is too long",
				       "IP=%.64s...", ip);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (add_request(rq, str_trim(tok), "CNI_ARGS IP", ERR_INVALID_ENV,
					err) < 0)
				return -EINVAL;
	}
	if (add_request_array(rq, args_ips, "args.cni.ips", err) < 0)
		return -EINVAL;
	return add_request_array(rq, cni_json_get(conf->runtime_config, "ips"),
				 "runtimeConfig.ips", err);
}

/* Each requested address must fall in one range set, and a set takes at most one. */
static int match_requests(struct hl_config *c, const struct requests *rq, struct err *err)
{
	char a[IP_STR_MAX], b[IP_STR_MAX];
	int i, s, ri = -1;

	for (i = 0; i < rq->n; i++) {
		ipam_addr_name(&rq->a[i], a, sizeof(a));
		for (s = 0; s < c->n_sets; s++) {
			ri = ipam_range_set_find(&c->sets[s], &rq->a[i]);
			if (ri >= 0)
				break;
		}
		if (s == c->n_sets)
			return bad_config(err, "requested IP address %s is in no range set", a);
		if (ipam_range_skips(&c->sets[s].ranges[ri], &rq->a[i]))
			return bad_config(err, "requested IP address %s is the gateway, network or "
					  "broadcast address of range set %d", a, s);
		if (c->want[s].family) {
			ipam_addr_name(&c->want[s], b, sizeof(b));
			return bad_config(err, "requested IP addresses %s and %s are both in "
					  "range set %d; one address per set", b, a, s);
		}
		c->want[s] = rq->a[i];
	}
	return 0;
}

int hl_config_load(const struct cni_conf *conf, const struct cni_env *env, bool requests,
		   struct hl_config *c, struct err *err)
{
	json_t *ipam = conf->ipam, *subnet;
	struct requests rq = { .n = 0 };
	int k;

	memset(c, 0, sizeof(*c));
	c->name = conf->name;
	if (!json_is_object(ipam))
		return bad_config(err, "the configuration has no \"ipam\" object");
	if (cni_json_get_str(ipam, "dataDir", &c->data_dir, err) < 0 ||
	    cni_json_get_str(ipam, "resolvConf", &c->resolv_conf, err) < 0)
		return -EINVAL;
	if (c->data_dir && !c->data_dir[0])
		c->data_dir = NULL;
	if (c->resolv_conf && !c->resolv_conf[0])
		c->resolv_conf = NULL;
	/* The reference's order: runtime ipRanges, then the short form, then "ranges". */
	if (parse_range_sets(cni_json_get(conf->runtime_config, "ipRanges"),
			     "runtimeConfig.ipRanges", c, err) < 0)
		return -EINVAL;
	subnet = cni_json_get(ipam, "subnet");
	if (json_is_string(subnet)) {
		k = add_set(c, "ipam", err);
		if (k < 0)
			return k;
		c->sets[k].n = 1;
		if (parse_range(ipam, "ipam", &c->sets[k].ranges[0], err) < 0)
			return -EINVAL;
	} else if (subnet && !json_is_null(subnet)) {
		return bad_config(err, "ipam.subnet must be a CIDR such as \"10.22.0.0/16\"");
	}
	if (parse_range_sets(cni_json_get(ipam, "ranges"), "ipam.ranges", c, err) < 0 ||
	    validate_sets(c, err) < 0 || parse_routes(ipam, c, err) < 0)
		return -EINVAL;
	if (!requests)
		return 0;
	if (collect_requests(conf, env, &rq, err) < 0)
		return -EINVAL;
	return match_requests(c, &rq, err);
}
