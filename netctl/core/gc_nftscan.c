// SPDX-License-Identifier: Apache-2.0
/* gc's step 5 input: the networks that own nft state and their cached attachments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/json.h"
#include "netctl/core/conflist.h"
#include "netctl/core/gc_nftscan.h"
#include "util/array.h"
#include "util/cleanup.h"
#include "util/str.h"

/* The addresses of a cached result. */
static size_t result_addrs(json_t *result, struct ip_prefix *out, size_t max)
{
	json_t *ip;
	size_t i, n = 0;

	json_array_foreach(cni_json_get(result, "ips"), i, ip) {
		const char *a = json_string_value(cni_json_get(ip, "address"));

		if (a && n < max && ip_prefix_parse(a, &out[n]) == 0)
			n++;
	}
	return n;
}

/* The host veth (no sandbox, not the bridge) and the container's MAC for @ifname. */
static bool result_port_mac(json_t *result, const char *bridge, const char *ifname,
			    char *port, size_t n, uint8_t mac[6])
{
	json_t *itf;
	size_t i;
	bool got_port = false, got_mac = false;

	json_array_foreach(cni_json_get(result, "interfaces"), i, itf) {
		const char *name = json_string_value(cni_json_get(itf, "name"));
		const char *sb = json_string_value(cni_json_get(itf, "sandbox"));
		const char *m = json_string_value(cni_json_get(itf, "mac"));

		if (!name)
			continue;
		if ((!sb || !sb[0]) && strcmp(name, bridge))
			got_port = str_copy(port, n, name) == 0;
		else if (sb && sb[0] && !strcmp(name, ifname) && m)
			got_mac = sscanf(m, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
					 &mac[2], &mac[3], &mac[4], &mac[5]) == 6;
	}
	return got_port && got_mac;
}

/* What the ruleset needs of cached attachment @a of network @nn. */
static void rs_att(const struct nft_gc_net *nn, const struct gc_att *a, struct nft_gc_att *out)
{
	out->id = a->id;
	out->n_ips = result_addrs(a->result, out->ips, ARRAY_SIZE(out->ips));
	out->port_mac = result_port_mac(a->result, nn->bridge, a->ifname, out->port,
					sizeof(out->port), out->mac);
}

static bool conf_true(json_t *o, const char *key)
{
	return json_is_true(cni_json_get(o, key));
}

/* The bridge plugin's conf @c: which of its nft state it keeps, on which bridge. */
static void bridge_owns(json_t *c, struct nft_gc_net *rs)
{
	const char *mode = json_string_value(cni_json_get(c, "gatewayMode"));

	rs->masq = conf_true(c, "ipMasq");
	rs->macspoof = conf_true(c, "macspoofchk");
	rs->spoof = json_is_false(cni_json_get(c, "icc")) ?
		    !json_is_false(cni_json_get(c, "spoofchk")) : conf_true(c, "spoofchk");
	rs->ll6 = conf_true(c, "ipv6LinkLocal");
	if (!cni_json_get(c, "ipam"))
		rs->spoof = false;	/* then it is macspoofchk */
	rs->routed = mode && !strcmp(mode, "routed");
	str_copy(rs->bridge, sizeof(rs->bridge),
		 json_string_value(cni_json_get(c, "bridge")) ?: "cni0");
}

/* Network @net's chain: which parts own nft state. -errno when its conflist is unreadable. */
static int net_owns(const struct netctl_paths *p, const char *net, struct nft_gc_net *rs)
{
	_cleanup_(conflist_free) struct conflist cl = { 0 };
	int i, r;

	r = paths_net_load(p, net, &cl, NULL);
	if (r < 0)
		return r;
	str_copy(rs->net, sizeof(rs->net), net);
	for (i = 0; i < cl.n_plugins; i++) {
		if (!strcmp(cl.plugins[i].type, "firewall"))
			rs->fw = true;
		else if (!strcmp(cl.plugins[i].type, "portmap"))
			rs->portmap = true;
		else if (!strcmp(cl.plugins[i].type, "bridge"))
			bridge_owns(cl.plugins[i].conf, rs);
	}
	return 0;
}

struct scan_walk {
	const struct netctl_paths *p;
	struct gc_nftscan *s;
};

/* Network @net, when its chain owns nft state and it has cached attachments. */
static int scan_net(const char *net, void *data)
{
	const struct scan_walk *w = data;
	struct gc_nftscan *s = w->s;
	struct nft_gc_net rs = { 0 };
	struct gc_nftnet *n;
	size_t i;

	if (net_owns(w->p, net, &rs) < 0)
		return 0;
	if (array_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), 8) < 0)
		return -ENOMEM;
	if (!rs.fw && !rs.portmap && !rs.masq && !rs.macspoof && !rs.spoof)
		return 0;
	n = memset(&s->v[s->n], 0, sizeof(*n));
	n->rs = rs;
	if (gc_atts_read(net, &n->atts) < 0 || !n->atts.n ||
	    !(n->rs_atts = calloc(n->atts.n, sizeof(*n->rs_atts)))) {
		gc_atts_free(&n->atts);
		return 0;
	}
	for (i = 0; i < n->atts.n; i++)
		rs_att(&n->rs, &n->atts.v[i], &n->rs_atts[i]);
	s->n++;
	return 0;
}

int gc_nftscan_read(const struct netctl_paths *p, struct gc_nftscan *s)
{
	struct scan_walk w = { .p = p, .s = s };

	return paths_net_foreach(p, scan_net, &w);
}

void gc_nftscan_free(struct gc_nftscan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		gc_atts_free(&s->v[i].atts);
		free(s->v[i].rs_atts);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
