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

struct policy_port {
	uint8_t proto;			/* IPPROTO_TCP, _UDP, _SCTP */
	uint16_t lo, hi;
};

struct policy_group {
	char name[POLICY_GROUP_MAX + 1];
	char (*globs)[POLICY_GLOB_MAX + 1];
	size_t n_globs;
};

struct policy_rule {
	int from, to;			/* group index, POLICY_ANY; to: also POLICY_HOST */
	struct policy_port *ports;	/* n_ports == 0: any protocol, any port */
	size_t n_ports;
	int line;
};

struct policy {
	int version;
	char network[65];		/* "" when the file does not say */
	bool icc;			/* false unless the file says true */
	struct policy_group *groups;
	size_t n_groups;
	struct policy_rule *rules;
	size_t n_rules;
	uint64_t hash;			/* of the file's bytes: the applied version's mark */
};

/**
 * policy_parse() - parse and validate @text into @p.
 * Return: 0, or -EINVAL with "line N: <key>: <what is wrong>" in @errbuf (@p freed).
 */
int policy_parse(const char *text, size_t len, struct policy *p, char *errbuf, size_t n);
/** policy_load() - read @path (at most POLICY_FILE_MAX bytes) and parse it. */
int policy_load(const char *path, struct policy *p, char *errbuf, size_t n);
void policy_free(struct policy *p);

/** policy_rule_is_host() - does rule @i open something of the host (net-<net>-hostpol)? */
static inline bool policy_rule_is_host(const struct policy *p, size_t i)
{
	return p->rules[i].to == POLICY_HOST;
}

/** policy_group_index() - index of group @name, or -1. */
int policy_group_index(const struct policy *p, const char *name);
/** policy_match() - does container @name belong to group @g (glob match)? */
bool policy_match(const struct policy *p, size_t g, const char *name);

#define POLICY_TEXT_MAX 128		/* a rule's text: fits an nft comment */
#define POLICY_FINAL_DROP "final drop"	/* comments of the last rule of net-<net>-policy */
#define POLICY_ICC_ACCEPT "icc on: accept"

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
 * other -errno with the failing object in @errbuf.
 */
int policy_apply(struct nft_conn *c, const struct policy *p, const char *net, unsigned flags,
		 char *errbuf, size_t n);
#endif
