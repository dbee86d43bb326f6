// SPDX-License-Identifier: Apache-2.0
/*
 * ADD: bridge (found or made), a veth whose container end is born in CNI_NETNS under
 * CNI_IFNAME and whose host end has a name derived from (containerID, ifname), IPAM,
 * addresses and routes in the container, gateways on the bridge. A failure undoes
 * the veth and the IPAM reservation. DEL needs neither the netns nor a cache: the
 * host veth's name is known.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/exec.h"
#include "netlib/addr.h"
#include "netlib/netns.h"
#include "nft/conn.h"
#include "ruleset/macspoof.h"
#include "ruleset/inbound.h"
#include "ruleset/masq.h"
#include "ruleset/spoofchk.h"
#include "plugins/bridge/bridge.h"
#include "plugins/bridge/config.h"
#include "plugins/bridge/cont.h"
#include "plugins/bridge/host.h"
#include "util/cleanup.h"
#include "util/hash.h"
#include "util/str.h"

#define CONT_IDX 2	/* interfaces: bridge, host veth, container */
#define ALIAS_PREFIX "netctl/"	/* host veth ifalias: netctl/<containerID>/<ifname> */

/* spoofchk: the port's MAC and addresses (ruleset/spoofchk.h). */
struct spoof {
	struct nft_spoof_port p;
	struct ip_addr addrs[CNI_MAX_IPS];
};

struct br_run {
	struct cni_ctx *ctx;
	struct br_conf c;
	struct netlib_nl host, cont;
	int ns_fd;
	char hostveth[IFNAMSIZ];
	struct netlib_link br, hv, cv;
	struct spoof sp;	/* ADD: bound once sp.p.port is set */
	struct nft_conn nft;	/* one nf_tables socket for the run, opened when needed */
};

static int fail(struct br_run *b, int r, const char *msg)
{
	return err_fail(&b->ctx->err, r, r == -ENOENT ? ERR_IO : ERR_INTERNAL, msg);
}

static void run_close(struct br_run *b)
{
	netlib_close(&b->host);
	netlib_close(&b->cont);
	nft_conn_close(&b->nft);
	if (b->ns_fd >= 0)
		close(b->ns_fd);
	b->ns_fd = -1;
}

static int open_host(struct br_run *b)
{
	int r = netlib_open(&b->host, &b->ctx->err);

	return r < 0 ? fail(b, r, "cannot talk to the kernel (rtnetlink)") : 0;
}

static int open_cont(struct br_run *b)
{
	int r;

	b->ns_fd = netlib_netns_open(b->ctx->env.netns, &b->ctx->err);
	if (b->ns_fd < 0)
		return err_fail(&b->ctx->err, b->ns_fd, ERR_IO,
				"cannot open the container's network namespace");
	r = netlib_open_netns_fd(&b->cont, b->ns_fd, &b->ctx->err);
	return r < 0 ? fail(b, r, "cannot talk to the kernel in the container's netns") : 0;
}

/* Drop the container's spoofchk elements: by key from @p, or (NULL) by comment. */
static void spoof_detach(struct br_run *b, const struct nft_spoof_port *p)
{

	nft_spoofchk_detach(&b->nft, p, b->ctx->env.container_id, NULL);
}

/* The veth, container end born in the netns. A host end left by a crashed ADD of the
 * same (containerID, ifname) is ours: remove it and try once more. */
static int make_veth(struct br_run *b)
{
	const char *ifname = b->ctx->env.ifname;
	struct netlib_link l;
	int r, tries;

	/*
	 * Born on the bridge (down): an ADD killed before it names the veth (its
	 * ifalias) still leaves it where GC looks, known by its deterministic name.
	 */
	struct netlib_link_new ln = {
		.name = b->hostveth, .kind = "veth", .mtu = b->c.mtu, .master = b->br.index,
		.peer_name = ifname, .peer_netns_fd = b->ns_fd, .peer_mtu = b->c.mtu,
		.peer_mac = b->c.has_mac ? b->c.mac : NULL,
	};

	for (tries = 0; tries < 2; tries++) {
		r = netlib_link_create(&b->host, &ln, &b->ctx->err);
		if (r != -EEXIST)
			break;
		if (netlib_link_get(&b->cont, 0, ifname, &l, &b->ctx->err) == 0)
			return err_set(&b->ctx->err, -EEXIST, ERR_INTERNAL,
				       "the container already has an interface of that name",
				       "%s exists in %s", ifname, b->ctx->env.netns);
		if (netlib_link_del(&b->host, 0, b->hostveth, &b->ctx->err) < 0)
			break;
		/* its spoofchk elements name the old veth's MAC: found by comment */
		if (b->c.spoofchk)
			spoof_detach(b, NULL);
	}
	if (r < 0)
		return fail(b, r, "cannot create the veth pair");
	r = netlib_link_get(&b->host, 0, b->hostveth, &b->hv, &b->ctx->err);
	if (r == 0)
		r = netlib_link_get(&b->cont, 0, ifname, &b->cv, &b->ctx->err);
	if (r < 0) {
		fail(b, r, "cannot find the new veth pair");
		/* a failed ADD leaves nothing: the pair goes with either end */
		netlib_link_del(&b->host, 0, b->hostveth, NULL);
		return r;
	}
	return 0;
}

/* IPAM ADD into b->ctx->result's ips, routes and dns. */
static int ipam_add(struct br_run *b, struct cni_result *res)
{
	struct cni_ctx *ctx = b->ctx;
	json_error_t jerr;
	char *out = NULL;
	json_t *j;
	int r;

	r = cni_delegate(&ctx->env, b->c.ipam_type, "ADD", ctx->conf.raw, ctx->conf.raw_len,
			 &out, &ctx->err);
	if (r < 0)
		return r;
	j = json_loads(out, 0, &jerr);
	free(out);
	if (!j)
		return err_set(&ctx->err, -EINVAL, ERR_DECODE,
			       "the IPAM plugin's result is not JSON", "%s", jerr.text);
	r = cni_result_from_json(j, CNI_V_UNKNOWN, res, &ctx->err);
	json_decref(j);
	if (r < 0)
		return r;
	if (!res->n_ips)
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL,
			       "IPAM plugin returned missing IP config", "%s returned no ips",
			       b->c.ipam_type);
	return 0;
}

static void ipam_del(struct br_run *b)
{
	struct err ignore = { 0 };
	char *out = NULL;

	cni_delegate(&b->ctx->env, b->c.ipam_type, "DEL", b->ctx->conf.raw,
		     b->ctx->conf.raw_len, &out, &ignore);
	free(out);
}

static bool has_default_route(const struct cni_result *r, int family)
{
	int i;

	for (i = 0; i < r->n_routes; i++)
		if (r->routes[i].dst.addr.family == family && r->routes[i].dst.len == 0 &&
		    r->routes[i].has_gw)
			return true;
	return false;
}

/* Gateways and default routes, the reference's calcGateways(). */
static int calc_gateways(struct br_run *b, struct cni_result *res)
{
	int i;

	for (i = 0; i < res->n_ips; i++) {
		struct cni_ip *ip = &res->ips[i];
		int fam = ip->address.addr.family;

		ip->interface = CONT_IDX;
		if (!ip->has_gateway && b->c.is_gw) {
			struct ip_prefix net = ip_prefix_network(&ip->address);

			ip->gateway = ip_addr_add(&net.addr, 1);
			ip->has_gateway = true;
		}
		if (b->c.is_default_gw && !has_default_route(res, fam) && ip->has_gateway) {
			struct cni_route *rt;

			if (res->n_routes >= CNI_MAX_ROUTES)
				return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
					       "too many routes", "more than %d", CNI_MAX_ROUTES);
			rt = &res->routes[res->n_routes++];
			memset(rt, 0, sizeof(*rt));
			rt->dst.addr.family = fam;
			rt->has_gw = true;
			rt->gw = ip->gateway;
			rt->scope = -1;
		}
	}
	return 0;
}

/* Each subnet's gateway on the bridge once, then forwarding for the families used. */
static int set_gateways(struct br_run *b, const struct cni_result *res)
{
	bool fwd4 = false, fwd6 = false;
	int i, j, r;

	for (i = 0; i < res->n_ips; i++) {
		struct ip_prefix gw = { res->ips[i].gateway, res->ips[i].address.len };
		bool dup = false;

		if (!res->ips[i].has_gateway)
			continue;
		for (j = 0; j < i; j++)
			dup |= res->ips[j].has_gateway &&
			       ip_addr_eq(&res->ips[j].gateway, &gw.addr);
		if (dup)
			continue;
		r = br_ensure_gateway(&b->host, &b->c, b->br.index, &gw, &b->ctx->err);
		if (r < 0)
			return fail(b, r, "failed to set bridge addr");
		*(gw.addr.family == AF_INET ? &fwd4 : &fwd6) = true;
	}
	r = 0;
	if (fwd4)
		r = br_enable_forwarding(AF_INET, &b->ctx->err);
	if (r == 0 && fwd6)
		r = br_enable_forwarding(AF_INET6, &b->ctx->err);
	return r < 0 ? fail(b, r, "failed to enable forwarding") : 0;
}

/* The config's own "dns", when it says anything, wins over the IPAM plugin's. */
static void conf_dns(struct br_run *b, struct cni_result *res)
{
	json_t *d = b->ctx->conf.dns, *wrap;
	struct cni_result *tmp;
	struct err ignore = { 0 };

	if (!d || !json_is_object(d) || !json_object_size(d))
		return;
	tmp = cni_result_new();
	wrap = json_pack("{s:s, s:O}", "cniVersion", "1.0.0", "dns", d);
	if (tmp && wrap && cni_result_from_json(wrap, CNI_V_1_0_0, tmp, &ignore) == 0 &&
	    (tmp->dns.n_nameservers || tmp->dns.domain[0] || tmp->dns.n_search ||
	     tmp->dns.n_options))
		res->dns = tmp->dns;
	json_decref(wrap);
	free(tmp);
}

static int fill_interfaces(struct br_run *b, struct cni_result *res)
{
	char mac[18];
	int r;

	r = netlib_link_get(&b->host, b->br.index, NULL, &b->br, &b->ctx->err);
	if (r == 0)
		r = netlib_link_get(&b->host, b->hv.index, NULL, &b->hv, &b->ctx->err);
	if (r == 0)
		r = netlib_link_get(&b->cont, b->cv.index, NULL, &b->cv, &b->ctx->err);
	if (r < 0)
		return fail(b, r, "cannot read the interfaces back");
	res->n_interfaces = 0;
	netlib_format_mac(b->br.mac, mac, sizeof(mac));
	cni_result_add_iface(res, b->br.name, mac, "");
	netlib_format_mac(b->hv.mac, mac, sizeof(mac));
	cni_result_add_iface(res, b->hv.name, mac, "");
	netlib_format_mac(b->cv.mac, mac, sizeof(mac));
	cni_result_add_iface(res, b->cv.name, mac, b->ctx->env.netns);
	return 0;
}

static void masq_detach(struct br_run *b)
{

	nft_masq_detach(&b->nft, b->ctx->conf.name, NULL, b->ctx->env.container_id, NULL);
}

/* ipMasq: each container address into the network's masquerade set. */
static int masq_attach(struct br_run *b, const struct cni_result *res)
{
	int i, r;

	for (i = 0; i < res->n_ips; i++) {
		struct ip_prefix net = ip_prefix_network(&res->ips[i].address);

		r = nft_masq_attach(&b->nft, b->ctx->conf.name, &net, &res->ips[i].address.addr,
				    b->ctx->env.container_id, &b->ctx->err);
		if (r < 0) {
			masq_detach(b);
			return fail(b, r, "cannot set up ipMasq");
		}
	}
	/* A masquerading network: from outside, only published ports (unless routed). */
	r = nft_inbound_apply(&b->nft, b->ctx->conf.name, b->c.bridge, b->c.routed, &b->ctx->err);
	if (r < 0) {
		masq_detach(b);
		return fail(b, r, "cannot keep unpublished ports closed to outside hosts");
	}
	return 0;
}

/* spoofchk: what the container on @port may send from, taken from @res's @idx. */
static void spoof_port(struct br_run *b, const char *port, const uint8_t mac[6],
		       const struct cni_result *res, int idx, struct spoof *s)
{
	size_t n = 0;
	int i;

	memset(s, 0, sizeof(*s));
	s->p.port = port;
	memcpy(s->p.mac, mac, 6);
	s->p.ll6 = b->c.ipv6_link_local;
	for (i = 0; res && i < res->n_ips && n < CNI_MAX_IPS; i++) {
		if (res->ips[i].interface != idx && res->ips[i].interface >= 0)
			continue;
		s->addrs[n] = res->ips[i].address.addr;
		s->p.ll6 |= s->addrs[n++].family == AF_INET6;
	}
	s->p.addrs = s->addrs;
	s->p.n_addrs = n;
}

/* ipMasq without "routed": the network's published-only rule is in place. */
static int check_inbound(struct br_run *b)
{
	char missing[512];
	int r;

	if (b->c.routed)
		return 0;
	r = nft_inbound_check(&b->nft, b->ctx->conf.name, &b->ctx->err);
	if (r < 0)
		return fail(b, r, "cannot read the published-only rules");
	if (r > 0)
		return 0;
	str_copy(missing, sizeof(missing), b->ctx->err.details);
	return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL,
		       "the rule that keeps unpublished ports closed is missing",
		       "%s (was table inet netctl flushed? the next ADD or `netctl gc` "
		       "puts it back)",
		       missing);
}

/* proxy_ndp and no proxy delay on the bridge, forwarding on: each a /proc/sys write. */
static int ndp_proxy_on(struct br_run *b)
{
	char key[96];
	int r;

	snprintf(key, sizeof(key), "net/ipv6/conf/%s/proxy_ndp", b->c.bridge);
	r = netlib_sysctl_write(-1, key, "1", &b->ctx->err);
	if (r < 0)
		return r;
	snprintf(key, sizeof(key), "net/ipv6/neigh/%s/proxy_delay", b->c.bridge);
	r = netlib_sysctl_write(-1, key, "0", &b->ctx->err);
	if (r < 0)
		return r;
	return br_enable_forwarding(AF_INET6, &b->ctx->err);
}

/*
 * icc=false over IPv6: isolated ports stop neighbour discovery between containers,
 * so the bridge answers NDP for each container address (proxy_ndp and a proxy entry
 * per address) and the host routes, as proxy_arp_pvlan does for IPv4. Containers
 * ignore redirects, which would point them back at the isolated peer.
 */
static int icc_proxies(struct br_run *b, const struct cni_result *res, bool add)
{
	char key[96];
	bool any = false;
	int i, r;

	for (i = 0; i < res->n_ips; i++) {
		const struct ip_addr *a = &res->ips[i].address.addr;

		if (a->family != AF_INET6)
			continue;
		if (add && !any) {
			r = ndp_proxy_on(b);
			if (r < 0)
				return fail(b, r, "cannot turn on NDP proxying on the bridge");
			snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_redirects",
				 b->ctx->env.ifname);
			netlib_sysctl_write(b->ns_fd, key, "0", NULL);
		}
		any = true;
		r = netlib_neigh_proxy(&b->host, add, b->br.index, a, &b->ctx->err);
		if (r < 0 && add)
			return fail(b, r, "cannot add the NDP proxy entry");
	}
	return 0;
}

/*
 * Addresses, spoofchk, the container interface, gateways, NDP proxies, ipMasq, in this
 * order; a failure undoes what was done, each once, in reverse (masq_attach() undoes
 * its own half-done work, as icc_proxies(false) removes a half-added set).
 */
static int add_layer3(struct br_run *b, struct cni_result *res)
{
	int r;

	r = ipam_add(b, res);
	if (r < 0)
		return r;
	r = calc_gateways(b, res);
	if (r < 0)
		goto undo_ipam;
	/* bound before the container interface is up: no frame of it goes unchecked */
	if (b->c.spoofchk) {
		spoof_port(b, b->hv.name, b->cv.mac, res, CONT_IDX, &b->sp);
		r = nft_spoofchk_attach(&b->nft, &b->sp.p, b->ctx->env.container_id, &b->ctx->err);
		if (r < 0) {
			b->sp.p.port = NULL;
			fail(b, r, "cannot set up spoofchk");
			goto undo_ipam;
		}
	}
	r = br_cont_setup(&b->cont, b->ns_fd, b->ctx->env.ifname, b->cv.index, res, CONT_IDX,
			  (b->c.enable_dad ? BR_CONT_DAD : 0) |
			  (b->c.ipv6_link_local ? BR_CONT_LL6 : 0) |
			  (b->c.spoofchk ? BR_CONT_EUI64 : 0), &b->ctx->err);
	if (r < 0) {
		fail(b, r, "cannot configure the container interface");
		goto undo_spoof;
	}
	if (b->c.is_gw) {
		r = set_gateways(b, res);
		if (r < 0)
			goto undo_spoof;
	}
	if (!b->c.icc) {
		r = icc_proxies(b, res, true);
		if (r < 0)
			goto undo_proxies;
	}
	if (b->c.ip_masq) {
		r = masq_attach(b, res);
		if (r < 0)
			goto undo_proxies;
	}
	return 0;
undo_proxies:
	if (!b->c.icc)
		icc_proxies(b, res, false);
undo_spoof:
	if (b->sp.p.port)
		spoof_detach(b, &b->sp.p);
undo_ipam:
	ipam_del(b);
	return r;
}

/* add_layer3()'s work undone when a later step of ADD fails, in reverse order. */
static void del_layer3(struct br_run *b, const struct cni_result *res)
{
	if (b->c.ip_masq)
		masq_detach(b);
	if (!b->c.icc)
		icc_proxies(b, res, false);
	if (b->sp.p.port)
		spoof_detach(b, &b->sp.p);
	ipam_del(b);
}

/* The bridge, found or made; vlan filtering missing from the kernel said by name. */
static int ensure_bridge(struct br_run *b)
{
	int r = br_ensure_bridge(&b->host, &b->c, &b->br, &b->ctx->err);

	if (r == -EOPNOTSUPP && (b->c.vlan || b->c.n_trunk))
		return fail(b, r, "this kernel has no bridge VLAN filtering "
			    "(CONFIG_BRIDGE_VLAN_FILTERING), which vlan and vlanTrunk need");
	return r < 0 ? fail(b, r, "failed to create bridge") : 0;
}

/*
 * Sockets and the bridge are the run's (closed by run_close() on every return, the
 * bridge kept); from the veth on, a failure undoes what was made, in reverse: layer 3
 * (del_layer3()), then the veth.
 */
static int br_add(struct cni_ctx *ctx)
{
	_cleanup_(run_close) struct br_run b = { .ctx = ctx, .ns_fd = -1 };
	struct cni_result *res = ctx->result;
	char alias[sizeof(b.hv.alias)];
	int r;

	if (br_conf_parse(ctx, &b.c, true) < 0)
		return -EINVAL;
	ifname_from_ids(b.hostveth, "veth", ctx->env.container_id, ctx->env.ifname);
	memset(res, 0, sizeof(*res));
	r = open_host(&b);
	if (r < 0)
		return r;
	r = open_cont(&b);
	if (r < 0)
		return r;
	r = ensure_bridge(&b);
	if (r < 0)
		return r;
	r = make_veth(&b);
	if (r < 0)
		return r;
	/* an alias too long for the kernel is left out: GC then leaves that veth alone */
	if (str_printf(alias, sizeof(alias), ALIAS_PREFIX "%s/%s", ctx->env.container_id,
		       ctx->env.ifname) < 0)
		alias[0] = 0;
	r = br_attach_port(&b.host, &b.c, b.hv.index, b.br.index, alias[0] ? alias : NULL,
			   &ctx->err);
	if (r < 0) {
		fail(&b, r, "failed to connect the host veth to the bridge");
		goto undo_veth;
	}
	if (b.c.ipam_type) {
		r = add_layer3(&b, res);	/* undoes its own work when it fails */
		if (r < 0)
			goto undo_veth;
	} else if (!b.c.disable_container_iface) {
		r = netlib_link_set_up(&b.cont, b.cv.index, true, &ctx->err);
		if (r < 0) {
			fail(&b, r, "cannot set the container interface up");
			goto undo_veth;
		}
	}
	r = fill_interfaces(&b, res);
	if (r < 0)
		goto undo_layer3;
	if (b.c.macspoofchk) {
		r = nft_macspoof_attach(&b.nft, b.hv.name, b.cv.mac, ctx->env.container_id,
					&ctx->err);
		if (r < 0) {
			fail(&b, r, "cannot set up macspoofchk");
			goto undo_layer3;
		}
	}
	conf_dns(&b, res);
	return 0;
undo_layer3:
	if (b.c.ipam_type)
		del_layer3(&b, res);
undo_veth:
	/* deleting one end removes both */
	netlib_link_del(&b.host, b.hv.index, NULL, &ctx->err);
	return r;
}

/* By key from prevResult (the container interface's MAC and addresses), else a walk. */
static int del_spoof(struct br_run *b)
{
	const struct cni_result *prev = b->ctx->prev;
	uint8_t mac[6];
	struct spoof sp;
	int i, idx = -1, r;

	for (i = 0; prev && i < prev->n_interfaces; i++)
		if (!strcmp(prev->interfaces[i].name, b->ctx->env.ifname) &&
		    prev->interfaces[i].sandbox[0] &&
		    netlib_parse_mac(prev->interfaces[i].mac, mac) == 0)
			idx = i;
	if (idx >= 0)
		spoof_port(b, b->hostveth, mac, prev, idx, &sp);
	r = nft_spoofchk_detach(&b->nft, idx >= 0 ? &sp.p : NULL, b->ctx->env.container_id,
				&b->ctx->err);
	return r < 0 ? fail(b, r, "cannot remove the spoofchk entries") : 0;
}

/*
 * The veth by its deterministic host name; one made by another bridge plugin (the
 * reference names its host end at random) by its container end's name. Gone is fine.
 */
static int del_veth(struct br_run *b)
{
	struct cni_ctx *ctx = b->ctx;
	struct netlib_link l;
	int r;

	r = netlib_link_del(&b->host, 0, b->hostveth, &ctx->err);
	if (r == -ENODEV && ctx->env.netns && ctx->env.netns[0] &&
	    netlib_open_netns(&b->cont, ctx->env.netns, &ctx->err) == 0) {
		r = netlib_link_get(&b->cont, 0, ctx->env.ifname, &l, &ctx->err);
		if (r == 0 && !strcmp(l.kind, "veth"))
			r = netlib_link_del(&b->cont, l.index, NULL, &ctx->err);
	}
	return r == -ENODEV ? 0 : r;
}

/* Each step stops DEL at its first failure (the runtime retries DEL). */
static int br_del(struct cni_ctx *ctx)
{
	_cleanup_(run_close) struct br_run b = { .ctx = ctx, .ns_fd = -1 };
	char *out = NULL;
	int r;

	if (br_conf_parse(ctx, &b.c, false) < 0)
		return -EINVAL;
	if (b.c.ipam_type) {
		r = cni_delegate(&ctx->env, b.c.ipam_type, "DEL", ctx->conf.raw, ctx->conf.raw_len,
				 &out, &ctx->err);
		free(out);
		if (r < 0)
			return r;
	}
	ifname_from_ids(b.hostveth, "veth", ctx->env.container_id, ctx->env.ifname);
	r = open_host(&b);
	if (r < 0)
		return r;
	/* icc=false: the NDP proxy entries of the addresses the runtime tells us about */
	if (!b.c.icc && ctx->prev &&
	    netlib_link_get(&b.host, 0, b.c.bridge, &b.br, &ctx->err) == 0)
		icc_proxies(&b, ctx->prev, false);
	r = del_veth(&b);
	if (r < 0)
		return fail(&b, r, "cannot delete the veth pair");
	if (b.c.ip_masq) {
		r = nft_masq_detach(&b.nft, ctx->conf.name, NULL, ctx->env.container_id, &ctx->err);
		if (r < 0)
			return fail(&b, r, "cannot remove the ipMasq entries");
	}
	if (b.c.macspoofchk) {
		r = nft_macspoof_detach(&b.nft, ctx->env.container_id, &ctx->err);
		if (r < 0)
			return fail(&b, r, "cannot remove the macspoofchk entries");
	}
	if (b.c.spoofchk)
		return del_spoof(&b);
	return 0;
}

static int check_host(struct br_run *b, const struct cni_result *prev)
{
	struct cni_ctx *ctx = b->ctx;
	struct netlib_addr addrs[64];
	int r, n, i, j;

	r = netlib_link_get(&b->host, 0, b->c.bridge, &b->br, &b->ctx->err);
	if (r < 0 || strcmp(b->br.kind, "bridge"))
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL, "the bridge is missing",
			       "CNI created bridge %s in host namespace was not found",
			       b->c.bridge);
	r = netlib_link_get(&b->host, 0, b->hostveth, &b->hv, &b->ctx->err);
	/* another bridge plugin's veth (random host name): the container end's peer */
	if (r == -ENODEV && b->cv.link > 0) {
		r = netlib_link_get(&b->host, b->cv.link, NULL, &b->hv, &b->ctx->err);
		if (r == 0 && strcmp(b->hv.kind, "veth"))
			r = -ENODEV;
		if (r == 0)
			str_copy(b->hostveth, sizeof(b->hostveth), b->hv.name);
	}
	if (r < 0)
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL, "the host veth is missing",
			       "veth %s for bridge %s was not found", b->hostveth, b->c.bridge);
	if (b->hv.master != b->br.index)
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL,
			       "the host veth is not on the bridge", "%s is not a port of %s",
			       b->hostveth, b->c.bridge);
	if (!b->c.is_gw)
		return 0;
	r = netlib_addr_list(&b->host, AF_UNSPEC, b->br.index, addrs, 64, &n, &b->ctx->err);
	if (r < 0)
		return fail(b, r, "cannot list the bridge's addresses");
	for (i = 0; i < prev->n_ips; i++) {
		bool found = false;
		char txt[IP_STR_MAX];

		if (!prev->ips[i].has_gateway)
			continue;
		for (j = 0; j < n; j++)
			found |= ip_addr_eq(&addrs[j].prefix.addr, &prev->ips[i].gateway);
		if (found)
			continue;
		ip_addr_format(&prev->ips[i].gateway, txt, sizeof(txt));
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL, "the bridge lacks the gateway",
			       "%s does not have gateway address %s", b->c.bridge, txt);
	}
	return 0;
}

static int check_macspoof(struct br_run *b)
{
	char mac[18];
	int r;

	r = nft_macspoof_check(&b->nft, b->hv.name, b->cv.mac, &b->ctx->err);
	if (r < 0)
		return fail(b, r, "cannot read the macspoofchk entries");
	if (r > 0)
		return 0;
	netlib_format_mac(b->cv.mac, mac, sizeof(mac));
	return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL, "macspoofchk is not in place",
		       "table bridge netctl does not limit %s to source MAC %s", b->hv.name, mac);
}

static int check_spoof(struct br_run *b, int idx)
{
	char what[128];
	struct spoof sp;
	int r;

	spoof_port(b, b->hv.name, b->cv.mac, b->ctx->prev, idx, &sp);
	r = nft_spoofchk_check(&b->nft, &sp.p, what, sizeof(what), &b->ctx->err);
	if (r < 0)
		return fail(b, r, "cannot read the spoofchk entries");
	if (r > 0)
		return 0;
	return err_set(&b->ctx->err, -EINVAL, ERR_INTERNAL, "spoofchk is not in place",
		       "table bridge netctl does not bind %s to %s", b->hv.name, what);
}

static int br_check(struct cni_ctx *ctx)
{
	_cleanup_(run_close) struct br_run b = { .ctx = ctx, .ns_fd = -1 };
	const struct cni_result *prev = ctx->prev;
	char *out = NULL;
	int r, i, idx = -1;

	if (br_conf_parse(ctx, &b.c, true) < 0)
		return -EINVAL;
	if (!prev)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "Required prevResult missing", "%s",
			       "CHECK needs the ADD result as prevResult");
	if (b.c.ipam_type) {
		r = cni_delegate(&ctx->env, b.c.ipam_type, "CHECK", ctx->conf.raw,
				 ctx->conf.raw_len, &out, &ctx->err);
		free(out);
		if (r < 0)
			return r;
	}
	for (i = 0; i < prev->n_interfaces; i++)
		if (!strcmp(prev->interfaces[i].name, ctx->env.ifname) &&
		    prev->interfaces[i].sandbox[0])
			idx = i;
	if (idx < 0)
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL,
			       "prevResult has no container interface",
			       "no interface %s with a sandbox", ctx->env.ifname);
	if (strcmp(prev->interfaces[idx].sandbox, ctx->env.netns))
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL, "the sandbox does not match",
			       "Sandbox in prevResult %s doesn't match configured netns: %s",
			       prev->interfaces[idx].sandbox, ctx->env.netns);
	ifname_from_ids(b.hostveth, "veth", ctx->env.container_id, ctx->env.ifname);
	r = open_host(&b);
	if (r < 0)
		return r;
	r = open_cont(&b);
	if (r < 0)
		return r;
	if (!b.c.disable_container_iface) {
		r = br_cont_check(&b.cont, ctx->env.ifname, prev, idx, &b.cv, &ctx->err);
		if (r < 0) {
			err_fail(&ctx->err, -EINVAL, ERR_INTERNAL,
				 "the container interface does not match the result");
			return r;
		}
	}
	r = check_host(&b, prev);
	if (r < 0)
		return r;
	if (b.c.macspoofchk && !b.c.disable_container_iface) {
		r = check_macspoof(&b);
		if (r < 0)
			return r;
	}
	if (b.c.spoofchk && !b.c.disable_container_iface) {
		r = check_spoof(&b, idx);
		if (r < 0)
			return r;
	}
	if (b.c.ip_masq && b.c.ipam_type)
		return check_inbound(&b);
	return 0;
}

static int delegate_plain(struct cni_ctx *ctx, const char *cmd)
{
	struct br_conf c;
	char *out = NULL;
	int r;

	if (br_conf_parse(ctx, &c, false) < 0)
		return -EINVAL;
	if (!c.ipam_type)
		return 0;
	r = cni_delegate(&ctx->env, c.ipam_type, cmd, ctx->conf.raw, ctx->conf.raw_len, &out,
			 &ctx->err);
	free(out);
	return r;
}

static int br_status(struct cni_ctx *ctx)
{
	return delegate_plain(ctx, "STATUS");
}

struct gc_walk {
	json_t *root;
	int bridge;
	int stale[1024];
	int n;
};

static int gc_each(const struct netlib_link *l, void *data)
{
	struct gc_walk *w = data;
	char id[sizeof(l->alias)], *ifname;

	if (l->master != w->bridge || w->n >= (int)(sizeof(w->stale) / sizeof(w->stale[0])))
		return 0;
	/*
	 * No alias and still down: an ADD killed before it named and raised its veth
	 * (an up one without alias may be another plugin's, the reference's: left alone).
	 */
	if (!l->alias[0]) {
		if (!strcmp(l->kind, "veth") && !(l->flags & IFF_UP) &&
		    str_has_prefix(l->name, "veth") && !cni_gc_name_valid(w->root, "veth", l->name))
			w->stale[w->n++] = l->index;
		return 0;
	}
	if (!str_has_prefix(l->alias, ALIAS_PREFIX))
		return 0;
	str_copy(id, sizeof(id), l->alias + strlen(ALIAS_PREFIX));
	ifname = strrchr(id, '/');
	if (!ifname)
		return 0;
	*ifname++ = 0;
	if (!cni_gc_attachment_valid(w->root, id, ifname))
		w->stale[w->n++] = l->index;
	return 0;
}

static bool gc_keep_id(const char *id, void *root)
{
	return cni_gc_attachment_valid(root, id, NULL);
}

/*
 * Our veths on this bridge (known by their ifalias, or by their deterministic name
 * while half-made: no alias, down) whose attachment is not in the valid list.
 */
static int gc_veths(struct br_run *b, struct gc_walk *w)
{
	int r, i;

	w->root = b->ctx->conf.root;
	r = netlib_link_get(&b->host, 0, b->c.bridge, &b->br, &b->ctx->err);
	if (r == -ENODEV)
		return 0;	/* no bridge, no veths of ours */
	if (r < 0)
		return r;
	w->bridge = b->br.index;
	r = netlib_link_foreach(&b->host, gc_each, w, &b->ctx->err);
	if (r < 0)
		return r;
	for (i = 0; i < w->n; i++) {
		r = netlib_link_del(&b->host, w->stale[i], NULL, &b->ctx->err);
		if (r < 0 && r != -ENODEV)	/* -ENODEV: a concurrent DEL got there first */
			return r;
	}
	return 0;
}

/*
 * GC: stale veths, then the nft elements of attachments not in the valid list, then
 * IPAM's GC; the first failure stops it. Without a valid list nothing is removed here.
 */
static int br_gc(struct cni_ctx *ctx)
{
	_cleanup_(run_close) struct br_run b = { .ctx = ctx, .ns_fd = -1 };
	_cleanup_free_ struct gc_walk *w = NULL;
	int r;

	if (br_conf_parse(ctx, &b.c, false) < 0)
		return -EINVAL;
	if (!json_is_array(cni_json_get(ctx->conf.root, "cni.dev/valid-attachments")) &&
	    !json_is_array(cni_json_get(ctx->conf.root, "cni.dev/attachments")))
		return delegate_plain(ctx, "GC");
	r = open_host(&b);
	if (r < 0)
		return r;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = gc_veths(&b, w);
	if (r < 0)
		return fail(&b, r, "cannot remove stale veths");
	if (b.c.ip_masq) {
		r = nft_masq_gc(&b.nft, ctx->conf.name, gc_keep_id, ctx->conf.root, &ctx->err);
		if (r < 0)
			return fail(&b, r, "cannot remove stale ipMasq entries");
	}
	if (b.c.macspoofchk) {
		r = nft_macspoof_gc(&b.nft, gc_keep_id, ctx->conf.root, &ctx->err);
		if (r < 0)
			return fail(&b, r, "cannot remove stale macspoofchk entries");
	}
	if (b.c.spoofchk) {
		r = nft_spoofchk_gc(&b.nft, gc_keep_id, ctx->conf.root, &ctx->err);
		if (r < 0)
			return fail(&b, r, "cannot remove stale spoofchk entries");
	}
	run_close(&b);	/* IPAM's GC runs without our sockets open, as before */
	return delegate_plain(ctx, "GC");
}

const struct cni_plugin_ops br_ops = {
	.name = "bridge",
	.add = br_add,
	.del = br_del,
	.check = br_check,
	.status = br_status,
	.gc = br_gc,
	.runtime_keys = (const char *const[]){ "mac", NULL },
	.delegates_ipam = true,
};
