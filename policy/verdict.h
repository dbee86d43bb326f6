/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A flow and the verdict on it: the words policy/explain.c (flows inside the network)
 * and policy/explain_v2.c (flows with one end outside) share, and the two helpers both
 * use to name the allow entry that decided. Both explainers include this header, so
 * neither depends on the other's internals.
 */
#ifndef NETCTL_POLICY_VERDICT_H
#define NETCTL_POLICY_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruleset/table.h"
#include "policy/policy.h"

#define POLICY_PROTO_ICMP 1	/* IPPROTO_ICMP: ping; no port */

struct policy_flow {
	const char *from, *to;	/* container names; NULL: a member whose name is unknown */
	bool from_member, to_member;	/* a container of this network */
	bool same;		/* from and to are the same container */
	uint8_t proto;		/* IPPROTO_TCP, _UDP, _SCTP or POLICY_PROTO_ICMP */
	uint16_t port;		/* destination port (0 for icmp) */
	bool established;	/* a packet of a connection already accepted */
	bool to_host;		/* to the host itself (to: "host"); @to is then ignored */
	enum nft_host_access host;	/* to_host: the network's host access */
	/* v2: one end an address outside the network (egress, or a published port). */
	bool from_outside, to_outside;
	struct ip_addr outside;
	bool published;		/* from_outside: @to's PORT/PROTO is a published port */
	bool published_only;	/* from_outside: new connections not DNATed are dropped */
};

enum policy_reason {
	POLICY_BY_RULE,		/* allow[rule], port entry port_index */
	POLICY_BY_ICC,		/* icc on: bridged */
	POLICY_BY_FINAL_DROP,
	POLICY_BY_ESTABLISHED,
	POLICY_BY_SAME,		/* a container talking to itself */
	POLICY_BY_NOT_MEMBER,	/* not a flow inside the network: the policy is silent */
	POLICY_BY_HOST_ACCESS,	/* to the host: its host access mode decides */
	POLICY_BY_EGRESS,	/* to outside, no entry matched: "egress" decides */
	POLICY_BY_PUBLISHED,	/* from outside: published or not, open to all or not */
};

struct policy_verdict {
	bool allow;
	enum policy_reason reason;
	int rule;		/* POLICY_BY_RULE: index in allow[] */
	int port_index;		/* POLICY_BY_RULE: index in its ports, -1 for "any" */
	int line;		/* POLICY_BY_RULE: the rule's line in the file */
	char text[256];		/* "allow[0] (line 7): frontend -> db 5432/tcp", ... */
};

/** policy_rule_port() - does entry @r match @f's protocol and port? -1 no, -2 every
 * protocol, else the index of the matching port. */
int policy_rule_port(const struct policy_rule *r, const struct policy_flow *f);
/** policy_verdict_rule() - fill @v for allow entry @i, its port @k (-1: any). */
void policy_verdict_rule(const struct policy *p, size_t i, int k, struct policy_verdict *v);

#endif
