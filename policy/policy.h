/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The icc=false whitelist policy (DESIGN.md): a JSON file naming groups of containers
 * (by name glob) and the connections allowed between them. Parsing is strict: every
 * error names the line and the key. Compiling is pure: it appends nft objects to a
 * batch, so unit tests compare it with golden text.
 */
#ifndef NETCTL_POLICY_POLICY_H
#define NETCTL_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft/batch.h"
#include "util/ip.h"
#include "util/err.h"

#define POLICY_FILE_MAX (1024 * 1024)
#define POLICY_GROUP_MAX 32		/* [a-z0-9_], so "grp-<net>-<group>" parses back */
#define POLICY_GLOB_MAX 128
#define POLICY_MAX_GROUPS 256
#define POLICY_MAX_GLOBS 64
#define POLICY_MAX_RULES 10000
#define POLICY_MAX_PORTS 64
#define POLICY_ANY (-1)			/* "*": every member of the network */
#define POLICY_HOST (-2)		/* "host": the host itself (only as "to") */
#define POLICY_HOST_NAME "host"
#define POLICY_WORLD (-3)		/* v2 "world": any address outside the host's networks */
#define POLICY_WORLD_NAME "world"
#define POLICY_MAX_CIDRS 65536		/* per group */

struct policy_port {
	uint8_t proto;			/* IPPROTO_TCP, _UDP, _SCTP; v2 also _ICMP */
	uint16_t lo, hi;		/* v2: 0-0 for a protocol-only entry ("udp", "icmp") */
};

struct policy_group {
	char name[POLICY_GROUP_MAX + 1];
	char (*globs)[POLICY_GLOB_MAX + 1];
	size_t n_globs;
	struct ip_prefix *cidrs;	/* v2 address group: outside sources/destinations */
	size_t n_cidrs, n_cidrs6;	/* all of them; the IPv6 ones among them */
};

struct policy_rule {
	int from, to;			/* group index, POLICY_ANY; to: also POLICY_HOST; v2:
					 * also POLICY_WORLD */
	struct policy_port *ports;	/* n_ports == 0: any protocol, any port; v2: sorted
					 * by protocol, then port */
	size_t n_ports;
	int line;
	bool log;			/* v2: log what this entry's scope drops */
};

enum policy_mode { POLICY_ENFORCE, POLICY_AUDIT };

struct policy {
	int version;
	char network[65];		/* "" when the file does not say */
	bool icc;			/* false unless the file says true */
	bool egress_deny;		/* v2 "egress": "deny" */
	bool log;			/* v2 "log": true: log dropped new connections */
	enum policy_mode mode;		/* v2 "mode" */
	struct policy_group *groups;
	size_t n_groups;
	struct policy_rule *rules;
	size_t n_rules;
	uint64_t hash;			/* of the file's bytes: the applied version's mark */
};

/**
 * policy_parse() - parse and validate @text into @p.
 * Return: 0, or -EINVAL with "line N: <key>: <what is wrong>" in @err (@p freed).
 */
int policy_parse(const char *text, size_t len, struct policy *p, struct err *err);
/** policy_load() - read @path (at most POLICY_FILE_MAX bytes) and parse it. */
int policy_load(const char *path, struct policy *p, struct err *err);
void policy_free(struct policy *p);

/** policy_rule_is_host() - does rule @i open something of the host (net-<net>-hostpol)? */
static inline bool policy_rule_is_host(const struct policy *p, size_t i)
{
	return p->rules[i].to == POLICY_HOST;
}

/** policy_group_has_names() - does group @g match containers (v1: always)? */
static inline bool policy_group_has_names(const struct policy *p, int g)
{
	return g == POLICY_ANY || (g >= 0 && p->groups[g].n_globs > 0);
}

/** policy_group_has_cidrs() - does @g match outside addresses ("world" does, all)? */
static inline bool policy_group_has_cidrs(const struct policy *p, int g)
{
	return g == POLICY_WORLD || (g >= 0 && p->groups[g].n_cidrs > 0);
}

/** policy_rule_slots() - kernel rules per family of entry @i: v1 one per port, v2 one
 * per protocol (its ports an interval set); 1 for an entry without ports. */
size_t policy_rule_slots(const struct policy *p, size_t i);
/** policy_slot_ports() - the ports [*first, *first + *n) of entry @i's slot @k. */
void policy_slot_ports(const struct policy *p, size_t i, size_t k, size_t *first, size_t *n);

/* Which chains an entry's kernel rules go to (several for an end with names and CIDRs). */
#define POLICY_IN_POLICY 1	/* net-<net>-policy: container to container */
#define POLICY_IN_HOST 2	/* net-<net>-hostpol: to the host */
#define POLICY_IN_EGRESS 4	/* v2 net-<net>-egress: container to outside */
#define POLICY_IN_PUBSRC 8	/* v2 net-<net>-pubsrc: outside to a published port */
/** policy_rule_where() - the POLICY_IN_* bits of entry @i. */
unsigned policy_rule_where(const struct policy *p, size_t i);

/** policy_group_index() - index of group @name, or -1. */
int policy_group_index(const struct policy *p, const char *name);
/** policy_match() - does container @name belong to group @g (glob match)? */
bool policy_match(const struct policy *p, size_t g, const char *name);

#define POLICY_TEXT_MAX 128		/* a rule's text: fits an nft comment */
#define POLICY_FINAL_DROP "final drop"	/* comments of the last rule of net-<net>-policy */
#define POLICY_ICC_ACCEPT "icc on: accept"
#define POLICY_EGRESS_DROP "egress deny"	/* last rule of net-<net>-egress (deny) */
#define POLICY_COUNT_COMMENT "count: "	/* counts a drop per source container */
#define POLICY_DROPS_MAX 65536		/* source addresses counted per network and family */
#define POLICY_LOG_COMMENT "log: "	/* a log rule's comment: "log: " + what it logs */
#define POLICY_NFLOG_GROUP 2717		/* netctl's NFLOG group (nft/nflog.h) */
#define POLICY_LOG_RATE 50		/* log messages per second per rule, in the kernel */
#define POLICY_LOG_BURST 100
#define POLICY_PUB_BRIDGES "from a host bridge: not outside"	/* pubsrc's first rule */
#define POLICY_PUB_ONLY "pub-only["	/* "pub-only[N]: TEXT": entry N's published ports
					 * closed to sources it does not name */

/** policy_port_text() - "5432/tcp", "8000-8080/tcp". */
void policy_port_text(char *buf, size_t n, const struct policy_port *pp);
/**
 * policy_rule_text() - "frontend -> db 5432/tcp": rule @i of @p with its port @k
 * ("any" when the rule has no ports). Group "*" stays "*".
 */
void policy_rule_text(char *buf, size_t n, const struct policy *p, size_t i, size_t k);
/** policy_rule_comment() - "allow[@i]: " + policy_rule_text(): the kernel rule's comment. */
void policy_rule_comment(char *buf, size_t n, const struct policy *p, size_t i, size_t k);
/** policy_comment_text() - the rule text of a comment (without "allow[N]: "). */
const char *policy_comment_text(const char *comment);

/** policy_set_name() - "grp-<net>-<group>" (@v6: "grp6-..."). */
int policy_set_name(char *buf, size_t n, const char *net, const char *group, bool v6);
/** policy_addr_set_name() - "addr-<net>-<group>" (@v6: "addr6-..."): a group's CIDRs. */
int policy_addr_set_name(char *buf, size_t n, const char *net, const char *group, bool v6);

/* policy_build() also owns net-<net>-egress and -pubsrc (v2; ruleset/names.h). */
/** policy_mark_name() - "pol-<net>-<hash>", the empty chain marking what is applied. */
int policy_mark_name(char *buf, size_t n, const char *net, uint64_t hash);

/**
 * policy_build() - append to @b the whole apply: group sets (kept when they exist,
 * with their elements), the refilled net-<net>-policy chain ending in a counted drop,
 * the refilled net-<net>-hostpol chain (the "to": "host" rules, whatever icc says),
 * the deletion of @stale_sets (group sets no longer in the policy) and @stale_marks,
 * and the new mark. One batch: atomic.
 */
void policy_build(struct nft_batch *b, const struct policy *p, const char *net,
		  char (*stale)[160], size_t n_stale);



struct nft_conn;

#define POLICY_APPLY_FORCE 1	/* rewrite everything even when the kernel holds it */
#define POLICY_APPLY_MEMBERS 2	/* "holds it" also means: each group set holds exactly
				 * the members whose names match its globs */

/**
 * policy_apply() - make @p the policy of network @net in the kernel, in one batch:
 * policy_build(), and every group set refilled from the names that members-<net>
 * elements carry ("ID NAME" comments). Call it under the network's lock
 * (cni/netlock.h): it reads, then writes from what it read. Nothing is written when
 * the kernel already holds @p, read from the kernel itself: @p's mark and no other
 * mark, its rules in order (comments and verdicts), every group set and no stale one,
 * and with POLICY_APPLY_MEMBERS each group's members; anything else is repaired.
 * Return: 1 applied, 0 already there, -ENOENT when the network has no chains yet,
 * other -errno with the failing object in @err.
 */
int policy_apply(struct nft_conn *c, const struct policy *p, const char *net, unsigned flags,
		 struct err *err);
#endif
