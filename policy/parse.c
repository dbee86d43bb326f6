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
	char *errbuf;
	size_t n;
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
	snprintf(x->errbuf, x->n, "line %d: %s: %s", line, depth ? where : "(top)", what);
	return -EINVAL;
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

static int parse_groups(struct pctx *x, json_t *groups)
{
	struct jpos_step path[3] = { { "groups", 0 } };
	const char *name;
	json_t *globs, *g;
	size_t i;

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
		if (!json_is_array(globs) || json_array_size(globs) == 0 ||
		    json_array_size(globs) > POLICY_MAX_GLOBS)
			return perr(x, path, 2, "must be a list of 1-%d container name globs",
				    POLICY_MAX_GLOBS);
		str_copy(pg->name, sizeof(pg->name), name);
		pg->globs = calloc(json_array_size(globs), sizeof(*pg->globs));
		if (!pg->globs)
			return -ENOMEM;
		x->p->n_groups++;
		json_array_foreach(globs, i, g) {
			path[2] = (struct jpos_step){ NULL, i };
			if (!json_is_string(g) || !glob_ok(json_string_value(g)))
				return perr(x, path, 3, "not a container name glob");
			str_copy(pg->globs[i], sizeof(pg->globs[i]), json_string_value(g));
			pg->n_globs++;
		}
	}
	return 0;
}

static int parse_port(struct pctx *x, struct jpos_step *path, const char *s,
		      struct policy_port *pp)
{
	char proto[8];
	unsigned long lo, hi;
	char *end;

	lo = strtoul(s, &end, 10);
	hi = lo;
	if (end == s || *s == '-' || *s == '+')
		return perr(x, path, 4, "\"%s\": expected PORT/PROTO or LO-HI/PROTO", s);
	if (*end == '-') {
		const char *h = end + 1;

		if (*h < '0' || *h > '9')
			return perr(x, path, 4, "\"%s\": bad port range", s);
		hi = strtoul(h, &end, 10);
	}
	if (*end != '/' || strlen(end + 1) >= sizeof(proto))
		return perr(x, path, 4, "\"%s\": expected PORT/PROTO (tcp, udp, sctp)", s);
	strcpy(proto, end + 1);
	if (!strcmp(proto, "tcp"))
		pp->proto = IPPROTO_TCP;
	else if (!strcmp(proto, "udp"))
		pp->proto = IPPROTO_UDP;
	else if (!strcmp(proto, "sctp"))
		pp->proto = IPPROTO_SCTP;
	else
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

static int parse_end(struct pctx *x, struct jpos_step *path, json_t *rule, const char *key,
		     int *out)
{
	json_t *v = json_object_get(rule, key);
	const char *s;

	path[2] = (struct jpos_step){ key, 0 };
	if (!v)
		return perr(x, path, 2, "missing \"%s\"", key);
	if (!json_is_string(v))
		return perr(x, path, 3, "must be a group name, \"*\" or (to) \"host\"");
	s = json_string_value(v);
	if (!strcmp(s, "*")) {
		*out = POLICY_ANY;
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
		if (strcmp(key, "from") && strcmp(key, "to") && strcmp(key, "ports"))
			return perr(x, path, 3, "unknown key (from, to, ports)");
	}
	r->line = jpos_line(x->text, x->len, path, 2);
	if (parse_end(x, path, rule, "from", &r->from) < 0 ||
	    parse_end(x, path, rule, "to", &r->to) < 0)
		return -EINVAL;
	x->p->n_rules++;
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
	return 0;
}

static int parse_top(struct pctx *x, json_t *root)
{
	struct jpos_step path[1];
	json_t *v, *allow;
	const char *key;
	size_t i;

	json_object_foreach(root, key, v) {
		path[0] = (struct jpos_step){ key, 0 };
		if (strcmp(key, "version") && strcmp(key, "network") && strcmp(key, "icc") &&
		    strcmp(key, "groups") && strcmp(key, "allow"))
			return perr(x, path, 1, "unknown key (version, network, icc, groups, "
				    "allow)");
	}
	path[0] = (struct jpos_step){ "version", 0 };
	v = json_object_get(root, "version");
	if (!v)
		return perr(x, NULL, 0, "missing \"version\": 1");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return perr(x, path, 1, "unsupported version (this netctl reads version 1)");
	x->p->version = 1;
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
	if (!x->p->rules)
		return -ENOMEM;
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

int policy_parse(const char *text, size_t len, struct policy *p, char *errbuf, size_t n)
{
	struct pctx x = { .text = text, .len = len, .errbuf = errbuf, .n = n, .p = p };
	json_error_t je;
	json_t *root;
	int r;

	memset(p, 0, sizeof(*p));
	if (len > POLICY_FILE_MAX) {
		snprintf(errbuf, n, "line 1: (file): policy is %zu bytes, over the %d limit",
			 len, POLICY_FILE_MAX);
		return -EFBIG;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(errbuf, n, "line %d: %s", je.line, je.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(errbuf, n, "line 1: (top): a policy is a JSON object");
		return -EINVAL;
	}
	r = parse_top(&x, root);
	json_decref(root);
	if (r < 0) {
		if (r == -ENOMEM)
			snprintf(errbuf, n, "out of memory reading the policy");
		policy_free(p);
		return r;
	}
	p->hash = fnv1a(text, len);
	return 0;
}

int policy_load(const char *path, struct policy *p, char *errbuf, size_t n)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	memset(p, 0, sizeof(*p));
	r = file_read_bounded(path, POLICY_FILE_MAX, &text, &len);
	if (r == -EFBIG || r == -E2BIG || r == -EOVERFLOW) {
		snprintf(errbuf, n, "line 1: (file): %s is over the %d byte limit", path,
			 POLICY_FILE_MAX);
		return -EFBIG;
	}
	if (r < 0) {
		snprintf(errbuf, n, "reading %s: %s", path, strerror(-r));
		return r;
	}
	return policy_parse(text, len, p, errbuf, n);
}

void policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n_groups; i++)
		free(p->groups[i].globs);
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
