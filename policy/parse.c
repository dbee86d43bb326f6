// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <jansson.h>

#include "policy/jpos.h"
#include "policy/policy.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

struct pctx {
	const char *text;
	size_t len;
	int *rule_lines;	/* allow[k]'s line, found in one pass (NULL: look each up) */
	size_t n_rule_lines;
	struct err *err;
	struct policy *p;
};

/* "line N: a.b[2].c: <what>". Always returns -EINVAL. */
static int perr(struct pctx *x, const struct jpos_step *path, size_t depth, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
static int perr(struct pctx *x, const struct jpos_step *path, size_t depth, const char *fmt,
		...)
{
	char where[256] = "", what[512];
	size_t i, w = 0;
	int line = jpos_line(x->text, x->len, path, depth);
	va_list ap;

	for (i = 0; i < depth && w < sizeof(where) - 32; i++) {
		if (path[i].key)
			w += (size_t)snprintf(where + w, sizeof(where) - w, "%s%s", i ? "." : "",
					      path[i].key);
		else
			w += (size_t)snprintf(where + w, sizeof(where) - w, "[%zu]", path[i].index);
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_detail(x->err, -EINVAL, "line %d: %s: %s", line, depth ? where : "(top)", what);
}

static bool group_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > POLICY_GROUP_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", s[i]))
			return false;
	return true;
}

/* Container names are DNS-ish labels; globs add '*', '?' and '[...]'. */
static bool glob_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > POLICY_GLOB_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_.-*?[]!", s[i]))
			return false;
	return true;
}

static int parse_globs(struct pctx *x, struct jpos_step *path, size_t depth, json_t *globs,
		       struct policy_group *pg, bool may_be_empty)
{
	json_t *g;
	size_t i;

	if (!json_is_array(globs) || (!may_be_empty && json_array_size(globs) == 0) ||
	    json_array_size(globs) > POLICY_MAX_GLOBS)
		return perr(x, path, depth, "must be a list of %d-%d container name globs",
			    may_be_empty ? 0 : 1, POLICY_MAX_GLOBS);
	pg->globs = calloc(json_array_size(globs) + 1, sizeof(*pg->globs));
	if (!pg->globs)
		return -ENOMEM;
	json_array_foreach(globs, i, g) {
		path[depth] = (struct jpos_step){ NULL, i };
		if (!json_is_string(g) || !glob_ok(json_string_value(g)))
			return perr(x, path, depth + 1, "not a container name glob");
		str_copy(pg->globs[i], sizeof(pg->globs[i]), json_string_value(g));
		pg->n_globs++;
	}
	return 0;
}

static int prefix_cmp(const void *a, const void *b)
{
	const struct ip_prefix *x = a, *y = b;
	int c = ip_addr_cmp(&x->addr, &y->addr);

	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* The (line-precise) text of CIDR @k of @arr, for an overlap found after sorting. */
static size_t cidr_index(json_t *arr, const struct ip_prefix *want)
{
	struct ip_prefix q;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (ip_prefix_parse(json_string_value(v), &q) == 0 && !prefix_cmp(&q, want))
			return i;
	return 0;
}

/*
 * An address group's CIDRs ("203.0.113.0/24", "2001:db8::/48", or a bare address):
 * no host bits (a typo that would widen or narrow the group silently), no IPv4-mapped
 * IPv6 (those never match: the kernel sees IPv4 packets as IPv4), no overlaps (an
 * interval set takes each address once). Sorted, IPv4 first.
 */
static int parse_cidrs(struct pctx *x, struct jpos_step *path, json_t *arr,
		       struct policy_group *pg)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct ip_prefix net;
	char txt[IP_STR_MAX];
	json_t *v;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) > POLICY_MAX_CIDRS)
		return perr(x, path, 3, "must be a list of at most %d CIDRs", POLICY_MAX_CIDRS);
	pg->cidrs = calloc(json_array_size(arr) + 1, sizeof(*pg->cidrs));
	if (!pg->cidrs)
		return -ENOMEM;
	json_array_foreach(arr, i, v) {
		struct ip_prefix *c = &pg->cidrs[i];
		const char *t = json_is_string(v) ? json_string_value(v) : "";

		path[3] = (struct jpos_step){ NULL, i };
		if (ip_prefix_parse(t, c) < 0) {
			if (ip_addr_parse(t, &c->addr) < 0)
				return perr(x, path, 4, "\"%s\": not an address or ADDR/LEN", t);
			c->len = c->addr.family == AF_INET ? 32 : 128;
		}
		net = ip_prefix_network(c);
		if (!ip_addr_eq(&net.addr, &c->addr)) {
			ip_prefix_format(&net, txt, sizeof(txt));
			return perr(x, path, 4, "\"%s\" has host bits set (the network is %s)", t,
				    txt);
		}
		if (c->addr.family == AF_INET6 && !memcmp(c->addr.b, mapped, 12))
			return perr(x, path, 4, "\"%s\": an IPv4-mapped IPv6 address mixes the "
				    "families and never matches: write the IPv4 form", t);
		pg->n_cidrs++;
		pg->n_cidrs6 += c->addr.family == AF_INET6;
	}
	qsort(pg->cidrs, pg->n_cidrs, sizeof(*pg->cidrs), prefix_cmp);
	for (i = 1; i < pg->n_cidrs; i++) {
		struct ip_prefix *a = &pg->cidrs[i - 1], *b = &pg->cidrs[i];
		char ta[IP_STR_MAX];

		if (!ip_prefix_overlaps(a, b))
			continue;
		ip_prefix_format(a, ta, sizeof(ta));
		ip_prefix_format(b, txt, sizeof(txt));
		path[3] = (struct jpos_step){ NULL, cidr_index(arr, b) };
		return perr(x, path, 4, "%s overlaps %s", txt, ta);
	}
	return 0;
}

/* v2: { "names": [globs], "cidrs": [...] }, at least one of them not empty. */
static int parse_group_obj(struct pctx *x, struct jpos_step *path, json_t *obj,
			   struct policy_group *pg)
{
	json_t *v;
	const char *key;

	json_object_foreach(obj, key, v) {
		path[2] = (struct jpos_step){ key, 0 };
		if (!strcmp(key, "names")) {
			if (parse_globs(x, path, 3, v, pg, true) < 0)
				return -EINVAL;
		} else if (!strcmp(key, "cidrs")) {
			if (parse_cidrs(x, path, v, pg) < 0)
				return -EINVAL;
		} else {
			return perr(x, path, 3, "unknown key (names, cidrs)");
		}
	}
	if (!pg->n_globs && !pg->n_cidrs)
		return perr(x, path, 2, "an empty group: give \"names\" or \"cidrs\"");
	return 0;
}

static int parse_groups(struct pctx *x, json_t *groups)
{
	struct jpos_step path[4] = { { "groups", 0 } };
	const char *name;
	json_t *globs;

	if (!json_is_object(groups))
		return perr(x, path, 1, "must be an object of group name to name globs");
	if (json_object_size(groups) > POLICY_MAX_GROUPS)
		return perr(x, path, 1, "more than %d groups", POLICY_MAX_GROUPS);
	x->p->groups = calloc(json_object_size(groups) + 1, sizeof(*x->p->groups));
	if (!x->p->groups)
		return -ENOMEM;
	json_object_foreach(groups, name, globs) {
		struct policy_group *pg = &x->p->groups[x->p->n_groups];

		path[1] = (struct jpos_step){ name, 0 };
		if (!group_name_ok(name))
			return perr(x, path, 2, "group names are 1-%d of a-z, 0-9 and _",
				    POLICY_GROUP_MAX);
		if (!strcmp(name, POLICY_HOST_NAME))
			return perr(x, path, 2, "\"host\" is reserved: in allow rules it names "
				    "the host itself");
		if (x->p->version >= 2 && !strcmp(name, POLICY_WORLD_NAME))
			return perr(x, path, 2, "\"world\" is reserved: it names every address "
				    "outside the host's networks");
		str_copy(pg->name, sizeof(pg->name), name);
		x->p->n_groups++;
		if (x->p->version >= 2 && json_is_object(globs)) {
			if (parse_group_obj(x, path, globs, pg) < 0)
				return -EINVAL;
			continue;
		}
		if (!json_is_array(globs) || json_array_size(globs) == 0 ||
		    json_array_size(globs) > POLICY_MAX_GLOBS)
			return perr(x, path, 2, x->p->version >= 2 ?
				    "must be a list of 1-%d container name globs, or an object "
				    "with \"names\" and \"cidrs\"" :
				    "must be a list of 1-%d container name globs",
				    POLICY_MAX_GLOBS);
		if (parse_globs(x, path, 2, globs, pg, false) < 0)
			return -EINVAL;
	}
	return 0;
}

static int proto_of(const char *name, bool v2, uint8_t *proto)
{
	if (!strcmp(name, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(name, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(name, "sctp"))
		*proto = IPPROTO_SCTP;
	else if (v2 && !strcmp(name, "icmp"))
		*proto = IPPROTO_ICMP;
	else
		return -EINVAL;
	return 0;
}

static int parse_port(struct pctx *x, struct jpos_step *path, const char *s,
		      struct policy_port *pp)
{
	bool v2 = x->p->version >= 2;
	char proto[8];
	unsigned long lo, hi;
	char *end;

	/* v2: a protocol alone ("udp", "icmp"): every port of it (ICMP has none). */
	if (v2 && proto_of(s, true, &pp->proto) == 0)
		return 0;
	lo = strtoul(s, &end, 10);
	hi = lo;
	if (end == s || *s == '-' || *s == '+')
		return perr(x, path, 4, v2 ? "\"%s\": expected PORT/PROTO, LO-HI/PROTO or a "
			    "protocol (tcp, udp, sctp, icmp)" :
			    "\"%s\": expected PORT/PROTO or LO-HI/PROTO", s);
	if (*end == '-') {
		const char *h = end + 1;

		if (*h < '0' || *h > '9')
			return perr(x, path, 4, "\"%s\": bad port range", s);
		hi = strtoul(h, &end, 10);
	}
	if (*end != '/' || strlen(end + 1) >= sizeof(proto))
		return perr(x, path, 4, "\"%s\": expected PORT/PROTO (tcp, udp, sctp)", s);
	strcpy(proto, end + 1);
	if (proto_of(proto, false, &pp->proto) < 0)
		return perr(x, path, 4, "\"%s\": unknown protocol \"%s\" (tcp, udp, sctp)", s,
			    proto);
	if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535)
		return perr(x, path, 4, "\"%s\": ports are 1-65535", s);
	if (hi < lo)
		return perr(x, path, 4, "\"%s\": reversed range", s);
	pp->lo = (uint16_t)lo;
	pp->hi = (uint16_t)hi;
	return 0;
}

static int port_cmp(const void *a, const void *b)
{
	const struct policy_port *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* A protocol-only entry covers every port of it: "0-0" stands for 0-65535. */
static uint16_t port_hi(const struct policy_port *pp)
{
	return pp->lo == 0 ? 65535 : pp->hi;
}

/*
 * v2: sort an entry's ports by protocol and port (one interval set per protocol) and
 * refuse overlaps, which an interval set cannot hold and which say the author meant
 * something else. The error names the later entry of the two, as written.
 */
static int check_overlaps(struct pctx *x, struct jpos_step *path, json_t *ports,
			  struct policy_rule *r)
{
	char a[32], b[32];
	size_t k, i;

	qsort(r->ports, r->n_ports, sizeof(*r->ports), port_cmp);
	for (k = 1; k < r->n_ports; k++) {
		const struct policy_port *p0 = &r->ports[k - 1], *p1 = &r->ports[k];
		json_t *v;

		if (p0->proto != p1->proto || p1->lo > port_hi(p0))
			continue;
		policy_port_text(a, sizeof(a), p0);
		policy_port_text(b, sizeof(b), p1);
		json_array_foreach(ports, i, v) {
			struct policy_port q = { 0 };

			if (parse_port(x, path, json_string_value(v), &q) == 0 &&
			    !port_cmp(&q, p1) && q.hi == p1->hi)
				break;
		}
		path[3] = (struct jpos_step){ NULL, i };
		return perr(x, path, 4, "%s overlaps %s", b, a);
	}
	return 0;
}

static int parse_end(struct pctx *x, struct jpos_step *path, json_t *rule, const char *key,
		     int *out)
{
	json_t *v = json_object_get(rule, key);
	const char *s;

	path[2] = (struct jpos_step){ key, 0 };
	if (!v)
		return perr(x, path, 2, "missing \"%s\"", key);
	if (!json_is_string(v))
		return perr(x, path, 3, x->p->version >= 2 ?
			    "must be a group name, \"*\", \"world\" or (to) \"host\"" :
			    "must be a group name, \"*\" or (to) \"host\"");
	s = json_string_value(v);
	if (!strcmp(s, "*")) {
		*out = POLICY_ANY;
		return 0;
	}
	if (x->p->version >= 2 && !strcmp(s, POLICY_WORLD_NAME)) {
		*out = POLICY_WORLD;
		return 0;
	}
	if (!strcmp(s, POLICY_HOST_NAME)) {
		*out = POLICY_HOST;
		if (strcmp(key, "to"))
			return perr(x, path, 3, "\"host\" can only be a destination (\"to\"): "
				    "what the host opens is not filtered");
		return 0;
	}
	*out = policy_group_index(x->p, s);
	if (*out < 0)
		return perr(x, path, 3, "unknown group \"%s\"", s);
	return 0;
}

/*
 * v2: one end of an entry must be containers of the network. From outside (an address
 * group, "world") to containers limits published ports; from containers to outside is
 * egress; outside to outside is nothing this network's policy can decide.
 */
static int check_ends(struct pctx *x, struct jpos_step *path, const struct policy_rule *r)
{
	const struct policy *p = x->p;

	path[2] = (struct jpos_step){ "from", 0 };
	if (!policy_group_has_names(p, r->from) && r->to == POLICY_HOST)
		return perr(x, path, 3, "an address group cannot be a source of \"host\" "
			    "rules: only the network's containers are");
	path[2] = (struct jpos_step){ "to", 0 };
	if (!policy_group_has_names(p, r->from) && !policy_group_has_names(p, r->to))
		return perr(x, path, 3, "neither end names containers of the network (an "
			    "address group or \"world\" on both sides)");
	return 0;
}

static int parse_rule(struct pctx *x, size_t i, json_t *rule)
{
	struct jpos_step path[4] = { { "allow", 0 }, { NULL, i } };
	struct policy_rule *r = &x->p->rules[x->p->n_rules];
	json_t *ports, *v;
	const char *key;
	size_t k;

	if (!json_is_object(rule))
		return perr(x, path, 2, "must be an object with from, to and ports");
	json_object_foreach(rule, key, v) {
		path[2] = (struct jpos_step){ key, 0 };
		if (x->p->version >= 2 && !strcmp(key, "log")) {
			if (!json_is_boolean(v))
				return perr(x, path, 3, "must be true or false");
			r->log = json_is_true(v);
			continue;
		}
		if (strcmp(key, "from") && strcmp(key, "to") && strcmp(key, "ports"))
			return perr(x, path, 3, x->p->version >= 2 ?
				    "unknown key (from, to, ports, log)" :
				    "unknown key (from, to, ports)");
	}
	r->line = i < x->n_rule_lines ? x->rule_lines[i] : jpos_line(x->text, x->len, path, 2);
	if (parse_end(x, path, rule, "from", &r->from) < 0 ||
	    parse_end(x, path, rule, "to", &r->to) < 0)
		return -EINVAL;
	x->p->n_rules++;
	if (x->p->version >= 2 && check_ends(x, path, r) < 0)
		return -EINVAL;
	ports = json_object_get(rule, "ports");
	if (!ports)
		return 0;
	path[2] = (struct jpos_step){ "ports", 0 };
	if (!json_is_array(ports) || json_array_size(ports) == 0 ||
	    json_array_size(ports) > POLICY_MAX_PORTS)
		return perr(x, path, 3, "must be a list of 1-%d \"PORT/PROTO\"", POLICY_MAX_PORTS);
	r->ports = calloc(json_array_size(ports), sizeof(*r->ports));
	if (!r->ports)
		return -ENOMEM;
	json_array_foreach(ports, k, v) {
		path[3] = (struct jpos_step){ NULL, k };
		if (!json_is_string(v))
			return perr(x, path, 4, "must be a string \"PORT/PROTO\"");
		if (parse_port(x, path, json_string_value(v), &r->ports[k]) < 0)
			return -EINVAL;
		r->n_ports++;
	}
	return x->p->version >= 2 ? check_overlaps(x, path, ports, r) : 0;
}

static int parse_version(struct pctx *x, json_t *root)
{
	struct jpos_step path[1] = { { "version", 0 } };
	json_t *v = json_object_get(root, "version");

	if (!v)
		return perr(x, NULL, 0, "missing \"version\": 1 or 2");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 2)
		return perr(x, path, 1, "unsupported version (this netctl reads 1 and 2)");
	x->p->version = (int)json_integer_value(v);
	return 0;
}

/* v2's top-level keys: "egress", "mode", "log". */
static int parse_v2_top(struct pctx *x, json_t *root)
{
	struct jpos_step path[1];
	json_t *v;

	path[0] = (struct jpos_step){ "egress", 0 };
	v = json_object_get(root, "egress");
	if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "allow") &&
					 strcmp(json_string_value(v), "deny"))))
		return perr(x, path, 1, "must be \"allow\" or \"deny\"");
	x->p->egress_deny = v && !strcmp(json_string_value(v), "deny");
	path[0] = (struct jpos_step){ "mode", 0 };
	v = json_object_get(root, "mode");
	if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "enforce") &&
					 strcmp(json_string_value(v), "audit"))))
		return perr(x, path, 1, "must be \"enforce\" or \"audit\"");
	x->p->mode = v && !strcmp(json_string_value(v), "audit") ? POLICY_AUDIT :
		     POLICY_ENFORCE;
	path[0] = (struct jpos_step){ "log", 0 };
	v = json_object_get(root, "log");
	if (v && !json_is_boolean(v))
		return perr(x, path, 1, "must be true or false");
	x->p->log = v && json_is_true(v);
	return 0;
}

static bool top_key_ok(const char *key, int version)
{
	static const char *const v1[] = { "version", "network", "icc", "groups", "allow" };
	static const char *const v2[] = { "egress", "mode", "log" };
	size_t i;

	for (i = 0; i < sizeof(v1) / sizeof(v1[0]); i++)
		if (!strcmp(key, v1[i]))
			return true;
	for (i = 0; version >= 2 && i < sizeof(v2) / sizeof(v2[0]); i++)
		if (!strcmp(key, v2[i]))
			return true;
	return false;
}

static int parse_top(struct pctx *x, json_t *root)
{
	struct jpos_step path[1];
	json_t *v, *allow;
	const char *key;
	size_t i;

	if (parse_version(x, root) < 0)
		return -EINVAL;
	json_object_foreach(root, key, v) {
		path[0] = (struct jpos_step){ key, 0 };
		if (!top_key_ok(key, x->p->version))
			return perr(x, path, 1, x->p->version >= 2 ?
				    "unknown key (version, network, icc, groups, allow, egress, "
				    "mode, log)" :
				    "unknown key (version, network, icc, groups, allow)");
	}
	path[0] = (struct jpos_step){ "network", 0 };
	v = json_object_get(root, "network");
	if (v && (!json_is_string(v) || !name_is_safe(json_string_value(v), 64)))
		return perr(x, path, 1, "not a network name");
	if (v)
		str_copy(x->p->network, sizeof(x->p->network), json_string_value(v));
	path[0] = (struct jpos_step){ "icc", 0 };
	v = json_object_get(root, "icc");
	if (v && !json_is_boolean(v))
		return perr(x, path, 1, "must be true or false");
	x->p->icc = v && json_is_true(v);
	if (x->p->version >= 2 && parse_v2_top(x, root) < 0)
		return -EINVAL;
	v = json_object_get(root, "groups");
	if (v && parse_groups(x, v) < 0)
		return -EINVAL;
	path[0] = (struct jpos_step){ "allow", 0 };
	allow = json_object_get(root, "allow");
	if (!allow)
		return 0;
	if (!json_is_array(allow) || json_array_size(allow) > POLICY_MAX_RULES)
		return perr(x, path, 1, "must be a list of at most %d rules", POLICY_MAX_RULES);
	x->p->rules = calloc(json_array_size(allow) + 1, sizeof(*x->p->rules));
	x->rule_lines = calloc(json_array_size(allow) + 1, sizeof(*x->rule_lines));
	if (!x->p->rules || !x->rule_lines)
		return -ENOMEM;
	/* One scan for every entry's line: a lookup each is quadratic in big files. */
	if (jpos_lines(x->text, x->len, path, 1, x->rule_lines, json_array_size(allow)) ==
	    (int)json_array_size(allow))
		x->n_rule_lines = json_array_size(allow);
	json_array_foreach(allow, i, v)
		if (parse_rule(x, i, v) < 0)
			return -EINVAL;
	return 0;
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int policy_parse(const char *text, size_t len, struct policy *p, struct err *err)
{
	struct pctx x = { .text = text, .len = len, .err = err, .p = p };
	json_error_t je;
	json_t *root;
	int r;

	memset(p, 0, sizeof(*p));
	if (len > POLICY_FILE_MAX)
		return err_detail(err, -EFBIG,
				  "line 1: (file): policy is %zu bytes, over the %d limit", len,
				  POLICY_FILE_MAX);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return err_detail(err, -EINVAL, "line %d: %s", je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_detail(err, -EINVAL, "line 1: (top): a policy is a JSON object");
	}
	r = parse_top(&x, root);
	free(x.rule_lines);
	json_decref(root);
	if (r < 0) {
		if (r == -ENOMEM)
			err_detail(err, r, "out of memory reading the policy");
		policy_free(p);
		return r;
	}
	p->hash = fnv1a(text, len);
	return 0;
}

int policy_load(const char *path, struct policy *p, struct err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	memset(p, 0, sizeof(*p));
	r = file_read_bounded(path, POLICY_FILE_MAX, &text, &len);
	if (r == -EFBIG || r == -E2BIG || r == -EOVERFLOW)
		return err_detail(err, -EFBIG, "line 1: (file): %s is over the %d byte limit",
				  path, POLICY_FILE_MAX);
	if (r < 0)
		return err_detail(err, r, "reading %s: %s", path, strerror(-r));
	return policy_parse(text, len, p, err);
}

void policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n_groups; i++) {
		free(p->groups[i].globs);
		free(p->groups[i].cidrs);
	}
	for (i = 0; i < p->n_rules; i++)
		free(p->rules[i].ports);
	free(p->groups);
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

int policy_group_index(const struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_groups; i++)
		if (!strcmp(p->groups[i].name, name))
			return (int)i;
	return -1;
}

bool policy_match(const struct policy *p, size_t g, const char *name)
{
	size_t i;

	if (g >= p->n_groups || !name)
		return false;
	for (i = 0; i < p->groups[g].n_globs; i++)
		if (fnmatch(p->groups[g].globs[i], name, 0) == 0)
			return true;
	return false;
}
