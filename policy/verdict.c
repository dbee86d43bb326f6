// SPDX-License-Identifier: Apache-2.0
/* Naming the allow entry that decided a flow, for both explainers (policy/verdict.h). */
#include <stdio.h>

#include "policy/verdict.h"

int policy_rule_port(const struct policy_rule *r, const struct policy_flow *f)
{
	size_t k;

	if (!r->n_ports)
		return -2;
	for (k = 0; k < r->n_ports; k++)
		if (r->ports[k].proto == f->proto && (r->ports[k].lo == 0 ||
		    (f->port >= r->ports[k].lo && f->port <= r->ports[k].hi)))
			return (int)k;
	return -1;
}

/* v2 rules name a slot (a protocol's ports) rather than a port: which holds @k. */
static size_t slot_of(const struct policy *p, size_t i, size_t k)
{
	size_t s, first, n;

	for (s = 0; s < policy_rule_slots(p, i); s++) {
		policy_slot_ports(p, i, s, &first, &n);
		if (k >= first && k < first + n)
			return s;
	}
	return 0;
}

void policy_verdict_rule(const struct policy *p, size_t i, int k, struct policy_verdict *v)
{
	char rule[POLICY_TEXT_MAX];
	size_t slot = k < 0 ? 0 : p->version >= 2 ? slot_of(p, i, (size_t)k) : (size_t)k;

	v->allow = true;
	v->reason = POLICY_BY_RULE;
	v->rule = (int)i;
	v->port_index = k < 0 ? -1 : k;
	v->line = p->rules[i].line;
	policy_rule_text(rule, sizeof(rule), p, i, slot);
	snprintf(v->text, sizeof(v->text), "allow[%zu] (line %d): %s", i, v->line, rule);
}
