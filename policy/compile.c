// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "policy/compile.h"
#include "policy/policy.h"
#include "ruleset/table.h"
#include "util/str.h"

#define FAM NFPROTO_INET

int policy_set_name(char *buf, size_t n, const char *net, const char *group, bool v6)
{
	return nft_group_set(buf, n, v6 ? NFT_GRP6_PFX : NFT_GRP4_PFX, net, group);
}

int policy_addr_set_name(char *buf, size_t n, const char *net, const char *group, bool v6)
{
	return nft_group_set(buf, n, v6 ? NFT_ADDR6_PFX : NFT_ADDR4_PFX, net, group);
}

int policy_mark_name(char *buf, size_t n, const char *net, uint64_t hash)
{
	return str_printf(buf, n, NFT_POL_PFX "%s-%016" PRIx64, net, hash);
}

static const char *end_name(const struct policy *p, int g)
{
	return g == POLICY_ANY ? "*" : g == POLICY_HOST ? POLICY_HOST_NAME :
	       g == POLICY_WORLD ? POLICY_WORLD_NAME : p->groups[g].name;
}

void policy_port_text(char *buf, size_t n, const struct policy_port *pp)
{
	const char *proto = pp->proto == IPPROTO_TCP ? "tcp" :
			    pp->proto == IPPROTO_UDP ? "udp" :
			    pp->proto == IPPROTO_SCTP ? "sctp" : "icmp";

	if (pp->lo == 0) {	/* v2 protocol-only */
		snprintf(buf, n, "%s", proto);
		return;
	}
	if (pp->lo == pp->hi)
		snprintf(buf, n, "%u/%s", pp->lo, proto);
	else
		snprintf(buf, n, "%u-%u/%s", pp->lo, pp->hi, proto);
}

unsigned policy_rule_where(const struct policy *p, size_t i)
{
	const struct policy_rule *r = &p->rules[i];
	unsigned w = 0;

	if (r->to == POLICY_HOST)
		return POLICY_IN_HOST;
	if (policy_group_has_names(p, r->from) && policy_group_has_names(p, r->to))
		w |= POLICY_IN_POLICY;
	if (p->version >= 2 && policy_group_has_names(p, r->from) &&
	    policy_group_has_cidrs(p, r->to))
		w |= POLICY_IN_EGRESS;
	if (p->version >= 2 && policy_group_has_cidrs(p, r->from) &&
	    policy_group_has_names(p, r->to))
		w |= POLICY_IN_PUBSRC;
	return w;
}

size_t policy_rule_slots(const struct policy *p, size_t i)
{
	const struct policy_rule *r = &p->rules[i];
	size_t k, n = 1;

	if (p->version < 2 || !r->n_ports)
		return r->n_ports ? r->n_ports : 1;
	for (k = 1; k < r->n_ports; k++)
		n += r->ports[k].proto != r->ports[k - 1].proto;
	return n;
}

void policy_slot_ports(const struct policy *p, size_t i, size_t k, size_t *first, size_t *n)
{
	const struct policy_rule *r = &p->rules[i];
	size_t j, slot = 0;

	*first = *n = 0;
	if (p->version < 2) {
		*first = k;
		*n = k < r->n_ports;
		return;
	}
	for (j = 0; j < r->n_ports; j++) {
		if (j && r->ports[j].proto != r->ports[j - 1].proto)
			slot++;
		if (slot == k) {
			if (!*n)
				*first = j;
			(*n)++;
		}
	}
}

/* v2: a slot's ports as one text: "5432/tcp", "80,443,8000-8100/tcp", "udp", "icmp". */
static void slot_text(char *buf, size_t n, const struct policy_port *pp, size_t np)
{
	const char *proto = pp->proto == IPPROTO_TCP ? "tcp" : pp->proto == IPPROTO_UDP ?
			    "udp" : pp->proto == IPPROTO_SCTP ? "sctp" : "icmp";
	size_t j, w = 0;

	if (pp->lo == 0) {
		snprintf(buf, n, "%s", proto);
		return;
	}
	for (j = 0; j < np && w + 24 < n && w < 28; j++)
		w += (size_t)snprintf(buf + w, n - w, pp[j].lo == pp[j].hi ? "%s%u" : "%s%u-%u",
				      j ? "," : "", pp[j].lo, pp[j].hi);
	if (j < np)	/* a comment holds 128 bytes: the rest is counted, not listed */
		w += (size_t)snprintf(buf + w, n - w, ",...(+%zu)", np - j);
	snprintf(buf + w, n - w, "/%s", proto);
}

void policy_rule_text(char *buf, size_t n, const struct policy *p, size_t i, size_t k)
{
	const struct policy_rule *r = &p->rules[i];
	char port[96] = "any";
	size_t first, np;

	if (p->version >= 2 && r->n_ports) {
		policy_slot_ports(p, i, k, &first, &np);
		if (np)
			slot_text(port, sizeof(port), &r->ports[first], np);
	} else if (r->n_ports && k < r->n_ports) {
		policy_port_text(port, sizeof(port), &r->ports[k]);
	}
	snprintf(buf, n, "%s -> %s %s", end_name(p, r->from), end_name(p, r->to), port);
}

void policy_rule_comment(char *buf, size_t n, const struct policy *p, size_t i, size_t k)
{
	char text[POLICY_TEXT_MAX];

	policy_rule_text(text, sizeof(text), p, i, k);
	str_printf(buf, n, "allow[%zu]: %s", i, text);
}

const char *policy_comment_text(const char *comment)
{
	const char *s;

	if (!comment)
		return NULL;
	if (str_has_prefix(comment, "allow[") && (s = strstr(comment, "]: ")))
		return s + 3;
	return comment;
}

static void end_set(char *buf, const struct policy *p, const char *net, int g, bool v6)
{
	if (g == POLICY_ANY)
		nft_net_obj(buf, NFT_OBJ_NAME_MAX, v6 ? NFT_MEMBERS6_PFX : NFT_MEMBERS4_PFX, net,
			    "");
	else
		policy_set_name(buf, NFT_OBJ_NAME_MAX, net, p->groups[g].name, v6);
}

/* One allow entry for one family: a rule per port (or one for any port). */
static void build_rule(struct nft_batch *b, const struct policy *p, const char *net,
		       const char *chain, size_t i, bool v6)
{
	const struct policy_rule *r = &p->rules[i];
	char from[NFT_OBJ_NAME_MAX], to[NFT_OBJ_NAME_MAX], comment[POLICY_TEXT_MAX + 16];
	int family = v6 ? AF_INET6 : AF_INET;
	size_t k, n = r->n_ports ? r->n_ports : 1;
	struct nft_rule_b rb;

	end_set(from, p, net, r->from, v6);
	if (r->to != POLICY_HOST)
		end_set(to, p, net, r->to, v6);
	for (k = 0; k < n; k++) {
		nft_rb_init(&rb, chain);
		nft_rb_addr_set(&rb, family, true, from, false);
		/* To the host: any of its addresses (net-<net>-host sees only those). */
		if (r->to != POLICY_HOST)
			nft_rb_addr_set(&rb, family, false, to, false);
		if (r->n_ports)
			nft_rb_dport(&rb, r->ports[k].proto, r->ports[k].lo, r->ports[k].hi);
		nft_rb_counter(&rb);
		nft_rb_verdict(&rb, NF_ACCEPT, NULL);
		/* The comment ties the kernel rule (and its counter) to the file's rule. */
		policy_rule_comment(comment, sizeof(comment), p, i, k);
		nft_rb_comment(&rb, comment);
		nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	}
}

void policy_build_finish(struct nft_batch *b, const struct policy *p, const char *net,
			 char (*stale)[160], size_t n_stale)
{
	char mark[NFT_OBJ_NAME_MAX];
	size_t i;

	/* Stale objects go after the flushes that dropped the rules using them. */
	for (i = 0; i < n_stale; i++) {
		if (str_has_prefix(stale[i], NFT_POL_PFX))
			nft_batch_chain(b, NFT_MSG_DELCHAIN, 0, FAM, NFT_TABLE, stale[i], -1,
					NULL, 0);
		else
			nft_batch_set(b, NFT_MSG_DELSET, 0, FAM, NFT_TABLE, stale[i],
				      NFT_KEY_IPV4, false);
	}
	policy_mark_name(mark, sizeof(mark), net, p->hash);
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, mark, -1, NULL, 0);
}

void policy_build(struct nft_batch *b, const struct policy *p, const char *net,
		  char (*stale)[160], size_t n_stale)
{
	char chain[NFT_OBJ_NAME_MAX], set[NFT_OBJ_NAME_MAX], hostpol[NFT_OBJ_NAME_MAX];
	struct nft_rule_b rb;
	size_t i;
	int v6;

	if (p->version >= 2)
		return policy_build_v2(b, p, net, stale, n_stale, NULL);
	if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, NFT_POLICY_SFX) < 0 ||
	    nft_net_obj(hostpol, sizeof(hostpol), NFT_NET_PFX, net, NFT_HOSTPOL_SFX) < 0) {
		b->err = b->err ? b->err : -EINVAL;
		snprintf(b->err_what, sizeof(b->err_what), "policy network name");
		return;
	}
	for (i = 0; i < p->n_groups; i++) {
		for (v6 = 0; v6 < 2; v6++) {
			policy_set_name(set, sizeof(set), net, p->groups[i].name, v6);
			nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, set,
				      v6 ? NFT_KEY_IPV6 : NFT_KEY_IPV4, false);
		}
	}
	nft_batch_flush_chain(b, FAM, NFT_TABLE, chain);
	if (!p->icc) {
		for (i = 0; i < p->n_rules; i++)
			for (v6 = 0; v6 < 2; v6++)
				if (!policy_rule_is_host(p, i))
					build_rule(b, p, net, chain, i, v6);
	}
	nft_rb_init(&rb, chain);
	nft_rb_counter(&rb);
	nft_rb_verdict(&rb, p->icc ? NF_ACCEPT : NF_DROP, NULL);
	nft_rb_comment(&rb, p->icc ? POLICY_ICC_ACCEPT : POLICY_FINAL_DROP);
	nft_batch_rule(b, FAM, NFT_TABLE, &rb);
	/* Made here too: a network whose chains predate host access has none yet. */
	nft_batch_chain(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, hostpol, -1, NULL, 0);
	nft_batch_flush_chain(b, FAM, NFT_TABLE, hostpol);
	for (i = 0; i < p->n_rules; i++)
		for (v6 = 0; v6 < 2; v6++)
			if (policy_rule_is_host(p, i))
				build_rule(b, p, net, hostpol, i, v6);
	policy_build_finish(b, p, net, stale, n_stale);
}
