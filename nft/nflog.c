// SPDX-License-Identifier: Apache-2.0
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "nft/nflog.h"

#define COPY_RANGE 128		/* IPv6 header (40) and any transport header we read */

static struct nlmsghdr *config_msg(char *buf, uint16_t group, uint32_t seq, uint8_t pf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = pf;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(group);
	return nlh;
}

static int send_ack(struct nft_nflog *l, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t r;

	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	r = mnl_socket_recvfrom(l->nl, buf, sizeof(buf));
	if (r < 0)
		return -errno;
	return mnl_cb_run(buf, (size_t)r, nlh->nlmsg_seq, mnl_socket_get_portid(l->nl), NULL,
			  NULL) < 0 ? -errno : 0;
}

int nft_nflog_open(struct nft_nflog *l, uint16_t group, struct err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_BIND };
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(COPY_RANGE),
					       .copy_mode = NFULNL_COPY_PACKET };
	struct nlmsghdr *nlh;
	int r;

	memset(l, 0, sizeof(*l));
	l->group = group;
	l->seq = 1;
	l->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!l->nl || mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		err_detail(err, r, "cannot open a netlink socket to nfnetlink_log: %s",
			   strerror(-r));
		nft_nflog_close(l);
		return r;
	}
	nlh = config_msg(buf, group, l->seq++, AF_UNSPEC);
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	r = send_ack(l, nlh);
	if (r == 0) {
		nlh = config_msg(buf, group, l->seq++, AF_UNSPEC);
		mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
		/* one message per packet, at once: the kernel's default batches up to 100
		 * packets for up to a second */
		mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(1));
		mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(1));
		r = send_ack(l, nlh);
	}
	if (r < 0) {
		err_detail(err, r, "cannot bind NFLOG group %u: %s%s", group, strerror(-r),
			   r == -EBUSY ? " (another listener has it)" : r == -EOPNOTSUPP || r == -ENOENT ? " (no nfnetlink_log in this kernel?)" : "");
		nft_nflog_close(l);
	}
	return r;
}

void nft_nflog_close(struct nft_nflog *l)
{
	if (l->nl)
		mnl_socket_close(l->nl);
	l->nl = NULL;
}

struct attrs {
	const struct nlattr *a[NFULA_MAX + 1];
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(attr);

	if (type >= 0 && type <= NFULA_MAX)
		t->a[type] = attr;
	return MNL_CB_OK;
}

/* The IP header and the first bytes of the transport header of @p (@len bytes). */
static void parse_payload(const uint8_t *p, size_t len, struct nft_log_entry *e)
{
	size_t l4 = 0;

	if (len >= 20 && (p[0] >> 4) == 4) {
		e->saddr.family = e->daddr.family = AF_INET;
		memcpy(e->saddr.b, p + 12, 4);
		memcpy(e->daddr.b, p + 16, 4);
		e->proto = p[9];
		l4 = (size_t)(p[0] & 0xf) * 4;
	} else if (len >= 40 && (p[0] >> 4) == 6) {
		e->saddr.family = e->daddr.family = AF_INET6;
		memcpy(e->saddr.b, p + 8, 16);
		memcpy(e->daddr.b, p + 24, 16);
		e->proto = p[6];	/* extension headers are not followed */
		l4 = 40;
	}
	if (!l4 || len < l4 + 4)
		return;
	if (e->proto == IPPROTO_ICMP || e->proto == IPPROTO_ICMPV6) {
		e->dport = p[l4];	/* the ICMP type */
		return;
	}
	e->sport = (uint16_t)(p[l4] << 8 | p[l4 + 1]);
	e->dport = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
}

int nft_log_parse(const void *msg, struct nft_log_entry *e)
{
	const struct nlmsghdr *nlh = msg;
	struct attrs t = { 0 };

	memset(e, 0, sizeof(*e));
	if ((nlh->nlmsg_type & 0xff) != NFULNL_MSG_PACKET ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &t) < 0)
		return -EINVAL;
	if (t.a[NFULA_PREFIX])
		snprintf(e->prefix, sizeof(e->prefix), "%.*s",
			 (int)mnl_attr_get_payload_len(t.a[NFULA_PREFIX]),
			 (const char *)mnl_attr_get_payload(t.a[NFULA_PREFIX]));
	if (t.a[NFULA_IFINDEX_INDEV])
		e->indev = ntohl(mnl_attr_get_u32(t.a[NFULA_IFINDEX_INDEV]));
	if (t.a[NFULA_IFINDEX_OUTDEV])
		e->outdev = ntohl(mnl_attr_get_u32(t.a[NFULA_IFINDEX_OUTDEV]));
	if (t.a[NFULA_TIMESTAMP]) {
		const struct nfulnl_msg_packet_timestamp *ts =
			mnl_attr_get_payload(t.a[NFULA_TIMESTAMP]);

		e->time_ns = be64toh(ts->sec) * 1000000000ull + be64toh(ts->usec) * 1000ull;
	}
	if (t.a[NFULA_PAYLOAD])
		parse_payload(mnl_attr_get_payload(t.a[NFULA_PAYLOAD]),
			      mnl_attr_get_payload_len(t.a[NFULA_PAYLOAD]), e);
	return 0;
}

struct read_ctx {
	nft_nflog_cb cb;
	void *data;
	int ret;
};

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *x = data;
	struct nft_log_entry e;

	if (nft_log_parse(nlh, &e) < 0)
		return MNL_CB_OK;
	x->ret = x->cb(&e, x->data);
	return x->ret ? MNL_CB_STOP : MNL_CB_OK;
}

int nft_nflog_read(struct nft_nflog *l, int timeout_ms, nft_nflog_cb cb, void *data,
		   struct err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct pollfd p = { .fd = mnl_socket_get_fd(l->nl), .events = POLLIN };
	struct read_ctx x = { .cb = cb, .data = data };
	ssize_t r;
	int pr;

	pr = poll(&p, 1, timeout_ms);
	if (pr < 0 && errno == EINTR)
		return 0;	/* a signal: the caller decides whether to go on */
	if (pr < 0)
		return err_detail(err, -errno, "waiting for NFLOG messages: %s", strerror(errno));
	if (pr == 0)
		return 0;
	r = mnl_socket_recvfrom(l->nl, buf, sizeof(buf));
	if (r < 0) {
		/* ENOBUFS: we were too slow and the kernel dropped messages; go on */
		if (errno == ENOBUFS)
			return 1;
		return err_detail(err, -errno, "reading NFLOG messages: %s", strerror(errno));
	}
	/* Packets come unsolicited (sequence 0, our port): no sequence to check. */
	if (mnl_cb_run(buf, (size_t)r, 0, 0, msg_cb, &x) < 0 && !x.ret)
		return err_detail(err, -errno, "reading NFLOG messages: %s", strerror(errno));
	return x.ret ? x.ret : 1;
}
