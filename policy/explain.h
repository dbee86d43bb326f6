/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the policy of a network does, in words, without a kernel:
 *
 * policy_explain() evaluates one flow the way net-<net>-forward chains do (DESIGN.md
 * "nftables layout"): established packets pass before the policy; icc on means the
 * bridge switches the traffic and nothing filters it; icc off runs the allow rules in
 * file order (a group matches a container by name glob, "*" every member) and ends in
 * the final drop. A flow to the host itself goes by net-<net>-host: host access "all"
 * passes everything, "dns" UDP/TCP 53 and ping (to the gateway), then the "to": "host" rules,
 * then a drop; ICMP errors and neighbour discovery pass, echo does not.
 *
 * policy_diff() compares what the kernel holds (rule comments of net-<net>-policy and
 * the group sets' members) with what a policy file would install.
 */
#ifndef NETCTL_POLICY_EXPLAIN_H
#define NETCTL_POLICY_EXPLAIN_H

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

/** policy_explain_outside() - policy_explain() of a flow to or from outside (v2). */
void policy_explain_outside(const struct policy *p, const struct policy_flow *f,
			    struct policy_verdict *v);
/** policy_rule_port() - does entry @r match @f's protocol and port? -1 no, -2 every
 * protocol, else the index of the matching port. */
int policy_rule_port(const struct policy_rule *r, const struct policy_flow *f);
/** policy_verdict_rule() - fill @v for allow entry @i, its port @k (-1: any). */
void policy_verdict_rule(const struct policy *p, size_t i, int k, struct policy_verdict *v);

/** policy_explain() - the verdict for @f under @p. Pure; always fills @v. */
void policy_explain(const struct policy *p, const struct policy_flow *f,
		    struct policy_verdict *v);

/**
 * policy_flow_ports() - what new connections container @from may open to @to under
 * @p, as text: "any" (icc on, or a rule without ports), "5432/tcp, 53/udp", or ""
 * for nothing. For `netctl graph`. Return the number of rules that contributed.
 */
int policy_flow_ports(const struct policy *p, const char *from, const char *to, char *buf,
		      size_t n);

/**
 * policy_host_ports() - what container @from may open to the host itself under host
 * access @host and @p's "to": "host" rules, as text: "any" (all, or a rule without
 * ports), "53/udp, 53/tcp, icmp, 443/tcp" (dns and a rule), or "". Return 1 when
 * anything passes, else 0.
 */
int policy_host_ports(const struct policy *p, const char *from, enum nft_host_access host,
		      char *buf, size_t n);

/** policy_parse_portproto() - "5432/tcp", "53/udp", "icmp" (or "ping"). 0 or -EINVAL. */
int policy_parse_portproto(const char *s, uint8_t *proto, uint16_t *port);

/* A container as the members set names it ("ID NAME" comment). */
struct policy_member {
	const char *id;
	const char *name;	/* NULL: no name, matches no group */
};

/* What the kernel holds for one group set. */
struct policy_kgroup {
	const char *name;
	const char *const *ids;	/* container IDs of its elements (duplicates allowed) */
	size_t n_ids;
};

/* What the kernel holds for the network's policy. */
struct policy_kstate {
	const char *const *rules;	/* comments of net-<net>-policy's rules, in order */
	size_t n_rules;
	const struct policy_kgroup *groups;
	size_t n_groups;
};

enum policy_change_kind {
	POLICY_RULE_ADD,
	POLICY_RULE_DEL,
	POLICY_GROUP_ADD,	/* a group set the file adds */
	POLICY_GROUP_DEL,	/* a group set the file drops */
	POLICY_MEMBER_ENTER,	/* container @who enters @group */
	POLICY_MEMBER_LEAVE,
};

struct policy_change {
	enum policy_change_kind kind;
	char group[POLICY_GROUP_MAX + 1];
	char text[POLICY_TEXT_MAX + 64];	/* rule text, or "NAME (ID)" */
};

struct policy_changes {
	struct policy_change *c;
	size_t n, cap;
};

/**
 * policy_diff() - what applying @p would change compared with @k, given the network's
 * @members (which fill the groups). Rules are compared by text, so order and the
 * "allow[N]" numbering do not count (all rules accept; only the final verdict
 * differs, and it is a rule text too). Appends to @out (free with
 * policy_changes_free()). Return 0 or -ENOMEM.
 */
int policy_diff(const struct policy_kstate *k, const struct policy *p,
		const struct policy_member *members, size_t n_members,
		struct policy_changes *out);
void policy_changes_free(struct policy_changes *c);

/** policy_change_str() - "+ rule ...", "- rule ...", "+ group db", "group db: + pg (ID)". */
void policy_change_str(char *buf, size_t n, const struct policy_change *c);

#endif
