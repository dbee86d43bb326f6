// SPDX-License-Identifier: Apache-2.0
/*
 * `netctl stats [NET|CONTAINER] [--watch N]`: per-container traffic from the counters
 * of each container's host veth (found by its ifalias "netctl/<containerID>/<ifname>"
 * and its bridge, which names the network in the fwd-from map), and per network the
 * packets the policy's final drop rule dropped.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <linux/netfilter.h>

#include "netctl/cli/cli.h"
#include "netctl/core/knet.h"
#include "netlib/link.h"
#include "ruleset/table.h"
#include "nft/read.h"
#include "util/array.h"
#include "util/str.h"

#define ALIAS_PREFIX "netctl/"

static const char usage_text[] =
	"usage: netctl stats [NET|CONTAINER] [--watch SECONDS] [--count N] [--json]\n"
	"\n"
	"Per container: bytes and packets received (RX) and sent (TX), as the container\n"
	"sees them, from its host veth's counters; DROPS: packets its veth dropped;\n"
	"POL_DROPS: packets from it a version 2 policy dropped (final drop, egress deny;\n"
	"in audit mode: would have dropped).\n"
	"Per network: the packets the policy dropped (the final drop rule's counter;\n"
	"`netctl policy show NET` has every rule's). Without an argument, every network\n"
	"with netctl firewall chains; CONTAINER is a name, an address or an ID prefix.\n"
	"--watch: print again every SECONDS with rates (--count: that many times).\n"
	"Rate limit (bandwidth plugin) drops are not shown yet.\n"
	"\n"
	"Exit status: 0 success, 1 failure (unknown network or container), 2 bad command\n"
	"line.\n";

struct hostlink {
	char id[128];
	char ifname[16];
	char name[16];
	int master;
	struct netlib_link_stats st;
};

struct sample {
	char (*nets)[NFT_OBJ_NAME_MAX];
	size_t n_nets;
	struct knet *k;
	struct hostlink *l;
	size_t n_l, cap_l;
	struct { char net[65]; int index; } *br;	/* bridge ifindex -> network */
	size_t n_br, cap_br;
	char (*brname)[2][65];				/* (bridge name, net) from fwd-from */
	size_t n_brname, cap_brname;
};

static int net_cb(const char *name, void *data)
{
	struct nft_names *l = data;
	size_t n = strlen(name);
	char net[NFT_OBJ_NAME_MAX];

	if (!str_has_prefix(name, NFT_NET_PFX) || n <= 11 || strcmp(name + n - 7, NFT_POLICY_SFX))
		return 0;
	snprintf(net, sizeof(net), "%.*s", (int)(n - 11), name + 4);
	return nft_names_push(l, net);
}

static int fwd_cb(const void *key, size_t key_len, const char *comment, const char *chain,
		  void *data)
{
	struct sample *s = data;

	if (!comment || array_grow((void **)&s->brname, &s->cap_brname, s->n_brname,
				   sizeof(*s->brname), 16) < 0)
		return comment ? -ENOMEM : 0;
	snprintf(s->brname[s->n_brname][0], 65, "%.*s", (int)strnlen(key, key_len),
		 (const char *)key);
	snprintf(s->brname[s->n_brname][1], 65, "%s", comment);
	s->n_brname++;
	return 0;
}

static int link_cb(const struct netlib_link *l, void *data)
{
	struct sample *s = data;
	const char *id, *slash;
	size_t i;

	for (i = 0; i < s->n_brname; i++) {
		if (strcmp(l->name, s->brname[i][0]))
			continue;
		if (array_grow((void **)&s->br, &s->cap_br, s->n_br, sizeof(*s->br), 16) < 0)
			return -ENOMEM;
		snprintf(s->br[s->n_br].net, 65, "%s", s->brname[i][1]);
		s->br[s->n_br++].index = l->index;
	}
	if (!str_has_prefix(l->alias, ALIAS_PREFIX) || !l->has_stats)
		return 0;
	id = l->alias + strlen(ALIAS_PREFIX);
	slash = strchr(id, '/');
	if (!slash || array_grow((void **)&s->l, &s->cap_l, s->n_l, sizeof(*s->l), 16) < 0)
		return slash ? -ENOMEM : 0;
	snprintf(s->l[s->n_l].id, sizeof(s->l[0].id), "%.*s", (int)(slash - id), id);
	snprintf(s->l[s->n_l].ifname, sizeof(s->l[0].ifname), "%s", slash + 1);
	snprintf(s->l[s->n_l].name, sizeof(s->l[0].name), "%s", l->name);
	s->l[s->n_l].master = l->master;
	s->l[s->n_l++].st = l->stats;
	return 0;
}

static void sample_free(struct sample *s)
{
	size_t i;

	for (i = 0; s->k && i < s->n_nets; i++)
		knet_free(&s->k[i]);
	free(s->k);
	free(s->nets);
	free(s->l);
	free(s->br);
	free(s->brname);
	memset(s, 0, sizeof(*s));
}

static int take_sample(struct sample *s, struct err *err)
{
	struct nft_names nets = { 0 };
	struct netlib_nl nl;
	struct nft_conn c;
	size_t i;
	int r;

	memset(s, 0, sizeof(*s));
	r = nft_conn_open(&c, err);
	if (r < 0)
		return r;
	r = nft_list_chains(&c, NFPROTO_INET, NFT_TABLE, net_cb, &nets, err);
	s->nets = nets.names;
	s->n_nets = nets.n;
	if (r >= 0 && !(s->k = calloc(s->n_nets + 1, sizeof(*s->k))))
		r = -ENOMEM;
	for (i = 0; r >= 0 && i < s->n_nets; i++)
		r = knet_read(&c, s->nets[i], &s->k[i], err);
	if (r >= 0)
		r = nft_list_elems(&c, NFPROTO_INET, NFT_TABLE, NFT_FWD_FROM_MAP, fwd_cb, s, err);
	nft_conn_close(&c);
	if (r >= 0 && (r = netlib_open(&nl, err)) == 0) {
		r = netlib_link_foreach(&nl, link_cb, s, err);
		netlib_close(&nl);
	}
	if (r == -ENOMEM)
		err_detail(err, r, "out of memory");
	return r < 0 ? r : 0;
}

static const char *net_of_master(const struct sample *s, int master)
{
	size_t i;

	for (i = 0; i < s->n_br; i++)
		if (s->br[i].index == master)
			return s->br[i].net;
	return NULL;
}

/* The host veth of container @id on network @net, or NULL. */
static const struct hostlink *host_link(const struct sample *s, const char *net,
					const char *id)
{
	const char *bn;
	size_t i;

	for (i = 0; i < s->n_l; i++) {
		if (strcmp(s->l[i].id, id))
			continue;
		bn = net_of_master(s, s->l[i].master);
		if (!bn || !strcmp(bn, net))
			return &s->l[i];
	}
	return NULL;
}

struct opts {
	const char *what;
	unsigned watch, count;
	bool json;
};

static bool selected(const struct opts *o, const struct knet *k, size_t i)
{
	if (!o->what || !strcmp(o->what, k->net))
		return true;
	return knet_find(k, o->what) >= 0 &&
	       !strcmp(k->m[knet_find(k, o->what)].id, k->m[i].id);
}

/* Rates per second from @prev (NULL: none). */
static double rate(uint64_t now, uint64_t before, double secs)
{
	return secs > 0 && now >= before ? (double)(now - before) / secs : 0;
}

static const struct hostlink *prev_link(const struct sample *prev, const char *net,
					const char *id)
{
	return prev ? host_link(prev, net, id) : NULL;
}

static json_t *container_json(const struct knet *k, size_t i, const struct hostlink *h)
{
	char addrs[512];
	json_t *o;

	knet_addrs(k, i, addrs, sizeof(addrs));
	o = json_pack("{s:s,s:s,s:s,s:I}", "id", k->m[i].id, "name", k->m[i].name, "addresses",
		      addrs, "policy_drops", (json_int_t)knet_policy_drops(k, i));
	if (!h)
		return o;
	json_object_set_new(o, "host_veth", json_string(h->name));
	json_object_set_new(o, "ifname", json_string(h->ifname));
	json_object_set_new(o, "rx_bytes", json_integer((json_int_t)h->st.tx_bytes));
	json_object_set_new(o, "rx_packets", json_integer((json_int_t)h->st.tx_packets));
	json_object_set_new(o, "tx_bytes", json_integer((json_int_t)h->st.rx_bytes));
	json_object_set_new(o, "tx_packets", json_integer((json_int_t)h->st.rx_packets));
	json_object_set_new(o, "dropped", json_integer((json_int_t)(h->st.rx_dropped +
								     h->st.tx_dropped)));
	return o;
}

static void final_drop(const struct knet *k, uint64_t *pk, uint64_t *by)
{
	*pk = *by = 0;
	if (k->n_r_policy && !knet_icc(k)) {
		*pk = k->r[k->n_r_policy - 1].packets;
		*by = k->r[k->n_r_policy - 1].bytes;
	}
}

static int print_json_sample(const struct opts *o, const struct sample *s)
{
	json_t *nets = json_array();
	size_t n, i;
	char *txt;

	for (n = 0; n < s->n_nets; n++) {
		const struct knet *k = &s->k[n];
		json_t *cs = json_array();
		uint64_t pk, by;

		for (i = 0; i < k->n_m; i++)
			if (knet_first(k, i) && selected(o, k, i))
				json_array_append_new(cs, container_json(k, i,
						      host_link(s, k->net, k->m[i].id)));
		if (o->what && strcmp(o->what, k->net) && !json_array_size(cs)) {
			json_decref(cs);
			continue;
		}
		final_drop(k, &pk, &by);
		json_array_append_new(nets, json_pack("{s:s,s:b,s:{s:I,s:I},s:o}", "network",
						      k->net, "icc", knet_icc(k), "policy_drops",
						      "packets", (json_int_t)pk, "bytes",
						      (json_int_t)by, "containers", cs));
	}
	txt = json_dumps(json_pack("{s:o}", "networks", nets), JSON_INDENT(2) |
			 JSON_PRESERVE_ORDER);
	if (txt)
		printf("%s\n", txt);
	free(txt);
	return 0;
}

static void print_sample(const struct opts *o, const struct sample *s,
			 const struct sample *prev, double secs)
{
	char addrs[512];
	size_t n, i;
	uint64_t pk, by;

	printf("%-16s %-20s %-16s %12s %9s %12s %9s %7s %9s", "NETWORK", "CONTAINER", "ADDRESS",
	       "RX_BYTES", "RX_PKTS", "TX_BYTES", "TX_PKTS", "DROPS", "POL_DROPS");
	printf(prev ? " %10s %10s\n" : "\n", "RX_B/S", "TX_B/S");
	for (n = 0; n < s->n_nets; n++) {
		const struct knet *k = &s->k[n];

		for (i = 0; i < k->n_m; i++) {
			const struct hostlink *h = host_link(s, k->net, k->m[i].id), *ph;

			if (!knet_first(k, i) || !selected(o, k, i))
				continue;
			knet_addrs(k, i, addrs, sizeof(addrs));
			printf("%-16s %-20s %-16s", k->net,
			       k->m[i].name[0] ? k->m[i].name : k->m[i].id, addrs);
			if (!h) {
				printf(" %12s\n", "(no host veth found)");
				continue;
			}
			printf(" %12" PRIu64 " %9" PRIu64 " %12" PRIu64 " %9" PRIu64 " %7" PRIu64
			       " %9" PRIu64, h->st.tx_bytes, h->st.tx_packets, h->st.rx_bytes,
			       h->st.rx_packets, h->st.rx_dropped + h->st.tx_dropped,
			       knet_policy_drops(k, i));
			ph = prev_link(prev, k->net, k->m[i].id);
			if (prev)
				printf(" %10.0f %10.0f", ph ? rate(h->st.tx_bytes, ph->st.tx_bytes,
								   secs) : 0,
				       ph ? rate(h->st.rx_bytes, ph->st.rx_bytes, secs) : 0);
			printf("\n");
		}
	}
	for (n = 0; n < s->n_nets; n++) {
		if (o->what && strcmp(o->what, s->k[n].net))
			continue;
		final_drop(&s->k[n], &pk, &by);
		printf("network %s: %s%" PRIu64 " packets (%" PRIu64 " bytes) dropped by policy\n",
		       s->k[n].net, knet_icc(&s->k[n]) ? "icc on, " : "", pk, by);
	}
}

static bool found(const struct opts *o, const struct sample *s)
{
	size_t n;

	for (n = 0; o->what && n < s->n_nets; n++)
		if (!strcmp(o->what, s->k[n].net) || knet_find(&s->k[n], o->what) >= 0)
			return true;
	return !o->what;
}

static int parse(int argc, char **argv, struct opts *o)
{
	char *end;
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return -1;
		} else if (!strcmp(argv[i], "--json")) {
			o->json = true;
		} else if ((!strcmp(argv[i], "--watch") || !strcmp(argv[i], "--count")) &&
			   i + 1 < argc) {
			unsigned long v = strtoul(argv[i + 1], &end, 10);

			if (*end || v < 1 || v > 86400)
				break;
			*(argv[i][2] == 'w' ? &o->watch : &o->count) = (unsigned)v;
			i++;
		} else if (argv[i][0] != '-' && !o->what) {
			o->what = argv[i];
		} else {
			break;
		}
	}
	if (i < argc) {
		fprintf(stderr, "netctl stats: unexpected \"%s\"\n%s", argv[i], usage_text);
		return CLI_USAGE;
	}
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	struct sample s, prev = { 0 };
	struct timespec t0 = { 0 }, t1;
	struct opts o;
	unsigned iter;
	struct err err = { 0 };
	int r;

	r = parse(argc, argv, &o);
	if (r)
		return r < 0 ? CLI_OK : r;
	for (iter = 0;; iter++) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (take_sample(&s, &err) < 0) {
			fprintf(stderr, "netctl stats: %s\n", err.details);
			sample_free(&s);
			sample_free(&prev);
			return CLI_FAILED;
		}
		if (!found(&o, &s)) {
			fprintf(stderr, "netctl stats: \"%s\" is neither a network with netctl "
				"firewall chains nor one of their containers\n", o.what);
			sample_free(&s);
			sample_free(&prev);
			return CLI_FAILED;
		}
		if (iter)
			printf("\n");
		if (o.json)
			print_json_sample(&o, &s);
		else
			print_sample(&o, &s, iter ? &prev : NULL,
				     (double)(t1.tv_sec - t0.tv_sec) +
				     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		fflush(stdout);
		sample_free(&prev);
		prev = s;
		t0 = t1;
		if (!o.watch || (o.count && iter + 1 >= o.count))
			break;
		sleep(o.watch);
	}
	sample_free(&prev);
	return CLI_OK;
}
