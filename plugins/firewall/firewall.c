// SPDX-License-Identifier: Apache-2.0
/*
 * The firewall plugin: a container ADD puts its addresses into members-<net> (and its
 * policy groups), making the network's chains the first time; DEL takes out only the
 * elements whose comment is this container's ID (members elements add its name).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "cni/netlock.h"
#include "nft/batch.h"
#include "ruleset/table.h"
#include "nft/read.h"
#include "plugins/firewall/brport.h"
#include "plugins/firewall/config.h"
#include "plugins/firewall/firewall.h"
#include "plugins/firewall/groups.h"
#include "util/array.h"

const struct cni_plugin_ops fw_ops = {
	.name = "firewall",
	.add = fw_add,
	.del = fw_del,
	.check = fw_check,
	.gc = fw_gc,
	.runtime_keys = (const char *const[]){ NULL },
};

static void member_sets(const char *net, char *s4, char *s6)
{
	nft_net_obj(s4, NFT_OBJ_NAME_MAX, NFT_MEMBERS4_PFX, net, "");
	nft_net_obj(s6, NFT_OBJ_NAME_MAX, NFT_MEMBERS6_PFX, net, "");
}

/*
 * The network lock (cni/netlock.h) around every step that reads the network's shared
 * state and writes from it: the policy file, the mark, the group sets.
 */
static int fw_lock(struct cni_ctx *ctx, const struct fw_config *c)
{
	char what[320];

	snprintf(what, sizeof(what), "firewall %s %s", cni_cmd_str(ctx->env.cmd),
		 ctx->env.container_id ? ctx->env.container_id : "");
	return cni_net_lock(c->net, what, false, &ctx->err);
}

/* fw_lock() and a connection to nftables: the lock, or -errno with nothing held. */
static int fw_lock_conn(struct cni_ctx *ctx, const struct fw_config *c, struct nft_conn *conn)
{
	int r, lock = fw_lock(ctx, c);

	if (lock < 0)
		return lock;
	r = nft_conn_open(conn, &ctx->err);
	if (r < 0) {
		cni_net_unlock(lock);
		return err_fail(&ctx->err, r, ERR_IO, "cannot talk to nftables");
	}
	return lock;
}

/* Membership and the policy groups of @id go in one batch: all or nothing. */
static int fw_insert(struct nft_conn *conn, const struct fw_config *c,
		     const struct fw_groups *g, const char *id, const char *comment,
		     struct err *err)
{
	char s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	struct nft_batch b;
	int r;

	member_sets(c->net, s4, s6);
	nft_batch_begin(&b, conn);
	r = nft_netctl_build_elems_add(&b, s4, s6, c->addrs, c->n_addrs, comment);
	if (r < 0)
		goto too_many;
	r = fw_groups_build_add(&b, c, g, id);
	if (r < 0)
		goto too_many;
	r = nft_batch_send(conn, &b, err);
	nft_batch_free(&b);
	return r;
too_many:	/* the batch's room: nothing was sent */
	nft_batch_free(&b);
	return err_detail(err, r, "too many addresses");
}

/*
 * @id's elements out of members-<net> and every group set, in one batch. One that
 * vanished between our read and our delete (someone else's DEL) is read again: DEL
 * stays idempotent.
 */
static int fw_remove(struct nft_conn *conn, const struct fw_config *c, const char *id,
		     struct err *err)
{
	char s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	struct nft_batch b;
	int r, tries = 0;

	member_sets(c->net, s4, s6);
	do {
		nft_batch_begin(&b, conn);
		r = fw_groups_build_del(conn, &b, c, id, err);
		if (r >= 0)
			r = nft_netctl_build_elems_del(conn, &b, s4, s6, c->addrs, c->n_addrs, id,
						       err);
		if (r >= 0 && !nft_batch_empty(&b))
			r = nft_batch_send(conn, &b, err);
		nft_batch_free(&b);
	} while (r == -ENOENT && ++tries < 3);
	return r;
}

/* icc off: route container-to-container traffic through the forward hook. */
static int isolate_port(struct cni_ctx *ctx, const struct fw_config *c)
{
	int r;

	if (c->icc)
		return 0;
	if (!c->host_veth)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
			       "icc=false needs the host side of the container's veth",
			       "prevResult lists no host interface after the bridge");
	r = fw_bridge_route_peers(c->bridge, &ctx->err);
	if (r >= 0)
		r = fw_port_isolate(c->host_veth, true, &ctx->err);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO,
				"cannot isolate the container's bridge port");
	return 0;
}

int fw_add(struct cni_ctx *ctx)
{
	struct fw_config c;
	struct nft_net net;
	struct nft_conn conn;
	char comment[256];
	struct fw_groups g;
	int r, lock;

	if (fw_config_load(ctx, true, &c) < 0)
		return -EINVAL;
	lock = fw_lock(ctx, &c);
	if (lock < 0)
		return lock;
	/* Read under the lock: the policy installed last is the one this ADD applies. */
	r = fw_groups_load(ctx, &c, &g);
	if (r < 0)
		goto unlock;
	net = (struct nft_net){ .name = c.net, .bridge = c.bridge,
				.isolate = c.ingress != FW_INGRESS_OPEN,
				.icc = c.icc && !g.has_policy, .internal = c.internal,
				.host = c.host };
	r = nft_conn_open(&conn, &ctx->err);
	if (r < 0) {
		err_fail(&ctx->err, r, ERR_IO, "cannot talk to nftables");
		goto free;
	}
	r = nft_netctl_ensure_net(&conn, &net, &ctx->err);
	if (r < 0) {
		err_fail(&ctx->err, r, ERR_IO, "cannot set up the network's firewall chains");
		goto out;
	}
	/* Rules put back after a flush hold the default: the policy goes on again. */
	r = fw_groups_apply(ctx, &conn, &c, &g, r == 1);
	if (r < 0)
		goto out;
	nft_member_comment(comment, sizeof(comment), ctx->env.container_id, c.name);
	r = fw_insert(&conn, &c, &g, ctx->env.container_id, comment, &ctx->err);
	if (r < 0) {
		err_fail(&ctx->err, r, ERR_IO,
			 "cannot add the container to its network's firewall sets");
		goto out;
	}
	r = isolate_port(ctx, &c);
	if (r < 0)
		fw_remove(&conn, &c, ctx->env.container_id, &ctx->err);
out:
	nft_conn_close(&conn);
free:
	fw_groups_free(&g);
unlock:
	cni_net_unlock(lock);
	return r < 0 ? r : 0;
}

int fw_del(struct cni_ctx *ctx)
{
	struct fw_config c;
	struct nft_conn conn;
	int r, lock;

	if (fw_config_load(ctx, false, &c) < 0) {
		/* Nothing of ours can exist for a config ADD refused (firewalld). */
		if (ctx->err.code == ERR_UNSUPPORTED_FIELD) {
			err_clear(&ctx->err);
			return 0;
		}
		return -EINVAL;
	}
	lock = fw_lock(ctx, &c);
	if (lock < 0)
		return lock;
	r = nft_conn_open(&conn, &ctx->err);
	if (r == 0) {
		r = fw_remove(&conn, &c, ctx->env.container_id, &ctx->err);
		nft_conn_close(&conn);
	}
	cni_net_unlock(lock);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO,
				"cannot remove the container from its network's " "firewall sets");
	return 0;
}

/* The network's rules are there: someone may have flushed our table. */
static int check_wired(struct cni_ctx *ctx, struct nft_conn *conn, const char *net)
{
	char what[256];
	int r;

	r = nft_netctl_net_wired(conn, net, what, sizeof(what), &ctx->err);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot read the network's firewall rules");
	if (r == 0)
		return err_set(&ctx->err, -EINVAL, ERR_INTERNAL,
			       "the network's firewall rules are missing",
			       "%s (was table inet netctl flushed? the next ADD or `netctl gc` "
			       "puts them back)", what);
	return 0;
}

int fw_check(struct cni_ctx *ctx)
{
	struct fw_config c;
	struct nft_conn conn;
	char comment[256], s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX], a[IP_STR_MAX];
	size_t i;
	int r = 0, lock;

	if (fw_config_load(ctx, true, &c) < 0)
		return -EINVAL;
	lock = fw_lock_conn(ctx, &c, &conn);
	if (lock < 0)
		return lock;
	member_sets(c.net, s4, s6);
	for (i = 0; i < c.n_addrs && r >= 0; i++) {
		const char *set = c.addrs[i].family == AF_INET ? s4 : s6;

		r = nft_get_elem(&conn, NFPROTO_INET, NFT_TABLE, set, c.addrs[i].b,
				 ip_addr_size(&c.addrs[i]), comment, sizeof(comment), &ctx->err);
		if (r < 0) {
			err_fail(&ctx->err, r, ERR_IO, "cannot read the network's firewall set");
			break;
		}
		ip_addr_format(&c.addrs[i], a, sizeof(a));
		if (r == 0 || !nft_comment_is(comment, ctx->env.container_id)) {
			r = err_set(&ctx->err, -EINVAL, ERR_INTERNAL,
				    "the container is missing from its network's firewall",
				    "address %s is not in set inet netctl %s for container %s", a,
				    set, ctx->env.container_id);
		}
	}
	if (r >= 0)
		r = check_wired(ctx, &conn, c.net);
	nft_conn_close(&conn);
	cni_net_unlock(lock);
	return r < 0 ? r : 0;
}

/* Is @id among the GC's valid attachments (any interface)? */
static bool id_valid(json_t *root, const char *id)
{
	static const char *const keys[] = { "cni.dev/valid-attachments", "cni.dev/attachments" };
	size_t k, i;
	json_t *v;

	for (k = 0; k < 2; k++) {
		json_t *arr = cni_json_get(root, keys[k]);

		json_array_foreach(arr, i, v) {
			const char *cid = json_string_value(cni_json_get(v, "containerID"));

			if (cid && !strcmp(cid, id))
				return true;
		}
	}
	return false;
}

/* Does the GC config list any attachment at all (absent lists count as none)? */
static bool any_attachment(json_t *root)
{
	return json_array_size(cni_json_get(root, "cni.dev/valid-attachments")) > 0 ||
	       json_array_size(cni_json_get(root, "cni.dev/attachments")) > 0;
}

struct gc_walk {
	json_t *root;
	char (*ids)[256];
	size_t n, cap;
};

static int gc_elem_cb(const void *key, size_t key_len, const char *comment,
		      const char *chain, void *data)
{
	struct gc_walk *w = data;
	char id[256];
	size_t i;

	if (!comment)
		return 0;
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(comment, " "), comment);
	if (id_valid(w->root, id))
		return 0;
	for (i = 0; i < w->n; i++)
		if (!strcmp(w->ids[i], id))
			return 0;
	if (array_grow((void **)&w->ids, &w->cap, w->n, sizeof(*w->ids), 16) < 0)
		return -ENOMEM;
	snprintf(w->ids[w->n++], sizeof(w->ids[0]), "%s", id);
	return 0;
}

int fw_gc(struct cni_ctx *ctx)
{
	struct fw_config c;
	struct nft_conn conn;
	struct gc_walk w = { .root = ctx->conf.root };
	char s4[NFT_OBJ_NAME_MAX], s6[NFT_OBJ_NAME_MAX];
	size_t i;
	int r, lock;

	if (fw_config_load(ctx, false, &c) < 0)
		return -EINVAL;
	c.n_addrs = 0;
	lock = fw_lock_conn(ctx, &c, &conn);
	if (lock < 0)
		return lock;
	member_sets(c.net, s4, s6);
	r = nft_list_elems(&conn, NFPROTO_INET, NFT_TABLE, s4, gc_elem_cb, &w, &ctx->err);
	if (r >= 0)
		r = nft_list_elems(&conn, NFPROTO_INET, NFT_TABLE, s6, gc_elem_cb, &w, &ctx->err);
	for (i = 0; i < w.n && r >= 0; i++)
		r = fw_remove(&conn, &c, w.ids[i], &ctx->err);
	if (r >= 0 && w.n)
		r = fw_drops_prune(&conn, c.net, &ctx->err);
	/* No attachment left on the network: its chains and sets go too. */
	if (r >= 0 && !any_attachment(ctx->conf.root))
		r = nft_netctl_net_remove(&conn, c.net, &ctx->err);
	nft_conn_close(&conn);
	cni_net_unlock(lock);
	free(w.ids);
	if (r < 0)
		return err_fail(&ctx->err, r, ERR_IO, "cannot remove stale firewall objects");
	return 0;
}
