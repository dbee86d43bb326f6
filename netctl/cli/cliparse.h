/* SPDX-License-Identifier: Apache-2.0 */
/* Pure parsers for netctl's command-line values (rates, ports, containers). */
#ifndef NETCTL_CLIPARSE_H
#define NETCTL_CLIPARSE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

/**
 * cli_parse_rate() - "10mbit", "1gbit", "500kbit", "2mbps" (bytes/s, as tc), "1000"
 * (bits/s) into bits/s: units bit kbit mbit gbit tbit and bps kbps mbps gbps tbps,
 * SI (1000), any case. Return 0, or -EINVAL (also for 0 and overflow).
 */
int cli_parse_rate(const char *s, uint64_t *bits);

#define CLI_PUBLISH_MAX 1024	/* ports in one --publish range (portmap's limit) */

/**
 * cli_parse_publish() - "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp|sctp]", where each
 * port may be a range "P1-P2" (host and container ranges of the same length), into a
 * JSON array of CNI portMappings entries {"hostPort","containerPort","protocol"
 * [,"hostIP"]}, one per port. Ports 1-65535.
 * Return: new reference, or NULL when @s is not valid.
 */
json_t *cli_parse_publish(const char *s);

/**
 * cli_parse_ip() - an address, optionally with a prefix length: "10.88.0.5",
 * "10.88.0.5/24", "fd00::5". 0 or -EINVAL.
 */
int cli_parse_ip(const char *s);

struct cli_container {
	char netns[PATH_MAX];		/* absolute path of the netns */
	char id[64];			/* "netctl-" + 16 hex of a hash of netns */
	char name[256];			/* the netns name when CONTAINER is one, else "" */
};

/**
 * cli_container_resolve() - CONTAINER as a netns: all digits is a PID
 * (/proc/PID/ns/net), with a '/' a path (relative to the working directory), else a
 * name under @netnsdir. The container ID is "netctl-" + 16 hex digits of FNV-1a 64 of
 * the absolute netns path, as `netctl cni` derives it, so the same CONTAINER always
 * names the same attachment. With @must_exist, the path must be a network namespace.
 * Return 0, -EINVAL (bad name), -ENOENT (no such netns), -ENOTTY (not a netns).
 */
int cli_container_resolve(const char *arg, const char *netnsdir, bool must_exist,
			  struct cli_container *c);

#endif
