// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "policy/explain.h"
#include "policy/explain_v2.h"
#include "util/array.h"
#include "util/str.h"

static bool end_matches(const struct policy *p, int g, const char *name)
{
	return g == POLICY_ANY || (g >= 0 && policy_match(p, (size_t)g, name));
}

static void set(struct policy_verdict *v, bool allow, enum policy_reason why,
		const char *text)
{
	v->allow = allow;
	v->reason = why;
	snprintf(v->text, sizeof(v->text), "%s", text);
}

/* The first allow rule from @f->from to @to (a group or POLICY_HOST) that matches. */
static bool match_rule(const struct policy *p, const struct policy_flow *f, bool host,
		       struct policy_verdict *v)
{
	size_t i;
	int k;

	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!end_matches(p, r->from, f->from) || policy_rule_is_host(p, i) != host ||
		    (!host && !end_matches(p, r->to, f->to)))
			continue;
		k = policy_rule_port(r, f);
		if (k == -1)
			continue;
		policy_verdict_rule(p, i, k, v);
		return true;
	}
	return false;
}

static void explain_host(const struct policy *p, const struct policy_flow *f,
			 struct policy_verdict *v)
{
	bool dns = f->port == 53 && (f->proto == IPPROTO_UDP || f->proto == IPPROTO_TCP);

	if (f->established)
		return set(v, true, POLICY_BY_ESTABLISHED,
			   "established: packets of an accepted connection pass "
			   "(ct state established,related accept in net-<net>-host)");
	if (f->host == NFT_HOST_ALL)
		return set(v, true, POLICY_BY_HOST_ACCESS,
			   "host access all: the network's containers reach every service of "
			   "the host");
	if (f->host == NFT_HOST_DNS && dns)
		return set(v, true, POLICY_BY_HOST_ACCESS,
			   "host access dns: DNS (UDP/TCP 53) on the network's gateway "
			   "addresses passes");
	if (f->host == NFT_HOST_DNS && f->proto == POLICY_PROTO_ICMP)
		return set(v, true, POLICY_BY_HOST_ACCESS,
			   "host access dns: ping to the network's gateway addresses passes");
	if (match_rule(p, f, true, v))
		return;
	snprintf(v->text, sizeof(v->text), "host access %s: no allow rule to \"host\" "
		 "matches, so net-<net>-host drops it", nft_host_access_name(f->host));
	v->allow = false;
	v->reason = POLICY_BY_HOST_ACCESS;
}

static void explain_enforce(const struct policy *p, const struct policy_flow *f,
			    struct policy_verdict *v);

/*
 * Audit mode (v2): the policy's own drops (final drop, egress deny, pub-only) are
 * logged and let through; what other chains drop (host access, published-only) is not
 * the policy's to audit.
 */
void policy_explain(const struct policy *p, const struct policy_flow *f,
		    struct policy_verdict *v)
{
	char text[sizeof(v->text)];

	explain_enforce(p, f, v);
	if (v->allow || p->mode != POLICY_AUDIT)
		return;
	if (v->reason != POLICY_BY_FINAL_DROP && v->reason != POLICY_BY_EGRESS &&
	    !(v->reason == POLICY_BY_PUBLISHED && v->rule >= 0))
		return;
	snprintf(text, sizeof(text), "%s", v->text);
	snprintf(v->text, sizeof(v->text), "audit: would deny, logged and let through: %.200s",
		 text);
	v->allow = true;
}

static void explain_enforce(const struct policy *p, const struct policy_flow *f,
			    struct policy_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->rule = v->port_index = -1;
	if (f->from_outside || f->to_outside)
		return policy_explain_outside(p, f, v);
	if (f->to_host && f->from_member)
		return explain_host(p, f, v);
	if (f->same)
		return set(v, true, POLICY_BY_SAME,
			   "same container: the traffic stays in its network namespace");
	if (!f->from_member || !f->to_member)
		return set(v, true, POLICY_BY_NOT_MEMBER,
			   "not between two containers of the network: its policy does not "
			   "apply");
	if (f->established)
		return set(v, true, POLICY_BY_ESTABLISHED,
			   "established: packets of an accepted connection pass "
			   "(ct state established,related accept, before the policy)");
	if (p->icc)
		return set(v, true, POLICY_BY_ICC,
			   "icc on: same network traffic is bridged, not filtered");
	if (match_rule(p, f, false, v))
		return;
	set(v, false, POLICY_BY_FINAL_DROP,
	    "final drop: no allow rule matches (icc off: everything not allowed is dropped)");
}

static void append(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf), sl = strlen(s);
	const char *h;

	/* The same port from two rules: once (a whole item, so 53/tcp is not in 5353/tcp). */
	for (h = strstr(buf, s); h; h = strstr(h + 1, s))
		if ((h == buf || h[-1] == ' ') && (h[sl] == '\0' || h[sl] == ','))
			return;
	snprintf(buf + len, n - len, "%s%s", len ? ", " : "", s);
}

int policy_flow_ports(const struct policy *p, const char *from, const char *to, char *buf,
		      size_t n)
{
	char port[32];
	size_t i, k;
	int hits = 0;

	buf[0] = '\0';
	if (p->icc) {
		snprintf(buf, n, "any");
		return 1;
	}
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!end_matches(p, r->from, from) || !end_matches(p, r->to, to))
			continue;
		hits++;
		if (!r->n_ports) {
			snprintf(buf, n, "any");
			return hits;
		}
		for (k = 0; k < r->n_ports; k++) {
			policy_port_text(port, sizeof(port), &r->ports[k]);
			append(buf, n, port);
		}
	}
	return hits;
}

int policy_host_ports(const struct policy *p, const char *from, enum nft_host_access host,
		      char *buf, size_t n)
{
	char port[32];
	size_t i, k;

	buf[0] = '\0';
	if (host == NFT_HOST_ALL) {
		snprintf(buf, n, "any");
		return 1;
	}
	if (host == NFT_HOST_DNS)
		snprintf(buf, n, "53/udp, 53/tcp, icmp");	/* to the gateway */
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!policy_rule_is_host(p, i) || !end_matches(p, r->from, from))
			continue;
		if (!r->n_ports) {
			snprintf(buf, n, "any");
			return 1;
		}
		for (k = 0; k < r->n_ports; k++) {
			policy_port_text(port, sizeof(port), &r->ports[k]);
			append(buf, n, port);
		}
	}
	return buf[0] != '\0';
}

int policy_parse_portproto(const char *s, uint8_t *proto, uint16_t *port)
{
	unsigned long n;
	char *end;

	if (!strcmp(s, "icmp") || !strcmp(s, "ping") || !strcmp(s, "icmpv6")) {
		*proto = POLICY_PROTO_ICMP;
		*port = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	n = strtoul(s, &end, 10);
	if (n < 1 || n > 65535 || *end != '/')
		return -EINVAL;
	end++;
	if (!strcmp(end, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(end, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(end, "sctp"))
		*proto = IPPROTO_SCTP;
	else
		return -EINVAL;
	*port = (uint16_t)n;
	return 0;
}

/* ---- diff ---- */

static int push(struct policy_changes *out, enum policy_change_kind kind, const char *group,
		const char *text)
{
	struct policy_change *c;

	if (array_grow((void **)&out->c, &out->cap, out->n, sizeof(*out->c), 16) < 0)
		return -ENOMEM;
	c = &out->c[out->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	snprintf(c->group, sizeof(c->group), "%s", group ? group : "");
	snprintf(c->text, sizeof(c->text), "%s", text);
	return 0;
}

void policy_changes_free(struct policy_changes *c)
{
	free(c->c);
	memset(c, 0, sizeof(*c));
}

/* The texts the file would install, deduplicated, in file order. */
struct texts {
	char (*t)[POLICY_TEXT_MAX];
	size_t n;
};

static bool texts_has(const struct texts *t, const char *s)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->t[i], s))
			return true;
	return false;
}

static void texts_add(struct texts *t, const char *s)
{
	if (!texts_has(t, s))
		snprintf(t->t[t->n++], POLICY_TEXT_MAX, "%s", s);
}

/* v2: the egress chain's final drop, and pubsrc's first rule and pub-only drops. */
static void file_texts_v2(const struct policy *p, struct texts *t)
{
	char buf[POLICY_TEXT_MAX], txt[POLICY_TEXT_MAX];
	bool pub = false;
	size_t i, k;

	if (p->version < 2)
		return;
	if (p->egress_deny)
		texts_add(t, POLICY_EGRESS_DROP);
	for (i = 0; i < p->n_rules; i++) {
		if (!(policy_rule_where(p, i) & POLICY_IN_PUBSRC))
			continue;
		if (!pub)
			texts_add(t, POLICY_PUB_BRIDGES);
		pub = true;
		for (k = 0; k < policy_rule_slots(p, i); k++) {
			policy_rule_text(txt, sizeof(txt), p, i, k);
			str_printf(buf, sizeof(buf), "%s%zu]: %s", POLICY_PUB_ONLY, i, txt);
			texts_add(t, buf);
		}
	}
}

static int file_texts(const struct policy *p, struct texts *t)
{
	char buf[POLICY_TEXT_MAX];
	size_t i, k, total = 1;

	for (i = 0; i < p->n_rules; i++)
		total += 2 * policy_rule_slots(p, i);	/* v2: allow and pub-only texts */
	t->t = calloc(total + 2, sizeof(*t->t));
	if (!t->t)
		return -ENOMEM;
	for (i = 0; i < p->n_rules; i++) {
		/* icc on: only the host (and v2 egress and pubsrc) rules are installed */
		if (p->icc && policy_rule_where(p, i) == POLICY_IN_POLICY)
			continue;
		for (k = 0; k < policy_rule_slots(p, i); k++) {
			policy_rule_text(buf, sizeof(buf), p, i, k);
			texts_add(t, buf);
		}
	}
	texts_add(t, p->icc ? POLICY_ICC_ACCEPT : POLICY_FINAL_DROP);
	file_texts_v2(p, t);
	return 0;
}

static int kernel_texts(const struct policy_kstate *k, struct texts *t)
{
	size_t i;

	t->t = calloc(k->n_rules + 1, sizeof(*t->t));
	if (!t->t)
		return -ENOMEM;
	for (i = 0; i < k->n_rules; i++)
		texts_add(t, k->rules[i] ? policy_comment_text(k->rules[i]) : "(rule without "
			  "a comment)");
	return 0;
}

static const char *member_name(const struct policy_member *m, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(m[i].id, id))
			return m[i].name;
	return NULL;
}

static void who(char *buf, size_t n, const struct policy_member *m, size_t nm, const char *id)
{
	const char *name = member_name(m, nm, id);

	if (name)
		snprintf(buf, n, "%s (%.12s)", name, id);
	else
		snprintf(buf, n, "%.12s", id);
}

static bool ids_has(const char *const *ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return true;
	return false;
}

static const struct policy_kgroup *kgroup(const struct policy_kstate *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n_groups; i++)
		if (!strcmp(k->groups[i].name, name))
			return &k->groups[i];
	return NULL;
}

/* Members entering or leaving group @g of @p (g < 0: a group the file drops). */
static int diff_group(const struct policy_kgroup *kg, const struct policy *p, int g,
		      const struct policy_member *m, size_t nm, struct policy_changes *out)
{
	const char *name = g >= 0 ? p->groups[g].name : kg->name;
	char buf[POLICY_TEXT_MAX + 64];
	size_t i;
	int r = 0;

	for (i = 0; g >= 0 && i < nm && !r; i++) {
		bool was = kg && ids_has(kg->ids, kg->n_ids, m[i].id);
		size_t j;

		for (j = 0; j < i && strcmp(m[j].id, m[i].id); j++)
			;
		if (j < i || was || !policy_match(p, (size_t)g, m[i].name))
			continue;	/* (a container with two addresses counts once) */
		who(buf, sizeof(buf), m, nm, m[i].id);
		r = push(out, POLICY_MEMBER_ENTER, name, buf);
	}
	for (i = 0; kg && i < kg->n_ids && !r; i++) {
		const char *nmm = member_name(m, nm, kg->ids[i]);

		if (ids_has(kg->ids, i, kg->ids[i]))
			continue;
		if (g >= 0 && nmm && policy_match(p, (size_t)g, nmm))
			continue;
		who(buf, sizeof(buf), m, nm, kg->ids[i]);
		r = push(out, POLICY_MEMBER_LEAVE, name, buf);
	}
	return r;
}

int policy_diff(const struct policy_kstate *k, const struct policy *p,
		const struct policy_member *members, size_t n_members,
		struct policy_changes *out)
{
	struct texts old = { 0 }, neu = { 0 };
	size_t i;
	int r;

	r = kernel_texts(k, &old);
	if (!r)
		r = file_texts(p, &neu);
	for (i = 0; !r && i < old.n; i++)
		if (!texts_has(&neu, old.t[i]))
			r = push(out, POLICY_RULE_DEL, NULL, old.t[i]);
	for (i = 0; !r && i < neu.n; i++)
		if (!texts_has(&old, neu.t[i]))
			r = push(out, POLICY_RULE_ADD, NULL, neu.t[i]);
	free(old.t);
	free(neu.t);
	for (i = 0; !r && i < k->n_groups; i++) {
		if (policy_group_index(p, k->groups[i].name) >= 0)
			continue;
		r = push(out, POLICY_GROUP_DEL, k->groups[i].name, k->groups[i].name);
		if (!r)
			r = diff_group(&k->groups[i], p, -1, members, n_members, out);
	}
	for (i = 0; !r && i < p->n_groups; i++) {
		const struct policy_kgroup *kg = kgroup(k, p->groups[i].name);

		if (!kg)
			r = push(out, POLICY_GROUP_ADD, p->groups[i].name, p->groups[i].name);
		if (!r)
			r = diff_group(kg, p, (int)i, members, n_members, out);
	}
	return r;
}

void policy_change_str(char *buf, size_t n, const struct policy_change *c)
{
	switch (c->kind) {
	case POLICY_RULE_ADD:
		snprintf(buf, n, "+ rule %s", c->text);
		break;
	case POLICY_RULE_DEL:
		snprintf(buf, n, "- rule %s", c->text);
		break;
	case POLICY_GROUP_ADD:
		snprintf(buf, n, "+ group %s", c->group);
		break;
	case POLICY_GROUP_DEL:
		snprintf(buf, n, "- group %s", c->group);
		break;
	case POLICY_MEMBER_ENTER:
		snprintf(buf, n, "  group %s: + %s", c->group, c->text);
		break;
	case POLICY_MEMBER_LEAVE:
		snprintf(buf, n, "  group %s: - %s", c->group, c->text);
		break;
	}
}
