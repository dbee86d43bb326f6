// SPDX-License-Identifier: Apache-2.0
/*
 * Flows with one end outside the network (version 2), the way net-<net>-egress and
 * net-<net>-pubsrc decide them (policy/compile_v2.c): to outside, the first allow entry
 * from the container's groups to an address group holding the address (or "world")
 * and the port, else the file's "egress"; from outside, only a published port can be
 * reached (on a network that drops the rest), and when entries from address groups
 * name it, only from their addresses.
 */
#include <stdio.h>
#include <string.h>

#include "policy/explain_v2.h"

static bool names(const struct policy *p, int g, const char *name)
{
	return g == POLICY_ANY || (g >= 0 && policy_match(p, (size_t)g, name));
}

static bool holds(const struct policy *p, int g, const struct ip_addr *a)
{
	size_t i;

	if (g == POLICY_WORLD)
		return true;
	if (g < 0)
		return false;
	for (i = 0; i < p->groups[g].n_cidrs; i++)
		if (ip_prefix_contains(&p->groups[g].cidrs[i], a))
			return true;
	return false;
}

static void say(struct policy_verdict *v, bool allow, enum policy_reason why,
		const char *text)
{
	v->allow = allow;
	v->reason = why;
	snprintf(v->text, sizeof(v->text), "%s", text);
}

static void egress(const struct policy *p, const struct policy_flow *f,
		   struct policy_verdict *v)
{
	size_t i;
	int k;

	for (i = 0; p->version >= 2 && i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!policy_group_has_names(p, r->from) || !names(p, r->from, f->from) ||
		    !holds(p, r->to, &f->outside))
			continue;
		k = policy_rule_port(r, f);
		if (k != -1)
			return policy_verdict_rule(p, i, k, v);
	}
	if (p->egress_deny)
		return say(v, false, POLICY_BY_EGRESS,
			   "egress deny: no allow entry to an address group or \"world\" "
			   "matches, so net-<net>-egress drops it");
	say(v, true, POLICY_BY_EGRESS,
	    "egress allow: containers reach outside unless the policy says "
	    "\"egress\": \"deny\"");
}

static void inbound(const struct policy *p, const struct policy_flow *f,
		    struct policy_verdict *v)
{
	size_t i;
	int k, scope = -1;

	if (!f->published)
		return say(v, !f->published_only, POLICY_BY_PUBLISHED, f->published_only ?
			   "not a published port: from outside, new connections reach the "
			   "network's containers only through published ports (published-only)" :
			   "routed network: hosts that route to it reach its containers");
	for (i = 0; p->version >= 2 && i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!policy_group_has_cidrs(p, r->from) || !policy_group_has_names(p, r->to) ||
		    !names(p, r->to, f->to))
			continue;
		k = policy_rule_port(r, f);
		if (k == -1)
			continue;
		if (holds(p, r->from, &f->outside))
			return policy_verdict_rule(p, i, k, v);
		if (scope < 0)
			scope = (int)i;
	}
	if (scope < 0)
		return say(v, true, POLICY_BY_PUBLISHED,
			   "published port: no entry from an address group names it, so it is "
			   "open to every source");
	v->rule = scope;
	v->line = p->rules[scope].line;
	snprintf(v->text, sizeof(v->text), "%s%d] (line %d): published port limited to "
		 "the sources that allow entries name; this address is not one of them",
		 POLICY_PUB_ONLY, scope, v->line);
	v->allow = false;
	v->reason = POLICY_BY_PUBLISHED;
}

void policy_explain_outside(const struct policy *p, const struct policy_flow *f,
			    struct policy_verdict *v)
{
	if (f->established)
		return say(v, true, POLICY_BY_ESTABLISHED,
			   "established: packets of an accepted connection pass "
			   "(ct state established,related accept, before the policy)");
	if (f->to_outside && f->from_member)
		return egress(p, f, v);
	if (f->from_outside && f->to_member)
		return inbound(p, f, v);
	say(v, true, POLICY_BY_NOT_MEMBER,
	    "not to or from a container of the network: its policy does not apply");
}
