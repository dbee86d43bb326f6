/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network namespaces by path, and sysctls written through /proc/sys inside one.
 * /proc/sys/net resolves to the netns of the task that opens the file, so a sysctl
 * for another netns is opened after a short setns-and-back (see sock.h for why that
 * is safe in our single-threaded programs), then written from home.
 */
#ifndef NETCTL_NETLIB_NETNS_H
#define NETCTL_NETLIB_NETNS_H

#include <stddef.h>
#include "util/err.h"

/** netlib_netns_open() - O_RDONLY|O_CLOEXEC fd of @path, checked to be a netns. */
int netlib_netns_open(const char *path, struct err *err);
/**
 * netlib_netns_enter() - setns(@fd) on this thread.
 * Return: an fd of the netns we left (give it to netlib_netns_leave()), or -errno.
 */
int netlib_netns_enter(int fd, struct err *err);
/** netlib_netns_leave() - setns back to @saved and close it. */
int netlib_netns_leave(int saved, struct err *err);

/**
 * netlib_sysctl_write() - write @value to /proc/sys/@key ("net/ipv4/ip_forward")
 * in the netns @netns_fd (-1: ours). @key must not contain "..".
 */
int netlib_sysctl_write(int netns_fd, const char *key, const char *value, struct err *err);
/** netlib_sysctl_read() - read it (trailing newline stripped) into @out. */
int netlib_sysctl_read(int netns_fd, const char *key, char *out, size_t outlen, struct err *err);

#endif
