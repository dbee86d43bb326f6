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
#include "policy/verdict.h"

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
