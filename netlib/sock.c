// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "netlib/netns.h"
#include "netlib/sock.h"
#include "util/nlack.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int netlib_open(struct netlib_nl *nl, struct err *err)
{
	int one = 1, no;

	memset(nl, 0, sizeof(*nl));
	nl->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->nl || mnl_socket_bind(nl->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		no = errno ? errno : EIO;
		netlib_close(nl);
		return err_detail(err, -no, "cannot open an rtnetlink socket: %s", strerror(no));
	}
	/* Extended ACKs carry the kernel's own words; capped ACKs keep them small. */
	setsockopt(mnl_socket_get_fd(nl->nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl->nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Dumps filtered by the kernel (an address dump of one link): flat cost. */
	setsockopt(mnl_socket_get_fd(nl->nl), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
		   sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->nl);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

int netlib_open_netns_fd(struct netlib_nl *nl, int netns_fd, struct err *err)
{
	int saved, r, r2;

	saved = netlib_netns_enter(netns_fd, err);
	if (saved < 0)
		return saved;
	r = netlib_open(nl, err);
	r2 = netlib_netns_leave(saved, err);
	if (r2 < 0) {
		if (r == 0)
			netlib_close(nl);
		return r2;
	}
	return r;
}

int netlib_open_netns(struct netlib_nl *nl, const char *netns_path, struct err *err)
{
	int fd = netlib_netns_open(netns_path, err), r;

	if (fd < 0)
		return fd;
	r = netlib_open_netns_fd(nl, fd, err);
	close(fd);
	return r;
}

void netlib_close(struct netlib_nl *nl)
{
	if (nl->nl)
		mnl_socket_close(nl->nl);
	nl->nl = NULL;
}

const char *netlib_ack_text(const struct nlmsghdr *nlh)
{
	return nl_ack_parse(nlh).msg;
}

/* "what: the errno's text (the kernel's words)"; returns @neg. */
static int set_err(struct err *err, const char *what, int neg, const char *kernel)
{
	if (kernel && kernel[0])
		return err_detail(err, neg, "%s: %s (%s)", what, strerror(-neg), kernel);
	return err_detail(err, neg, "%s: %s", what, strerror(-neg));
}

/* One datagram's messages. Return 1 to keep reading, 0 when done, -errno. */
static int handle_batch(const char *buf, size_t len, uint32_t seq, netlib_msg_cb cb,
			void *data, const char *what, struct err *err)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int r;

	for (; mnl_nlmsg_ok(nlh, (int)len); nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
		if (nlh->nlmsg_seq != seq)
			continue;	/* a stale answer to an earlier request */
		if (nlh->nlmsg_type == NLMSG_DONE) {
			/* a dump that failed half-way says so in DONE's payload */
			int e = 0;

			if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
				memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(int));
			if (e < 0) {
				return set_err(err, what, e, NULL);
			}
			return 0;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
				return set_err(err, what, -EBADMSG, NULL);
			}
			if (e->error == 0)
				return 0;
			return set_err(err, what, e->error, netlib_ack_text(nlh));
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (cb) {
			r = cb(nlh, data);
			if (r < 0)
				return set_err(err, what, r, NULL);
		}
	}
	return 1;
}

int netlib_request(struct netlib_nl *nl, struct nlmsghdr *nlh, netlib_msg_cb cb, void *data,
		   const char *what, struct err *err)
{
	char buf[32768];	/* 32 KiB: per call, so callbacks may send requests */
	ssize_t len;
	int r;

	if (!nl->nl)
		return set_err(err, what, -EBADF, "socket not open");
	/* Every request asks for an ACK; a dump's answer ends with NLMSG_DONE instead. */
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->nl, nlh, nlh->nlmsg_len) < 0)
		return set_err(err, what, -errno, NULL);
	for (;;) {
		len = mnl_socket_recvfrom(nl->nl, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return set_err(err, what, -errno, NULL);
		}
		r = handle_batch(buf, (size_t)len, nl->seq, cb, data, what, err);
		if (r <= 0)
			return r;
	}
}
