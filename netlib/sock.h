/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An rtnetlink socket bound to one network namespace, and the one step that sends a
 * built message and reads the kernel's answer.
 *
 * Choice for other namespaces: a netlink socket serves the netns it was created in,
 * for its whole life. So netlib_open_netns() does a short setns-and-back on the
 * calling thread (setns to the target, socket(), setns back to the saved fd) and
 * every later request on that socket needs no switching. Plugins are single-threaded
 * processes, so the brief excursion cannot be observed by another thread; should
 * setns back fail, the process is in the wrong netns and the call returns -errno with
 * "cannot return to the original netns" so the caller can give up loudly.
 */
#ifndef NETCTL_NETLIB_SOCK_H
#define NETCTL_NETLIB_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include "util/err.h"

struct mnl_socket;

struct netlib_nl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
};

/** netlib_open() - an rtnetlink socket in the caller's netns, with NETLINK_EXT_ACK. */
int netlib_open(struct netlib_nl *nl, struct err *err);
/**
 * netlib_open_netns() - the same, created inside the netns at @netns_path (a
 * /proc/PID/ns/net or /run/netns/NAME file). -ENOENT when the netns is gone.
 */
int netlib_open_netns(struct netlib_nl *nl, const char *netns_path, struct err *err);
/** netlib_open_netns_fd() - the same from an open netns fd. */
int netlib_open_netns_fd(struct netlib_nl *nl, int netns_fd, struct err *err);
void netlib_close(struct netlib_nl *nl);

/* Called for each reply message (not the ACK); return 0 or -errno to stop. */
typedef int (*netlib_msg_cb)(const struct nlmsghdr *nlh, void *data);

/**
 * netlib_request() - send @nlh (built by a netlib_msg_* function), wait for its ACK.
 * NLM_F_ACK is set on every request; replies before the ACK (a GET's answer, a
 * dump's parts, which end with NLMSG_DONE) go to @cb when non-NULL.
 * @what names the operation for the error text ("creating bridge cni0").
 * Return: 0, or -errno with "@what: strerror (kernel's extended-ACK message)" in
 * @err.
 */
int netlib_request(struct netlib_nl *nl, struct nlmsghdr *nlh, netlib_msg_cb cb, void *data,
		   const char *what, struct err *err);

/** netlib_ack_text() - the NLMSGERR_ATTR_MSG of an error message, or NULL. Pure. */
const char *netlib_ack_text(const struct nlmsghdr *nlh);

#endif
