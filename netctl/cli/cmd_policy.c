// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl policy check|diff|apply|show|explain`: the icc=false whitelist of a network,
 * from the file in <confdir>/policy.d/NET.json to the rules in the kernel and back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <linux/netfilter.h>

#include "cni/netlock.h"
#include "netctl/cli/cli.h"
#include "netctl/core/knet.h"
#include "netctl/core/paths.h"
#include "nft/conn.h"
#include "nft/read.h"
#include "policy/explain.h"
#include "policy/policy.h"
#include "ruleset/inbound.h"
#include "ruleset/portmap.h"
#include "ruleset/table.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define EXPLAIN_DENY 1
#define EXPLAIN_CANNOT 3

static const char usage_text[] =
	"usage: netctl policy check FILE|NET\n"
	"       netctl policy diff NET [FILE] [--json]\n"
	"       netctl policy apply NET FILE [--force]\n"
	"       netctl policy show NET [--json]\n"
	"       netctl policy explain NET FROM TO PORT/PROTO [--established] [--file FILE]\n"
	"                                                    [--json]\n"
	"       netctl policy log NET [--follow] [--json] [--count N] [--seconds S]\n"
	"\n"
	"The policy of network NET lives in <confdir>/policy.d/NET.json (see --confdir).\n"
	"  check    validate a policy file (errors give the line and the key)\n"
	"  diff     what apply would change in the kernel: rules added (+) and removed (-),\n"
	"           groups, and the containers entering or leaving each group\n"
	"  apply    validate FILE, install it as NET's policy and apply it in one atomic\n"
	"           nftables transaction (established connections it still allows go on)\n"
	"  show     the rules in the kernel with their packet and byte counters\n"
	"  explain  would a new connection FROM -> TO on PORT/PROTO (e.g. 5432/tcp, 53/udp,\n"
	"           icmp) pass, and which rule decides. FROM and TO are container names,\n"
	"           addresses or container ID prefixes; TO \"host\" is the host itself\n"
	"           (the network's host access). --established: a packet of a\n"
	"           connection already accepted. --file: explain FILE instead of NET's.\n"
	"           With a version 2 policy FROM or TO may be an outside address.\n"
	"  log      the connections the policy logged (NFLOG), with container names,\n"
	"           groups and the deciding rule (netctl policy log --help)\n"
	"\n"
	"Exit status: 0 success (explain: allow), 1 failure (explain: deny),\n"
	"2 bad command line, 3 explain could not answer (unknown network or container).\n";

struct popts {
	const char *pos[6];
	int n_pos;
	bool json, established, force;
	const char *file;
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "netctl policy: %s%s%s%s\n%s", what, arg ? " \"" : "", arg ? arg : "",
		arg ? "\"" : "", usage_text);
	return CLI_USAGE;
}

static int parse_opts(int argc, char **argv, struct popts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o->json = true;
		} else if (!strcmp(argv[i], "--established")) {
			o->established = true;
		} else if (!strcmp(argv[i], "--force")) {
			o->force = true;
		} else if (!strcmp(argv[i], "--file") && i + 1 < argc) {
			o->file = argv[++i];
		} else if (!strncmp(argv[i], "--file=", 7)) {
			o->file = argv[i] + 7;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error("unknown option", argv[i]);
		} else if (o->n_pos < 6) {
			o->pos[o->n_pos++] = argv[i];
		} else {
			return usage_error("too many arguments", NULL);
		}
	}
	return 0;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

/* The policy file of @net, or @file; checks the file names the same network. */
static int load_policy(const struct netctl_paths *paths, const char *net, const char *file,
		       struct policy *p, char *path, size_t pn)
{
	struct err err = { 0 };
	int r;

	if (file)
		r = str_copy(path, pn, file);
	else
		r = knet_policy_path(paths, net, path, pn);
	if (r < 0) {
		fprintf(stderr, "netctl policy: \"%s\" is not a network name\n", net);
		return r;
	}
	r = policy_load(path, p, &err);
	if (r < 0) {
		fprintf(stderr, "netctl policy: %s: %s\n", path, err.details);
		return r;
	}
	if (net && p->network[0] && strcmp(p->network, net)) {
		fprintf(stderr, "netctl policy: %s: network: the policy is for \"%s\", not \"%s\"\n",
			path, p->network, net);
		policy_free(p);
		return -EINVAL;
	}
	return 0;
}

static int read_kernel(const char *net, struct knet *k)
{
	_cleanup_(nft_conn_close) struct nft_conn c = { 0 };
	struct err err = { 0 };
	int r;

	r = nft_conn_open(&c, &err);
	if (r >= 0)
		r = knet_read(&c, net, k, &err);
	if (r < 0)
		fprintf(stderr, "netctl policy: reading network %s from the kernel: %s\n", net,
			err.details);
	return r;
}

static bool looks_like_file(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".json")) || access(s, F_OK) == 0;
}

static int policy_check(const struct netctl_paths *paths, const struct popts *o)
{
	char path[PATH_MAX];
	const char *net = NULL, *file = NULL;
	struct policy p;
	size_t i, nft = 0, n_host = 0;

	if (o->n_pos != 1)
		return usage_error("check takes one FILE or NET", NULL);
	if (looks_like_file(o->pos[0]))
		file = o->pos[0];
	else
		net = o->pos[0];
	if (load_policy(paths, net, file, &p, path, sizeof(path)) < 0)
		return CLI_FAILED;
	for (i = 0; i < p.n_rules; i++) {
		size_t k = p.rules[i].n_ports ? p.rules[i].n_ports : 1;

		if (policy_rule_is_host(&p, i)) {
			n_host++;
			nft += k;	/* installed whatever icc says */
		} else if (!p.icc) {
			nft += k;
		}
	}
	printf("%s: ok: network %s, icc %s, %zu groups, %zu allow rules (%zu to the host; "
	       "%zu nft rules per address family)\n", path,
	       p.network[0] ? p.network : (net ? net : "(any)"), p.icc ? "on" : "off",
	       p.n_groups, p.n_rules, n_host, nft);
	policy_free(&p);
	return CLI_OK;
}

static const char *const change_kind[] = {
	[POLICY_RULE_ADD] = "rule-add",		[POLICY_RULE_DEL] = "rule-remove",
	[POLICY_GROUP_ADD] = "group-add",	[POLICY_GROUP_DEL] = "group-remove",
	[POLICY_MEMBER_ENTER] = "member-enter",	[POLICY_MEMBER_LEAVE] = "member-leave",
};

/* The changes from the kernel's state @k to @p (empty kernel state without chains). */
static int compute_diff(const struct knet *k, const struct policy *p,
			struct policy_changes *out)
{
	_cleanup_free_ struct policy_member *m = knet_members(k);
	struct policy_kstate ks;
	int r;

	if (!m || knet_kstate(k, &ks) < 0)
		return -ENOMEM;
	r = policy_diff(&ks, p, m, k->n_m, out);
	knet_kstate_free(&ks);
	return r;
}

static void print_changes(const struct policy_changes *ch)
{
	char line[512];
	size_t i;

	for (i = 0; i < ch->n; i++) {
		policy_change_str(line, sizeof(line), &ch->c[i]);
		printf("%s\n", line);
	}
}

static json_t *changes_json(const struct policy_changes *ch)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < ch->n; i++) {
		json_t *o = json_pack("{s:s}", "change", change_kind[ch->c[i].kind]);

		if (ch->c[i].group[0])
			json_object_set_new(o, "group", json_string(ch->c[i].group));
		if (ch->c[i].kind != POLICY_GROUP_ADD && ch->c[i].kind != POLICY_GROUP_DEL)
			json_object_set_new(o, ch->c[i].kind <= POLICY_RULE_DEL ? "rule" :
					    "container", json_string(ch->c[i].text));
		json_array_append_new(a, o);
	}
	return a;
}

static int policy_diff_cmd(const struct netctl_paths *paths, const struct popts *o)
{
	struct policy_changes ch = { 0 };
	char path[PATH_MAX];
	struct knet k = { 0 };	/* knet_free()d on every path, also when never read */
	struct policy p;

	if (o->n_pos < 1 || o->n_pos > 2)
		return usage_error("diff takes NET [FILE]", NULL);
	if (load_policy(paths, o->pos[0], o->n_pos == 2 ? o->pos[1] : NULL, &p, path,
			sizeof(path)) < 0)
		return CLI_FAILED;
	if (read_kernel(o->pos[0], &k) < 0 || compute_diff(&k, &p, &ch) < 0) {
		policy_free(&p);
		knet_free(&k);
		return CLI_FAILED;
	}
	if (o->json) {
		print_json(json_pack("{s:s,s:s,s:b,s:o}", "network", o->pos[0], "file", path,
				     "kernel", k.has_chains, "changes", changes_json(&ch)));
	} else {
		if (!k.has_chains)
			printf("# network %s has no firewall chains yet: apply installs the file "
			       "and the first container's ADD applies it\n", o->pos[0]);
		print_changes(&ch);
		if (!ch.n)
			printf("no changes: the kernel already enforces %s\n", path);
	}
	policy_changes_free(&ch);
	policy_free(&p);
	knet_free(&k);
	return CLI_OK;
}

/* Install @text as @path, keeping the old content in @old for a rollback. */
static int install(const char *path, const char *text, size_t len, char **old, size_t *old_len)
{
	char dir[PATH_MAX];
	int r;

	*old = NULL;
	r = file_read_bounded(path, POLICY_FILE_MAX, old, old_len);
	if (r < 0 && r != -ENOENT)
		return r;
	if (str_copy(dir, sizeof(dir), path) < 0)
		return -ENAMETOOLONG;
	*strrchr(dir, '/') = '\0';
	r = mkdir_p(dir, 0755);
	if (r == 0)
		r = file_write_atomic(path, text, len, 0644);
	return r;
}

static void rollback(const char *path, char *old, size_t old_len)
{
	if (old)
		file_write_atomic(path, old, old_len, 0644);
	else
		unlink(path);
}

static int kernel_apply(const char *net, const struct policy *p, bool force, struct err *err)
{
	_cleanup_(nft_conn_close) struct nft_conn c = { 0 };
	int r;

	r = nft_conn_open(&c, err);
	if (r < 0)
		return r;
	return policy_apply(&c, p, net, POLICY_APPLY_MEMBERS | (force ? POLICY_APPLY_FORCE : 0),
			    err);
}

static int policy_apply_cmd(const struct netctl_paths *paths, const struct popts *o)
{
	_cleanup_free_ char *text = NULL, *old = NULL;
	struct policy_changes ch = { 0 };
	char path[PATH_MAX], src[PATH_MAX];
	struct err err = { 0 };
	size_t len, old_len = 0;
	struct err cerr = { 0 };
	struct policy p;
	struct knet k;
	int r, lock;

	if (o->n_pos != 2)
		return usage_error("apply takes NET FILE", NULL);
	if (load_policy(paths, o->pos[0], o->pos[1], &p, src, sizeof(src)) < 0)
		return CLI_FAILED;
	/*
	 * Read, install and apply under the network's lock: a container's ADD then sees
	 * the old file and the old kernel state, or the new ones, never a mix.
	 */
	lock = cni_net_lock(o->pos[0], NULL, true, &cerr);
	if (lock < 0) {
		fprintf(stderr, "netctl policy: %s: %s\n", cerr.msg, cerr.details);
		policy_free(&p);
		return CLI_FAILED;
	}
	if (knet_policy_path(paths, o->pos[0], path, sizeof(path)) < 0 ||
	    file_read_bounded(src, POLICY_FILE_MAX, &text, &len) < 0 ||
	    read_kernel(o->pos[0], &k) < 0) {
		cni_net_unlock(lock);
		policy_free(&p);
		return CLI_FAILED;
	}
	r = compute_diff(&k, &p, &ch);
	if (r == 0 && (r = install(path, text, len, &old, &old_len)) < 0)
		fprintf(stderr, "netctl policy: installing %s: %s\n", path, strerror(-r));
	if (r == 0 && k.has_chains) {
		r = kernel_apply(o->pos[0], &p, o->force, &err);
		if (r < 0) {
			rollback(path, old, old_len);
			fprintf(stderr, "netctl policy: applying %s to network %s: %s (nothing "
				"changed)\n", src, o->pos[0], err.details);
		}
	}
	if (r >= 0) {
		print_changes(&ch);
		if (!k.has_chains)
			printf("installed %s; network %s has no firewall chains yet: the first "
			       "container's ADD applies it\n", path, o->pos[0]);
		else if (r == 0 && !o->force)
			printf("policy of %s unchanged (already applied)\n", o->pos[0]);
		else if (ch.n == 0 && !o->force)
			/* Same rules and members, yet not what the kernel held: a second
			 * mark, a stray or missing group element, a rule changed by hand. */
			printf("applied %s to network %s (the kernel differed from it: "
			       "repaired)\n", path, o->pos[0]);
		else
			printf("applied %s to network %s (%zu changes)\n", path, o->pos[0], ch.n);
	}
	cni_net_unlock(lock);
	policy_changes_free(&ch);
	policy_free(&p);
	knet_free(&k);
	return r < 0 ? CLI_FAILED : CLI_OK;
}

/* Does the file in policy.d match what the kernel has applied? -1: no file. */
static int file_matches(const struct netctl_paths *paths, const struct knet *k, char *path,
			size_t pn)
{
	struct policy p;
	struct err err = { 0 };
	int r;

	if (knet_policy_path(paths, k->net, path, pn) < 0 || access(path, F_OK) != 0)
		return -1;
	if (policy_load(path, &p, &err) < 0)
		return 0;
	r = k->has_mark && p.hash == k->mark_hash;
	policy_free(&p);
	return r;
}

static void print_groups(const struct knet *k)
{
	size_t i, j;
	int m;

	for (i = 0; i < k->n_g; i++) {
		printf("  %s:", k->g[i].name);
		for (j = 0; j < k->g[i].n; j++) {
			size_t l;

			for (l = 0; l < j && strcmp(k->g[i].ids[l], k->g[i].ids[j]); l++)
				;
			if (l < j)
				continue;	/* IPv4 and IPv6 elements of one container */
			m = knet_find(k, k->g[i].ids[j]);
			printf(" %s", m >= 0 && k->m[m].name[0] ? k->m[m].name : k->g[i].ids[j]);
		}
		printf("\n");
	}
}

static json_t *show_json(const struct knet *k, const char *path, int match)
{
	json_t *rules = json_array(), *groups = json_object();
	size_t i, j;

	for (i = 0; i < k->n_r; i++)
		json_array_append_new(rules, json_pack(
			"{s:s,s:s,s:I,s:I,s:i}", "rule", k->r[i].comment,
			"text", policy_comment_text(k->r[i].comment), "packets",
			(json_int_t)k->r[i].packets, "bytes", (json_int_t)k->r[i].bytes,
			"nft_rules", (int)k->r[i].n_nft));
	for (i = 0; i < k->n_g; i++) {
		json_t *a = json_array();

		for (j = 0; j < k->g[i].n; j++) {
			int m = knet_find(k, k->g[i].ids[j]);

			json_array_append_new(a, json_pack("{s:s,s:s}", "id", k->g[i].ids[j],
							   "name", m >= 0 ? k->m[m].name : ""));
		}
		json_object_set_new(groups, k->g[i].name, a);
	}
	return json_pack("{s:s,s:b,s:s?,s:s?,s:s?,s:o,s:o,s:o}", "network", k->net, "icc",
			 knet_icc(k), "host_access", k->host_access[0] ? k->host_access : NULL,
			 "file", match >= 0 ? path : NULL, "applied", NULL,
			 "file_applied", match > 0 ? json_true() : json_false(), "rules", rules,
			 "groups", groups);
}

static int policy_show(const struct netctl_paths *paths, const struct popts *o)
{
	char path[PATH_MAX], hash[17] = "";
	struct knet k;
	size_t i;
	int match;

	if (o->n_pos != 1)
		return usage_error("show takes NET", NULL);
	if (read_kernel(o->pos[0], &k) < 0)
		return CLI_FAILED;
	if (!k.has_chains) {
		fprintf(stderr, "netctl policy: network %s has no firewall chains in the kernel "
			"(no container has joined it with the firewall plugin)\n", o->pos[0]);
		return CLI_FAILED;
	}
	match = file_matches(paths, &k, path, sizeof(path));
	if (k.has_mark)
		snprintf(hash, sizeof(hash), "%016" PRIx64, k.mark_hash);
	if (o->json) {
		json_t *j = show_json(&k, path, match);

		json_object_set_new(j, "applied", k.has_mark ? json_string(hash) : json_null());
		print_json(j);
		knet_free(&k);
		return CLI_OK;
	}
	printf("network %s: icc %s, host access %s, %s%s%s\n", k.net,
	       knet_icc(&k) ? "on" : "off", k.host_access[0] ? k.host_access : "all",
	       k.has_mark ? "policy " : "no policy file applied", hash,
	       match < 0 ? "" : match ? " (= policy.d file)" : " (policy.d file differs: see "
	       "`netctl policy diff`)");
	printf("%-56s %12s %14s\n", "RULE", "PACKETS", "BYTES");
	for (i = 0; i < k.n_r; i++)
		printf("%-56s %12" PRIu64 " %14" PRIu64 "\n",
		       k.r[i].comment[0] ? k.r[i].comment : "(no comment)", k.r[i].packets,
		       k.r[i].bytes);
	if (k.n_g)
		printf("groups:\n");
	print_groups(&k);
	knet_free(&k);
	return CLI_OK;
}

static const char *const reason_name[] = {
	[POLICY_BY_RULE] = "rule",		[POLICY_BY_ICC] = "icc",
	[POLICY_BY_FINAL_DROP] = "final-drop",	[POLICY_BY_ESTABLISHED] = "established",
	[POLICY_BY_SAME] = "same-container",	[POLICY_BY_NOT_MEMBER] = "not-member",
	[POLICY_BY_HOST_ACCESS] = "host-access",	[POLICY_BY_EGRESS] = "egress",
	[POLICY_BY_PUBLISHED] = "published",
};

/* Is @a's @proto/@port published (an element of pub-v4/-v6, which portmap fills)? */
static bool is_published(const struct ip_addr *a, uint8_t proto, uint16_t port)
{
	struct nft_pm_map m = { .proto = proto, .cont = *a, .cont_port = port };
	uint8_t key[NFT_PM_KEY_MAX];
	char comment[256];
	struct err err = { 0 };
	struct nft_conn c;
	size_t len;
	int r;

	if (proto == POLICY_PROTO_ICMP || nft_conn_open(&c, &err) < 0)
		return false;
	len = nft_pm_pub_key(&m, key);
	r = nft_get_elem(&c, NFPROTO_INET, NFT_TABLE,
			 a->family == AF_INET ? NFT_PUB_V4_SET : NFT_PUB_V6_SET, key, len,
			 comment, sizeof(comment), &err);
	nft_conn_close(&c);
	return r == 1;
}

/* The member entry of container @i's ID with an address of @family (or @i itself). */
static int member_of_family(const struct knet *k, int i, int family)
{
	size_t j;

	for (j = 0; j < k->n_m; j++)
		if (!strcmp(k->m[j].id, k->m[i].id) && k->m[j].addr.family == family)
			return (int)j;
	return i;
}

/*
 * v2: FROM or TO may be an address outside the network (not a member's): to outside
 * (egress), or from outside to a container's port (PORT is the container's, after the
 * published port's DNAT). Return 0 when it is such a flow (or neither end is outside).
 */
static int outside_end(const struct knet *k, const struct popts *o, int *fi, int *ti,
		       struct policy_flow *f)
{
	struct nft_conn c = { 0 };	/* opened only to read published-only */
	struct err err = { 0 };
	int j;

	if (*fi < 0 && *ti >= 0 && !f->to_host && ip_addr_parse(o->pos[1], &f->outside) == 0) {
		f->from_outside = true;
		j = member_of_family(k, *ti, f->outside.family);
		f->published = k->m[j].addr.family == f->outside.family &&
			       is_published(&k->m[j].addr, f->proto, f->port);
		f->published_only = nft_inbound_check(&c, k->net, &err) == 1;
		*fi = *ti;
	} else if (*ti < 0 && *fi >= 0 && ip_addr_parse(o->pos[2], &f->outside) == 0) {
		f->to_outside = true;
		*ti = *fi;
	}
	nft_conn_close(&c);
	return 0;
}

/* The policy explain evaluates: --file, NET's file, or what the kernel says of icc. */
static int explain_policy(const struct netctl_paths *paths, const struct popts *o,
			  const struct knet *k, struct policy *p)
{
	char path[PATH_MAX];
	struct err err = { 0 };

	if (knet_policy(paths, k, o->file, p, path, sizeof(path), &err) < 0) {
		fprintf(stderr, "netctl policy: %s\n", err.details);
		return -EINVAL;
	}
	if (!o->file && path[0] && (!k->has_mark || k->mark_hash != p->hash))
		fprintf(stderr, "netctl policy: note: %s is not what the kernel has applied "
			"yet; explaining the file\n", path);
	return 0;
}

static int policy_explain_cmd(const struct netctl_paths *paths, const struct popts *o)
{
	struct policy_flow f = { .established = o->established };
	struct policy_verdict v;
	struct policy p;
	struct knet k;
	int fi, ti;

	if (o->n_pos != 4)
		return usage_error("explain takes NET FROM TO PORT/PROTO", NULL);
	if (policy_parse_portproto(o->pos[3], &f.proto, &f.port) < 0)
		return usage_error("expected PORT/PROTO (5432/tcp, 53/udp, 132/sctp) or icmp, not",
				   o->pos[3]);
	if (read_kernel(o->pos[0], &k) < 0)
		return EXPLAIN_CANNOT;
	if (!k.has_chains) {
		fprintf(stderr, "netctl policy: network %s has no firewall chains: no container "
			"has joined it with the firewall plugin, so nothing filters it\n",
			o->pos[0]);
		return EXPLAIN_CANNOT;
	}
	fi = knet_find(&k, o->pos[1]);
	/* "host" is the host itself, as in the policy file (a container named so is not). */
	f.to_host = !strcmp(o->pos[2], POLICY_HOST_NAME);
	ti = f.to_host ? fi : knet_find(&k, o->pos[2]);
	if (f.to_host && nft_host_access_parse(k.host_access, &f.host) < 0)
		f.host = NFT_HOST_ALL;	/* chains made before host access: nothing filters */
	outside_end(&k, o, &fi, &ti, &f);
	if (fi < 0 || ti < 0) {
		fprintf(stderr, "netctl policy: \"%s\" is not a container of network %s (the "
			"policy only decides between its containers)\n", o->pos[fi < 0 ? 1 : 2],
			o->pos[0]);
		knet_free(&k);
		return EXPLAIN_CANNOT;
	}
	if (explain_policy(paths, o, &k, &p) < 0) {
		knet_free(&k);
		return EXPLAIN_CANNOT;
	}
	f.from = k.m[fi].name[0] ? k.m[fi].name : NULL;
	f.to = k.m[ti].name[0] ? k.m[ti].name : NULL;
	f.from_member = !f.from_outside;
	f.to_member = !f.to_outside;
	f.same = !f.to_host && !f.from_outside && !f.to_outside &&
		 !strcmp(k.m[fi].id, k.m[ti].id);
	policy_explain(&p, &f, &v);
	if (o->json) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "verdict",
				      v.allow ? "allow" : "deny", "network", k.net, "from",
				      o->pos[1], "to", o->pos[2], "port", o->pos[3], "reason",
				      reason_name[v.reason]);

		if (v.reason == POLICY_BY_RULE) {
			json_object_set_new(j, "rule", json_integer(v.rule));
			json_object_set_new(j, "line", json_integer(v.line));
		}
		json_object_set_new(j, "text", json_string(v.text));
		print_json(j);
	} else {
		printf("%s: %s -> %s %s: %s\n", v.allow ? "allow" : "deny", o->pos[1], o->pos[2],
		       o->pos[3], v.text);
	}
	policy_free(&p);
	knet_free(&k);
	return v.allow ? CLI_OK : EXPLAIN_DENY;
}

int cmd_policy(int argc, char **argv)
{
	struct netctl_paths paths;
	struct popts o;
	const char *sub;
	int r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	sub = argv[1];
	if (!strcmp(sub, "log"))
		return cmd_policy_log(argc - 2, argv + 2);
	r = parse_opts(argc - 2, argv + 2, &o);
	if (r)
		return r;
	if (paths_init(&paths) < 0) {
		fprintf(stderr, "netctl policy: a path from the environment is too long\n");
		return CLI_FAILED;
	}
	if (strcmp(sub, "check") && o.n_pos > 0 && !paths_net_name_ok(o.pos[0])) {
		fprintf(stderr, "netctl policy: \"%s\" is not a network name\n", o.pos[0]);
		return !strcmp(sub, "explain") ? EXPLAIN_CANNOT : CLI_FAILED;
	}
	if (!strcmp(sub, "check"))
		return policy_check(&paths, &o);
	if (!strcmp(sub, "diff"))
		return policy_diff_cmd(&paths, &o);
	if (!strcmp(sub, "apply"))
		return policy_apply_cmd(&paths, &o);
	if (!strcmp(sub, "show"))
		return policy_show(&paths, &o);
	if (!strcmp(sub, "explain"))
		return policy_explain_cmd(&paths, &o);
	return usage_error("unknown policy command", sub);
}
