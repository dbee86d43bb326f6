// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "util/nlack.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

int nft_conn_open(struct nft_conn *c, struct err *err)
{
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!c->nl)
		goto fail;
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Without extended ACKs we still work; the kernel's words are a bonus. */
	setsockopt(mnl_socket_get_fd(c->nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return 0;
fail:
	{
		int no = errno ? errno : EIO;

		if (c->nl)
			mnl_socket_close(c->nl);
		c->nl = NULL;
		return err_detail(err, -no, "cannot open a netlink socket to nf_tables: %s",
				  strerror(no));
	}
}

int nft_conn_ensure(struct nft_conn *c, struct err *err)
{
	return c->nl ? 0 : nft_conn_open(c, err);
}

/*
 * Releasing an nfnetlink socket runs nft_rcv_nl_event(), which flushes the pending
 * transaction destroy work (nf_tables_trans_destroy_flush_work(): a synchronize_rcu)
 * whenever a deleting commit left some: the element is long gone from the set, but
 * close() blocks. A grandchild (no zombie for a long-lived caller) takes the last
 * reference: it waits until we have dropped ours (EOF on @gate), then closes and
 * exits; it holds nothing else, not even stdout, so a runtime reading our output sees
 * EOF when we exit.
 */
static void close_in_background(int fd)
{
	int gate[2], status;
	pid_t pid;

	if (pipe(gate) < 0) {
		close(fd);
		return;
	}
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			char byte;
			int keep[2] = { fd < gate[0] ? fd : gate[0], fd < gate[0] ? gate[0] : fd };

			close_range(0, (unsigned)keep[0] - 1, 0);
			close_range((unsigned)keep[0] + 1, (unsigned)keep[1] - 1, 0);
			close_range((unsigned)keep[1] + 1, ~0U, 0);
			while (read(gate[0], &byte, 1) < 0 && errno == EINTR)
				;
			close(fd);
			_exit(0);
		}
		_exit(0);
	}
	close(gate[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	close(fd);
	close(gate[1]);		/* after ours is gone: the grandchild may close now */
}

void nft_conn_close(struct nft_conn *c)
{
	const char *sync = getenv("NETCTL_NFT_SYNC_CLOSE");

	if (!c->nl)
		return;
	if (c->destroyed && !(sync && *sync && strcmp(sync, "0"))) {
		int fd = dup(mnl_socket_get_fd(c->nl));

		/* libmnl frees its struct; the duplicate keeps the socket for the grandchild */
		mnl_socket_close(c->nl);
		if (fd >= 0)
			close_in_background(fd);
	} else {
		mnl_socket_close(c->nl);
	}
	c->nl = NULL;
}

static void trace_error(const struct nft_batch *b, const struct nlmsghdr *nlh, int no,
			struct err *err)
{
	const char *what = "the batch as a whole";
	struct nl_ack ack = nl_ack_parse(nlh);
	size_t i;

	for (i = 0; i < b->n_ops; i++) {
		if (b->ops[i].seq == nlh->nlmsg_seq) {
			what = b->ops[i].what;
			break;
		}
	}
	if (ack.msg)
		err_detail(err, -no, "%s: %s: %s", what, strerror(no), ack.msg);
	else if (ack.bad_attr >= 0)
		err_detail(err, -no, "%s: %s (attribute %d)", what, strerror(no), ack.bad_attr);
	else
		err_detail(err, -no, "%s: %s", what, strerror(no));
}

static void set_bufs(int fd, size_t snd, size_t rcv)
{
	int s = snd > (1u << 30) ? 1 << 30 : (int)snd;
	int r = rcv > (1u << 30) ? 1 << 30 : (int)rcv;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &s, sizeof(s)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s, sizeof(s));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &r, sizeof(r)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, sizeof(r));
}

/*
 * Read every ACK the batch produced. The kernel runs the batch inside sendmsg(), so
 * they are all queued by now; the wait is only a guard. An error about the batch as a
 * whole (its BEGIN message, or out of memory) comes alone: stop there.
 */
static int read_acks(struct nft_conn *c, const struct nft_batch *b, struct err *err)
{
	size_t bufsz = 128 * 1024, acked = 0;	/* an error echoes a message of <= 64 KiB */
	char *buf = malloc(bufsz);
	int fd = mnl_socket_get_fd(c->nl), first = 0;
	bool whole = false;

	if (!buf)
		return err_detail(err, -ENOMEM,
				  "reading nf_tables acknowledgements: out of memory");
	while (acked < b->n_ops && !whole) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t len;
		int left;

		if (poll(&p, 1, first ? 0 : 5000) <= 0) {
			if (!first) {
				first = err_detail(err, -ETIMEDOUT,
						   "nf_tables did not acknowledge the batch");
			}
			break;
		}
		len = recv(fd, buf, bufsz, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (!first) {
				first = err_detail(err, -errno,
						   "reading nf_tables acknowledgements: %s",
						   strerror(errno));
			}
			break;
		}
		left = (int)len;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			acked++;
			e = mnl_nlmsg_get_payload(nlh);
			if (nlh->nlmsg_seq == b->seq_begin || nlh->nlmsg_seq == b->seq_end)
				whole = true;
			if (e->error && !first) {
				first = e->error;
				trace_error(b, nlh, -e->error, err);
			}
		}
	}
	free(buf);
	return first;
}

int nft_batch_send(struct nft_conn *c, struct nft_batch *b, struct err *err)
{
	char begin[NLMSG_HDRLEN + 64] = { 0 }, end[NLMSG_HDRLEN + 64] = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *bh, *eh;
	struct msghdr msg = { 0 };
	struct iovec *iov;
	ssize_t sent;
	int pages;

	if (b->err)
		return err_detail(err, b->err, "building %s: %s", b->err_what, strerror(-b->err));
	if (!b->n_ops)
		return 0;
	/* BEGIN, libnftnl's pages, END: one datagram, one transaction */
	pages = nftnl_batch_iovec_len(b->pages);
	iov = calloc((size_t)pages + 2, sizeof(*iov));
	if (!iov)
		return err_detail(err, -ENOMEM, "sending the nf_tables batch: out of memory");
	b->seq_end = ++c->seq;
	bh = nftnl_batch_begin(begin, b->seq_begin);
	eh = nftnl_batch_end(end, b->seq_end);
	iov[0] = (struct iovec){ begin, NLMSG_ALIGN(bh->nlmsg_len) };
	nftnl_batch_iovec(b->pages, iov + 1, (uint32_t)pages);
	iov[pages + 1] = (struct iovec){ end, NLMSG_ALIGN(eh->nlmsg_len) };
	msg.msg_name = &kernel;
	msg.msg_namelen = sizeof(kernel);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)pages + 2;
	set_bufs(mnl_socket_get_fd(c->nl), b->len + 65536, b->n_ops * 2048 + 262144);
	sent = sendmsg(mnl_socket_get_fd(c->nl), &msg, 0);
	free(iov);
	c->destroyed |= b->destroys;
	if (sent < 0)
		return err_detail(err, -errno, "sending the nf_tables batch (%zu messages): %s",
				  b->n_ops, strerror(errno));
	return read_acks(c, b, err);
}

int nft_batch_commit(struct nft_batch *b, struct err *err)
{
	int r = nft_batch_empty(b) ? 0 : nft_batch_send(b->conn, b, err);

	nft_batch_free(b);
	return r;
}

/* Appends @len bytes to the growing reply buffer. */
static int reply_append(char **all, size_t *used, size_t *cap, const void *p, size_t len)
{
	if (*used + len > *cap) {
		size_t ncap = *cap ? *cap : 65536;
		char *nb;

		while (ncap < *used + len)
			ncap *= 2;
		nb = realloc(*all, ncap);
		if (!nb)
			return -ENOMEM;
		*all = nb;
		*cap = ncap;
	}
	memcpy(*all + *used, p, len);
	*used += len;
	return 0;
}

/*
 * Reads every reply to @seq, up to its NLMSG_DONE or NLMSG_ERROR, into *@all.
 * *@intr: the kernel flagged the dump as interrupted by a concurrent change.
 */
static int read_replies(struct nft_conn *c, uint32_t seq, char **all, size_t *used,
			size_t *cap, bool *intr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	ssize_t len;

	*used = 0;
	*intr = false;
	for (;;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int left;

		len = mnl_socket_recvfrom(c->nl, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (left = (int)len; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_seq != seq)
				continue;	/* a stale answer to an earlier request */
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (reply_append(all, used, cap, h, h->nlmsg_len) < 0)
				return -ENOMEM;
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return 0;
		}
	}
}

int nft_conn_query(struct nft_conn *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		   const char *what, struct err *err)
{
	char *all = NULL;
	size_t used = 0, cap = 0;
	bool intr = true;
	int r = 0, tries;

	/*
	 * A dump that a concurrent change interrupted (NLM_F_DUMP_INTR) may be
	 * inconsistent: it is read to its end and asked again, and only a whole,
	 * consistent answer reaches @cb, so callbacks never see a partial one twice.
	 */
	for (tries = 0; intr && tries < 20; tries++) {
		nlh->nlmsg_seq = ++c->seq;
		if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0) {
			r = -errno;
			break;
		}
		r = read_replies(c, nlh->nlmsg_seq, &all, &used, &cap, &intr);
		if (r < 0)
			break;
	}
	if (!r && intr)
		r = -EINTR;	/* twenty interrupted dumps in a row */
	if (!r) {
		errno = 0;
		r = mnl_cb_run(all, used, nlh->nlmsg_seq, c->portid, cb, data);
		r = r == MNL_CB_ERROR ? -(errno ? errno : EIO) : 0;
	}
	free(all);
	/* ENOENT: no such table/set/chain; callers often expect it. */
	if (r < 0)
		err_detail(err, r, "%s: %s", what, strerror(-r));
	return r;
}
