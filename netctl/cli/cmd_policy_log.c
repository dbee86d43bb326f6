// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl policy log NET [--follow] [--json] [--count N] [--seconds S]`: the new
 * connections a version 2 policy logged (its drops with "log": true or in audit mode,
 * and what entries with "log": true let through), read from NFLOG group
 * POLICY_NFLOG_GROUP over NETLINK_NETFILTER, each with the container and groups of
 * both ends and the rule that decided. The kernel keeps no history: what was logged
 * while nobody listened is gone (netctl stats still counts the drops).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include <jansson.h>

#include "netctl/cli/cli.h"
#include "netctl/core/knet.h"
#include "netctl/core/paths.h"
#include "nft/conn.h"
#include "nft/nflog.h"
#include "policy/policy.h"
#include "util/str.h"

static const char usage_text[] =
	"usage: netctl policy log NET [--follow] [--json] [--count N] [--seconds S]\n"
	"\n"
	"Prints the new connections NET's policy logged (a version 2 policy with \"log\":\n"
	"true, per entry or for all its drops, or in \"mode\": \"audit\"), as they happen:\n"
	"time, verdict (drop, audit: would drop but passed, allow), the rule that decided,\n"
	"and both ends with their container names and groups. Without --follow it listens\n"
	"for S seconds (default 10); --count N stops after N entries.\n";

struct lopts {
	const char *net;
	bool follow, json;
	long count, seconds;
};

struct lctx {
	const struct lopts *o;
	struct knet k;
	bool have_k;
	struct policy p;
	bool have_p;
	char pfx[NFT_OBJ_NAME_MAX + 8];
	long seen;
	time_t reread;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse(int argc, char **argv, struct lopts *o)
{
	int i;
	char *end;

	*o = (struct lopts){ .seconds = 10 };
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return -1;
		} else if (!strcmp(argv[i], "--follow")) {
			o->follow = true;
		} else if (!strcmp(argv[i], "--json")) {
			o->json = true;
		} else if ((!strcmp(argv[i], "--count") || !strcmp(argv[i], "--seconds")) &&
			   i + 1 < argc) {
			long v = strtol(argv[i + 1], &end, 10);

			if (*end || v < 1 || v > 100000000)
				break;
			*(argv[i][2] == 'c' ? &o->count : &o->seconds) = v;
			i++;
		} else if (argv[i][0] != '-' && !o->net) {
			o->net = argv[i];
		} else {
			break;
		}
	}
	if (i < argc || !o->net) {
		fprintf(stderr, "netctl policy log: %s%s\n%s", i < argc ? "bad argument " : "",
			i < argc ? argv[i] : "NET missing", usage_text);
		return CLI_USAGE;
	}
	return 0;
}

/* Members and groups as the kernel has them now (again when an address is unknown). */
static void read_net(struct lctx *x)
{
	struct nft_conn c;
	struct err err = { 0 };

	if (x->have_k)
		knet_free(&x->k);
	x->have_k = nft_conn_open(&c, &err) == 0 &&
		    knet_read(&c, x->o->net, &x->k, &err) == 0;
	nft_conn_close(&c);
	x->reread = time(NULL);
}

static int member_at(const struct knet *k, const struct ip_addr *a)
{
	size_t i;

	for (i = 0; i < k->n_m; i++)
		if (ip_addr_eq(&k->m[i].addr, a))
			return (int)i;
	return -1;
}

/* "web-1 (10.96.0.2) [web]", or the address alone for an outside end. */
static json_t *end_json(const struct knet *k, const struct ip_addr *a, char *txt, size_t n)
{
	char addr[IP_STR_MAX];
	json_t *j, *groups = json_array();
	size_t g, i, w;
	int m = member_at(k, a);

	ip_addr_format(a, addr, sizeof(addr));
	j = json_pack("{s:s}", "addr", addr);
	if (m < 0) {
		snprintf(txt, n, "%s", addr);
		json_decref(groups);
		return j;
	}
	w = (size_t)snprintf(txt, n, "%s (%s)", k->m[m].name[0] ? k->m[m].name : k->m[m].id,
			     addr);
	for (g = 0; g < k->n_g; g++)
		for (i = 0; i < k->g[g].n; i++)
			if (!strcmp(k->g[g].ids[i], k->m[m].id)) {
				json_array_append_new(groups, json_string(k->g[g].name));
				if (w < n)
					w += (size_t)snprintf(txt + w, n - w, "%s%s",
							      json_array_size(groups) > 1 ?
							      "," : " [", k->g[g].name);
				break;
			}
	if (json_array_size(groups) && w < n)
		snprintf(txt + w, n - w, "]");
	json_object_set_new(j, "container", json_string(k->m[m].name));
	json_object_set_new(j, "id", json_string(k->m[m].id));
	json_object_set_new(j, "groups", groups);
	return j;
}

/* "allow[2]" -> "allow[2] (line 13): web -> partners 443/tcp" from the policy file. */
static void rule_text(const struct lctx *x, const char *rule, char *buf, size_t n)
{
	char t[POLICY_TEXT_MAX];
	unsigned long i;
	const char *b = strchr(rule, '[');

	snprintf(buf, n, "%s", rule);
	if (!x->have_p || !b)
		return;
	i = strtoul(b + 1, NULL, 10);
	if (i >= x->p.n_rules)
		return;
	policy_rule_text(t, sizeof(t), &x->p, i, 0);
	snprintf(buf, n, "%s (line %d): %s", rule, x->p.rules[i].line, t);
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == IPPROTO_SCTP ?
	       "sctp" : p == IPPROTO_ICMP || p == IPPROTO_ICMPV6 ? "icmp" : "other";
}

static int entry_cb(const struct nft_log_entry *e, void *data)
{
	struct lctx *x = data;
	char from[256], to[256], port[32], rule[256], when[32], verdict[16];
	const char *rest;
	json_t *jf, *jt;
	time_t secs = e->time_ns ? (time_t)(e->time_ns / 1000000000ull) : time(NULL);
	struct tm tm;

	if (!str_has_prefix(e->prefix, x->pfx))
		return 0;	/* another network's */
	rest = e->prefix + strlen(x->pfx);
	snprintf(verdict, sizeof(verdict), "%.*s", (int)strcspn(rest, " "), rest);
	rest += strcspn(rest, " ");
	rest += *rest == ' ';
	if ((member_at(&x->k, &e->saddr) < 0 || member_at(&x->k, &e->daddr) < 0) &&
	    time(NULL) != x->reread)
		read_net(x);
	jf = end_json(&x->k, &e->saddr, from, sizeof(from));
	jt = end_json(&x->k, &e->daddr, to, sizeof(to));
	if (e->proto == IPPROTO_ICMP || e->proto == IPPROTO_ICMPV6)
		snprintf(port, sizeof(port), "icmp");
	else
		snprintf(port, sizeof(port), "%u/%s", e->dport, proto_name(e->proto));
	rule_text(x, rest, rule, sizeof(rule));
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (x->o->json) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s}", "time", when,
				      "network", x->o->net, "verdict", verdict, "rule", rest,
				      "rule_text", rule, "from", jf, "to", jt, "port", port);
		char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	} else {
		printf("%s %s %s -> %s %s: %s\n", when, verdict, from, to, port, rule);
		json_decref(jf);
		json_decref(jt);
	}
	fflush(stdout);
	return x->o->count && ++x->seen >= x->o->count;
}

int cmd_policy_log(int argc, char **argv)
{
	struct netctl_paths paths;
	struct lctx x = { 0 };
	struct nft_nflog l;
	struct lopts o;
	char path[PATH_MAX];
	struct err err = { 0 };
	time_t end;
	int r;

	r = parse(argc, argv, &o);
	if (r)
		return r < 0 ? CLI_OK : r;
	x.o = &o;
	if (!paths_net_name_ok(o.net) || paths_init(&paths) < 0) {
		fprintf(stderr, "netctl policy log: \"%s\" is not a network name\n", o.net);
		return CLI_FAILED;
	}
	snprintf(x.pfx, sizeof(x.pfx), "net:%s ", o.net);
	read_net(&x);
	if (!x.have_k || !x.k.has_chains) {
		fprintf(stderr, "netctl policy log: network %s has no firewall chains\n", o.net);
		return CLI_FAILED;
	}
	x.have_p = knet_policy(&paths, &x.k, NULL, &x.p, path, sizeof(path), &err) == 0;
	if (nft_nflog_open(&l, POLICY_NFLOG_GROUP, &err) < 0) {
		fprintf(stderr, "netctl policy log: %s\n", err.details);
		r = CLI_FAILED;
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	end = time(NULL) + o.seconds;
	for (r = 0; !stop && (o.follow || time(NULL) < end); ) {
		r = nft_nflog_read(&l, 200, entry_cb, &x, &err);
		if (r < 0 || (r > 0 && o.count && x.seen >= o.count))
			break;
	}
	if (r < 0)
		fprintf(stderr, "netctl policy log: %s\n", err.details);
	r = r < 0 ? CLI_FAILED : CLI_OK;
	nft_nflog_close(&l);
out:
	if (x.have_p)
		policy_free(&x.p);
	if (x.have_k)
		knet_free(&x.k);
	return r;
}
