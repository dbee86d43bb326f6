/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the kernel holds for one network in `table inet netctl`: its members (with the
 * names their element comments carry, "ID NAME"), its policy group sets and their
 * members, the rules of net-<net>-policy and net-<net>-hostpol (the policy's "host"
 * rules) with their counters, the network's host access, and the policy mark.
 * The one read `policy diff/show/explain`, `graph` and `stats` share.
 */
#ifndef NETCTL_KNET_H
#define NETCTL_KNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft/conn.h"
#include "nft/rule.h"
#include "policy/explain.h"
#include "util/ip.h"
#include "util/err.h"

struct knet_member {
	char id[NFT_COMMENT_MAX + 1];
	char name[NFT_COMMENT_MAX + 1];		/* "" when the comment has none */
	struct ip_addr addr;
	uint64_t policy_drops;		/* v2: new connections from @addr the policy dropped
					 * (audit: would have dropped), drops-<net> */
};

struct knet_group {
	char name[POLICY_GROUP_MAX + 1];
	char (*ids)[NFT_COMMENT_MAX + 1];
	size_t n, cap;
};

/* One rule text of net-<net>-policy: its IPv4, IPv6 and per-port nft rules summed. */
struct knet_rule {
	char comment[NFT_COMMENT_MAX + 1];	/* "" without one */
	uint64_t packets, bytes;
	unsigned n_nft;				/* kernel rules behind it */
	int verdict;
};

struct knet {
	char net[65];
	bool has_chains;		/* net-<net>-policy exists */
	struct knet_member *m;
	size_t n_m, cap_m;
	struct knet_group *g;
	size_t n_g, cap_g;
	struct knet_rule *r;		/* net-<net>-policy's, then net-<net>-hostpol's */
	size_t n_r, cap_r;
	size_t n_r_policy;		/* how many of r[] are net-<net>-policy's */
	char host_access[8];		/* "all", "dns", "none"; "" when unknown */
	bool has_mark;
	uint64_t mark_hash;		/* the hash of the applied policy file */
};

/** knet_read() - read network @net's state. 0 or -errno with the reason in @err. */
int knet_read(struct nft_conn *c, const char *net, struct knet *k, struct err *err);
void knet_free(struct knet *k);

/**
 * knet_find() - the member named @what, or with address @what, or whose container ID
 * starts with @what (at least 6 characters). -1 when none.
 */
int knet_find(const struct knet *k, const char *what);

/** knet_policy_drops() - the policy drops from container @i's addresses, summed. */
uint64_t knet_policy_drops(const struct knet *k, size_t i);

/** knet_members() - @k's members as policy_member (array of k->n_m; free it). */
struct policy_member *knet_members(const struct knet *k);
/** knet_kstate() - @k as policy_kstate for policy_diff(); knet_kstate_free() after. */
int knet_kstate(const struct knet *k, struct policy_kstate *ks);
void knet_kstate_free(struct policy_kstate *ks);

/** knet_icc() - icc as the kernel has it: the policy chain's last rule accepts. */
bool knet_icc(const struct knet *k);

/** knet_first() - @i is the first member entry of its container (IPv4 and IPv6 share one). */
bool knet_first(const struct knet *k, size_t i);
/** knet_addrs() - every address of member @i's container, ", "-separated, into @buf. */
void knet_addrs(const struct knet *k, size_t i, char *buf, size_t n);

struct netctl_paths;
/**
 * knet_policy_path() - the policy file network @net's firewall plugin reads: its
 * "policyFile", or "policyDir"/NET.json, as its conflist in net.d says; else (no
 * such network, or neither key) <confdir>/policy.d/NET.json. 0 or -EINVAL/-ENAMETOOLONG.
 */
int knet_policy_path(const struct netctl_paths *paths, const char *net, char *out, size_t n);
/**
 * knet_policy() - the policy that governs @k: @file when given, else the network's
 * file in policy.d (path in @path), else a policy with no rules and the icc the
 * kernel has (@path ""). Return 0, or -errno with the reason in @err.
 */
int knet_policy(const struct netctl_paths *paths, const struct knet *k, const char *file,
		struct policy *p, char *path, size_t pn, struct err *err);

#endif
