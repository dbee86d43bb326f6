// SPDX-License-Identifier: Apache-2.0
/*
 * Version 2 policies: the same chains as version 1 (net-<net>-policy, -hostpol), plus
 * net-<net>-egress (what leaves the network for outside, jumped to from net-<net>-from)
 * and net-<net>-pubsrc (who may reach a published port, jumped to from forward's
 * pub-src map before published ports pass). Ports become anonymous interval sets, one
 * per entry, family and protocol; address groups named interval sets addr-<net>-<g>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Where an entry's kernel rules go; each chain reads its ends differently. */
enum where { IN_POLICY, IN_HOST, IN_EGRESS, IN_PUBSRC };

/*
 * Where the rules go: into a batch, or (@plan) only their chain, comment and verdict,
 * in order, which is all "already applied" compares: no nftnl object is built, so a
 * firewall ADD checks a large policy cheaply.
 */
struct out {
	struct nft_batch *b;
	policy_plan_cb plan;
	void *data;
};

#define NO_VERDICT (-1000)	/* as nft/read.h reports a rule without one */

int policy_intervals(const struct policy_group *g, bool v6, struct policy_interval **out)
{
	struct policy_interval *iv = calloc(g->n_cidrs + 1, sizeof(*iv));
	int family = v6 ? AF_INET6 : AF_INET, n = 0;
	size_t i;

	if (!iv)
		return -ENOMEM;
	for (i = 0; i < g->n_cidrs; i++) {
		const struct ip_prefix *c = &g->cidrs[i];
		struct ip_addr last = ip_prefix_last(c), next;

		if (c->addr.family != family)
			continue;
		/* Sorted and without overlaps (parse.c): merge only what touches. */
		if (n) {
			next = ip_addr_add(&iv[n - 1].hi, 1);
			if (ip_addr_eq(&next, &c->addr) &&
			    ip_addr_cmp(&iv[n - 1].hi, &next) < 0) {
				iv[n - 1].hi = last;
				continue;
			}
		}
		iv[n].lo = c->addr;
		iv[n].hi = last;
		iv[n].first = i;
		n++;
	}
	*out = iv;
	return n;
}

/* Fill addr-<net>-<g> (@v6: addr6-): start elements carry the CIDR as their comment,
 * end elements (one past each range, unless it ends the address space) none. */
static void fill_addr_set(struct nft_batch *b, const struct policy_group *g, const char *set,
			  bool v6)
{
	struct policy_interval *iv = NULL;
	struct nft_elem *e;
	struct ip_addr *ends;
	char (*txt)[IP_STR_MAX];
	int n = policy_intervals(g, v6, &iv), i, k = 0;
	size_t len = v6 ? 16 : 4;

	e = calloc(2 * (size_t)(n > 0 ? n : 1), sizeof(*e));
	ends = calloc((size_t)(n > 0 ? n : 1), sizeof(*ends));
	txt = calloc((size_t)(n > 0 ? n : 1), sizeof(*txt));
	if (n < 0 || !e || !ends || !txt) {
		b->err = b->err ? b->err : -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct ip_addr top = ip_addr_add(&iv[i].hi, 1);

		ip_prefix_format(&g->cidrs[iv[i].first], txt[i], sizeof(txt[i]));
		e[k++] = (struct nft_elem){ .key = iv[i].lo.b, .key_len = len,
					    .verdict = NFT_CONTINUE, .comment = txt[i] };
		if (ip_addr_cmp(&top, &iv[i].hi) < 0)	/* wrapped: ends the space */
			continue;
		ends[i] = top;
		e[k++] = (struct nft_elem){ .key = ends[i].b, .key_len = len,
					    .verdict = NFT_CONTINUE,
					    .flags = NFT_SET_ELEM_INTERVAL_END };
	}
	nft_batch_flush_set(b, FAM, NFT_TABLE, set);
	if (k)
		nft_batch_elems(b, true, NLM_F_CREATE, FAM, NFT_TABLE, set, e, (size_t)k);
out:
	free(iv);
	free(e);
	free(ends);
	free(txt);
}

static void members_or_group(char *buf, const struct policy *p, const char *net, int g,
			     bool v6)
{
	if (g == POLICY_ANY)
		nft_net_obj(buf, NFT_OBJ_NAME_MAX, v6 ? NFT_MEMBERS6_PFX : NFT_MEMBERS4_PFX, net,
			    "");
	else
		policy_set_name(buf, NFT_OBJ_NAME_MAX, net, p->groups[g].name, v6);
}

/* Does the address group end @g hold addresses of this family ("world": all)? */
static bool has_family(const struct policy *p, int g, bool v6)
{
	const struct policy_group *pg;

	if (g == POLICY_WORLD)
		return true;
	pg = &p->groups[g];
	return v6 ? pg->n_cidrs6 > 0 : pg->n_cidrs > pg->n_cidrs6;
}

/* tcp/udp/sctp: P dport LO-HI, or { ranges } (an anonymous interval set) for more than
 * one; a protocol alone:
 * meta l4proto P (icmp: ICMP for IPv4, ICMPv6 for IPv6). */
static void match_ports(struct nft_batch *b, struct nft_rule_b *rb, const struct policy_port *pp,
			size_t np, bool v6)
{
	struct nft_set_shape sh = { .key_type = NFT_DT_INET_SERVICE, .key_len = 2,
				    .interval = true };
	struct nft_elem e[2 * POLICY_MAX_PORTS];
	uint16_t keys[2 * POLICY_MAX_PORTS];
	char text[NFT_RULE_TEXT_MAX / 2];
	size_t j, k = 0, w = 0;
	uint32_t id;

	if (pp->proto == IPPROTO_ICMP || pp->lo == 0) {
		nft_rb_l4proto(rb, pp->proto == IPPROTO_ICMP && v6 ? IPPROTO_ICMPV6 : pp->proto);
		return;
	}
	/* One range needs no set: two compares cost the kernel less than a set object. */
	if (np == 1)
		return nft_rb_dport(rb, pp->proto, pp->lo, pp->hi);
	text[0] = '\0';
	for (j = 0; j < np; j++) {
		keys[k] = htons(pp[j].lo);
		e[k] = (struct nft_elem){ .key = &keys[k], .key_len = 2, .verdict = NFT_CONTINUE };
		k++;
		if (w < sizeof(text) - 16)
			w += (size_t)snprintf(text + w, sizeof(text) - w,
					      pp[j].lo == pp[j].hi ? "%s%u" : "%s%u-%u",
					      j ? ", " : "", pp[j].lo, pp[j].hi);
		if (pp[j].hi == 65535)
			continue;
		keys[k] = htons((uint16_t)(pp[j].hi + 1));
		e[k] = (struct nft_elem){ .key = &keys[k], .key_len = 2, .verdict = NFT_CONTINUE,
					  .flags = NFT_SET_ELEM_INTERVAL_END };
		k++;
	}
	id = nft_batch_anon_set(b, FAM, NFT_TABLE, &sh, e, k, text);
	nft_rb_dport_anon(rb, pp->proto, id, text);
}

/*
 * The two address matches of an entry in chain @w: containers by their group set (or
 * members-<net> for "*"), outside addresses by the group's addr set ("world": none).
 */
static void match_ends(struct nft_rule_b *rb, const struct policy *p, const char *net,
		       const struct policy_rule *r, enum where w, bool v6)
{
	char set[NFT_OBJ_NAME_MAX];
	int family = v6 ? AF_INET6 : AF_INET;

	if (w == IN_PUBSRC) {
		if (r->from != POLICY_WORLD) {
			policy_addr_set_name(set, sizeof(set), net, p->groups[r->from].name, v6);
			nft_rb_addr_set(rb, family, true, set, false);
		}
	} else {
		members_or_group(set, p, net, r->from, v6);
		nft_rb_addr_set(rb, family, true, set, false);
	}
	if (w == IN_EGRESS) {
		if (r->to != POLICY_WORLD) {
			policy_addr_set_name(set, sizeof(set), net, p->groups[r->to].name, v6);
			nft_rb_addr_set(rb, family, false, set, false);
		}
	} else if (w != IN_HOST) {
		members_or_group(set, p, net, r->to, v6);
		nft_rb_addr_set(rb, family, false, set, false);
	}
}

/* What one kernel rule of an entry's slot does. */
enum act {
	ACT_ALLOW,	/* the entry's verdict (accept, or return in pubsrc) */
	ACT_LOG,	/* log what the entry lets through, rate-limited; no verdict */
	ACT_SCOPE,	/* pubsrc: everyone else to the entry's containers and ports */
	ACT_SCOPE_LOG,	/* the same, logged */
};

/* "net:NET VERDICT RULE": how `netctl policy log` tells networks and decisions apart. */
static void log_prefix(char *buf, size_t n, const char *net, const char *verdict,
		       const char *rule)
{
	char r[40];

	/* the rule's name only ("allow[3]", "pub-only[3]", "final drop"): fits 127 bytes */
	snprintf(r, sizeof(r), "%.*s", (int)strcspn(rule, ":"), rule);
	snprintf(buf, n, "net:%s %s %s", net, verdict, r);
}

static void log_expr(struct nft_rule_b *rb, const char *net, const char *verdict,
		     const char *rule)
{
	char prefix[NFT_LOG_PREFIX_MAX + 1];

	log_prefix(prefix, sizeof(prefix), net, verdict, rule);
	nft_rb_limit(rb, POLICY_LOG_RATE, POLICY_LOG_BURST);
	nft_rb_log(rb, POLICY_NFLOG_GROUP, prefix);
}

/* What a drop of this policy does: enforce drops; audit logs and lets it pass. */
static int drop_verdict(const struct policy *p, int pass)
{
	return p->mode == POLICY_AUDIT ? pass : NF_DROP;
}

static const char *drop_word(const struct policy *p)
{
	return p->mode == POLICY_AUDIT ? "audit" : "drop";
}

static bool logs_drops(const struct policy *p, const struct policy_rule *r)
{
	return p->log || p->mode == POLICY_AUDIT || (r && r->log);
}

/* Slot @k of entry @i in family @v6, acting as @act. */
static void slot_rule(struct out *o, const struct policy *p, const char *net,
		      const char *chain, size_t i, size_t k, enum where w, bool v6, enum act act)
{
	const struct policy_rule *r = &p->rules[i];
	char comment[POLICY_TEXT_MAX + 16], base[POLICY_TEXT_MAX + 16], set[NFT_OBJ_NAME_MAX];
	char txt[POLICY_TEXT_MAX];
	bool log = act == ACT_LOG || act == ACT_SCOPE_LOG;
	int verdict = NO_VERDICT;
	size_t first, np;
	struct nft_rule_b rb;

	if (act == ACT_SCOPE || act == ACT_SCOPE_LOG) {
		policy_rule_text(txt, sizeof(txt), p, i, k);
		str_printf(base, sizeof(base), "%s%zu]: %s", POLICY_PUB_ONLY, i, txt);
	} else {
		policy_rule_comment(base, sizeof(base), p, i, k);
	}
	snprintf(comment, sizeof(comment), "%s", base);
	if (log)	/* "log: " + the rule's comment, cut to nft's 128 bytes */
		snprintf(comment, sizeof(comment), "%s%.*s", POLICY_LOG_COMMENT,
			 (int)(NFT_COMMENT_MAX - strlen(POLICY_LOG_COMMENT)), base);
	else
		verdict = act == ACT_SCOPE ? drop_verdict(p, NFT_RETURN) :
			  w == IN_PUBSRC ? NFT_RETURN : NF_ACCEPT;
	if (o->plan)
		return o->plan(chain, comment, verdict, o->data);
	nft_rb_init(&rb, chain);
	if (act == ACT_SCOPE || act == ACT_SCOPE_LOG) {
		members_or_group(set, p, net, r->to, v6);
		nft_rb_addr_set(&rb, v6 ? AF_INET6 : AF_INET, false, set, false);
	} else {
		match_ends(&rb, p, net, r, w, v6);
	}
	policy_slot_ports(p, i, k, &first, &np);
	if (np)
		match_ports(o->b, &rb, &r->ports[first], np, v6);
	if (log) {
		log_expr(&rb, net, act == ACT_LOG ? "allow" : drop_word(p), base);
	} else {
		nft_rb_counter(&rb);
		nft_rb_verdict(&rb, verdict, NULL);
	}
	nft_rb_comment(&rb, comment);
	nft_batch_rule(o->b, FAM, NFT_TABLE, &rb);
}

/* A rule @rb built, or in plan mode only named (@rb unused then). */
static void put(struct out *o, struct nft_rule_b *rb, const char *chain, const char *comment,
		int verdict)
{
	if (o->plan)
		return o->plan(chain, comment, verdict, o->data);
	nft_batch_rule(o->b, FAM, NFT_TABLE, rb);
}

/*
 * Entry @i in chain @chain: per family, a rule per protocol (slot), each after its log
 * rule when the entry says "log": true. A slot of @scope acts on everyone else.
 */
static void emit(struct out *o, const struct policy *p, const char *net,
		 const char *chain, size_t i, enum where w, bool scope)
{
	const struct policy_rule *r = &p->rules[i];
	size_t k, slots = policy_rule_slots(p, i);
	bool log = scope ? logs_drops(p, r) : r->log;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		if ((w == IN_EGRESS && !has_family(p, r->to, v6)) ||
		    (w == IN_PUBSRC && !scope && !has_family(p, r->from, v6)))
			continue;
		for (k = 0; k < slots; k++) {
			if (log)
				slot_rule(o, p, net, chain, i, k, w, v6,
					  scope ? ACT_SCOPE_LOG : ACT_LOG);
			slot_rule(o, p, net, chain, i, k, w, v6, scope ? ACT_SCOPE : ACT_ALLOW);
		}
	}
}

static bool goes(const struct policy *p, size_t i, enum where w)
{
	static const unsigned bit[] = { [IN_POLICY] = POLICY_IN_POLICY, [IN_HOST] = POLICY_IN_HOST,
					[IN_EGRESS] = POLICY_IN_EGRESS,
					[IN_PUBSRC] = POLICY_IN_PUBSRC };

	return policy_rule_where(p, i) & bit[w];
}

/* drops-<net> / drops6-<net>. */
static void drops_set(char *buf, const char *net, bool v6)
{
	nft_net_obj(buf, NFT_OBJ_NAME_MAX, v6 ? NFT_DROPS6_PFX : NFT_DROPS4_PFX, net, "");
}

/* A chain's last rule (@drop: the policy's drop, logged and audited as the file says). */
static void final_rule(struct out *o, const struct policy *p, const char *net,
		       const char *chain, bool drop, int verdict, const char *comment)
{
	char lc[POLICY_TEXT_MAX + 16], set[NFT_OBJ_NAME_MAX];
	struct nft_rule_b rb = { 0 };
	int v6;

	/* Per source container: a dynamic set of source addresses, each with a counter. */
	snprintf(lc, sizeof(lc), "%s%s", POLICY_COUNT_COMMENT, comment);
	for (v6 = 0; drop && v6 < 2; v6++) {
		if (!o->plan) {
			drops_set(set, net, v6);
			nft_rb_init(&rb, chain);
			nft_rb_set_update(&rb, v6 ? AF_INET6 : AF_INET, true, set);
			nft_rb_comment(&rb, lc);
		}
		put(o, &rb, chain, lc, NO_VERDICT);
	}
	snprintf(lc, sizeof(lc), "%s%s", POLICY_LOG_COMMENT, comment);
	if (drop && logs_drops(p, NULL)) {
		if (!o->plan) {
			nft_rb_init(&rb, chain);
			log_expr(&rb, net, drop_word(p), comment);
			nft_rb_comment(&rb, lc);
		}
		put(o, &rb, chain, lc, NO_VERDICT);
	}
	verdict = drop ? drop_verdict(p, verdict) : verdict;
	if (!o->plan) {
		nft_rb_init(&rb, chain);
		nft_rb_counter(&rb);
		nft_rb_verdict(&rb, verdict, NULL);
		nft_rb_comment(&rb, comment);
	}
	put(o, &rb, chain, comment, verdict);
}

/*
 * net-<net>-pubsrc sees new DNATed connections into the network's bridge. From another
 * of the host's bridges is not "outside": it returns. The allow entries return (the
 * published port then passes as before); after them, for each entry, the published
 * ports of its "to" and ports are closed to everyone else.
 */
static void build_pubsrc(struct out *o, const struct policy *p, const char *net,
			 const char *chain)
{
	struct nft_rule_b rb = { 0 };
	size_t i;

	for (i = 0; i < p->n_rules && !goes(p, i, IN_PUBSRC); i++)
		;
	if (i == p->n_rules)
		return;		/* no entry names a source: published ports open to all */
	if (!o->plan) {
		nft_rb_init(&rb, chain);
		nft_rb_ifname_set(&rb, false, NFT_BRIDGES_SET);
		nft_rb_verdict(&rb, NFT_RETURN, NULL);
		nft_rb_comment(&rb, POLICY_PUB_BRIDGES);
	}
	put(o, &rb, chain, POLICY_PUB_BRIDGES, NFT_RETURN);
	for (i = 0; i < p->n_rules; i++)
		if (goes(p, i, IN_PUBSRC))
			emit(o, p, net, chain, i, IN_PUBSRC, false);
	for (i = 0; i < p->n_rules; i++)
		if (goes(p, i, IN_PUBSRC))
			emit(o, p, net, chain, i, IN_PUBSRC, true);
}

static void build_sets(struct nft_batch *b, const struct policy *p, const char *net,
		       const bool *addr_kept)
{
	struct nft_set_shape sh = { .interval = true };
	char set[NFT_OBJ_NAME_MAX];
	size_t i;
	int v6;

	/* Kept across applies (never flushed here): the counts go on. */
	for (v6 = 0; v6 < 2; v6++) {
		struct nft_set_shape d = { .key_type = v6 ? NFT_DT_IPV6 : NFT_DT_IPV4,
					   .key_len = v6 ? 16 : 4, .dynamic = true,
					   .counters = true, .size = POLICY_DROPS_MAX };

		drops_set(set, net, v6);
		nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, set, &d);
	}
	for (i = 0; i < p->n_groups; i++) {
		for (v6 = 0; v6 < 2; v6++) {
			policy_set_name(set, sizeof(set), net, p->groups[i].name, v6);
			nft_batch_set(b, NFT_MSG_NEWSET, NLM_F_CREATE, FAM, NFT_TABLE, set,
				      v6 ? NFT_KEY_IPV6 : NFT_KEY_IPV4, false);
		}
	}
	for (i = 0; i < p->n_groups; i++) {
		if (!p->groups[i].n_cidrs)
			continue;
		for (v6 = 0; v6 < 2; v6++) {
			sh.key_type = v6 ? NFT_DT_IPV6 : NFT_DT_IPV4;
			sh.key_len = v6 ? 16 : 4;
			policy_addr_set_name(set, sizeof(set), net, p->groups[i].name, v6);
			nft_batch_set_shaped(b, NLM_F_CREATE, FAM, NFT_TABLE, set, &sh);
			if (!addr_kept || !addr_kept[i * 2 + v6])
				fill_addr_set(b, &p->groups[i], set, v6);
		}
	}
}

static void build_chain(struct out *o, const struct policy *p, const char *net,
			const char *chain, enum where w)
{
	size_t i;

	if (!o->plan) {
		nft_batch_chain(o->b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, FAM, NFT_TABLE, chain, -1,
				NULL, 0);
		nft_batch_flush_chain(o->b, FAM, NFT_TABLE, chain);
	}
	if (w == IN_PUBSRC)
		return build_pubsrc(o, p, net, chain);
	for (i = 0; i < p->n_rules; i++)
		if ((w != IN_POLICY || !p->icc) && goes(p, i, w))
			emit(o, p, net, chain, i, w, false);
	if (w == IN_POLICY)
		final_rule(o, p, net, chain, !p->icc, NF_ACCEPT,
			   p->icc ? POLICY_ICC_ACCEPT : POLICY_FINAL_DROP);
	if (w == IN_EGRESS && p->egress_deny)
		final_rule(o, p, net, chain, true, NF_ACCEPT, POLICY_EGRESS_DROP);
}

static const struct { const char *suffix; enum where w; } v2_chains[] = {
	{ NFT_POLICY_SFX, IN_POLICY }, { NFT_HOSTPOL_SFX, IN_HOST },
	{ NFT_EGRESS_SFX, IN_EGRESS }, { NFT_PUBSRC_SFX, IN_PUBSRC },
};

int policy_plan_v2(const struct policy *p, const char *net, policy_plan_cb cb, void *data)
{
	struct out o = { .plan = cb, .data = data };
	char chain[NFT_OBJ_NAME_MAX];
	size_t i;

	for (i = 0; i < sizeof(v2_chains) / sizeof(v2_chains[0]); i++) {
		if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, v2_chains[i].suffix) < 0)
			return -EINVAL;
		build_chain(&o, p, net, chain, v2_chains[i].w);
	}
	return 0;
}

void policy_build_v2(struct nft_batch *b, const struct policy *p, const char *net,
		     char (*stale)[160], size_t n_stale, const bool *addr_kept)
{
	struct out o = { .b = b };
	char chain[NFT_OBJ_NAME_MAX];
	size_t i;

	if (nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, NFT_POLICY_SFX) < 0) {
		b->err = b->err ? b->err : -EINVAL;
		snprintf(b->err_what, sizeof(b->err_what), "policy network name");
		return;
	}
	build_sets(b, p, net, addr_kept);
	for (i = 0; i < sizeof(v2_chains) / sizeof(v2_chains[0]); i++) {
		nft_net_obj(chain, sizeof(chain), NFT_NET_PFX, net, v2_chains[i].suffix);
		build_chain(&o, p, net, chain, v2_chains[i].w);
	}
	policy_build_finish(b, p, net, stale, n_stale);
}
